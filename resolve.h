/* resolve.h - DNS look-ups for direct delivery: MX, A/AAAA, TLSA, TXT */
#ifndef POSTHORN_RESOLVE_H
#define POSTHORN_RESOLVE_H

#include <sys/types.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

struct perr;
struct resolver;		/* a private resolver state (struct __res_state) */

#define RESOLVE_NAME_MAX	254	/* a name of 253 octets and its NUL */
#define RESOLVE_MX_MAX		16	/* MX hosts kept: the most preferred */
#define RESOLVE_ADDR_MAX	16	/* addresses kept per host */
#define RESOLVE_TLSA_MAX	32	/* more TLSA records is a bad answer */
#define RESOLVE_TXT_MAX		32	/* more TXT records is a bad answer */

/* What a look-up found: the status member of every result. */
enum resolve_status {
	RESOLVE_FOUND = 0,	/* records of the type asked for */
	RESOLVE_NODATA,		/* the name exists but holds none */
	RESOLVE_NXDOMAIN,	/* the name does not exist: permanent */
	RESOLVE_NULLMX,		/* "MX 0 .": takes no mail, RFC 7505 (5.1.10) */
	RESOLVE_TEMPFAIL,	/* SERVFAIL, REFUSED, time-out, bad answer */
	RESOLVE_BADNAME,	/* the name asked for is not valid: permanent */
	RESOLVE_CNAME		/* parsers only: ask again for name[] */
};

/*
 * In every result: authentic is 1 when each answer on the way had the AD
 * bit and the resolver is trusted to set it (resolve_trusts_ad()); for the
 * resolve_parse_*() functions it is the packet's AD bit alone.  name is
 * the name the records belong to, after any CNAME (lower case, no final
 * dot).
 */
struct resolve_mx {
	unsigned int	 pref;
	char		 host[RESOLVE_NAME_MAX];	/* lower case, no final dot */
};

struct resolve_mxset {
	enum resolve_status	 status;
	int			 authentic;
	int			 implicit;	/* no MX: mx[0] is name itself */
	char			 name[RESOLVE_NAME_MAX];
	size_t			 n;
	struct resolve_mx	 mx[RESOLVE_MX_MAX];	/* ties in random order */
};

struct resolve_addrset {
	enum resolve_status	 status;
	int			 authentic;
	char			 name[RESOLVE_NAME_MAX];
	size_t			 n;
	struct sockaddr_storage	 addr[RESOLVE_ADDR_MAX];	/* IPv6 first */
};

struct resolve_tlsa {
	uint8_t		 usage, selector, mtype;
	size_t		 len;
	unsigned char	*data;		/* certificate association data */
};

struct resolve_tlsaset {
	enum resolve_status	 status;
	int			 authentic;
	char			 name[RESOLVE_NAME_MAX];
	size_t			 n;
	struct resolve_tlsa	*v;	/* resolve_tlsa_free() */
};

struct resolve_txt {
	char		*s;		/* the strings joined, NUL-terminated */
	size_t		 len;		/* without the NUL; s may hold NULs */
};

struct resolve_txtset {
	enum resolve_status	 status;
	int			 authentic;
	char			 name[RESOLVE_NAME_MAX];
	size_t			 n;
	struct resolve_txt	*v;	/* resolve_txt_free() */
};

/*
 * A resolver for the look-ups of direct delivery, sharing no state with
 * other code.  server is the resolver key ("ip", "ip:port", "[ipv6]",
 * "[ipv6]:port" or a bare IPv6 address; port 53 by default), which
 * replaces the servers of /etc/resolv.conf, or NULL.  NULL on error:
 * e->temp is 0 for a bad server, 1 for out of memory.
 */
struct resolver	*resolve_open(const char *server, struct perr *e);
void		 resolve_close(struct resolver *r);

/*
 * 1 if AD bits from r are believed: r uses the resolver key, or every
 * server of resolv.conf is on loopback, or resolv.conf says "options
 * trust-ad" (SPEC 5).  Only then is RES_TRUSTAD set.
 */
int	resolve_trusts_ad(const struct resolver *r);

/*
 * MX hosts of domain (UTF-8 or ASCII, converted with resolve_name()),
 * sorted by preference, equal preferences shuffled (RFC 5321 5.1).  0: a
 * list to try; with no MX records it holds the domain itself with
 * implicit = 1.  -1: status says why, e->temp is 1 only for
 * RESOLVE_TEMPFAIL; RESOLVE_NULLMX deserves DSN 5.1.10.
 */
