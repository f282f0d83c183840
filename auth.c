/*
 * auth.c - SASL client responses: PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256
 * and XOAUTH2.
 *
 * Every buffer that holds a password, or something a password can be got
 * back from in one step (PLAIN's and LOGIN's base64, SCRAM's salted
 * password), is of known size and wiped with explicit_bzero before it is
 * given back; struct auth is wiped by auth_free().
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "auth.h"
#include "mime.h"
#include "ossl.h"

#define AUTH_BUF	2048
#define SCRAM_ITER_MAX	1000000	/* beyond this a server only burns CPU */

struct auth {
	int		 mech;
	int		 step;
	const char	*user, *pass;
	char		 nonce[64];		/* the client's, SCRAM */
	char		 first_bare[AUTH_BUF];	/* client-first-message-bare */
	unsigned char	 salted[SHA256_DIGEST_LENGTH];
	char		 authmsg[3 * AUTH_BUF];
	int		 verified;		/* SCRAM: server signature ok */
};

static const struct {
	const char	*name;
	int		 mech;
	int		 automatic;	/* may be picked when not forced */
} mechs[] = {
	/* strongest first */
	{ "SCRAM-SHA-256", AUTH_SCRAM_SHA256, 1 },
	{ "CRAM-MD5", AUTH_CRAM_MD5, 1 },
	{ "PLAIN", AUTH_PLAIN, 1 },
	{ "LOGIN", AUTH_LOGIN, 1 },
	{ "XOAUTH2", AUTH_XOAUTH2, 0 },
};

const char *
auth_name(int mech)
{
	size_t	i;

	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
		if (mechs[i].mech == mech)
			return mechs[i].name;
	return "NONE";
}

static int
offers(const char *offered, const char *name)
{
	size_t		 n = strlen(name);
	const char	*p = offered;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (strncasecmp(p, name, n) == 0 && (p[n] == ' ' ||
		    p[n] == '\0'))
			return 1;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	return 0;
}

int
auth_choose(const char *offered, const char *forced, struct perr *e)
{
	size_t	i;

	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		if (forced != NULL && strcasecmp(forced, mechs[i].name) != 0)
			continue;
		if (forced == NULL && !mechs[i].automatic)
			continue;
		if (offers(offered, mechs[i].name))
			return mechs[i].mech;
	}
	if (forced != NULL)
		return perr_set(e, 0, "the server does not offer AUTH %s "
		    "(auth_mechanism); it offers: %s", forced, offered);
	return perr_set(e, 0, "no supported AUTH mechanism offered (server "
	    "offers: %s)", offered);
}

static int
ascii_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

struct auth *
auth_new(int mech, const char *user, const char *pass, struct perr *e)
{
	struct auth	*a;
	unsigned char	 rnd[18];

	if (mech == AUTH_SCRAM_SHA256 && (!ascii_printable(user) ||
	    !ascii_printable(pass))) {
		perr_set(e, 0, "AUTH SCRAM-SHA-256 takes ASCII user names and "
		    "passwords only (SASLprep is not implemented); set "
		    "auth_mechanism to another mechanism");
		return NULL;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		perr_set(e, 1, "out of memory");
		return NULL;
	}
	a->mech = mech;
	a->user = user;
	a->pass = pass;
	arc4random_buf(rnd, sizeof(rnd));
	(void)mime_b64_encode(rnd, sizeof(rnd), a->nonce, sizeof(a->nonce));
	return a;
}

void
auth_set_nonce(struct auth *a, const char *nonce)
{
	(void)strlcpy(a->nonce, nonce, sizeof(a->nonce));
}

void
auth_free(struct auth *a)
{
	if (a != NULL)
		freezero(a, sizeof(*a));
}

