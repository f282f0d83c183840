/*
 * t_resolve.c - resolve.c without a network: the answer parsers on
 * hand-built DNS messages (good, odd and hostile), MX ordering and the
 * shuffling of equal preferences, Punycode against RFC 3492 7.1, domain
 * name checks, address literals and the resolver key.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "resolve.h"
#include "tap.h"

/* ---- a DNS message builder -------------------------------------------- */

#define F_RESPONSE	0x8180	/* QR, RD, RA, NOERROR */
#define F_AD		0x0020
#define F_TC		0x0200

struct pkt {
	unsigned char	 b[16384];
	size_t		 len;
};

static void
pkt_u8(struct pkt *p, unsigned int v)
{
	if (p->len < sizeof(p->b))
		p->b[p->len++] = (unsigned char)v;
}

static void
pkt_u16(struct pkt *p, unsigned int v)
{
	pkt_u8(p, v >> 8);
	pkt_u8(p, v & 0xff);
}

static void
pkt_u32(struct pkt *p, uint32_t v)
{
	pkt_u16(p, v >> 16);
	pkt_u16(p, v & 0xffff);
}

static void
pkt_bytes(struct pkt *p, const void *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		pkt_u8(p, ((const unsigned char *)v)[i]);
}

/* A name as labels, uncompressed; "." is the root. */
static void
pkt_name(struct pkt *p, const char *name)
{
	const char	*dot;
	size_t		 n;

	while (*name != '\0' && strcmp(name, ".") != 0) {
		dot = strchr(name, '.');
		n = dot != NULL ? (size_t)(dot - name) : strlen(name);
		pkt_u8(p, (unsigned int)n);
		pkt_bytes(p, name, n);
		name += n;
		if (*name == '.')
			name++;
	}
	pkt_u8(p, 0);
}

/* A compression pointer to offset off. */
static void
pkt_ptr(struct pkt *p, size_t off)
{
	pkt_u16(p, 0xc000 | (unsigned int)off);
}

static void
pkt_header(struct pkt *p, unsigned int flags, unsigned int qd,
    unsigned int an, unsigned int ns, unsigned int ar)
{
	memset(p, 0, sizeof(*p));
	pkt_u16(p, 0x1234);
	pkt_u16(p, flags);
	pkt_u16(p, qd);
	pkt_u16(p, an);
	pkt_u16(p, ns);
	pkt_u16(p, ar);
}

static void
pkt_question(struct pkt *p, const char *name, unsigned int type)
{
	pkt_name(p, name);
	pkt_u16(p, type);
	pkt_u16(p, ns_c_in);
}

/* An RR's owner (NULL: a pointer to the question name), type, class, TTL;
 * returns where rdlength goes, for pkt_rdend(). */
static size_t
pkt_rr(struct pkt *p, const char *owner, unsigned int type)
{
	size_t	 off;

	if (owner == NULL)
		pkt_ptr(p, NS_HFIXEDSZ);
	else
		pkt_name(p, owner);
	pkt_u16(p, type);
	pkt_u16(p, ns_c_in);
	pkt_u32(p, 300);
	off = p->len;
	pkt_u16(p, 0);
	return off;
}

static void
pkt_rdend(struct pkt *p, size_t off)
{
	size_t	 n = p->len - off - 2;

	if (off + 1 >= sizeof(p->b))
		return;
	p->b[off] = (unsigned char)(n >> 8);
	p->b[off + 1] = (unsigned char)(n & 0xff);
}

static void
pkt_mx(struct pkt *p, const char *owner, unsigned int pref, const char *host)
{
	size_t	 off = pkt_rr(p, owner, ns_t_mx);

	pkt_u16(p, pref);
	pkt_name(p, host);
	pkt_rdend(p, off);
}

static void
pkt_cname(struct pkt *p, const char *owner, const char *target)
{
	size_t	 off = pkt_rr(p, owner, ns_t_cname);

	pkt_name(p, target);
	pkt_rdend(p, off);
}

static void
pkt_a(struct pkt *p, const char *owner, const char *ip)
{
	unsigned char	 a[16];
	size_t		 off;
	int		 six = strchr(ip, ':') != NULL;

	off = pkt_rr(p, owner, six ? ns_t_aaaa : ns_t_a);
	inet_pton(six ? AF_INET6 : AF_INET, ip, a);
	pkt_bytes(p, a, six ? 16 : 4);
	pkt_rdend(p, off);
}

/* Set the answer count once the records are in. */
static void
pkt_ancount(struct pkt *p, unsigned int n)
{
	p->b[6] = (unsigned char)(n >> 8);
	p->b[7] = (unsigned char)(n & 0xff);
}

static int
mx_has(const struct resolve_mxset *mx, const char *host)
{
	size_t	 i;

	for (i = 0; i < mx->n; i++)
		if (strcmp(mx->mx[i].host, host) == 0)
			return 1;
	return 0;
}

/* ---- MX ------------------------------------------------------------------ */

static void
t_mx_good(void)
{
	struct pkt		 p;
	struct resolve_mxset	 mx;
	struct perr		 e;
	size_t			 owner;

	pkt_header(&p, F_RESPONSE, 1, 4, 0, 0);
	pkt_question(&p, "Example.ORG", ns_t_mx);
	pkt_mx(&p, NULL, 20, "MX2.example.org");
	pkt_mx(&p, NULL, 10, "mx1.Example.org.");
	owner = p.len;
	pkt_mx(&p, "example.org", 30, "mx3.example.net");
	/* a target compressed against an earlier owner */
	{
		size_t	 off = pkt_rr(&p, NULL, ns_t_mx);

		pkt_u16(&p, 5);
		pkt_u8(&p, 3);
		pkt_bytes(&p, "mx0", 3);
		pkt_ptr(&p, owner);
		pkt_rdend(&p, off);
	}
	CHECK(resolve_parse_mx(p.b, (int)p.len, "EXAMPLE.org.", &mx, &e) == 0,
	    "good MX set parses");
	CHECK(mx.status == RESOLVE_FOUND, "status FOUND");
	CHECK(mx.n == 4, "4 hosts (%zu)", mx.n);
	CHECK(mx.mx[0].pref == 5 && mx.mx[1].pref == 10 &&
	    mx.mx[2].pref == 20 && mx.mx[3].pref == 30, "sorted by preference");
	CHECK_STR(mx.mx[0].host, "mx0.example.org", "compressed target");
	CHECK_STR(mx.mx[1].host, "mx1.example.org", "lower case, no dot");
	CHECK_STR(mx.mx[2].host, "mx2.example.org", "lower case");
	CHECK_STR(mx.mx[3].host, "mx3.example.net", "other domain");
	CHECK_STR(mx.name, "example.org", "name");
	CHECK(mx.authentic == 0 && mx.implicit == 0, "not authentic");

	/* the same with AD, and the question's name taken as it is */
	p.b[3] |= F_AD;
	CHECK(resolve_parse_mx(p.b, (int)p.len, NULL, &mx, &e) == 0 &&
	    mx.authentic == 1 && mx.n == 4, "AD bit reported");
	CHECK_STR(mx.name, "example.org", "name from the question");
}

