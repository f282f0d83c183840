/*
 * server.c (fuzz) - server_run on arbitrary sessions, with the properties
 * callers rely on checked, not only the absence of crashes:
 *   - reading from memory and writing to memory never fail, so the
 *     result is the number of messages submit accepted;
 *   - every output line is a reply "ddd " or "ddd-" ending in CRLF, with
 *     no other control byte, the first a 220 and every code 2xx to 5xx;
 *   - a submitted message has 1 to SERVER_MAX_RCPTS recipients, none
 *     empty, no NUL and no CR (bare CRs became line ends), ends in LF
 *     unless empty, and fits max_bytes.
 * The first input byte picks the set-up, the rest is what the client
 * sends: bit 0, a 64-byte size limit and a submit that answers a message
 * of odd size with a forged two-line reply; bit 1, no check_addr (with
 * bit 0 clear, a submit that refuses every message); bit 2, a hostname
 * the server must not use.  Only server.c and log.c are linked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "server.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	nsubmitted;

static int
fuzz_submit(void *arg, const char *from, char *const *rcpts, size_t nrcpts,
    FILE *msg, char *reply, size_t replysz)
{
	const struct server_ops	*ops = arg;
	char			 buf[4096];
	size_t			 n, i;
	long long		 total = 0;
	int			 last = -1;

	if (from == NULL || nrcpts == 0 || nrcpts > SERVER_MAX_RCPTS)
		abort();
	for (i = 0; i < nrcpts; i++)
		if (rcpts[i] == NULL || rcpts[i][0] == '\0')
			abort();
	if (ftello(msg) != 0)
		abort();
	while ((n = fread(buf, 1, sizeof(buf), msg)) > 0) {
		if (memchr(buf, '\0', n) != NULL ||
		    memchr(buf, '\r', n) != NULL)
			abort();
		total += (long long)n;
		last = (unsigned char)buf[n - 1];
	}
	if ((total > 0 && last != '\n') ||
	    (ops->max_bytes > 0 && total > ops->max_bytes))
		abort();
	if (ops->check_addr != NULL && from[0] == '!')
		abort();	/* fuzz_check refuses these */
	if (ops->max_bytes > 0 && total % 2 == 1) {
		/* a callback's reply that must not reach the client as is */
		(void)snprintf(reply, replysz, "250 x\r\n554 forged");
		return -1;
	}
	if (ops->max_bytes == 0 && ops->check_addr == NULL) {
		(void)snprintf(reply, replysz, "554 5.6.0 refused");
		return -1;
	}
	nsubmitted++;
	(void)snprintf(reply, replysz, "250 2.0.0 Ok: queued as F%d",
	    nsubmitted);
	return 0;
}

static int
fuzz_check(void *arg, const char *addr, int is_sender, char *out,
    size_t outsz, char *reply, size_t replysz)
{
	(void)arg;
	if (!is_sender && addr[0] == '\0')
		abort();
	if (addr[0] == '!') {
		(void)snprintf(reply, replysz, "553 5.1.3 bad <%s>", addr);
		return -1;
	}
	if (addr[0] == '?') {
		(void)snprintf(reply, replysz, "%s", addr);
		return -1;
	}
	if (strchr(addr, '@') == NULL)
		(void)snprintf(out, outsz, "%s@fuzz.example", addr);
	else
		(void)strlcpy(out, addr, outsz);
	return 0;
}

/* Every line a well-formed reply ending in CRLF, the first a 220. */
static void
fuzz_output(const char *o, size_t len)
{
	size_t	i, start;

	if (len < 6 || strncmp(o, "220 ", 4) != 0)
		abort();
	for (start = 0; start < len; start = i + 2) {
		if (len - start < 6 || o[start] < '2' || o[start] > '5' ||
		    o[start + 1] < '0' || o[start + 1] > '9' ||
		    o[start + 2] < '0' || o[start + 2] > '9' ||
		    (o[start + 3] != ' ' && o[start + 3] != '-'))
			abort();
		for (i = start; i < len && o[i] != '\r'; i++)
			if ((unsigned char)o[i] < 0x20 || o[i] == 0x7f)
				abort();
		if (i + 1 >= len || o[i + 1] != '\n')
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct server_ops	 ops;
	struct perr		 e;
	FILE			*in, *o;
	char			*copy, *out = NULL;
	size_t			 outlen = 0;
	int			 rc;

	if (size < 2)
		return 0;
	memset(&ops, 0, sizeof(ops));
	ops.submit = fuzz_submit;
	ops.check_addr = (data[0] & 2) ? NULL : fuzz_check;
	ops.arg = &ops;
	ops.hostname = "fuzz.example";
	ops.max_bytes = (data[0] & 1) ? 64 : 0;
	if (data[0] & 4)
		ops.hostname = "bad host\r\n";
	if ((copy = malloc(size - 1)) == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if ((in = fmemopen(copy, size - 1, "r")) == NULL) {
		free(copy);
		return 0;
	}
	if ((o = open_memstream(&out, &outlen)) == NULL) {
		fclose(in);
		free(copy);
		return 0;
	}
	nsubmitted = 0;
	memset(&e, 0, sizeof(e));
	rc = server_run(in, o, &ops, &e);
	if (fclose(o) != 0)
		abort();
	if (rc != nsubmitted)
		abort();
	fuzz_output(out, outlen);
	fclose(in);
	free(copy);
	free(out);
	return 0;
}
