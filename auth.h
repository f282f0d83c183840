/* auth.h - SASL client mechanisms for SMTP AUTH (RFC 4954) */
#ifndef POSTHORN_AUTH_H
#define POSTHORN_AUTH_H

#include <stddef.h>

struct perr;
struct auth;

enum auth_mech {
	AUTH_NONE = 0,
	AUTH_PLAIN,		/* RFC 4616 */
	AUTH_LOGIN,		/* draft-murchison-sasl-login */
	AUTH_CRAM_MD5,		/* RFC 2195 */
	AUTH_SCRAM_SHA256,	/* RFC 5802, RFC 7677 */
	AUTH_XOAUTH2		/* Google's and Microsoft's bearer tokens */
};

/*
 * The mechanism to use: forced (the auth_mechanism key, any case) when set
 * and offered, else the strongest of offered (the EHLO AUTH keyword's
 * argument).  XOAUTH2 is never picked unless forced: its secret is a
 * token, not a password.  -1 with e filled when none fits.
 */
int	auth_choose(const char *offered, const char *forced, struct perr *e);
const char *auth_name(int mech);

/*
 * One exchange with mechanism mech for user and pass (which must outlive
 * it).  NULL with e filled (SCRAM refuses non-ASCII credentials: SASLprep
 * needs Unicode tables posthorn does not carry).
 */
struct auth *auth_new(int mech, const char *user, const char *pass,
	    struct perr *e);
/* Fix the client nonce (tests: RFC 7677's example); else it is random. */
void	auth_set_nonce(struct auth *a, const char *nonce);

/*
 * The next base64 client response into out: the initial response when
 * chal is NULL ("" when the mechanism has none), else the answer to the
 * server's base64 challenge chal.  For SCRAM the server's final message
 * is verified here (a server that cannot prove it knows the password is
 * refused).  0, or -1 with e filled.  out holds a secret: wipe it.
 */
int	auth_step(struct auth *a, const char *chal, char *out, size_t outsz,
	    struct perr *e);

/*
 * 1 when the exchange proved what it must: for SCRAM-SHA-256 that the
 * server's signature was checked (RFC 5802 3); others have nothing to
 * prove.  A 235 without it means a server that never showed it knows the
 * password.
 */
int	auth_complete(const struct auth *a);

/* Wipe and free. */
void	auth_free(struct auth *a);

#endif
