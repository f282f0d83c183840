/* auth.h - SASL client mechanisms for SMTP AUTH (RFC 4954) */
#ifndef POSTHORN_AUTH_H
#define POSTHORN_AUTH_H

#include <stddef.h>

struct perr;

enum auth_mech {
	AUTH_NONE = 0,
	AUTH_PLAIN,		/* RFC 4616 */
	AUTH_LOGIN,		/* draft-murchison-sasl-login */
	AUTH_CRAM_MD5		/* RFC 2195 */
};

/*
 * The mechanism to use: forced (a name from the auth_mechanism key) when
 * set and offered, else the strongest of offered (the EHLO AUTH keyword's
 * argument).  -1 with e filled when none fits.
 */
int	auth_choose(const char *offered, const char *forced, struct perr *e);
const char *auth_name(int mech);

/* Base64 of n bytes into out (NUL-terminated).  -1 when out is too small. */
int	auth_b64(const void *in, size_t n, char *out, size_t outsz);
/* Decode base64 in into out; the decoded length, or -1. */
int	auth_unb64(const char *in, unsigned char *out, size_t outsz);

/*
 * The base64 client response for the mechanism's step (0 for the initial
 * response, then one per server challenge, chal being its base64 text).
 * Returns 0, or -1 with e filled.  out holds a secret: wipe it after use.
 */
int	auth_step(int mech, int step, const char *user, const char *pass,
	    const char *chal, char *out, size_t outsz, struct perr *e);

#endif
