/*
 * auth.c - SASL client responses: PLAIN, LOGIN, CRAM-MD5.
 *
 * Every buffer that holds a password, or something a password can be got
 * back from in one step (PLAIN's and LOGIN's base64), is on the stack of
 * known size and wiped with explicit_bzero before returning.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "log.h"
#include "auth.h"

#define AUTH_BUF	2048

static const struct {
	const char	*name;
	int		 mech;
} mechs[] = {
	/* strongest first */
	{ "CRAM-MD5", AUTH_CRAM_MD5 },
	{ "PLAIN", AUTH_PLAIN },
	{ "LOGIN", AUTH_LOGIN },
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
		if (offers(offered, mechs[i].name))
			return mechs[i].mech;
	}
	if (forced != NULL)
		return perr_set(e, 0, "the server does not offer AUTH %s "
		    "(auth_mechanism); it offers: %s", forced, offered);
	return perr_set(e, 0, "no supported AUTH mechanism offered (server "
	    "offers: %s)", offered);
}

int
auth_b64(const void *in, size_t n, char *out, size_t outsz)
{
	if (n > 0x3fffffff || 4 * ((n + 2) / 3) + 1 > outsz)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return 0;
}

int
auth_unb64(const char *in, unsigned char *out, size_t outsz)
{
	size_t	n = strlen(in), pad = 0;
	int	len;

	if (n % 4 != 0 || (n / 4) * 3 > outsz)
		return -1;
	if (n > 0 && in[n - 1] == '=')
		pad++;
	if (n > 1 && in[n - 2] == '=')
		pad++;
	if ((len = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n)) ==
	    -1)
		return -1;
	return len - (int)pad;
}

int
auth_step(int mech, int step, const char *user, const char *pass,
    const char *chal, char *out, size_t outsz, struct perr *e)
{
	unsigned char	 buf[AUTH_BUF], mac[EVP_MAX_MD_SIZE];
	char		 line[AUTH_BUF];
	unsigned int	 maclen = 0, i;
	size_t		 ul = strlen(user), pl = strlen(pass);
	int		 n, rc = -1;

	switch (mech) {
	case AUTH_PLAIN:
		if (step != 0)
			return perr_set(e, 0, "AUTH PLAIN: unexpected "
			    "challenge");
		if (ul + pl + 2 > sizeof(buf))
			return perr_set(e, 0, "AUTH PLAIN: credentials too "
			    "long");
		buf[0] = '\0';
		memcpy(buf + 1, user, ul);
		buf[ul + 1] = '\0';
		memcpy(buf + ul + 2, pass, pl);
		rc = auth_b64(buf, ul + pl + 2, out, outsz);
		break;
	case AUTH_LOGIN:
		if (step == 0) {
			out[0] = '\0';	/* no initial response */
			return 0;
		}
		if (step > 2)
			return perr_set(e, 0, "AUTH LOGIN: unexpected "
			    "challenge");
		rc = step == 1 ? auth_b64(user, ul, out, outsz) :
		    auth_b64(pass, pl, out, outsz);
		break;
	case AUTH_CRAM_MD5:
		if (step == 0) {
			out[0] = '\0';
			return 0;
		}
		if (step > 1 || (n = auth_unb64(chal, buf, sizeof(buf))) < 0)
			return perr_set(e, 0, "AUTH CRAM-MD5: bad challenge");
		if (HMAC(EVP_md5(), pass, (int)pl, buf, (size_t)n, mac,
		    &maclen) == NULL)
			return perr_set(e, 1, "AUTH CRAM-MD5: HMAC failed");
		n = snprintf(line, sizeof(line), "%s ", user);
		if (n < 0 || (size_t)n + 2 * maclen + 1 > sizeof(line))
			return perr_set(e, 0, "AUTH CRAM-MD5: user name too "
			    "long");
		for (i = 0; i < maclen; i++)
			(void)snprintf(line + n + 2 * i, 3, "%02x", mac[i]);
		rc = auth_b64(line, strlen(line), out, outsz);
		break;
	default:
		return perr_set(e, 0, "unknown AUTH mechanism");
	}
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(line, sizeof(line));
	explicit_bzero(mac, sizeof(mac));
	if (rc == -1)
		return perr_set(e, 0, "AUTH %s: response too long",
		    auth_name(mech));
	return 0;
}
