/*
 * resolve.c (fuzz) - the DNS answer parsers (MX, A, AAAA, TLSA, TXT), the
 * name conversion and Punycode, the address literal and resolver key
 * parsers on arbitrary bytes, with what callers rely on checked, not
 * only the absence of crashes:
 *   - a parser returns 0 with a known status, or -1 with TEMPFAIL, a
 *     reason, e->temp 1 and nothing allocated;
 *   - MX hosts are sorted by preference, valid names, and a null MX or
 *     NODATA has none; addresses are of the family asked for with the
 *     port set; TLSA and TXT lengths match what was allocated;
 *   - every input is also read as a whole answer for each type (the
 *     question decides which one goes deep), and a prefix of 16 bytes
 *     or fewer (no room for a header and a question) must fail;
 *   - a name that resolve_name() accepts is ASCII, within its limits and
 *     accepted again unchanged;
 *   - Punycode decodes back (a decoder written here, RFC 3492 6.2) to
 *     the code points encoded.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "resolve.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_fail(int rc, enum resolve_status st, const struct perr *e)
{
	if (rc == -1 && (st != RESOLVE_TEMPFAIL || e->temp != 1 ||
	    e->msg[0] == '\0'))
		abort();
	if (rc == 0 && st != RESOLVE_FOUND && st != RESOLVE_NODATA &&
	    st != RESOLVE_NXDOMAIN && st != RESOLVE_NULLMX &&
	    st != RESOLVE_CNAME)
		abort();
}

/* A name from an answer: valid and unchanged by resolve_name(). */
static void
check_name(const char *s)
{
	char		 out[RESOLVE_NAME_MAX];
	struct perr	 e;

	if (resolve_name(s, out, sizeof(out), &e) == -1 || strcmp(s, out) != 0)
		abort();
}

static void
fuzz_mx(const uint8_t *d, size_t n)
{
	struct resolve_mxset	 mx;
	struct perr		 e;
	size_t			 i;
	int			 rc;

	rc = resolve_parse_mx(d, (int)n, NULL, &mx, &e);
	check_fail(rc, mx.status, &e);
	if (rc == -1 || mx.status != RESOLVE_FOUND) {
		if (mx.n != 0 || mx.implicit)
			abort();
		return;
	}
	if (mx.n == 0 || mx.n > RESOLVE_MX_MAX)
		abort();
	check_name(mx.name);
	for (i = 0; i < mx.n; i++) {
		check_name(mx.mx[i].host);
		if (mx.mx[i].pref > 65535 ||
		    (i > 0 && mx.mx[i].pref < mx.mx[i - 1].pref))
			abort();
	}
}

static void
fuzz_addrs(const uint8_t *d, size_t n, int family)
{
	struct resolve_addrset	 as;
	struct perr		 e;
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	size_t			 i;
	int			 rc;

	rc = resolve_parse_addrs(d, (int)n, NULL, family, 2525, &as, &e);
	check_fail(rc, as.status, &e);
	if ((as.n > 0) != (rc == 0 && as.status == RESOLVE_FOUND) ||
	    as.n > RESOLVE_ADDR_MAX)
		abort();
	for (i = 0; i < as.n; i++) {
		if (as.addr[i].ss_family != family)
			abort();
		sin = (struct sockaddr_in *)&as.addr[i];
		sin6 = (struct sockaddr_in6 *)&as.addr[i];
		if ((family == AF_INET ? sin->sin_port : sin6->sin6_port) !=
		    htons(2525))
			abort();
	}
}

static void
fuzz_tlsa(const uint8_t *d, size_t n)
{
	struct resolve_tlsaset	 ts;
	struct perr		 e;
	size_t			 i, sum = 0;
	int			 rc;

	rc = resolve_parse_tlsa(d, (int)n, NULL, &ts, &e);
	check_fail(rc, ts.status, &e);
	if (rc == -1 && (ts.v != NULL || ts.n != 0))
		abort();
	if ((ts.n > 0) != (rc == 0 && ts.status == RESOLVE_FOUND) ||
	    ts.n > RESOLVE_TLSA_MAX)
		abort();
	for (i = 0; i < ts.n; i++) {
		if (ts.v[i].data == NULL)
			abort();
		sum += ts.v[i].len + 3;
	}
	if (sum > n)
		abort();
	resolve_tlsa_free(&ts);
}

static void
fuzz_txt(const uint8_t *d, size_t n)
{
	struct resolve_txtset	 ts;
	struct perr		 e;
	size_t			 i, sum = 0;
	int			 rc;

	rc = resolve_parse_txt(d, (int)n, NULL, &ts, &e);
	check_fail(rc, ts.status, &e);
	if (rc == -1 && (ts.v != NULL || ts.n != 0))
		abort();
	if ((ts.n > 0) != (rc == 0 && ts.status == RESOLVE_FOUND) ||
	    ts.n > RESOLVE_TXT_MAX)
		abort();
	for (i = 0; i < ts.n; i++) {
		if (ts.v[i].s == NULL || ts.v[i].s[ts.v[i].len] != '\0')
			abort();
		sum += ts.v[i].len;
	}
	if (sum > n)
		abort();
	resolve_txt_free(&ts);
}

/* ---- a Punycode decoder, to check the encoder against ------------------ */

#define BASE	36
#define TMIN	1
#define TMAX	26