static void
t_mx_null(void)
{
	struct pkt		 p;
	struct resolve_mxset	 mx;
	struct perr		 e;

	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "nomail.example", ns_t_mx);
	pkt_mx(&p, NULL, 0, ".");
	CHECK(resolve_parse_mx(p.b, (int)p.len, "nomail.example", &mx,
	    &e) == 0 && mx.status == RESOLVE_NULLMX && mx.n == 0,
	    "MX 0 . is a null MX");

	/* "." beside a real host: the host is used */
	pkt_header(&p, F_RESPONSE, 1, 2, 0, 0);
	pkt_question(&p, "mixed.example", ns_t_mx);
	pkt_mx(&p, NULL, 0, ".");
	pkt_mx(&p, NULL, 10, "mx.mixed.example");
	CHECK(resolve_parse_mx(p.b, (int)p.len, "mixed.example", &mx,
	    &e) == 0 && mx.status == RESOLVE_FOUND && mx.n == 1 &&
	    strcmp(mx.mx[0].host, "mx.mixed.example") == 0,
	    "a root target beside a host is skipped");
}

static void
t_mx_cname(void)
{
	struct pkt		 p;
	struct resolve_mxset	 mx;
	struct perr		 e;

	/* the chain and the records, as a recursive server sends them */
	pkt_header(&p, F_RESPONSE, 1, 4, 0, 0);
	pkt_question(&p, "www.example", ns_t_mx);
	pkt_mx(&p, "real.example", 10, "mx.real.example");
	pkt_cname(&p, NULL, "step.example");
	pkt_cname(&p, "step.example", "REAL.example");
	pkt_mx(&p, "other.example", 5, "wrong.example");
	CHECK(resolve_parse_mx(p.b, (int)p.len, "www.example", &mx, &e) == 0,
	    "CNAME chain + MX parses");
	CHECK(mx.status == RESOLVE_FOUND && mx.n == 1 &&
	    strcmp(mx.mx[0].host, "mx.real.example") == 0,
	    "records of the chain's end only, in any order");
	CHECK_STR(mx.name, "real.example", "name is the target");

	/* a lone CNAME: ask again */
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "alias.example", ns_t_mx);
	pkt_cname(&p, NULL, "target.example");
	CHECK(resolve_parse_mx(p.b, (int)p.len, "alias.example", &mx,
	    &e) == 0 && mx.status == RESOLVE_CNAME && mx.n == 0,
	    "a lone CNAME says: ask again");
	CHECK_STR(mx.name, "target.example", "for the target");

	/* a loop */
	pkt_header(&p, F_RESPONSE, 1, 2, 0, 0);
	pkt_question(&p, "a.example", ns_t_mx);
	pkt_cname(&p, "a.example", "b.example");
	pkt_cname(&p, "b.example", "a.example");
	CHECK(resolve_parse_mx(p.b, (int)p.len, "a.example", &mx, &e) == -1 &&
	    mx.status == RESOLVE_TEMPFAIL && e.temp == 1 &&
	    strstr(e.msg, "CNAME chain") != NULL, "CNAME loop: %s", e.msg);

	/* a CNAME to the root or to a bad name */
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "a.example", ns_t_mx);
	pkt_cname(&p, NULL, ".");
	CHECK(resolve_parse_mx(p.b, (int)p.len, "a.example", &mx, &e) == -1 &&
	    strstr(e.msg, "CNAME") != NULL, "CNAME to the root: %s", e.msg);
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "a.example", ns_t_mx);
	pkt_cname(&p, NULL, "b\\.x.example");
	CHECK(resolve_parse_mx(p.b, (int)p.len, "a.example", &mx, &e) == -1,
	    "CNAME to a bad name: %s", e.msg);
}

static void
t_mx_rcodes(void)
{
	struct pkt		 p;
	struct resolve_mxset	 mx;
	struct perr		 e;

	pkt_header(&p, F_RESPONSE | ns_r_nxdomain, 1, 0, 0, 0);
	pkt_question(&p, "nx.example", ns_t_mx);
	CHECK(resolve_parse_mx(p.b, (int)p.len, "nx.example", &mx, &e) == 0 &&
	    mx.status == RESOLVE_NXDOMAIN, "NXDOMAIN");

	pkt_header(&p, F_RESPONSE, 1, 0, 0, 0);
	pkt_question(&p, "nodata.example", ns_t_mx);
	CHECK(resolve_parse_mx(p.b, (int)p.len, "nodata.example", &mx,
	    &e) == 0 && mx.status == RESOLVE_NODATA && mx.n == 0,
	    "NOERROR without records: NODATA");

	pkt_header(&p, F_RESPONSE | ns_r_servfail, 1, 0, 0, 0);
	pkt_question(&p, "sf.example", ns_t_mx);
	CHECK(resolve_parse_mx(p.b, (int)p.len, "sf.example", &mx, &e) == -1 &&
	    mx.status == RESOLVE_TEMPFAIL && e.temp == 1 &&
	    strstr(e.msg, "SERVFAIL") != NULL, "SERVFAIL: %s", e.msg);

	pkt_header(&p, F_RESPONSE | ns_r_refused, 1, 0, 0, 0);
	pkt_question(&p, "r.example", ns_t_mx);
	CHECK(resolve_parse_mx(p.b, (int)p.len, "r.example", &mx, &e) == -1 &&
	    e.temp == 1 && strstr(e.msg, "REFUSED") != NULL, "REFUSED: %s",
	    e.msg);

	pkt_header(&p, F_RESPONSE | 9, 1, 0, 0, 0);
	pkt_question(&p, "r.example", ns_t_mx);
	CHECK(resolve_parse_mx(p.b, (int)p.len, "r.example", &mx, &e) == -1 &&
	    e.temp == 1, "odd rcode: %s", e.msg);
}

/* Every way a message can be broken: -1, TEMPFAIL, a reason, no hosts. */
static void
check_bad(const struct pkt *p, const char *qname, const char *want,
    const char *what)
{
	struct resolve_mxset	 mx;
	struct perr		 e;
	int			 rc;

	memset(&e, 0, sizeof(e));
	rc = resolve_parse_mx(p->b, (int)p->len, qname, &mx, &e);
	CHECK(rc == -1 && mx.status == RESOLVE_TEMPFAIL && mx.n == 0 &&
	    e.temp == 1 && (want == NULL || strstr(e.msg, want) != NULL),
	    "%s: %s", what, e.msg);
}

