/*
 * resolve.c - the DNS look-ups of direct delivery: MX, A/AAAA, TLSA, TXT.
 *
 * Each struct resolver holds its own struct __res_state (res_ninit), so
 * nothing is shared with other code or threads and the process-wide _res
 * is never touched.  Queries go out with res_nquery on the name as it is:
 * a mail domain is always absolute (RFC 5321 2.3.5 and 5.1), so the
 * search list and ndots of res_nsearch must never append a local suffix.
 *
 * Answers are read with libresolv (ns_initparse, ns_parserr,
 * ns_name_uncompress) and then distrusted: the header, the question, each
 * record's type, class, owner and length are checked, so that a broken or
 * hostile answer (truncated, wrong type, a compression loop, an rdlength
 * that lies, absurd counts) is a temporary failure with a reason and
 * never a crash or a wrong host.  Only records owned by the name asked
 * for, or by the end of a CNAME chain starting there, are used.
 *
 * CNAMEs (RFC 1034 3.6.2, RFC 2181 10.1): a recursive server usually
 * answers with the chain and the target's records; an authoritative-only
 * one may give the CNAME alone, and then the target is asked for again.
 * At most RESOLVE_CNAME_MAX hops in each answer and across queries.
 *
 * The AD bit (RFC 6840 5.7, SPEC 5): believed only from the resolver key,
 * a resolver on loopback, or "options trust-ad" in resolv.conf; only then
 * is RES_TRUSTAD set (glibc 2.31 and later strip AD otherwise), and
 * "authentic" is also cleared here when the resolver is not trusted, in
 * case a C library passes AD through.  The rest of resolv.conf's options
 * and RES_OPTIONS from the environment are overridden (SPEC 8: the
 * environment changes nothing else); timeouts are ours and bounded.
 *
 * RFC 5321 5.1 (MX, implicit MX, equal preferences), RFC 7505 (null MX),
 * RFC 6698 and 7672 (TLSA), RFC 8461 3.1 (TXT), RFC 3492 (Punycode),
 * RFC 5890/5891 (A-labels).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "resolve.h"

#define RESOLVE_ANSWER_MAX	65536	/* the largest DNS message, and then some */
#define RESOLVE_RR_MAX		256	/* more answer records: a bad answer */
#define RESOLVE_CNAME_MAX	8	/* CNAME hops, per answer and per look-up */
#define RESOLVE_RETRANS_S	2	/* seconds per try (glibc: 5) */
#define RESOLVE_RETRY		2	/* tries per server */
#define RESOLVE_LABEL_MAX	63
#define RESOLVE_DOMAIN_MAX	253
#define RESOLVE_INPUT_MAX	1024	/* bytes of a name given to us */
#define RESOLVE_PUNY_MAX	65536	/* code points resolve_punycode takes */

struct resolver {
	struct __res_state	 res;
	int			 trust_ad;
	unsigned char		 ans[RESOLVE_ANSWER_MAX];
};

/* What one query, or a chain of them, ended with. */
struct resolve_info {
	enum resolve_status	 status;
	int			 authentic;
	char			 name[RESOLVE_NAME_MAX];
};

/* One answer being read. */
struct resolve_walk {
	ns_msg		 msg;
	int		 qtype;
	int		 ad;		/* the header's AD bit */
	int		 ncname;	/* CNAMEs followed in this answer */
	int		 nan;		/* answer records */
	char		 name[RESOLVE_NAME_MAX];	/* owner wanted */
};

/* ASCII only: names are never subject to the locale. */
static int
resolve_isalnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
resolve_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Equal but for ASCII case (strcasecmp follows the locale). */
static int
resolve_caseeq(const char *a, const char *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (resolve_tolower((unsigned char)a[i]) !=
		    resolve_tolower((unsigned char)b[i]))
			return 0;
		if (a[i] == '\0')
			return 1;
	}
	return 1;
}

/* The same domain name? */
static int
resolve_samename(const char *a, const char *b)
{
	return resolve_caseeq(a, b, RESOLVE_NAME_MAX + NS_MAXDNAME);
}

/*
 * Copy a name between RESOLVE_NAME_MAX buffers.  Every name in one has
 * been checked (resolve_valid, or a length check), so this cannot
 * truncate; if it ever did, an empty name fails loudly downstream
 * rather than a shortened one naming another host.
 */
static void
resolve_namecpy(char *dst, const char *src)
{
	if (strlcpy(dst, src, RESOLVE_NAME_MAX) >= RESOLVE_NAME_MAX)
		dst[0] = '\0';
}

static void
resolve_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)resolve_tolower((unsigned char)*s);
}

/* Peer or user text made safe for a message, in buf. */
static const char *
resolve_safe(char *buf, size_t bufsz, const char *s)
{
	log_sanitize(buf, bufsz, s);
	return buf;
}

static const char *
resolve_typename(int type)
{
	switch (type) {
	case ns_t_a:
		return "A";
	case ns_t_aaaa:
		return "AAAA";
	case ns_t_mx:
		return "MX";
	case ns_t_txt:
		return "TXT";
	case ns_t_tlsa:
		return "TLSA";
	case ns_t_cname:
		return "CNAME";
	default:
		return "DNS";
	}
}

static const char *
resolve_rcodename(int rcode)
{
	switch (rcode) {
	case ns_r_formerr:
		return "format error (FORMERR)";
	case ns_r_servfail:
		return "server failure (SERVFAIL)";
	case ns_r_nxdomain:
		return "no such domain (NXDOMAIN)";
	case ns_r_notimpl:
		return "not implemented (NOTIMP)";
	case ns_r_refused:
		return "query refused (REFUSED)";
	default:
		return "unexpected response code";
	}
}

/*
 * A host or domain name in presentation form, lower case, no final dot:
 * labels of letters, digits, '-' (not first or last) and '_' (service
 * labels such as _25._tcp and _mta-sts; some real host names hold one
 * too), 1 to 63 octets, 253 in all.  A backslash escape from
 * ns_name_uncompress fails here, as it should.
 */
static int
resolve_valid(const char *s)
{
	size_t	 i, lab = 0;
	char	 prev = '.';

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '.') {
			if (lab == 0 || prev == '-')
				return 0;
			lab = 0;
		} else if (s[i] == '-') {
			if (lab == 0)
				return 0;
			lab++;
		} else if (resolve_isalnum((unsigned char)s[i]) || s[i] == '_')
			lab++;
		else
			return 0;
		if (lab > RESOLVE_LABEL_MAX)
			return 0;
		prev = s[i];
	}
	return lab > 0 && prev != '-' && i <= RESOLVE_DOMAIN_MAX;
}