/* saslname (RFC 5802 5.1): ',' and '=' escaped. */
static int
saslname(const char *user, char *out, size_t outsz)
{
	size_t	o = 0;

	for (; *user != '\0'; user++) {
		const char *rep = *user == ',' ? "=2C" : *user == '=' ?
		    "=3D" : NULL;
		size_t	    n = rep != NULL ? 3 : 1;

		if (o + n + 1 > outsz)
			return -1;
		if (rep != NULL)
			memcpy(out + o, rep, 3);
		else
			out[o] = *user;
		o += n;
	}
	out[o] = '\0';
	return 0;
}

/* The value of attribute c ("r", "s", "i", "v", "e") in a SCRAM message. */
static const char *
scram_attr(const char *msg, char c, size_t *len)
{
	const char	*p = msg;

	while (p != NULL && *p != '\0') {
		if (p[0] == c && p[1] == '=') {
			*len = strcspn(p + 2, ",");
			return p + 2;
		}
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return NULL;
}

static int
scram_first(struct auth *a, char *out, size_t outsz, struct perr *e)
{
	char	name[512];

	if (saslname(a->user, name, sizeof(name)) == -1 ||
	    (size_t)snprintf(a->first_bare, sizeof(a->first_bare),
	    "n=%s,r=%s", name, a->nonce) >= sizeof(a->first_bare))
		return perr_set(e, 0, "AUTH SCRAM-SHA-256: user name too "
		    "long");
	/* gs2 header "n,,": no channel binding, no authzid */
	if (snprintf(name, sizeof(name), "n,,%s", a->first_bare) >=
	    (int)sizeof(name) || mime_b64_encode(name, strlen(name), out, outsz) ==
	    -1)
		return perr_set(e, 0, "AUTH SCRAM-SHA-256: response too long");
	return 0;
}

static int
scram_final(struct auth *a, const char *chal, char *out, size_t outsz,
    struct perr *e)
{
	unsigned char	 sf[AUTH_BUF], salt[256], ckey[SHA256_DIGEST_LENGTH];
	unsigned char	 skey[SHA256_DIGEST_LENGTH], sig[SHA256_DIGEST_LENGTH];
	unsigned char	 proof[SHA256_DIGEST_LENGTH];
	char		 without[AUTH_BUF], msg[AUTH_BUF], pb64[64];
	const char	*r, *s, *it, *errstr;
	size_t		 rl, sl, il, i;
	unsigned int	 len;
	long long	 iter;
	char		 num[16], sb64[400];
	int		 n, saltlen, rc = -1;

	if ((n = mime_b64_decode(chal, sf, sizeof(sf) - 1)) < 0)
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: bad challenge");
	sf[n] = '\0';
	if (memchr(sf, '\0', n) != NULL || !ascii_printable((char *)sf))
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: bad challenge");
	if ((r = scram_attr((char *)sf, 'r', &rl)) == NULL ||
	    (s = scram_attr((char *)sf, 's', &sl)) == NULL ||
	    (it = scram_attr((char *)sf, 'i', &il)) == NULL || il == 0 ||
	    il >= sizeof(num) || sl >= sizeof(sb64))
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: malformed server "
		    "message");
	/* the server's nonce must extend ours (RFC 5802 5.1) */
	if (rl <= strlen(a->nonce) || strncmp(r, a->nonce,
	    strlen(a->nonce)) != 0)
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: the server "
		    "changed our nonce");
	memcpy(num, it, il);
	num[il] = '\0';
	iter = strtonum(num, 1, SCRAM_ITER_MAX, &errstr);
	if (errstr != NULL)
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: iteration count "
		    "%s", errstr);
	memcpy(sb64, s, sl);
	sb64[sl] = '\0';
	if ((saltlen = mime_b64_decode(sb64, salt, sizeof(salt))) <= 0)
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: bad salt");
	if (ossl->PKCS5_PBKDF2_HMAC(a->pass, (int)strlen(a->pass), salt, saltlen,
	    (int)iter, ossl->EVP_sha256(), sizeof(a->salted), a->salted) != 1)
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: PBKDF2 failed");
	if ((size_t)snprintf(without, sizeof(without), "c=biws,r=%.*s",
	    (int)rl, r) >= sizeof(without) ||
	    (size_t)snprintf(a->authmsg, sizeof(a->authmsg), "%s,%s,%s",
	    a->first_bare, (char *)sf, without) >= sizeof(a->authmsg)) {
		perr_set(e, 1, "AUTH SCRAM-SHA-256: messages too long");
		goto out;
	}
	if (ossl->HMAC(ossl->EVP_sha256(), a->salted, sizeof(a->salted),
	    (const unsigned char *)"Client Key", 10, ckey, &len) == NULL ||
	    ossl->SHA256(ckey, sizeof(ckey), skey) == NULL ||
	    ossl->HMAC(ossl->EVP_sha256(), skey, sizeof(skey),
	    (unsigned char *)a->authmsg, strlen(a->authmsg), sig, &len) ==
	    NULL) {
		perr_set(e, 1, "AUTH SCRAM-SHA-256: HMAC failed");
		goto out;
	}
	for (i = 0; i < sizeof(proof); i++)
		proof[i] = ckey[i] ^ sig[i];
	if (mime_b64_encode(proof, sizeof(proof), pb64, sizeof(pb64)) == -1 ||
	    (size_t)snprintf(msg, sizeof(msg), "%s,p=%s", without, pb64) >=
	    sizeof(msg) || mime_b64_encode(msg, strlen(msg), out, outsz) == -1) {
		perr_set(e, 0, "AUTH SCRAM-SHA-256: response too long");
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(ckey, sizeof(ckey));
	explicit_bzero(skey, sizeof(skey));
	explicit_bzero(sig, sizeof(sig));
	explicit_bzero(proof, sizeof(proof));
	explicit_bzero(msg, sizeof(msg));
	explicit_bzero(pb64, sizeof(pb64));
	return rc;
}