static void
t_mx_hostile(void)
{
	struct pkt		 p, good;
	struct resolve_mxset	 mx;
	struct perr		 e;
	size_t			 off, cut, nok;

	/* a good answer, then every prefix of it */
	pkt_header(&good, F_RESPONSE, 1, 2, 0, 0);
	pkt_question(&good, "example.org", ns_t_mx);
	pkt_mx(&good, NULL, 10, "mx1.example.org");
	pkt_mx(&good, NULL, 20, "mx2.example.org");
	for (nok = 0, cut = 0; cut < good.len; cut++) {
		memset(&e, 0, sizeof(e));
		if (resolve_parse_mx(good.b, (int)cut, "example.org", &mx,
		    &e) == -1 && mx.status == RESOLVE_TEMPFAIL && mx.n == 0 &&
		    e.msg[0] != '\0')
			nok++;
	}
	CHECK(nok == good.len, "every truncation fails (%zu of %zu)", nok,
	    good.len);
	p = good;
	p.b[p.len++] = 0;
	check_bad(&p, "example.org", "malformed", "a byte after the message");
	CHECK(resolve_parse_mx(good.b, -1, "example.org", &mx, &e) == -1,
	    "negative length");
	CHECK(resolve_parse_mx(NULL, 0, "example.org", &mx, &e) == -1,
	    "no answer");

	p = good;
	p.b[2] |= F_TC >> 8;
	check_bad(&p, "example.org", "truncated", "TC bit");

	p = good;
	p.b[2] &= 0x7f;
	check_bad(&p, "example.org", "not an answer", "QR clear");

	p = good;
	p.b[2] |= 0x10;		/* opcode 2 */
	check_bad(&p, "example.org", "not an answer", "opcode STATUS");

	/* huge counts */
	p = good;
	pkt_ancount(&p, 0xffff);
	check_bad(&p, "example.org", "malformed", "ancount 65535");
	p = good;
	p.b[9] = 0xff;		/* nscount */
	check_bad(&p, "example.org", "malformed", "nscount 255");
	p = good;
	p.b[5] = 2;		/* two questions, one present */
	check_bad(&p, "example.org", NULL, "qdcount 2");

	/* the question */
	check_bad(&good, "example.net", "another question", "other name");
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_a);
	pkt_a(&p, NULL, "192.0.2.1");
	check_bad(&p, "example.org", "another question", "A answer to MX");
	pkt_header(&p, F_RESPONSE, 0, 0, 0, 0);
	check_bad(&p, "example.org", "questions", "no question");
	pkt_header(&p, F_RESPONSE, 1, 0, 0, 0);
	pkt_question(&p, "bad name.example", ns_t_mx);
	check_bad(&p, NULL, "bad name", "bad question name");

	/* a record of another type at the name is no MX */
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	pkt_a(&p, NULL, "192.0.2.1");
	CHECK(resolve_parse_mx(p.b, (int)p.len, "example.org", &mx, &e) == 0 &&
	    mx.status == RESOLVE_NODATA, "wrong type in the answer: NODATA");

	/* an MX of another class */
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	off = pkt_rr(&p, NULL, ns_t_mx);
	p.b[off - 5] = ns_c_chaos;
	pkt_u16(&p, 10);
	pkt_name(&p, "mx.example.org");
	pkt_rdend(&p, off);
	CHECK(resolve_parse_mx(p.b, (int)p.len, "example.org", &mx, &e) == 0 &&
	    mx.status == RESOLVE_NODATA, "class CH ignored");

	/* compression loops: in the target, in an owner */
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	off = pkt_rr(&p, NULL, ns_t_mx);
	pkt_u16(&p, 10);
	pkt_ptr(&p, p.len);		/* points at itself */
	pkt_rdend(&p, off);
	check_bad(&p, "example.org", "malformed", "pointer to itself");

	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	off = pkt_rr(&p, NULL, ns_t_mx);
	pkt_u16(&p, 10);
	pkt_u8(&p, 1);
	pkt_u8(&p, 'a');
	pkt_ptr(&p, off + 4);		/* back to the label: a loop */
	pkt_rdend(&p, off);
	check_bad(&p, "example.org", "malformed", "two-step pointer loop");

	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	pkt_ptr(&p, p.len);		/* owner pointing at itself */
	pkt_u16(&p, ns_t_mx);
	pkt_u16(&p, ns_c_in);
	pkt_u32(&p, 300);
	pkt_u16(&p, 3);
	pkt_u16(&p, 10);
	pkt_u8(&p, 0);
	check_bad(&p, "example.org", "malformed", "owner pointer loop");

	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	off = pkt_rr(&p, NULL, ns_t_mx);
	pkt_u16(&p, 10);
	pkt_ptr(&p, 0x3fff);		/* beyond the message */
	pkt_rdend(&p, off);
	check_bad(&p, "example.org", "malformed", "pointer past the end");

	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	off = pkt_rr(&p, NULL, ns_t_mx);
	pkt_u16(&p, 10);
	pkt_u8(&p, 0x80);		/* reserved label type */
	pkt_u8(&p, 0);
	pkt_rdend(&p, off);
	check_bad(&p, "example.org", "malformed", "label type 10");

	/* rdlength lies */
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	off = pkt_rr(&p, NULL, ns_t_mx);
	pkt_u16(&p, 10);
	pkt_name(&p, "mx.example.org");
	pkt_rdend(&p, off);
	p.b[off + 1] += 40;
	check_bad(&p, "example.org", "malformed", "rdlength past the end");
	p.b[off + 1] -= 41;
	p.len--;
	/* and the message ends before the name does */
	check_bad(&p, "example.org", NULL, "rdlength short by one");
	pkt_header(&p, F_RESPONSE, 1, 2, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	off = pkt_rr(&p, NULL, ns_t_mx);
	pkt_u16(&p, 10);
	pkt_name(&p, "mx.example.org");
	pkt_rdend(&p, off);
	p.b[off + 1] = 5;	/* the name spills into the next record */
	pkt_mx(&p, NULL, 20, "mx2.example.org");
	check_bad(&p, "example.org", NULL, "rdlength shorter than the name");
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	off = pkt_rr(&p, NULL, ns_t_mx);
	pkt_u16(&p, 10);
	pkt_rdend(&p, off);
	check_bad(&p, "example.org", "malformed MX", "MX without a host");
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	off = pkt_rr(&p, NULL, ns_t_mx);
	pkt_u16(&p, 10);
	pkt_name(&p, "mx.example.org");
	pkt_u8(&p, 7);		/* a byte after the name */
	pkt_rdend(&p, off);
	check_bad(&p, "example.org", "malformed MX", "rdata longer than MX");

	/* too many records */
	pkt_header(&p, F_RESPONSE, 1, 300, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	for (off = 0; off < 300; off++)
		pkt_mx(&p, NULL, 10, "mx.example.org");
	check_bad(&p, "example.org", "records", "300 records");

	/* host names that cannot be: skipped; none left is an error */
	pkt_header(&p, F_RESPONSE, 1, 2, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	pkt_mx(&p, NULL, 10, "bad host.example.org");
	pkt_mx(&p, NULL, 20, "mx.example.org");
	CHECK(resolve_parse_mx(p.b, (int)p.len, "example.org", &mx, &e) == 0 &&
	    mx.n == 1 && strcmp(mx.mx[0].host, "mx.example.org") == 0,
	    "a bad host name is skipped");
	pkt_header(&p, F_RESPONSE, 1, 2, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	pkt_mx(&p, NULL, 10, "bad host.example.org");
	pkt_mx(&p, NULL, 20, "-bad.example.org");
	check_bad(&p, "example.org", "no MX record names a valid host",
	    "only bad host names");
}

/* Equal preferences in random order; the cap keeps the best. */
static void
t_mx_random(void)
{
	struct pkt		 p;
	struct resolve_mxset	 mx;
	struct perr		 e;
	const char		*hosts[] = { "a.example", "b.example",
				    "c.example" };
	int			 first[3] = { 0, 0, 0 }, seen[20];
	int			 i, j, ok = 1;
	char			 name[32];

	pkt_header(&p, F_RESPONSE, 1, 5, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	pkt_mx(&p, NULL, 10, hosts[0]);
	pkt_mx(&p, NULL, 20, "z.example");
	pkt_mx(&p, NULL, 10, hosts[1]);
	pkt_mx(&p, NULL, 10, hosts[2]);
	pkt_mx(&p, NULL, 5, "first.example");
	for (i = 0; i < 300; i++) {
		if (resolve_parse_mx(p.b, (int)p.len, "example.org", &mx,
		    &e) == -1 || mx.n != 5 ||
		    strcmp(mx.mx[0].host, "first.example") != 0 ||
		    strcmp(mx.mx[4].host, "z.example") != 0 ||
		    !mx_has(&mx, hosts[0]) || !mx_has(&mx, hosts[1]) ||
		    !mx_has(&mx, hosts[2]))
			ok = 0;
		for (j = 0; j < 3; j++)
			if (strcmp(mx.mx[1].host, hosts[j]) == 0)
				first[j]++;
	}
	CHECK(ok, "order kept between preferences, all hosts there");
	CHECK(first[0] > 0 && first[1] > 0 && first[2] > 0 &&
	    first[0] + first[1] + first[2] == 300,
	    "each equal-preference host comes first (%d %d %d)", first[0],
	    first[1], first[2]);

	/* 20 hosts of one preference: 16 kept, and over many draws each */
	pkt_header(&p, F_RESPONSE, 1, 20, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	for (i = 0; i < 20; i++) {
		(void)snprintf(name, sizeof(name), "h%d.example", i);
		pkt_mx(&p, NULL, 10, name);
		seen[i] = 0;
	}
	for (ok = 1, i = 0; i < 200; i++) {
		if (resolve_parse_mx(p.b, (int)p.len, "example.org", &mx,
		    &e) == -1 || mx.n != RESOLVE_MX_MAX)
			ok = 0;
		for (j = 0; j < 20; j++) {
			(void)snprintf(name, sizeof(name), "h%d.example", j);
			seen[j] += mx_has(&mx, name);
		}
	}
	for (j = 0; j < 20; j++)
		if (seen[j] == 0)
			ok = 0;
	CHECK(ok, "20 equal hosts: %d kept, every one sometimes",
	    RESOLVE_MX_MAX);

	/* 40 hosts of 40 preferences: the 16 best */
	pkt_header(&p, F_RESPONSE, 1, 40, 0, 0);
	pkt_question(&p, "example.org", ns_t_mx);
	for (i = 40; i > 0; i--) {
		(void)snprintf(name, sizeof(name), "p%d.example", i);
		pkt_mx(&p, NULL, (unsigned int)i, name);
	}
	CHECK(resolve_parse_mx(p.b, (int)p.len, "example.org", &mx, &e) == 0 &&
	    mx.n == RESOLVE_MX_MAX && mx.mx[0].pref == 1 &&
	    mx.mx[RESOLVE_MX_MAX - 1].pref == RESOLVE_MX_MAX,
	    "40 preferences: the %d most preferred", RESOLVE_MX_MAX);
}

/* ---- A, AAAA ---------------------------------------------------------- */

static void
t_addrs(void)
{
	struct pkt		 p;
	struct resolve_addrset	 as;
	struct perr		 e;
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	char			 buf[INET6_ADDRSTRLEN], ip[32];
	size_t			 off;
	int			 i;

	pkt_header(&p, F_RESPONSE, 1, 3, 0, 0);
	pkt_question(&p, "mx.example", ns_t_a);
	pkt_a(&p, NULL, "192.0.2.1");
	pkt_a(&p, "other.example", "192.0.2.99");
	pkt_a(&p, NULL, "192.0.2.2");
	CHECK(resolve_parse_addrs(p.b, (int)p.len, "mx.example", AF_INET, 25,
	    &as, &e) == 0 && as.status == RESOLVE_FOUND && as.n == 2,
	    "two A records (%zu)", as.n);
	sin = (struct sockaddr_in *)&as.addr[1];
	CHECK(sin->sin_family == AF_INET && ntohs(sin->sin_port) == 25 &&
	    strcmp(inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)),
	    "192.0.2.2") == 0, "address and port filled in");
	CHECK(resolve_parse_addrs(p.b, (int)p.len, "mx.example", AF_INET6, 25,
	    &as, &e) == -1 && as.status == RESOLVE_TEMPFAIL,
	    "an A answer read as AAAA: %s", e.msg);
	CHECK(resolve_parse_addrs(p.b, (int)p.len, "mx.example", AF_UNIX, 25,
	    &as, &e) == -1, "bad family");
	CHECK(resolve_parse_addrs(p.b, (int)p.len, "mx.example", AF_INET,
	    65536, &as, &e) == -1, "bad port");

	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "mx.example", ns_t_aaaa);
	pkt_a(&p, NULL, "2001:db8::1");
	CHECK(resolve_parse_addrs(p.b, (int)p.len, "mx.example", AF_INET6,
	    587, &as, &e) == 0 && as.n == 1, "AAAA");
	sin6 = (struct sockaddr_in6 *)&as.addr[0];
	CHECK(sin6->sin6_family == AF_INET6 && ntohs(sin6->sin6_port) == 587 &&
	    strcmp(inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf)),
	    "2001:db8::1") == 0, "IPv6 address and port");

	/* an A record of 5 bytes, an AAAA of 4 */
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "mx.example", ns_t_a);
	off = pkt_rr(&p, NULL, ns_t_a);
	pkt_u32(&p, 0xc0000201);
	pkt_u8(&p, 1);
	pkt_rdend(&p, off);
	CHECK(resolve_parse_addrs(p.b, (int)p.len, "mx.example", AF_INET, 25,
	    &as, &e) == -1 && as.n == 0 && strstr(e.msg, "5 bytes") != NULL,
	    "A of 5 bytes: %s", e.msg);
	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "mx.example", ns_t_aaaa);
	off = pkt_rr(&p, NULL, ns_t_aaaa);
	pkt_u32(&p, 0xc0000201);
	pkt_rdend(&p, off);
	CHECK(resolve_parse_addrs(p.b, (int)p.len, "mx.example", AF_INET6, 25,
	    &as, &e) == -1 && as.n == 0, "AAAA of 4 bytes: %s", e.msg);

	/* many: the first ones, up to the cap */
	pkt_header(&p, F_RESPONSE, 1, 40, 0, 0);
	pkt_question(&p, "mx.example", ns_t_a);
	for (i = 0; i < 40; i++) {
		(void)snprintf(ip, sizeof(ip), "192.0.2.%d", i);
		pkt_a(&p, NULL, ip);
	}
	CHECK(resolve_parse_addrs(p.b, (int)p.len, "mx.example", AF_INET, 25,
	    &as, &e) == 0 && as.n == RESOLVE_ADDR_MAX, "capped at %d",
	    RESOLVE_ADDR_MAX);

	/* through a CNAME */
	pkt_header(&p, F_RESPONSE, 1, 2, 0, 0);
	pkt_question(&p, "alias.example", ns_t_a);
	pkt_cname(&p, NULL, "host.example");
	pkt_a(&p, "host.example", "192.0.2.7");
	CHECK(resolve_parse_addrs(p.b, (int)p.len, "alias.example", AF_INET,
	    25, &as, &e) == 0 && as.n == 1 &&
	    strcmp(as.name, "host.example") == 0, "A through a CNAME");
}