/* ---- Punycode (RFC 3492 5 and 6.3) and A-labels ---------------------- */

#define PUNY_BASE	36
#define PUNY_TMIN	1
#define PUNY_TMAX	26
#define PUNY_SKEW	38
#define PUNY_DAMP	700
#define PUNY_BIAS	72
#define PUNY_N		0x80

static uint32_t
resolve_puny_adapt(uint32_t delta, uint32_t npoints, int first)
{
	uint32_t	k = 0;

	delta = first ? delta / PUNY_DAMP : delta / 2;
	delta += delta / npoints;
	while (delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2) {
		delta /= PUNY_BASE - PUNY_TMIN;
		k += PUNY_BASE;
	}
	return k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW);
}

/* Append c to out[*o], keeping room for the NUL. */
static int
resolve_puny_put(char *out, size_t outsz, size_t *o, char c)
{
	if (*o + 1 >= outsz)
		return -1;
	out[(*o)++] = c;
	return 0;
}

static char
resolve_puny_digit(uint32_t d)
{
	return d < 26 ? (char)('a' + d) : (char)('0' + d - 26);
}

int
resolve_punycode(const uint32_t *cp, size_t n, char *out, size_t outsz)
{
	size_t		 i, o = 0;
	uint32_t	 cur = PUNY_N, bias = PUNY_BIAS, delta = 0;
	uint32_t	 h, b, m, q, k, t;

	if (outsz == 0 || n > RESOLVE_PUNY_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		/* U+0000 would end the string early */
		if (cp[i] == 0 || cp[i] > 0x10ffff)
			return -1;
		if (cp[i] < PUNY_N &&
		    resolve_puny_put(out, outsz, &o, (char)cp[i]) == -1)
			return -1;
	}
	h = b = (uint32_t)o;
	/* RFC 3492 6.3: the delimiter only when there are basic code points */
	if (b > 0 && resolve_puny_put(out, outsz, &o, '-') == -1)
		return -1;
	while (h < n) {
		m = UINT32_MAX;
		for (i = 0; i < n; i++)
			if (cp[i] >= cur && cp[i] < m)
				m = cp[i];
		if ((m - cur) > (UINT32_MAX - delta) / (h + 1))
			return -1;
		delta += (m - cur) * (h + 1);
		cur = m;
		for (i = 0; i < n; i++) {
			if (cp[i] < cur) {
				if (delta == UINT32_MAX)
					return -1;
				delta++;
			}
			if (cp[i] != cur)
				continue;
			/* delta as a generalized variable-length integer */
			for (q = delta, k = PUNY_BASE;; k += PUNY_BASE) {
				t = k <= bias ? PUNY_TMIN :
				    k >= bias + PUNY_TMAX ? PUNY_TMAX : k - bias;
				if (q < t)
					break;
				if (resolve_puny_put(out, outsz, &o,
				    resolve_puny_digit(t + (q - t) %
				    (PUNY_BASE - t))) == -1)
					return -1;
				q = (q - t) / (PUNY_BASE - t);
			}
			if (resolve_puny_put(out, outsz, &o,
			    resolve_puny_digit(q)) == -1)
				return -1;
			bias = resolve_puny_adapt(delta, h + 1, h == b);
			delta = 0;
			h++;
		}
		if (delta == UINT32_MAX)
			return -1;
		delta++;
		cur++;
	}
	out[o] = '\0';
	return (int)o;
}

/*
 * The code point at s[*i] (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), advancing *i; -1 if s is not UTF-8 there.
 */
static int
resolve_utf8(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
	unsigned char	 c = s[*i];
	uint32_t	 v, min;
	size_t		 n, j;

	if (c < 0x80) {
		*cp = c;
		(*i)++;
		return 0;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 1;
		v = c & 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2;
		v = c & 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3;
		v = c & 0x07;
		min = 0x10000;
	} else
		return -1;
	if (len - *i <= n)
		return -1;
	for (j = 1; j <= n; j++) {
		if ((s[*i + j] & 0xc0) != 0x80)
			return -1;
		v = v << 6 | (s[*i + j] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return -1;
	*cp = v;
	*i += n + 1;
	return 0;
}

int
resolve_to_alabel(const char *name, char *out, size_t outsz, struct perr *e)
{
	const unsigned char	*s = (const unsigned char *)name;
	uint32_t		 cp[RESOLVE_LABEL_MAX];
	char			 lab[RESOLVE_LABEL_MAX + 1], safe[128];
	size_t			 len, start, end, i, o = 0, ncp, lablen;
	int			 ascii, n;

	len = strnlen(name, RESOLVE_INPUT_MAX + 1);
	if (len > RESOLVE_INPUT_MAX)
		return perr_set(e, 0, "domain name too long");
	if (len > 0 && name[len - 1] == '.')	/* absolute: the same name */
		len--;
	if (len == 0)
		return perr_set(e, 0, "empty domain name");
	for (start = 0; start <= len; start = end + 1) {
		for (end = start; end < len && s[end] != '.'; end++)
			;
		if (end == start)
			return perr_set(e, 0, "empty label in domain \"%s\"",
			    resolve_safe(safe, sizeof(safe), name));
		for (ascii = 1, i = start; i < end; i++)
			if (s[i] >= 0x80)
				ascii = 0;
		if (ascii) {
			if (end - start > RESOLVE_LABEL_MAX)
				goto toolong;
			for (i = start; i < end; i++)
				lab[i - start] = (char)resolve_tolower(s[i]);
			lablen = end - start;
		} else {
			/*
			 * Only ASCII letters are lower-cased: Unicode case
			 * mapping and normalisation (UTS 46) need tables we
			 * do not carry, and IDNA2008 U-labels are already
			 * lower case and NFC.
			 */
			for (ncp = 0, i = start; i < end; ncp++) {
				if (ncp == RESOLVE_LABEL_MAX)
					goto toolong;
				if (resolve_utf8(s, end, &i, &cp[ncp]) == -1)
					return perr_set(e, 0, "domain \"%s\" "
					    "is not valid UTF-8",
					    resolve_safe(safe, sizeof(safe),
					    name));
				cp[ncp] = (uint32_t)resolve_tolower(
				    (int)cp[ncp]);
			}
			memcpy(lab, "xn--", 4);
			if ((n = resolve_punycode(cp, ncp, lab + 4,
			    sizeof(lab) - 4)) == -1)
				goto toolong;
			lablen = 4 + (size_t)n;
		}
		if (o + (o > 0) + lablen >= outsz ||
		    o + (o > 0) + lablen > RESOLVE_DOMAIN_MAX)
			return perr_set(e, 0, "domain \"%s\" longer than %d "
			    "octets", resolve_safe(safe, sizeof(safe), name),
			    RESOLVE_DOMAIN_MAX);
		if (o > 0)
			out[o++] = '.';
		memcpy(out + o, lab, lablen);
		o += lablen;
	}
	out[o] = '\0';
	return 0;

toolong:
	return perr_set(e, 0, "label of domain \"%s\" longer than %d octets",
	    resolve_safe(safe, sizeof(safe), name), RESOLVE_LABEL_MAX);
}

int
resolve_name(const char *name, char *out, size_t outsz, struct perr *e)
{
	char	 safe[128];

	if (resolve_to_alabel(name, out, outsz, e) == -1)
		return -1;
	if (!resolve_valid(out))
		return perr_set(e, 0, "invalid domain name \"%s\"",
		    resolve_safe(safe, sizeof(safe), name));
	return 0;
}

/* ---- addresses -------------------------------------------------------- */

static int
resolve_sockaddr(int family, const void *addr, int port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;

	memset(ss, 0, sizeof(*ss));
	if (port < 0 || port > 65535)
		return -1;
	if (family == AF_INET) {
		sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, addr, sizeof(sin->sin_addr));
	} else {
		sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, addr, sizeof(sin6->sin6_addr));
	}
	return 0;
}