static uint32_t
dec_adapt(uint32_t delta, uint32_t npoints, int first)
{
	uint32_t	 k = 0;

	delta = first ? delta / 700 : delta / 2;
	delta += delta / npoints;
	for (; delta > ((BASE - TMIN) * TMAX) / 2; k += BASE)
		delta /= BASE - TMIN;
	return k + (BASE - TMIN + 1) * delta / (delta + 38);
}

static uint32_t
dec_digit(char c)
{
	if (c >= 'a' && c <= 'z')
		return (uint32_t)(c - 'a');
	if (c >= 'A' && c <= 'Z')
		return (uint32_t)(c - 'A');
	if (c >= '0' && c <= '9')
		return (uint32_t)(c - '0' + 26);
	return BASE;
}

/* Decode s into out[*n] (at most max); -1 if s is not Punycode. */
static int
puny_decode(const char *s, uint32_t *out, size_t *n, size_t max)
{
	size_t		 len = strlen(s), b = 0, j, pos;
	uint32_t	 cur = 0x80, i = 0, bias = 72, oldi, w, k, t, dg;

	for (j = 0; j < len; j++)
		if (s[j] == '-')
			b = j;
	if (b > max)
		return -1;
	for (*n = 0; *n < b; (*n)++)
		out[*n] = (unsigned char)s[*n];
	for (pos = b > 0 ? b + 1 : 0; pos < len;) {
		for (oldi = i, w = 1, k = BASE;; k += BASE) {
			if (pos >= len || (dg = dec_digit(s[pos++])) >= BASE)
				return -1;
			if (dg > (UINT32_MAX - i) / w)
				return -1;
			i += dg * w;
			t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX :
			    k - bias;
			if (dg < t)
				break;
			if (w > UINT32_MAX / (BASE - t))
				return -1;
			w *= BASE - t;
		}
		bias = dec_adapt(i - oldi, (uint32_t)*n + 1, oldi == 0);
		if (i / (*n + 1) > UINT32_MAX - cur || *n == max)
			return -1;
		cur += i / (uint32_t)(*n + 1);
		i %= (uint32_t)(*n + 1);
		memmove(out + i + 1, out + i, (*n - i) * sizeof(*out));
		out[i++] = cur;
		(*n)++;
	}
	return 0;
}

static void
fuzz_punycode(const uint8_t *d, size_t n)
{
	uint32_t	 cp[256], back[256];
	char		 out[2048];
	size_t		 ncp, nback, i;
	int		 len, invalid = 0;

	for (ncp = 0; ncp < 256 && ncp * 3 + 2 < n; ncp++) {
		cp[ncp] = ((uint32_t)d[ncp * 3] << 16 |
		    (uint32_t)d[ncp * 3 + 1] << 8 | d[ncp * 3 + 2]) % 0x111000;
		if (cp[ncp] == 0 || cp[ncp] > 0x10ffff)
			invalid = 1;
	}
	len = resolve_punycode(cp, ncp, out, sizeof(out));
	if (invalid) {
		if (len != -1)
			abort();
		return;
	}
	if (len == -1)		/* the output did not fit: 256 x 7 > 2048 */
		return;
	if ((size_t)len != strlen(out))
		abort();
	for (i = 0; i < (size_t)len; i++)
		if ((unsigned char)out[i] >= 0x80)
			abort();
	if (puny_decode(out, back, &nback, 256) == -1 || nback != ncp ||
	    memcmp(cp, back, ncp * sizeof(*cp)) != 0)
		abort();
}

static void
fuzz_names(const char *s)
{
	char			 out[RESOLVE_NAME_MAX], again[RESOLVE_NAME_MAX];
	struct sockaddr_storage	 ss;
	struct perr		 e;
	size_t			 i, lab = 0;

	if (resolve_to_alabel(s, out, sizeof(out), &e) == 0) {
		if (strlen(out) > 253)
			abort();
		for (i = 0; out[i] != '\0'; i++) {
			if ((unsigned char)out[i] >= 0x80 ||
			    (out[i] >= 'A' && out[i] <= 'Z'))
				abort();
			lab = out[i] == '.' ? 0 : lab + 1;
			if (lab > 63)
				abort();
		}
	} else if (e.temp != 0 || e.msg[0] == '\0')
		abort();
	if (resolve_name(s, out, sizeof(out), &e) == 0 &&
	    (resolve_name(out, again, sizeof(again), &e) == -1 ||
	    strcmp(out, again) != 0))
		abort();
	if (resolve_literal(s, 25, &ss, &e) == 0 &&
	    ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		abort();
	if (resolve_server(s, &ss, &e) == 0 &&
	    ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		*copy;
	char		*s;
	size_t		 cut;

	/* an exact-size copy, so any read past the end is seen */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	fuzz_mx(copy, size);
	fuzz_addrs(copy, size, AF_INET);
	fuzz_addrs(copy, size, AF_INET6);
	fuzz_tlsa(copy, size);
	fuzz_txt(copy, size);
	/* 12 bytes of header, 5 of question at least: 16 cannot answer */
	for (cut = 0; cut < size && cut <= 16; cut++) {
		struct resolve_mxset	 mx;
		struct perr		 e;

		if (resolve_parse_mx(copy, (int)cut, NULL, &mx, &e) != -1)
			abort();
	}
	free(copy);

	fuzz_punycode(data, size);
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_names(s);
	free(s);
	return 0;
}