/* ---- TLSA --------------------------------------------------------------- */

static void
t_tlsa(void)
{
	struct pkt		 p;
	struct resolve_tlsaset	 ts;
	struct perr		 e;
	unsigned char		 hash[32];
	size_t			 off;
	int			 i;

	for (i = 0; i < 32; i++)
		hash[i] = (unsigned char)i;
	pkt_header(&p, F_RESPONSE | F_AD, 1, 2, 0, 0);
	pkt_question(&p, "_25._tcp.mx.example", ns_t_tlsa);
	off = pkt_rr(&p, NULL, ns_t_tlsa);
	pkt_u8(&p, 3);
	pkt_u8(&p, 1);
	pkt_u8(&p, 1);
	pkt_bytes(&p, hash, sizeof(hash));
	pkt_rdend(&p, off);
	off = pkt_rr(&p, NULL, ns_t_tlsa);
	pkt_u8(&p, 2);
	pkt_u8(&p, 0);
	pkt_u8(&p, 0);
	pkt_rdend(&p, off);
	CHECK(resolve_parse_tlsa(p.b, (int)p.len, "_25._tcp.mx.example", &ts,
	    &e) == 0 && ts.status == RESOLVE_FOUND && ts.n == 2 &&
	    ts.authentic == 1, "two TLSA records, authentic");
	CHECK(ts.n == 2 && ts.v[0].usage == 3 && ts.v[0].selector == 1 &&
	    ts.v[0].mtype == 1 && ts.v[0].len == 32 &&
	    memcmp(ts.v[0].data, hash, 32) == 0, "3 1 1 and its hash");
	CHECK(ts.n == 2 && ts.v[1].usage == 2 && ts.v[1].len == 0,
	    "2 0 0 with no data");
	resolve_tlsa_free(&ts);
	CHECK(ts.v == NULL && ts.n == 0, "freed");
	resolve_tlsa_free(&ts);

	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "_25._tcp.mx.example", ns_t_tlsa);
	off = pkt_rr(&p, NULL, ns_t_tlsa);
	pkt_u8(&p, 3);
	pkt_u8(&p, 1);
	pkt_rdend(&p, off);
	CHECK(resolve_parse_tlsa(p.b, (int)p.len, "_25._tcp.mx.example", &ts,
	    &e) == -1 && ts.status == RESOLVE_TEMPFAIL && ts.v == NULL,
	    "TLSA of 2 bytes: %s", e.msg);

	pkt_header(&p, F_RESPONSE, 1, 40, 0, 0);
	pkt_question(&p, "_25._tcp.mx.example", ns_t_tlsa);
	for (i = 0; i < 40; i++) {
		off = pkt_rr(&p, NULL, ns_t_tlsa);
		pkt_u8(&p, 3);
		pkt_u8(&p, 1);
		pkt_u8(&p, 1);
		pkt_bytes(&p, hash, sizeof(hash));
		pkt_rdend(&p, off);
	}
	CHECK(resolve_parse_tlsa(p.b, (int)p.len, "_25._tcp.mx.example", &ts,
	    &e) == -1 && ts.v == NULL && ts.n == 0,
	    "40 TLSA records: %s", e.msg);

	pkt_header(&p, F_RESPONSE | ns_r_nxdomain | F_AD, 1, 0, 0, 0);
	pkt_question(&p, "_25._tcp.mx.example", ns_t_tlsa);
	CHECK(resolve_parse_tlsa(p.b, (int)p.len, "_25._tcp.mx.example", &ts,
	    &e) == 0 && ts.status == RESOLVE_NXDOMAIN && ts.authentic == 1,
	    "authenticated NXDOMAIN");
}