int
resolve_literal(const char *lit, int port, struct sockaddr_storage *ss,
    struct perr *e)
{
	char		 buf[64], safe[80];
	unsigned char	 a[16];
	size_t		 len;

	memset(ss, 0, sizeof(*ss));
	len = strnlen(lit, sizeof(buf) + 2);
	if (len < 3 || len - 2 >= sizeof(buf) || lit[0] != '[' ||
	    lit[len - 1] != ']')
		return perr_set(e, 0, "\"%s\" is not an address literal",
		    resolve_safe(safe, sizeof(safe), lit));
	memcpy(buf, lit + 1, len - 2);
	buf[len - 2] = '\0';
	/* RFC 5321 4.1.3: the tag is case-insensitive like all ABNF text */
	if (resolve_caseeq(buf, "IPv6:", 5)) {
		if (inet_pton(AF_INET6, buf + 5, a) == 1 &&
		    resolve_sockaddr(AF_INET6, a, port, ss) == 0)
			return 0;
	} else if (strchr(buf, ':') == NULL) {
		if (inet_pton(AF_INET, buf, a) == 1 &&
		    resolve_sockaddr(AF_INET, a, port, ss) == 0)
			return 0;
	} else
		return perr_set(e, 0, "unsupported address literal \"%s\"",
		    resolve_safe(safe, sizeof(safe), lit));
	return perr_set(e, 0, "bad address literal \"%s\"",
	    resolve_safe(safe, sizeof(safe), lit));
}

int
resolve_server(const char *spec, struct sockaddr_storage *ss, struct perr *e)
{
	char		 host[INET6_ADDRSTRLEN], safe[80];
	unsigned char	 a[16];
	const char	*p, *end, *colon, *port = NULL, *errstr;
	size_t		 len;
	long long	 pn = NS_DEFAULTPORT;
	int		 family = AF_INET;

	memset(ss, 0, sizeof(*ss));
	if (spec == NULL || *spec == '\0')
		return perr_set(e, 0, "resolver: empty address");
	p = spec;
	if (spec[0] == '[') {			/* "[ipv6]" or "[ipv6]:port" */
		if ((end = strchr(spec, ']')) == NULL)
			goto bad;
		p = spec + 1;
		len = (size_t)(end - p);
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			goto bad;
		family = AF_INET6;
	} else if ((colon = strchr(spec, ':')) != NULL &&
	    strchr(colon + 1, ':') != NULL) {	/* a bare IPv6 address */
		len = strlen(spec);
		family = AF_INET6;
	} else if (colon != NULL) {		/* "ipv4:port" */
		len = (size_t)(colon - spec);
		port = colon + 1;
	} else
		len = strlen(spec);
	if (len == 0 || len >= sizeof(host))
		goto bad;
	memcpy(host, p, len);
	host[len] = '\0';
	if (port != NULL) {
		pn = strtonum(port, 1, 65535, &errstr);
		if (errstr != NULL)
			goto bad;
	}
	if (inet_pton(family, host, a) != 1)
		goto bad;
	(void)resolve_sockaddr(family, a, (int)pn, ss);
	return 0;

bad:
	return perr_set(e, 0, "resolver: bad address \"%s\" "
	    "(ip, ip:port or [ipv6]:port)",
	    resolve_safe(safe, sizeof(safe), spec));
}

/* ---- reading answers ---------------------------------------------------- */

static int
resolve_bad(const struct resolve_walk *w, enum resolve_status *st,
    struct perr *e, const char *fmt, ...)
    __attribute__((__format__(printf, 4, 5)));

/* A bad or failed answer: temporary, as any DNS trouble. */
static int
resolve_bad(const struct resolve_walk *w, enum resolve_status *st,
    struct perr *e, const char *fmt, ...)
{
	char	 why[256];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	*st = RESOLVE_TEMPFAIL;
	return perr_set(e, 1, "%s lookup for %s: %s",
	    resolve_typename(w->qtype), w->name[0] != '\0' ? w->name : "?",
	    why);
}

/*
 * The domain name that fills rdata from offset off to its end, lower
 * case, into out ("" for the root).  0, -1 if malformed (also when it
 * does not end exactly where the rdata does), -2 if well-formed but not
 * a valid host name.
 */
static int
resolve_rdname(const struct resolve_walk *w, const ns_rr *rr, size_t off,
    char *out, size_t outsz)
{
	char	 buf[NS_MAXDNAME];
	int	 n;

	if (off >= ns_rr_rdlen(*rr))
		return -1;
	n = ns_name_uncompress(ns_msg_base(w->msg), ns_msg_end(w->msg),
	    ns_rr_rdata(*rr) + off, buf, sizeof(buf));
	if (n < 0 || (size_t)n != ns_rr_rdlen(*rr) - off)
		return -1;
	if (strcmp(buf, ".") == 0) {
		out[0] = '\0';
		return 0;
	}
	resolve_lower(buf);
	if (!resolve_valid(buf) || strlcpy(out, buf, outsz) >= outsz)
		return -2;
	return 0;
}

/*
 * Check ans as an answer to a qtype query for qname (NULL: whatever its
 * question asks), then follow its CNAME chain from there.  0 with *st
 * RESOLVE_FOUND (go and read the records) or RESOLVE_NXDOMAIN; -1 with
 * *st RESOLVE_TEMPFAIL.
 */