/* The server's proof that it knows the password too (RFC 5802 3). */
static int
scram_verify(struct auth *a, const char *chal, char *out, struct perr *e)
{
	unsigned char	 m[512], key[SHA256_DIGEST_LENGTH];
	unsigned char	 want[SHA256_DIGEST_LENGTH], got[64];
	char		 v[128];
	const char	*p;
	size_t		 vl;
	unsigned int	 len;
	int		 n, gl;

	if ((n = mime_b64_decode(chal, m, sizeof(m) - 1)) < 0)
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: bad final message");
	m[n] = '\0';
	if ((p = scram_attr((char *)m, 'e', &vl)) != NULL)
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: the server says "
		    "%.*s", (int)(vl > 100 ? 100 : vl), p);
	if ((p = scram_attr((char *)m, 'v', &vl)) == NULL || vl >= sizeof(v))
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: no server "
		    "signature");
	memcpy(v, p, vl);
	v[vl] = '\0';
	if (ossl->HMAC(ossl->EVP_sha256(), a->salted, sizeof(a->salted),
	    (const unsigned char *)"Server Key", 10, key, &len) == NULL ||
	    ossl->HMAC(ossl->EVP_sha256(), key, sizeof(key),
	    (unsigned char *)a->authmsg, strlen(a->authmsg), want, &len) ==
	    NULL) {
		explicit_bzero(key, sizeof(key));
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: HMAC failed");
	}
	explicit_bzero(key, sizeof(key));
	gl = mime_b64_decode(v, got, sizeof(got));
	if (gl != (int)sizeof(want) || ossl->CRYPTO_memcmp(got, want,
	    sizeof(want)) != 0)
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: the server's "
		    "signature is wrong (not the real server?)");
	out[0] = '\0';		/* an empty response ends the exchange */
	a->verified = 1;
	return 0;
}

int
auth_complete(const struct auth *a)
{
	return a->mech != AUTH_SCRAM_SHA256 || a->verified;
}

