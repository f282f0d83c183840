/*
 * fuzz target: SASL exchanges against hostile challenges.  The input is
 * split at newlines into server challenges (base64, as they arrive after
 * "334 "); each mechanism answers them in turn and must fail cleanly or
 * succeed, never crash or read out of bounds.  SCRAM's server messages
 * are the interesting part: nonce, salt, iteration count, signature.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "auth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int mech[] = { AUTH_PLAIN, AUTH_LOGIN, AUTH_CRAM_MD5,
	    AUTH_SCRAM_SHA256, AUTH_XOAUTH2 };
	struct auth	*a;
	struct perr	 e;
	char		*buf, *line, *p, out[4096];
	size_t		 m;

	if (size > 8192 || (buf = malloc(size + 1)) == NULL)
		return 0;
	for (m = 0; m < sizeof(mech) / sizeof(mech[0]); m++) {
		memcpy(buf, data, size);
		buf[size] = '\0';
		if ((a = auth_new(mech[m], "user", "pencil", &e)) == NULL)
			continue;
		auth_set_nonce(a, "rOprNGfwEbeRWgbNEkqO");
		if (auth_step(a, NULL, out, sizeof(out), &e) == 0) {
			for (p = buf; (line = strsep(&p, "\n")) != NULL;)
				if (auth_step(a, line, out, sizeof(out), &e) ==
				    -1)
					break;
			(void)auth_complete(a);
		}
		auth_free(a);
	}
	free(buf);
	return 0;
}