/* ---- TXT ---------------------------------------------------------------- */

static void
t_txt(void)
{
	struct pkt		 p;
	struct resolve_txtset	 ts;
	struct perr		 e;
	size_t			 off;

	pkt_header(&p, F_RESPONSE, 1, 2, 0, 0);
	pkt_question(&p, "_mta-sts.example", ns_t_txt);
	off = pkt_rr(&p, NULL, ns_t_txt);
	pkt_u8(&p, 8);
	pkt_bytes(&p, "v=STSv1;", 8);
	pkt_u8(&p, 0);
	pkt_u8(&p, 7);
	pkt_bytes(&p, " id=abc", 7);
	pkt_rdend(&p, off);
	off = pkt_rr(&p, NULL, ns_t_txt);
	pkt_u8(&p, 3);
	pkt_bytes(&p, "a\0b", 3);
	pkt_rdend(&p, off);
	CHECK(resolve_parse_txt(p.b, (int)p.len, "_mta-sts.example", &ts,
	    &e) == 0 && ts.status == RESOLVE_FOUND && ts.n == 2,
	    "two TXT records");
	CHECK(ts.n == 2 && ts.v[0].len == 15, "strings joined");
	CHECK_STR(ts.n == 2 ? ts.v[0].s : NULL, "v=STSv1; id=abc", "text");
	CHECK(ts.n == 2 && ts.v[1].len == 3 && memcmp(ts.v[1].s, "a\0b", 4) == 0,
	    "a NUL inside is kept, length says so");
	resolve_txt_free(&ts);

	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "_mta-sts.example", ns_t_txt);
	off = pkt_rr(&p, NULL, ns_t_txt);
	pkt_u8(&p, 9);
	pkt_bytes(&p, "short", 5);
	pkt_rdend(&p, off);
	CHECK(resolve_parse_txt(p.b, (int)p.len, "_mta-sts.example", &ts,
	    &e) == -1 && ts.v == NULL, "string longer than the rdata: %s",
	    e.msg);

	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "_mta-sts.example", ns_t_txt);
	off = pkt_rr(&p, NULL, ns_t_txt);
	pkt_rdend(&p, off);
	CHECK(resolve_parse_txt(p.b, (int)p.len, "_mta-sts.example", &ts,
	    &e) == -1, "empty TXT rdata: %s", e.msg);

	pkt_header(&p, F_RESPONSE, 1, 1, 0, 0);
	pkt_question(&p, "_mta-sts.example", ns_t_txt);
	pkt_mx(&p, NULL, 10, "mx.example");
	CHECK(resolve_parse_txt(p.b, (int)p.len, "_mta-sts.example", &ts,
	    &e) == 0 && ts.status == RESOLVE_NODATA && ts.n == 0,
	    "an MX is not a TXT");
}