static int
resolve_walk_init(struct resolve_walk *w, const unsigned char *ans, int len,
    const char *qname, int qtype, enum resolve_status *st, struct perr *e)
{
	ns_rr	 rr;
	char	 target[RESOLVE_NAME_MAX], safe[RESOLVE_NAME_MAX];
	size_t	 n;
	int	 i, hop, found, rcode;

	memset(w, 0, sizeof(*w));
	w->qtype = qtype;
	if (qname != NULL) {
		if (strlcpy(w->name, qname, sizeof(w->name)) >=
		    sizeof(w->name))
			return resolve_bad(w, st, e, "name too long");
		n = strlen(w->name);
		if (n > 1 && w->name[n - 1] == '.')
			w->name[n - 1] = '\0';
		resolve_lower(w->name);
	}
	if (ans == NULL || len < NS_HFIXEDSZ || len > RESOLVE_ANSWER_MAX)
		return resolve_bad(w, st, e, "answer of %d bytes", len);
	if (ns_initparse(ans, len, &w->msg) == -1)
		return resolve_bad(w, st, e, "malformed answer");
	if (!ns_msg_getflag(w->msg, ns_f_qr) ||
	    ns_msg_getflag(w->msg, ns_f_opcode) != ns_o_query)
		return resolve_bad(w, st, e, "not an answer to a query");
	if (ns_msg_getflag(w->msg, ns_f_tc))
		return resolve_bad(w, st, e, "truncated answer");
	if (ns_msg_count(w->msg, ns_s_qd) != 1)
		return resolve_bad(w, st, e, "answer with %d questions",
		    ns_msg_count(w->msg, ns_s_qd));
	if (ns_parserr(&w->msg, ns_s_qd, 0, &rr) == -1)
		return resolve_bad(w, st, e, "malformed question");
	if (qname == NULL) {
		resolve_lower(rr.name);
		if (!resolve_valid(rr.name) ||
		    strlcpy(w->name, rr.name, sizeof(w->name)) >=
		    sizeof(w->name))
			return resolve_bad(w, st, e, "bad name \"%s\" in "
			    "the question", resolve_safe(safe, sizeof(safe),
			    rr.name));
	}
	if (!resolve_samename(ns_rr_name(rr), w->name) ||
	    (int)ns_rr_type(rr) != qtype || ns_rr_class(rr) != ns_c_in)
		return resolve_bad(w, st, e, "answer to another question");

	rcode = ns_msg_getflag(w->msg, ns_f_rcode);
	if (rcode == ns_r_nxdomain) {
		*st = RESOLVE_NXDOMAIN;
		w->ad = ns_msg_getflag(w->msg, ns_f_ad);
		return 0;
	}
	if (rcode != ns_r_noerror)
		return resolve_bad(w, st, e, "%s", resolve_rcodename(rcode));
	w->nan = ns_msg_count(w->msg, ns_s_an);
	if (w->nan > RESOLVE_RR_MAX)
		return resolve_bad(w, st, e, "answer with %d records",
		    w->nan);
	w->ad = ns_msg_getflag(w->msg, ns_f_ad);

	/* Records may come in any order: look for a CNAME at each hop. */
	for (hop = 0;; hop++) {
		for (found = 0, i = 0; i < w->nan && !found; i++) {
			if (ns_parserr(&w->msg, ns_s_an, i, &rr) == -1)
				return resolve_bad(w, st, e,
				    "malformed record");
			if (ns_rr_type(rr) != ns_t_cname ||
			    ns_rr_class(rr) != ns_c_in ||
			    !resolve_samename(ns_rr_name(rr), w->name))
				continue;
			if (resolve_rdname(w, &rr, 0, target,
			    sizeof(target)) != 0 || target[0] == '\0')
				return resolve_bad(w, st, e,
				    "bad CNAME target");
			found = 1;
		}
		if (!found)
			break;
		if (hop == RESOLVE_CNAME_MAX)
			return resolve_bad(w, st, e, "CNAME chain longer "
			    "than %d, or a loop", RESOLVE_CNAME_MAX);
		resolve_namecpy(w->name, target);
		w->ncname++;
	}
	*st = RESOLVE_FOUND;
	return 0;
}

/*
 * The next answer record from index *i of the type asked for, owned by
 * the end of the chain: 1, or 0 at the end, -1 if malformed.
 */
static int
resolve_walk_next(struct resolve_walk *w, int *i, ns_rr *rr)
{
	while (*i < w->nan) {
		if (ns_parserr(&w->msg, ns_s_an, (*i)++, rr) == -1)
			return -1;
		if ((int)ns_rr_type(*rr) == w->qtype &&
		    ns_rr_class(*rr) == ns_c_in &&
		    resolve_samename(ns_rr_name(*rr), w->name))
			return 1;
	}
	return 0;
}

/* No records of the type: the name has none, or the chain goes on. */
static enum resolve_status
resolve_walk_empty(const struct resolve_walk *w)
{
	return w->ncname > 0 ? RESOLVE_CNAME : RESOLVE_NODATA;
}

/*
 * Keep mx sorted by preference then by a random key, so that equal
 * preferences come out shuffled (RFC 5321 5.1); once full, keep the
 * RESOLVE_MX_MAX smallest, which among ties is still a fair draw.
 */
static void
resolve_mx_add(struct resolve_mxset *mx, uint32_t *key, unsigned int pref,
    const char *host)
{
	uint32_t	 k = arc4random();
	size_t		 i;

	if (mx->n == RESOLVE_MX_MAX) {
		i = mx->n - 1;
		if (pref > mx->mx[i].pref ||
		    (pref == mx->mx[i].pref && k >= key[i]))
			return;
		mx->n--;
	}
	for (i = mx->n; i > 0 && (mx->mx[i - 1].pref > pref ||
	    (mx->mx[i - 1].pref == pref && key[i - 1] > k)); i--) {
		mx->mx[i] = mx->mx[i - 1];
		key[i] = key[i - 1];
	}
	mx->mx[i].pref = pref;
	resolve_namecpy(mx->mx[i].host, host);
	key[i] = k;
	mx->n++;
}

int
resolve_parse_mx(const unsigned char *ans, int len, const char *qname,
    struct resolve_mxset *mx, struct perr *e)
{
	struct resolve_walk	 w;
	ns_rr			 rr;
	uint32_t		 key[RESOLVE_MX_MAX];
	char			 host[RESOLVE_NAME_MAX];
	size_t			 nrec = 0, nroot = 0;
	int			 i = 0, rc;

