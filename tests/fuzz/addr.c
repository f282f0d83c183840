/*
 * addr.c (fuzz) - addr_parse_list, addr_qualify_value and addr_envelope
 * on arbitrary bytes, with the properties callers rely on checked, not
 * only the absence of crashes:
 *   - every entry's off/len lies inside the value;
 *   - a qualified value parses again to as many entries, none bare, and
 *     qualifying it once more changes nothing;
 *   - an accepted envelope address holds no control byte and is accepted
 *     again unchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_list(const char *s, size_t len)
{
	struct addr_list	 l, l2;
	struct perr		 e;
	char			*q, *q2, *env;
	size_t			 i, nbare = 0;

	memset(&l, 0, sizeof(l));
	if (addr_parse_list(s, &l, &e) == -1) {
		if (l.n != 0 || l.v != NULL || e.msg[0] == '\0')
			abort();
		if (addr_qualify_value(s, "example.org", &e) != NULL)
			abort();
		return;
	}
	for (i = 0; i < l.n; i++) {
		if (l.v[i].spec == NULL || l.v[i].len == 0 ||
		    l.v[i].off + l.v[i].len > len)
			abort();
		nbare += l.v[i].bare != 0;
		if ((addr_domain(l.v[i].spec) == NULL) != (l.v[i].bare != 0))
			abort();
		(void)addr_is_utf8(l.v[i].spec);
		free(addr_envelope(l.v[i].spec, 0, &e));
	}
	if ((q = addr_qualify_value(s, "example.org", &e)) == NULL)
		abort();
	if (strlen(q) != len + nbare * strlen("@example.org"))
		abort();
	memset(&l2, 0, sizeof(l2));
	if (addr_parse_list(q, &l2, &e) == -1 || l2.n != l.n)
		abort();
	for (i = 0; i < l2.n; i++)
		if (l2.v[i].bare)
			abort();
	if ((q2 = addr_qualify_value(q, "example.org", &e)) == NULL ||
	    strcmp(q, q2) != 0)
		abort();
	if ((env = addr_envelope(s, 1, &e)) != NULL)
		free(env);
	free(q);
	free(q2);
	addr_list_free(&l2);
	addr_list_free(&l);
}

static void
fuzz_envelope(const char *s)
{
	struct perr	 e;
	char		*r, *r2;
	size_t		 i;

	if ((r = addr_envelope(s, 1, &e)) == NULL) {
		if (e.msg[0] == '\0')
			abort();
		return;
	}
	for (i = 0; r[i] != '\0'; i++)
		if ((unsigned char)r[i] < 0x20 || r[i] == 0x7f)
			abort();
	if ((r2 = addr_envelope(r, 1, &e)) == NULL || strcmp(r, r2) != 0)
		abort();
	free(r2);
	free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;
	size_t	 len;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);	/* the value ends at the first NUL */
	fuzz_list(s, len);
	fuzz_envelope(s);
	free(s);
	return 0;
}