/* ---- names -------------------------------------------------------------- */

struct puny_vec {
	const char	*id;
	size_t		 n;
	uint32_t	 cp[48];
	const char	*out;
};

static const struct puny_vec puny_vecs[] = {
	{ "A", 17, {
	    0x0644, 0x064a, 0x0647, 0x0645, 0x0627, 0x0628, 0x062a, 0x0643,
	    0x0644, 0x0645, 0x0648, 0x0634, 0x0639, 0x0631, 0x0628, 0x064a,
	    0x061f },
	    "egbpdaj6bu4bxfgehfvwxn" },
	{ "B", 9, {
	    0x4ed6, 0x4eec, 0x4e3a, 0x4ec0, 0x4e48, 0x4e0d, 0x8bf4, 0x4e2d,
	    0x6587 },
	    "ihqwcrb4cv8a8dqg056pqjye" },
	{ "C", 9, {
	    0x4ed6, 0x5011, 0x7232, 0x4ec0, 0x9ebd, 0x4e0d, 0x8aaa, 0x4e2d,
	    0x6587 },
	    "ihqwctvzc91f659drss3x8bo0yb" },
	{ "D", 22, {
	    0x0050, 0x0072, 0x006f, 0x010d, 0x0070, 0x0072, 0x006f, 0x0073,
	    0x0074, 0x011b, 0x006e, 0x0065, 0x006d, 0x006c, 0x0075, 0x0076,
	    0x00ed, 0x010d, 0x0065, 0x0073, 0x006b, 0x0079 },
	    "Proprostnemluvesky-uyb24dma41a" },
	{ "E", 22, {
	    0x05dc, 0x05de, 0x05d4, 0x05d4, 0x05dd, 0x05e4, 0x05e9, 0x05d5,
	    0x05d8, 0x05dc, 0x05d0, 0x05de, 0x05d3, 0x05d1, 0x05e8, 0x05d9,
	    0x05dd, 0x05e2, 0x05d1, 0x05e8, 0x05d9, 0x05ea },
	    "4dbcagdahymbxekheh6e0a7fei0b" },
	{ "F", 30, {
	    0x092f, 0x0939, 0x0932, 0x094b, 0x0917, 0x0939, 0x093f, 0x0928,
	    0x094d, 0x0926, 0x0940, 0x0915, 0x094d, 0x092f, 0x094b, 0x0902,
	    0x0928, 0x0939, 0x0940, 0x0902, 0x092c, 0x094b, 0x0932, 0x0938,
	    0x0915, 0x0924, 0x0947, 0x0939, 0x0948, 0x0902 },
	    "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd" },
	{ "G", 18, {
	    0x306a, 0x305c, 0x307f, 0x3093, 0x306a, 0x65e5, 0x672c, 0x8a9e,
	    0x3092, 0x8a71, 0x3057, 0x3066, 0x304f, 0x308c, 0x306a, 0x3044,
	    0x306e, 0x304b },
	    "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa" },
	{ "H", 24, {
	    0xc138, 0xacc4, 0xc758, 0xbaa8, 0xb4e0, 0xc0ac, 0xb78c, 0xb4e4,
	    0xc774, 0xd55c, 0xad6d, 0xc5b4, 0xb97c, 0xc774, 0xd574, 0xd55c,
	    0xb2e4, 0xba74, 0xc5bc, 0xb9c8, 0xb098, 0xc88b, 0xc744, 0xae4c },
	    "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5j"
	    "psd879ccm6fea98c" },
	{ "I", 28, {
	    0x043f, 0x043e, 0x0447, 0x0435, 0x043c, 0x0443, 0x0436, 0x0435,
	    0x043e, 0x043d, 0x0438, 0x043d, 0x0435, 0x0433, 0x043e, 0x0432,
	    0x043e, 0x0440, 0x044f, 0x0442, 0x043f, 0x043e, 0x0440, 0x0443,
	    0x0441, 0x0441, 0x043a, 0x0438 },
	    "b1abfaaepdrnnbgefbadotcwatmq2g4l" },
	{ "J", 40, {
	    0x0050, 0x006f, 0x0072, 0x0071, 0x0075, 0x00e9, 0x006e, 0x006f,
	    0x0070, 0x0075, 0x0065, 0x0064, 0x0065, 0x006e, 0x0073, 0x0069,
	    0x006d, 0x0070, 0x006c, 0x0065, 0x006d, 0x0065, 0x006e, 0x0074,
	    0x0065, 0x0068, 0x0061, 0x0062, 0x006c, 0x0061, 0x0072, 0x0065,
	    0x006e, 0x0045, 0x0073, 0x0070, 0x0061, 0x00f1, 0x006f, 0x006c },
	    "PorqunopuedensimplementehablarenEspaol-fmd56a" },
	{ "K", 31, {
	    0x0054, 0x1ea1, 0x0069, 0x0073, 0x0061, 0x006f, 0x0068, 0x1ecd,
	    0x006b, 0x0068, 0x00f4, 0x006e, 0x0067, 0x0074, 0x0068, 0x1ec3,
	    0x0063, 0x0068, 0x1ec9, 0x006e, 0x00f3, 0x0069, 0x0074, 0x0069,
	    0x1ebf, 0x006e, 0x0067, 0x0056, 0x0069, 0x1ec7, 0x0074 },
	    "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g" },
	{ "L", 8, {
	    0x0033, 0x5e74, 0x0042, 0x7d44, 0x91d1, 0x516b, 0x5148, 0x751f },
	    "3B-ww4c5e180e575a65lsy2b" },
	{ "M", 24, {
	    0x5b89, 0x5ba4, 0x5948, 0x7f8e, 0x6075, 0x002d, 0x0077, 0x0069,
	    0x0074, 0x0068, 0x002d, 0x0053, 0x0055, 0x0050, 0x0045, 0x0052,
	    0x002d, 0x004d, 0x004f, 0x004e, 0x004b, 0x0045, 0x0059, 0x0053 },
	    "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n" },
	{ "N", 25, {
	    0x0048, 0x0065, 0x006c, 0x006c, 0x006f, 0x002d, 0x0041, 0x006e,
	    0x006f, 0x0074, 0x0068, 0x0065, 0x0072, 0x002d, 0x0057, 0x0061,
	    0x0079, 0x002d, 0x305d, 0x308c, 0x305e, 0x308c, 0x306e, 0x5834,
	    0x6240 },
	    "Hello-Another-Way--fc4qua05auwb3674vfr0b" },
	{ "O", 8, {
	    0x3072, 0x3068, 0x3064, 0x5c4b, 0x6839, 0x306e, 0x4e0b, 0x0032 },
	    "2-u9tlzr9756bt3uc0v" },
	{ "P", 13, {
	    0x004d, 0x0061, 0x006a, 0x0069, 0x3067, 0x004b, 0x006f, 0x0069,
	    0x3059, 0x308b, 0x0035, 0x79d2, 0x524d },
	    "MajiKoi5-783gue6qz075azm5e" },
	{ "Q", 9, {
	    0x30d1, 0x30d5, 0x30a3, 0x30fc, 0x0064, 0x0065, 0x30eb, 0x30f3,
	    0x30d0 },
	    "de-jg4avhby1noc0d" },
	{ "R", 7, {
	    0x305d, 0x306e, 0x30b9, 0x30d4, 0x30fc, 0x30c9, 0x3067 },
	    "d9juau41awczczp" },
	{ "S", 11, {
	    0x002d, 0x003e, 0x0020, 0x0024, 0x0031, 0x002e, 0x0030, 0x0030,
	    0x0020, 0x003c, 0x002d },
	    "-> $1.00 <--" },
};