	memset(mx, 0, sizeof(*mx));
	rc = resolve_walk_init(&w, ans, len, qname, ns_t_mx, &mx->status, e);
	resolve_namecpy(mx->name, w.name);
	mx->authentic = w.ad;
	if (rc == -1 || mx->status == RESOLVE_NXDOMAIN)
		return rc;
	while ((rc = resolve_walk_next(&w, &i, &rr)) == 1) {
		nrec++;
		if (ns_rr_rdlen(rr) < 3)
			goto malformed;
		rc = resolve_rdname(&w, &rr, 2, host, sizeof(host));
		if (rc == -1)
			goto malformed;
		if (rc == -2)		/* unusable, like a dead host */
			continue;
		if (host[0] == '\0') {	/* the root: RFC 7505 */
			nroot++;
			continue;
		}
		resolve_mx_add(mx, key, ns_get16(ns_rr_rdata(rr)), host);
	}
	if (rc == -1)
		goto malformed;
	if (nrec == 0)
		mx->status = resolve_walk_empty(&w);
	else if (nroot == nrec)
		/*
		 * RFC 7505 3: a null MX is the only MX record.  Any other
		 * set whose every target is "." is no better: there is
		 * no host to try, and the domain said so on purpose.
		 */
		mx->status = RESOLVE_NULLMX;
	else if (mx->n == 0)
		return resolve_bad(&w, &mx->status, e,
		    "no MX record names a valid host");
	else
		mx->status = RESOLVE_FOUND;
	return 0;

malformed:
	mx->n = 0;
	return resolve_bad(&w, &mx->status, e, "malformed MX record");
}

int
resolve_parse_addrs(const unsigned char *ans, int len, const char *qname,
    int family, int port, struct resolve_addrset *as, struct perr *e)
{
	struct resolve_walk	 w;
	ns_rr			 rr;
	size_t			 alen;
	int			 i = 0, rc, qtype;

	memset(as, 0, sizeof(*as));
	if (family == AF_INET) {
		qtype = ns_t_a;
		alen = 4;
	} else if (family == AF_INET6) {
		qtype = ns_t_aaaa;
		alen = 16;
	} else {
		as->status = RESOLVE_TEMPFAIL;
		return perr_set(e, 1, "address look-up: bad family %d",
		    family);
	}
	if (port < 0 || port > 65535) {
		as->status = RESOLVE_TEMPFAIL;
		return perr_set(e, 1, "address look-up: bad port %d", port);
	}
	rc = resolve_walk_init(&w, ans, len, qname, qtype, &as->status, e);
	resolve_namecpy(as->name, w.name);
	as->authentic = w.ad;
	if (rc == -1 || as->status == RESOLVE_NXDOMAIN)
		return rc;
	while ((rc = resolve_walk_next(&w, &i, &rr)) == 1) {
		if (ns_rr_rdlen(rr) != alen) {
			as->n = 0;
			return resolve_bad(&w, &as->status, e,
			    "%s record of %u bytes", resolve_typename(qtype),
			    (unsigned int)ns_rr_rdlen(rr));
		}
		/* no more than the cap: the first ones, as served */
		if (as->n < RESOLVE_ADDR_MAX)
			(void)resolve_sockaddr(family, ns_rr_rdata(rr), port,
			    &as->addr[as->n++]);
		as->status = RESOLVE_FOUND;
	}
	if (rc == -1) {
		as->n = 0;
		return resolve_bad(&w, &as->status, e, "malformed record");
	}
	if (as->n == 0)
		as->status = resolve_walk_empty(&w);
	return 0;
}

void
resolve_tlsa_free(struct resolve_tlsaset *ts)
{
	size_t	 i;

	if (ts->v != NULL)
		for (i = 0; i < ts->n; i++)
			free(ts->v[i].data);
	free(ts->v);
	ts->v = NULL;
	ts->n = 0;
}

int
resolve_parse_tlsa(const unsigned char *ans, int len, const char *qname,
    struct resolve_tlsaset *ts, struct perr *e)
{
	struct resolve_walk	 w;
	struct resolve_tlsa	*t;
	const unsigned char	*p;
	ns_rr			 rr;
	int			 i = 0, rc;

	memset(ts, 0, sizeof(*ts));
	rc = resolve_walk_init(&w, ans, len, qname, ns_t_tlsa, &ts->status, e);
	resolve_namecpy(ts->name, w.name);
	ts->authentic = w.ad;
	if (rc == -1 || ts->status == RESOLVE_NXDOMAIN)
		return rc;
	while ((rc = resolve_walk_next(&w, &i, &rr)) == 1) {
		/* RFC 6698 2.1: usage, selector, matching type, data */
		if (ns_rr_rdlen(rr) < 3) {
			resolve_tlsa_free(ts);
			return resolve_bad(&w, &ts->status, e,
			    "TLSA record of %u bytes",
			    (unsigned int)ns_rr_rdlen(rr));
		}
		if (ts->n == RESOLVE_TLSA_MAX) {
			resolve_tlsa_free(ts);
			return resolve_bad(&w, &ts->status, e,
			    "more than %d TLSA records", RESOLVE_TLSA_MAX);
		}
		if (ts->v == NULL &&
		    (ts->v = calloc(RESOLVE_TLSA_MAX, sizeof(*ts->v))) == NULL)
			goto nomem;
		t = &ts->v[ts->n];
		p = ns_rr_rdata(rr);
		t->usage = p[0];
		t->selector = p[1];
		t->mtype = p[2];
		t->len = ns_rr_rdlen(rr) - 3;
		if ((t->data = malloc(t->len + 1)) == NULL)
			goto nomem;
		memcpy(t->data, p + 3, t->len);
		ts->n++;
	}
	if (rc == -1) {
		resolve_tlsa_free(ts);
		return resolve_bad(&w, &ts->status, e, "malformed record");
	}
	ts->status = ts->n > 0 ? RESOLVE_FOUND : resolve_walk_empty(&w);
	return 0;

nomem:
	resolve_tlsa_free(ts);
	ts->status = RESOLVE_TEMPFAIL;
	return perr_sys(e, 1, "TLSA lookup for %s", w.name);
}

void
resolve_txt_free(struct resolve_txtset *ts)
{
	size_t	 i;

	if (ts->v != NULL)
		for (i = 0; i < ts->n; i++)
			free(ts->v[i].s);
	free(ts->v);
	ts->v = NULL;
	ts->n = 0;
}