int
auth_step(struct auth *a, const char *chal, char *out, size_t outsz,
    struct perr *e)
{
	unsigned char	 buf[AUTH_BUF], mac[EVP_MAX_MD_SIZE];
	char		 line[AUTH_BUF];
	unsigned int	 maclen = 0, i;
	size_t		 ul = strlen(a->user), pl = strlen(a->pass);
	int		 n, rc = -1, step = a->step++;

	/* the keyed hashes are OpenSSL's, loaded for these two only */
	if ((a->mech == AUTH_CRAM_MD5 || a->mech == AUTH_SCRAM_SHA256) &&
	    ossl_load(e) == -1)
		return -1;
	switch (a->mech) {
	case AUTH_PLAIN:
		if (step != 0)
			return perr_set(e, 0, "AUTH PLAIN: unexpected "
			    "challenge");
		if (ul + pl + 2 > sizeof(buf))
			return perr_set(e, 0, "AUTH PLAIN: credentials too "
			    "long");
		buf[0] = '\0';
		memcpy(buf + 1, a->user, ul);
		buf[ul + 1] = '\0';
		memcpy(buf + ul + 2, a->pass, pl);
		rc = mime_b64_encode(buf, ul + pl + 2, out, outsz);
		break;
	case AUTH_LOGIN:
		if (step == 0) {
			out[0] = '\0';	/* no initial response */
			return 0;
		}
		if (step > 2)
			return perr_set(e, 0, "AUTH LOGIN: unexpected "
			    "challenge");
		rc = step == 1 ? mime_b64_encode(a->user, ul, out, outsz) :
		    mime_b64_encode(a->pass, pl, out, outsz);
		break;
	case AUTH_CRAM_MD5:
		if (step == 0) {
			out[0] = '\0';
			return 0;
		}
		if (step > 1 || chal == NULL ||
		    (n = mime_b64_decode(chal, buf, sizeof(buf))) < 0)
			return perr_set(e, 0, "AUTH CRAM-MD5: bad challenge");
		if (ossl->HMAC(ossl->EVP_md5(), a->pass, (int)pl, buf, (size_t)n, mac,
		    &maclen) == NULL)
			return perr_set(e, 1, "AUTH CRAM-MD5: HMAC failed");
		n = snprintf(line, sizeof(line), "%s ", a->user);
		if (n < 0 || (size_t)n + 2 * maclen + 1 > sizeof(line))
			return perr_set(e, 0, "AUTH CRAM-MD5: user name too "
			    "long");
		for (i = 0; i < maclen; i++)
			(void)snprintf(line + n + 2 * i, 3, "%02x", mac[i]);
		rc = mime_b64_encode(line, strlen(line), out, outsz);
		break;
	case AUTH_SCRAM_SHA256:
		if (step == 0)
			return scram_first(a, out, outsz, e);
		if (chal == NULL)
			return perr_set(e, 1, "AUTH SCRAM-SHA-256: no "
			    "challenge");
		if (step == 1)
			return scram_final(a, chal, out, outsz, e);
		if (step == 2)
			return scram_verify(a, chal, out, e);
		return perr_set(e, 1, "AUTH SCRAM-SHA-256: unexpected "
		    "challenge");
	case AUTH_XOAUTH2:
		if (step == 0) {
			/* the secret is a bearer token (auth_password_command) */
			n = snprintf(line, sizeof(line),
			    "user=%s\001auth=Bearer %s\001\001", a->user,
			    a->pass);
			if (n < 0 || (size_t)n >= sizeof(line))
				return perr_set(e, 0, "AUTH XOAUTH2: token too "
				    "long");
			rc = mime_b64_encode(line, (size_t)n, out, outsz);
			break;
		}
		/* a challenge is the server's JSON error: answer empty,
		 * the 535 that follows says it failed */
		out[0] = '\0';
		return 0;
	default:
		return perr_set(e, 0, "unknown AUTH mechanism");
	}
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(line, sizeof(line));
	explicit_bzero(mac, sizeof(mac));
	if (rc == -1)
		return perr_set(e, 0, "AUTH %s: response too long",
		    auth_name(a->mech));
	return 0;
}