int	resolve_mx(struct resolver *r, const char *domain,
	    struct resolve_mxset *mx, struct perr *e);

/*
 * Addresses of host with port filled in; family is AF_INET6, AF_INET or
 * AF_UNSPEC (both: IPv6 first).  0 when at least one was found (a
 * temporary failure of one family is then ignored).  -1 otherwise:
 * RESOLVE_NXDOMAIN, RESOLVE_NODATA and RESOLVE_BADNAME are permanent.
 */
int	resolve_addrs(struct resolver *r, const char *host, int family,
	    int port, struct resolve_addrset *as, struct perr *e);

/*
 * TLSA records of _PORT._tcp.HOST (RFC 6698, 7672).  0 also when there
 * are none (status RESOLVE_NODATA or RESOLVE_NXDOMAIN, n = 0); -1 for a
 * temporary failure or a bad host name.  Call resolve_tlsa_free() after
 * either: it is always safe.
 */
int	resolve_tlsa(struct resolver *r, const char *host, int port,
	    struct resolve_tlsaset *ts, struct perr *e);
void	resolve_tlsa_free(struct resolve_tlsaset *ts);

/* TXT records of name (_mta-sts.DOMAIN), as resolve_tlsa(). */
int	resolve_txt(struct resolver *r, const char *name,
	    struct resolve_txtset *ts, struct perr *e);
void	resolve_txt_free(struct resolve_txtset *ts);

/*
 * Domain names.  resolve_to_alabel() writes name in ASCII: labels with
 * non-ASCII characters become A-labels ("xn--" and RFC 3492 Punycode),
 * ASCII letters are lower-cased, a final dot is dropped.  No Unicode
 * mapping or normalisation is done (a U-label must already be in the
 * lower-case NFC form IDNA2008 wants) and no code point is checked
 * against IDNA2008's tables; an ASCII label is taken as it is (an
 * "xn--" label is not decoded).  resolve_name() also checks the result:
 * labels of letters, digits, '-' (not first or last) and '_', at most 63
 * octets, 253 in all.  Both return -1 (e->temp 0) for what they refuse.
 */
int	resolve_to_alabel(const char *name, char *out, size_t outsz,
	    struct perr *e);
int	resolve_name(const char *name, char *out, size_t outsz,
	    struct perr *e);

/*
 * RFC 3492 Punycode of n code points (case of basic code points kept, no
 * "xn--"), NUL-terminated in out.  Its length, or -1 if out is too small,
 * a code point is U+0000 or beyond U+10FFFF, or the arithmetic would
 * overflow.
 */
int	resolve_punycode(const uint32_t *cp, size_t n, char *out,
	    size_t outsz);

/*
 * An RFC 5321 address literal, "[192.0.2.1]" or "[IPv6:2001:db8::1]",
 * into ss with port.  -1 (e->temp 0) if it is not one.
 */
int	resolve_literal(const char *lit, int port,
	    struct sockaddr_storage *ss, struct perr *e);

/* The resolver key's value into ss (port 53 by default); -1 if bad. */
int	resolve_server(const char *spec, struct sockaddr_storage *ss,
	    struct perr *e);

/*
 * The answer parsers behind the look-ups, without a network (tests,
 * fuzzing).  ans is a whole DNS response of len bytes to a query for
 * qname (NULL: the name in its question).  0: the answer was understood
 * and status says what it holds (RESOLVE_CNAME: it ends at a CNAME whose
 * target, in name, holds no records here).  -1: status RESOLVE_TEMPFAIL
 * (an error rcode, or a malformed, truncated or unexpected answer) with
 * e->temp 1.  The result is overwritten; for TLSA and TXT free it after.
 */
int	resolve_parse_mx(const unsigned char *ans, int len, const char *qname,
	    struct resolve_mxset *mx, struct perr *e);
int	resolve_parse_addrs(const unsigned char *ans, int len,
	    const char *qname, int family, int port,
	    struct resolve_addrset *as, struct perr *e);
int	resolve_parse_tlsa(const unsigned char *ans, int len,
	    const char *qname, struct resolve_tlsaset *ts, struct perr *e);
int	resolve_parse_txt(const unsigned char *ans, int len,
	    const char *qname, struct resolve_txtset *ts, struct perr *e);

#endif