int
resolve_parse_txt(const unsigned char *ans, int len, const char *qname,
    struct resolve_txtset *ts, struct perr *e)
{
	struct resolve_walk	 w;
	struct resolve_txt	*t;
	const unsigned char	*p;
	ns_rr			 rr;
	size_t			 rdlen, off, slen;
	int			 i = 0, rc;

	memset(ts, 0, sizeof(*ts));
	rc = resolve_walk_init(&w, ans, len, qname, ns_t_txt, &ts->status, e);
	resolve_namecpy(ts->name, w.name);
	ts->authentic = w.ad;
	if (rc == -1 || ts->status == RESOLVE_NXDOMAIN)
		return rc;
	while ((rc = resolve_walk_next(&w, &i, &rr)) == 1) {
		p = ns_rr_rdata(rr);
		rdlen = ns_rr_rdlen(rr);
		/* RFC 1035 3.3.14: one or more <character-string>s */
		for (off = 0; off < rdlen; off += 1 + p[off])
			if (off + 1 + p[off] > rdlen)
				break;
		if (rdlen == 0 || off != rdlen) {
			resolve_txt_free(ts);
			return resolve_bad(&w, &ts->status, e,
			    "malformed TXT record");
		}
		if (ts->n == RESOLVE_TXT_MAX) {
			resolve_txt_free(ts);
			return resolve_bad(&w, &ts->status, e,
			    "more than %d TXT records", RESOLVE_TXT_MAX);
		}
		if (ts->v == NULL &&
		    (ts->v = calloc(RESOLVE_TXT_MAX, sizeof(*ts->v))) == NULL)
			goto nomem;
		t = &ts->v[ts->n];
		if ((t->s = malloc(rdlen + 1)) == NULL)
			goto nomem;
		/* RFC 8461 3.1, RFC 7208 3.3: the strings are joined */
		for (off = 0, t->len = 0; off < rdlen; off += 1 + slen) {
			slen = p[off];
			memcpy(t->s + t->len, p + off + 1, slen);
			t->len += slen;
		}
		t->s[t->len] = '\0';
		ts->n++;
	}
	if (rc == -1) {
		resolve_txt_free(ts);
		return resolve_bad(&w, &ts->status, e, "malformed record");
	}
	ts->status = ts->n > 0 ? RESOLVE_FOUND : resolve_walk_empty(&w);
	return 0;

nomem:
	resolve_txt_free(ts);
	ts->status = RESOLVE_TEMPFAIL;
	return perr_sys(e, 1, "TXT lookup for %s", w.name);
}

/* ---- the resolver ------------------------------------------------------- */

/* Are all the servers res_ninit found on loopback? */
static int
resolve_loopback_only(const struct __res_state *res)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	int				 i;

	for (i = 0; i < res->nscount && i < MAXNS; i++) {
		sin = &res->nsaddr_list[i];
		sin6 = res->_u._ext.nsaddrs[i];
		if (sin->sin_family == AF_INET) {
			/* 0.0.0.0, which old glibc used by default, is local */
			if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127 &&
			    sin->sin_addr.s_addr != htonl(INADDR_ANY))
				return 0;
		} else if (sin->sin_family == 0 && sin6 != NULL &&
		    sin6->sin6_family == AF_INET6) {
			if (!IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
				return 0;
		} else
			return 0;
	}
	return res->nscount > 0;
}

/* Does path say "options ... trust-ad" (as glibc reads it)? */
static int
resolve_conf_trustad(const char *path)
{
	FILE	*fp;
	char	*line = NULL, *p, *tok;
	size_t	 cap = 0;
	int	 found = 0, nlines = 0;

	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	while (nlines++ < 10000 && getline(&line, &cap, fp) != -1) {
		if (strncmp(line, "options", 7) != 0 ||
		    (line[7] != ' ' && line[7] != '\t'))
			continue;
		for (p = line + 7; *p != '\0';) {
			while (*p == ' ' || *p == '\t' || *p == '\r' ||
			    *p == '\n')
				p++;
			for (tok = p; *p != '\0' && *p != ' ' && *p != '\t' &&
			    *p != '\r' && *p != '\n'; p++)
				;
			if (p - tok == 8 && strncmp(tok, "trust-ad", 8) == 0)
				found = 1;
		}
	}
	free(line);
	(void)fclose(fp);
	return found;
}

/*
 * Put ss in place of resolv.conf's servers.  glibc keeps an IPv6 server
 * in _u._ext.nsaddrs[i] (malloc'd, freed by res_nclose) with
 * nsaddr_list[i].sin_family 0, as res_ninit itself leaves it; res_send
 * picks that up through its get_nsaddr() (glibc 2.26 and later).
 */
static int
resolve_set_server(struct __res_state *res, const struct sockaddr_storage *ss)
{
	struct sockaddr_in6	*sin6;
	int			 i;

	for (i = 0; i < MAXNS; i++) {
		free(res->_u._ext.nsaddrs[i]);
		res->_u._ext.nsaddrs[i] = NULL;
	}
	res->_u._ext.nscount = 0;
	memset(res->nsaddr_list, 0, sizeof(res->nsaddr_list));
	if (ss->ss_family == AF_INET)
		memcpy(&res->nsaddr_list[0], ss, sizeof(struct sockaddr_in));
	else {
		if ((sin6 = malloc(sizeof(*sin6))) == NULL)
			return -1;
		memcpy(sin6, ss, sizeof(*sin6));
		res->_u._ext.nsaddrs[0] = sin6;
	}
	res->nscount = 1;
	return 0;
}

struct resolver *
resolve_open(const char *server, struct perr *e)
{
	struct resolver		*r;
	struct sockaddr_storage	 ss;

	if (server != NULL && resolve_server(server, &ss, e) == -1)
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		perr_sys(e, 1, "resolver");
		return NULL;
	}
	if (res_ninit(&r->res) == -1) {
		perr_set(e, 1, "resolver: res_ninit failed");
		free(r);
		return NULL;
	}
	if (server != NULL) {
		if (resolve_set_server(&r->res, &ss) == -1) {
			perr_sys(e, 1, "resolver");
			resolve_close(r);
			return NULL;
		}
		r->trust_ad = 1;
	} else
		r->trust_ad = resolve_loopback_only(&r->res) ||
		    resolve_conf_trustad(_PATH_RESCONF);
	/*
	 * Recursion wanted; EDNS0 so that TLSA and TXT answers up to 1200
	 * bytes need no TCP retry; AD only when believed.  Everything else
	 * resolv.conf or RES_OPTIONS may have set is dropped on purpose.
	 */
	r->res.options = RES_INIT | RES_RECURSE | RES_USE_EDNS0 |
	    (r->trust_ad ? RES_TRUSTAD : 0);
	r->res.retrans = RESOLVE_RETRANS_S;
	r->res.retry = RESOLVE_RETRY;
	return r;
}

