/* addr.h - RFC 5321 envelope addresses and RFC 5322 address lists */
#ifndef POSTHORN_ADDR_H
#define POSTHORN_ADDR_H

#include <stddef.h>

struct perr;

/* One mailbox found in a header value. */
struct addr_ent {
	char	*spec;		/* the addr-spec as written ("bob", "a@b.c",
				   "\"j d\"@x"), comments/whitespace removed */
	size_t	 off, len;	/* where the addr-spec sits in the value */
	int	 bare;		/* 1: no '@domain' part */
};

struct addr_list {
	struct addr_ent	*v;
	size_t		 n;
};

/*
 * Parse an RFC 5322 address-list (the value of To/Cc/Bcc/From/Reply-To/
 * Sender, possibly folded: CR and LF followed by white space are folding).
 * Display names, quoted strings, comments (nested), angle addresses,
 * groups ("undisclosed-recipients:;"), obsolete routes and empty list
 * members are handled; a bare local part ("root") is accepted with
 * bare = 1.  Appends to *out (which the caller zeroes first).  Returns 0,
 * or -1 with e->msg naming what is wrong (e->temp = 0).
 */
int	addr_parse_list(const char *value, struct addr_list *out,
	    struct perr *e);
void	addr_list_free(struct addr_list *l);

/*
 * Return a newly allocated copy of header value with "@domain" inserted
 * after every bare address, every other byte unchanged.  NULL on a parse
 * error (e filled) or out of memory (e->temp = 1).
 */
char	*addr_qualify_value(const char *value, const char *domain,
	    struct perr *e);

/*
 * Check and normalise an envelope address given on the command line or in
 * SMTP: surrounding white space and one pair of <> are removed; "" and
 * "<>" give "" (the null sender, allowed only when null_ok).  Refuses
 * CR, LF, NUL, other control bytes, and anything that is not an RFC 5321
 * Mailbox (local part: dot-atom or quoted string; domain: a host name,
 * possibly UTF-8, or an address literal [1.2.3.4] / [IPv6:...]) or a bare
 * local part.  Returns a newly allocated string, or NULL with e filled.
 */
char	*addr_envelope(const char *arg, int null_ok, struct perr *e);

/* The domain part (after the last '@' outside quotes), or NULL. */
const char *addr_domain(const char *addr);

/* 1 when addr holds a byte >= 0x80 (needs SMTPUTF8). */
int	addr_is_utf8(const char *addr);

#endif