static void
t_punycode(void)
{
	char		 out[128];
	size_t		 i;
	int		 n;
	uint32_t	 big[] = { 0x10ffff, 'a' }, bad[] = { 0x110000 };
	uint32_t	 nul[] = { 'a', 0, 0xfc };

	/*
	 * RFC 3492 7.1.  Our encoder keeps the case of basic code points
	 * but has no case flags, so (I) ends in "...bad..." where the RFC's
	 * mixed-case annotation shows "...baD...".
	 */
	for (i = 0; i < sizeof(puny_vecs) / sizeof(puny_vecs[0]); i++) {
		n = resolve_punycode(puny_vecs[i].cp, puny_vecs[i].n, out,
		    sizeof(out));
		CHECK(n == (int)strlen(puny_vecs[i].out),
		    "RFC 3492 (%s) length", puny_vecs[i].id);
		CHECK_STR(n >= 0 ? out : NULL, puny_vecs[i].out,
		    "RFC 3492 (%s)", puny_vecs[i].id);
	}
	CHECK(resolve_punycode(NULL, 0, out, sizeof(out)) == 0 &&
	    out[0] == '\0', "empty");
	CHECK(resolve_punycode(puny_vecs[0].cp, puny_vecs[0].n, out, 10) == -1,
	    "output too small");
	CHECK(resolve_punycode(puny_vecs[0].cp, puny_vecs[0].n, out, 0) == -1,
	    "no output at all");
	n = resolve_punycode(puny_vecs[0].cp, puny_vecs[0].n, out,
	    strlen(puny_vecs[0].out) + 1);
	CHECK(n == (int)strlen(puny_vecs[0].out), "exactly enough room");
	CHECK(resolve_punycode(bad, 1, out, sizeof(out)) == -1,
	    "beyond U+10FFFF");
	CHECK(resolve_punycode(big, 2, out, sizeof(out)) > 0, "U+10FFFF");
	CHECK(resolve_punycode(nul, 3, out, sizeof(out)) == -1, "U+0000");
}

static void
check_alabel(const char *in, const char *want)
{
	char		 out[RESOLVE_NAME_MAX];
	struct perr	 e;

	memset(&e, 0, sizeof(e));
	if (want == NULL) {
		CHECK(resolve_to_alabel(in, out, sizeof(out), &e) == -1 &&
		    e.temp == 0 && e.msg[0] != '\0', "refused: %s", e.msg);
		return;
	}
	CHECK(resolve_to_alabel(in, out, sizeof(out), &e) == 0,
	    "converted to an A-label %s", e.msg);
	CHECK_STR(out, want, "A-label of %s", want);
}

static void
t_alabel(void)
{
	char		 label[70], name[300], out[RESOLVE_NAME_MAX];
	struct perr	 e;
	size_t		 i;

	check_alabel("b\xc3\xbc" "cher.example", "xn--bcher-kva.example");
	check_alabel("B\xc3\xbc" "cher.Example.", "xn--bcher-kva.example");
	check_alabel("m\xc3\xbcnchen.de", "xn--mnchen-3ya.de");
	check_alabel("MAIL.EXAMPLE.ORG", "mail.example.org");
	check_alabel("XN--BCHER-KVA.example", "xn--bcher-kva.example");
	/* RFC 3492 (R) as UTF-8 */
	check_alabel("\xe3\x81\x9d\xe3\x81\xae\xe3\x82\xb9\xe3\x83\x94"
	    "\xe3\x83\xbc\xe3\x83\x89\xe3\x81\xa7.jp",
	    "xn--d9juau41awczczp.jp");
	/* RFC 3492 (D): its capital P lower-cased first */
	check_alabel("Pro\xc4\x8dprost\xc4\x9bnemluv\xc3\xad\xc4\x8d" "esky",
	    "xn--proprostnemluvesky-uyb24dma41a");
	/* a 4-byte sequence (U+1F600) */
	check_alabel("\xf0\x9f\x98\x80.example", "xn--e28h.example");
	/* RFC 3492 (H) is 70 octets as an A-label: too long */
	check_alabel("\xec\x84\xb8\xea\xb3\x84\xec\x9d\x98\xeb\xaa\xa8"
	    "\xeb\x93\xa0\xec\x82\xac\xeb\x9e\x8c\xeb\x93\xa4\xec\x9d\xb4"
	    "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4\xeb\xa5\xbc\xec\x9d\xb4"
	    "\xed\x95\xb4\xed\x95\x9c\xeb\x8b\xa4\xeb\xa9\xb4\xec\x96\xbc"
	    "\xeb\xa7\x88\xeb\x82\x98\xec\xa2\x8b\xec\x9d\x84\xea\xb9\x8c",
	    NULL);
	check_alabel("\xc0\xaf.example", NULL);		/* overlong */
	check_alabel("\xe0\x80\xaf.example", NULL);	/* overlong */
	check_alabel("\xed\xa0\x80.example", NULL);	/* surrogate */
	check_alabel("\xf4\x90\x80\x80.example", NULL);	/* > U+10FFFF */
	check_alabel("\xc3.example", NULL);		/* cut short */
	check_alabel("b\xc3\xbc\xbc" "cher.example", NULL);
	check_alabel("\xff.example", NULL);
	check_alabel("", NULL);
	check_alabel(".", NULL);
	check_alabel("a..example", NULL);
	check_alabel(".example", NULL);
	check_alabel("example..", NULL);

	/* lengths: a label of 63, of 64; a name of 253, of 254 */
	memset(label, 'a', 63);
	label[63] = '\0';
	(void)snprintf(name, sizeof(name), "%s.example", label);
	check_alabel(name, name);
	label[63] = 'a';
	label[64] = '\0';
	(void)snprintf(name, sizeof(name), "%s.example", label);
	check_alabel(name, NULL);
	for (i = 0; i < 253; i++)
		name[i] = i % 2 == 0 ? 'a' : '.';
	name[253] = '\0';
	check_alabel(name, name);
	name[253] = 'a';		/* "a.a. ... .a.a" is 253; now 254 */
	name[254] = '\0';
	name[252] = 'a';
	check_alabel(name, NULL);
	name[253] = '.';		/* 253 octets and a final dot: fine */
	name[252] = 'a';
	name[254] = '\0';
	CHECK(resolve_to_alabel(name, out, sizeof(out), &e) == 0 &&
	    strlen(out) == 253, "253 octets with a final dot");
	CHECK(resolve_to_alabel("example.org", out, 5, &e) == -1,
	    "output too small");
}