void
resolve_close(struct resolver *r)
{
	if (r == NULL)
		return;
	res_nclose(&r->res);
	free(r);
}

int
resolve_trusts_ad(const struct resolver *r)
{
	return r->trust_ad;
}

/*
 * One query.  The answer's length (in r->ans), or 0 when res_nquery
 * keeps no answer to read: status RESOLVE_NXDOMAIN or RESOLVE_NODATA
 * (the header in r->ans is still the server's, so its AD bit counts).
 * -1 for a failure: RESOLVE_TEMPFAIL with the best reason there is.
 */
static int
resolve_query(struct resolver *r, const char *qname, int qtype,
    struct resolve_info *info, struct perr *e)
{
	const char	*why;
	int		 n, answered;

	/* A zero header tells "no response came" from an error response. */
	memset(r->ans, 0, NS_HFIXEDSZ);
	errno = 0;
	n = res_nquery(&r->res, qname, ns_c_in, qtype, r->ans,
	    (int)sizeof(r->ans));
	if (n >= 0)
		return n > (int)sizeof(r->ans) ? (int)sizeof(r->ans) : n;
	answered = (r->ans[2] & 0x80) != 0;
	switch (r->res.res_h_errno) {
	case HOST_NOT_FOUND:
	case NO_DATA:
		info->status = r->res.res_h_errno == HOST_NOT_FOUND ?
		    RESOLVE_NXDOMAIN : RESOLVE_NODATA;
		info->authentic = answered && (r->ans[3] & 0x20) != 0;
		return 0;
	}
	info->status = RESOLVE_TEMPFAIL;
	/*
	 * glibc says TRY_AGAIN (errno ETIMEDOUT) both for a time-out and
	 * for SERVFAIL or REFUSED from every server; the last response,
	 * if any, is still in the buffer.
	 */
	if (answered && (r->ans[3] & 0x0f) != ns_r_noerror)
		why = resolve_rcodename(r->ans[3] & 0x0f);
	else if (errno == ECONNREFUSED)
		why = "name server unreachable (connection refused)";
	else if (r->res.res_h_errno == TRY_AGAIN)
		why = "no answer from the name server (time-out)";
	else
		why = errno != 0 ? strerror(errno) : "resolver error";
	return perr_set(e, 1, "%s lookup for %s: %s", resolve_typename(qtype),
	    qname, why);
}

/* A parser behind a look-up, reporting through info. */
struct resolve_kind {
	int	 qtype;
	int	 (*parse)(const unsigned char *, int, const char *, void *,
		    struct resolve_info *, struct perr *);
};

/*
 * Ask for name's records, asking again for a CNAME target an answer
 * leaves open.  0 with info->status not RESOLVE_CNAME; -1 with
 * RESOLVE_TEMPFAIL or RESOLVE_BADNAME.
 */
static int
resolve_follow(struct resolver *r, const char *name,
    const struct resolve_kind *kind, void *set, struct resolve_info *info,
    struct perr *e)
{
	char	 qname[RESOLVE_NAME_MAX];
	int	 hop, n, authentic = 1;

	memset(info, 0, sizeof(*info));
	if (resolve_name(name, qname, sizeof(qname), e) == -1) {
		info->status = RESOLVE_BADNAME;
		return -1;
	}
	for (hop = 0;; hop++) {
		resolve_namecpy(info->name, qname);
		if ((n = resolve_query(r, qname, kind->qtype, info, e)) == -1)
			return -1;
		if (n > 0 && kind->parse(r->ans, n, qname, set, info, e) == -1)
			return -1;
		authentic = authentic && info->authentic;
		if (info->status != RESOLVE_CNAME)
			break;
		if (hop == RESOLVE_CNAME_MAX) {
			info->status = RESOLVE_TEMPFAIL;
			return perr_set(e, 1, "%s lookup for %s: CNAME chain "
			    "longer than %d", resolve_typename(kind->qtype),
			    qname, RESOLVE_CNAME_MAX);
		}
		resolve_namecpy(qname, info->name);
	}
	info->authentic = authentic && r->trust_ad;
	return 0;
}

static int
resolve_mx_cb(const unsigned char *ans, int len, const char *qname,
    void *set, struct resolve_info *info, struct perr *e)
{
	struct resolve_mxset	*mx = set;
	int			 rc;

	rc = resolve_parse_mx(ans, len, qname, mx, e);
	info->status = mx->status;
	info->authentic = mx->authentic;
	resolve_namecpy(info->name, mx->name);
	return rc;
}

int
resolve_mx(struct resolver *r, const char *domain, struct resolve_mxset *mx,
    struct perr *e)
{
	static const struct resolve_kind kind = { ns_t_mx, resolve_mx_cb };
	struct resolve_info	 info;
	int			 rc;

	memset(mx, 0, sizeof(*mx));
	rc = resolve_follow(r, domain, &kind, mx, &info, e);
	mx->status = info.status;
	mx->authentic = info.authentic;
	resolve_namecpy(mx->name, info.name);
	if (rc == -1) {
		mx->n = 0;
		return -1;
	}
	switch (info.status) {
	case RESOLVE_FOUND:
		return 0;
	case RESOLVE_NODATA:
		/* RFC 5321 5.1: the domain itself, preference 0 */
		mx->implicit = 1;
		mx->n = 1;
		mx->mx[0].pref = 0;
		resolve_namecpy(mx->mx[0].host, mx->name);
		return 0;
	case RESOLVE_NXDOMAIN:
		return perr_set(e, 0, "MX lookup for %s: domain does not "
		    "exist (NXDOMAIN)", mx->name);
	case RESOLVE_NULLMX:
		return perr_set(e, 0, "%s accepts no mail (null MX, "
		    "RFC 7505)", mx->name);
	default:
		mx->status = RESOLVE_TEMPFAIL;
		return perr_set(e, 1, "MX lookup for %s: internal error",
		    mx->name);
	}
}

struct resolve_addrctx {
	struct resolve_addrset	*as;
	int			 family, port;
};

static int
resolve_addrs_cb(const unsigned char *ans, int len, const char *qname,
    void *set, struct resolve_info *info, struct perr *e)
{
	struct resolve_addrctx	*c = set;
	int			 rc;

	rc = resolve_parse_addrs(ans, len, qname, c->family, c->port, c->as,
	    e);
	info->status = c->as->status;
	info->authentic = c->as->authentic;
	resolve_namecpy(info->name, c->as->name);
	return rc;
}

int
resolve_addrs(struct resolver *r, const char *host, int family, int port,
    struct resolve_addrset *as, struct perr *e)
{
	static const struct resolve_kind k6 = { ns_t_aaaa, resolve_addrs_cb };
	static const struct resolve_kind k4 = { ns_t_a, resolve_addrs_cb };
	struct resolve_addrset	 v4;
	struct resolve_addrctx	 c6 = { as, AF_INET6, port };
	struct resolve_addrctx	 c4 = { &v4, AF_INET, port };
	struct resolve_info	 i6, i4;
	struct perr		 e6, e4;
	size_t			 keep6, i;
	int			 rc6 = 0, rc4 = 0, ask6, ask4;

	memset(as, 0, sizeof(*as));
	memset(&v4, 0, sizeof(v4));
	memset(&i6, 0, sizeof(i6));
	memset(&i4, 0, sizeof(i4));
	memset(&e6, 0, sizeof(e6));
	memset(&e4, 0, sizeof(e4));
	if ((family != AF_UNSPEC && family != AF_INET && family != AF_INET6) ||
	    port < 0 || port > 65535) {
		as->status = RESOLVE_TEMPFAIL;
		return perr_set(e, 1, "address look-up: bad family or port");
	}
	ask6 = family != AF_INET;
	ask4 = family != AF_INET6;
	if (ask6) {
		rc6 = resolve_follow(r, host, &k6, &c6, &i6, &e6);
		if (rc6 == -1 && i6.status == RESOLVE_BADNAME) {
			as->status = RESOLVE_BADNAME;
			return perr_set(e, 0, "%s", e6.msg);
		}
		if (rc6 == -1 || i6.status != RESOLVE_FOUND)
			as->n = 0;
	}
	if (ask4) {
		rc4 = resolve_follow(r, host, &k4, &c4, &i4, &e4);
		if (rc4 == -1 && i4.status == RESOLVE_BADNAME) {
			as->status = RESOLVE_BADNAME;
			return perr_set(e, 0, "%s", e4.msg);
		}
		if (rc4 == -1 || i4.status != RESOLVE_FOUND)
			v4.n = 0;
	}

	/* IPv6 first, but leave IPv4 half the room if it needs it */
	keep6 = as->n;
	if (keep6 + v4.n > RESOLVE_ADDR_MAX) {
		keep6 = RESOLVE_ADDR_MAX - v4.n;
		if (keep6 < RESOLVE_ADDR_MAX / 2)
			keep6 = RESOLVE_ADDR_MAX / 2;
		if (keep6 > as->n)
			keep6 = as->n;
	}
	as->n = keep6;
	for (i = 0; i < v4.n && as->n < RESOLVE_ADDR_MAX; i++)
		as->addr[as->n++] = v4.addr[i];

	if (as->n > 0) {
		as->status = RESOLVE_FOUND;
		if (keep6 > 0 && v4.n > 0)
			as->authentic = i6.authentic && i4.authentic;
		else
			as->authentic = keep6 > 0 ? i6.authentic :
			    i4.authentic;
		resolve_namecpy(as->name, keep6 > 0 ? i6.name : i4.name);
		return 0;
	}
	resolve_namecpy(as->name, ask6 ? i6.name : i4.name);
	if ((ask6 && rc6 == -1) || (ask4 && rc4 == -1)) {
		as->status = RESOLVE_TEMPFAIL;
		return perr_set(e, 1, "%s",
		    ask6 && rc6 == -1 ? e6.msg : e4.msg);
	}
	if ((ask6 && i6.status == RESOLVE_NXDOMAIN) ||
	    (ask4 && i4.status == RESOLVE_NXDOMAIN)) {
		as->status = RESOLVE_NXDOMAIN;
		return perr_set(e, 0, "host %s does not exist (NXDOMAIN)",
		    as->name);
	}
	as->status = RESOLVE_NODATA;
	return perr_set(e, 0, "host %s has no %s address", as->name,
	    family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" :
	    "IPv4 or IPv6");
}

static int
resolve_tlsa_cb(const unsigned char *ans, int len, const char *qname,
    void *set, struct resolve_info *info, struct perr *e)
{
	struct resolve_tlsaset	*ts = set;
	int			 rc;

	rc = resolve_parse_tlsa(ans, len, qname, ts, e);
	info->status = ts->status;
	info->authentic = ts->authentic;
	resolve_namecpy(info->name, ts->name);
	return rc;
}

int
resolve_tlsa(struct resolver *r, const char *host, int port,
    struct resolve_tlsaset *ts, struct perr *e)
{
	static const struct resolve_kind kind = { ns_t_tlsa, resolve_tlsa_cb };
	struct resolve_info	 info;
	char			 qname[RESOLVE_INPUT_MAX + 16];
	int			 rc, n;

	memset(ts, 0, sizeof(*ts));
	if (port < 1 || port > 65535) {
		ts->status = RESOLVE_BADNAME;
		return perr_set(e, 0, "TLSA lookup: bad port %d", port);
	}
	/* RFC 6698 3: _port._tcp.host */
	n = snprintf(qname, sizeof(qname), "_%d._tcp.%s", port, host);
	if (n < 0 || (size_t)n >= sizeof(qname)) {
		ts->status = RESOLVE_BADNAME;
		return perr_set(e, 0, "TLSA lookup: host name too long");
	}
	rc = resolve_follow(r, qname, &kind, ts, &info, e);
	ts->status = info.status;
	ts->authentic = info.authentic;
	resolve_namecpy(ts->name, info.name);
	if (rc == -1)
		resolve_tlsa_free(ts);
	return rc;
}

static int
resolve_txt_cb(const unsigned char *ans, int len, const char *qname,
    void *set, struct resolve_info *info, struct perr *e)
{
	struct resolve_txtset	*ts = set;
	int			 rc;

	rc = resolve_parse_txt(ans, len, qname, ts, e);
	info->status = ts->status;
	info->authentic = ts->authentic;
	resolve_namecpy(info->name, ts->name);
	return rc;
}

int
resolve_txt(struct resolver *r, const char *name, struct resolve_txtset *ts,
    struct perr *e)
{
	static const struct resolve_kind kind = { ns_t_txt, resolve_txt_cb };
	struct resolve_info	 info;
	int			 rc;

	memset(ts, 0, sizeof(*ts));
	rc = resolve_follow(r, name, &kind, ts, &info, e);
	ts->status = info.status;
	ts->authentic = info.authentic;
	resolve_namecpy(ts->name, info.name);
	if (rc == -1)
		resolve_txt_free(ts);
	return rc;
}