static void
check_name(const char *in, int ok)
{
	char		 out[RESOLVE_NAME_MAX], safe[RESOLVE_NAME_MAX];
	struct perr	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	log_sanitize(safe, sizeof(safe), in);
	rc = resolve_name(in, out, sizeof(out), &e);
	if (ok)
		CHECK(rc == 0, "valid name %s", safe);
	else
		CHECK(rc == -1 && e.temp == 0, "invalid name %s: %s", safe,
		    e.msg);
}

static void
t_names(void)
{
	check_name("example.org", 1);
	check_name("a-b.example", 1);
	check_name("a--b.example", 1);
	check_name("123.example", 1);
	check_name("x", 1);
	check_name("_25._tcp.mx.example", 1);
	check_name("_mta-sts.example.org", 1);
	check_name("b\xc3\xbc" "cher.example", 1);
	check_name("-a.example", 0);
	check_name("a-.example", 0);
	check_name("a.-.example", 0);
	check_name("a b.example", 0);
	check_name("a\\.b.example", 0);
	check_name("a/b.example", 0);
	check_name("a\nb.example", 0);
	check_name("a@b.example", 0);
	check_name("[192.0.2.1]", 0);
	check_name("", 0);
}

/* ---- address literals, the resolver key -------------------------------- */

static void
check_sa(const struct sockaddr_storage *ss, const char *ip, int port,
    const char *what)
{
	char	 buf[INET6_ADDRSTRLEN] = "";
	int	 p = -1;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
		p = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
		p = ntohs(sin6->sin6_port);
	}
	CHECK(strcmp(buf, ip) == 0 && p == port, "%s: %s port %d", what, buf,
	    p);
}

static void
t_literal(void)
{
	struct sockaddr_storage	 ss;
	struct perr		 e;
	const char		*bad[] = { "192.0.2.1", "[192.0.2.1",
				    "192.0.2.1]", "[]", "[192.0.2.256]",
				    "[192.0.2]", "[192.0.2.1.5]", "[ 192.0.2.1]",
				    "[2001:db8::1]", "[IPv6:192.0.2.1]",
				    "[IPv6:fe80::1%eth0]", "[IPv6:]",
				    "[IPv6:2001:db8::1::2]", "[tag:content]",
				    "[IPv6:2001:db8:0:0:0:0:0:0:1]",
				    "[192.0.2.1]x", NULL };
	size_t			 i;

	CHECK(resolve_literal("[192.0.2.1]", 25, &ss, &e) == 0, "IPv4 literal");
	check_sa(&ss, "192.0.2.1", 25, "IPv4 literal");
	CHECK(resolve_literal("[IPv6:2001:db8::1]", 2525, &ss, &e) == 0,
	    "IPv6 literal");
	check_sa(&ss, "2001:db8::1", 2525, "IPv6 literal");
	CHECK(resolve_literal("[ipv6:::1]", 25, &ss, &e) == 0,
	    "tag in any case");
	check_sa(&ss, "::1", 25, "lower-case tag");
	CHECK(resolve_literal("[IPv6:::ffff:192.0.2.1]", 25, &ss, &e) == 0,
	    "IPv4-mapped IPv6 literal");
	for (i = 0; bad[i] != NULL; i++)
		CHECK(resolve_literal(bad[i], 25, &ss, &e) == -1 &&
		    e.temp == 0, "not a literal: %s (%s)", bad[i], e.msg);
	CHECK(resolve_literal("[192.0.2.1]", 65536, &ss, &e) == -1,
	    "bad port");
}

static void
t_server(void)
{
	struct sockaddr_storage	 ss;
	struct perr		 e;
	struct resolver		*r;
	const char		*bad[] = { "", "1.2.3.4:", "1.2.3.4:0",
				    "1.2.3.4:65536", "1.2.3.4:53x", "1.2.3:53",
				    "localhost", "[::1", "[::1]:", "[::1]53",
				    "[1.2.3.4]:53", "::1:53x", "1.2.3.4 ",
				    "[::1]:-1", NULL };
	size_t			 i;

	CHECK(resolve_server("192.0.2.53", &ss, &e) == 0, "IPv4");
	check_sa(&ss, "192.0.2.53", 53, "port 53 by default");
	CHECK(resolve_server("127.0.0.1:5353", &ss, &e) == 0, "IPv4:port");
	check_sa(&ss, "127.0.0.1", 5353, "IPv4 with port");
	CHECK(resolve_server("[::1]:5353", &ss, &e) == 0, "[IPv6]:port");
	check_sa(&ss, "::1", 5353, "IPv6 with port");
	CHECK(resolve_server("[2001:db8::53]", &ss, &e) == 0, "[IPv6]");
	check_sa(&ss, "2001:db8::53", 53, "bracketed IPv6");
	CHECK(resolve_server("2001:db8::53", &ss, &e) == 0, "bare IPv6");
	check_sa(&ss, "2001:db8::53", 53, "bare IPv6");
	for (i = 0; bad[i] != NULL; i++)
		CHECK(resolve_server(bad[i], &ss, &e) == -1 && e.temp == 0,
		    "bad resolver \"%s\" (%s)", bad[i], e.msg);

	r = resolve_open("127.0.0.1:5353", &e);
	CHECK(r != NULL && resolve_trusts_ad(r), "resolver key: AD trusted");
	resolve_close(r);
	r = resolve_open("[::1]:5353", &e);
	CHECK(r != NULL && resolve_trusts_ad(r), "IPv6 resolver key");
	resolve_close(r);
	CHECK(resolve_open("nonsense", &e) == NULL && e.temp == 0,
	    "bad resolver key refused: %s", e.msg);
	r = resolve_open(NULL, &e);
	CHECK(r != NULL, "the system's resolver");
	resolve_close(r);
	resolve_close(NULL);
}

int
main(void)
{
	t_mx_good();
	t_mx_null();
	t_mx_cname();
	t_mx_rcodes();
	t_mx_hostile();
	t_mx_random();
	t_addrs();
	t_tlsa();
	t_txt();
	t_punycode();
	t_alabel();
	t_names();
	t_literal();
	t_server();
	return tap_done();
}
