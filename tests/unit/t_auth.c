/* t_auth.c - SASL client responses against published examples */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "auth.h"
#include "mime.h"
#include "tests/unit/tap.h"

/* base64 of s, for building server messages */
static const char *
b64(const char *s)
{
	static char	buf[1024];

	if (mime_b64_encode(s, strlen(s), buf, sizeof(buf)) == -1)
		return "";
	return buf;
}

static const char *
unb64(const char *s)
{
	static char	buf[1024];
	int		n;

	if ((n = mime_b64_decode(s, (unsigned char *)buf, sizeof(buf) - 1)) < 0)
		return "(bad base64)";
	buf[n] = '\0';
	return buf;
}

int
main(void)
{
	struct auth	*a;
	struct perr	 e;
	char		 out[2048];
	int		 rc;

	/* RFC 7677 section 3: user "user", password "pencil" */
	a = auth_new(AUTH_SCRAM_SHA256, "user", "pencil", &e);
	CHECK(a != NULL, "SCRAM: auth_new");
	auth_set_nonce(a, "rOprNGfwEbeRWgbNEkqO");
	CHECK(auth_step(a, NULL, out, sizeof(out), &e) == 0,
	    "SCRAM: client-first");
	CHECK_STR(unb64(out), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
	    "SCRAM: client-first-message of RFC 7677");
	rc = auth_step(a, b64("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)"
	    "hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), out, sizeof(out), &e);
	CHECK(rc == 0, "SCRAM: client-final computed");
	CHECK_STR(unb64(out), "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfux"
	    "FIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	    "SCRAM: client-final-message and proof of RFC 7677");
	rc = auth_step(a, b64("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
	    out, sizeof(out), &e);
	CHECK(rc == 0 && out[0] == '\0', "SCRAM: server signature of RFC "
	    "7677 accepted");
	auth_free(a);

	/* a server that does not know the password */
	a = auth_new(AUTH_SCRAM_SHA256, "user", "pencil", &e);
	auth_set_nonce(a, "rOprNGfwEbeRWgbNEkqO");
	(void)auth_step(a, NULL, out, sizeof(out), &e);
	(void)auth_step(a, b64("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)"
	    "hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), out, sizeof(out), &e);
	rc = auth_step(a, b64("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
	    out, sizeof(out), &e);
	CHECK(rc == -1 && strstr(e.msg, "signature") != NULL,
	    "SCRAM: a wrong server signature is refused (%s)", e.msg);
	auth_free(a);

	/* a server that changes our nonce */
	a = auth_new(AUTH_SCRAM_SHA256, "user", "pencil", &e);
	auth_set_nonce(a, "abc");
	(void)auth_step(a, NULL, out, sizeof(out), &e);
	rc = auth_step(a, b64("r=xyzdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
	    out, sizeof(out), &e);
	CHECK(rc == -1, "SCRAM: a foreign nonce is refused");
	auth_free(a);

	/* a huge iteration count is refused, not computed */
	a = auth_new(AUTH_SCRAM_SHA256, "user", "pencil", &e);
	auth_set_nonce(a, "abc");
	(void)auth_step(a, NULL, out, sizeof(out), &e);
	rc = auth_step(a, b64("r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,"
	    "i=999999999"), out, sizeof(out), &e);
	CHECK(rc == -1, "SCRAM: iteration count over the cap refused");
	auth_free(a);

	/* names with ',' and '=' are escaped */
	a = auth_new(AUTH_SCRAM_SHA256, "a,b=c", "p", &e);
	auth_set_nonce(a, "n1");
	(void)auth_step(a, NULL, out, sizeof(out), &e);
	CHECK_STR(unb64(out), "n,,n=a=2Cb=3Dc,r=n1", "SCRAM: saslname");
	auth_free(a);

	/* SASLprep is not carried: non-ASCII is refused with a reason */
	a = auth_new(AUTH_SCRAM_SHA256, "user", "p\xc3\xa4ss", &e);
	CHECK(a == NULL && strstr(e.msg, "ASCII") != NULL,
	    "SCRAM: non-ASCII password refused (%s)", e.msg);

	/* RFC 2195's CRAM-MD5 example */
	a = auth_new(AUTH_CRAM_MD5, "tim", "tanstaaftanstaaf", &e);
	CHECK(auth_step(a, NULL, out, sizeof(out), &e) == 0 && out[0] == '\0',
	    "CRAM-MD5: no initial response");
	CHECK(auth_step(a, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5"
	    "uZXQ+", out, sizeof(out), &e) == 0, "CRAM-MD5: response");
	CHECK_STR(unb64(out), "tim b913a602c7eda7a495b4e6e7334d3890",
	    "CRAM-MD5: RFC 2195's digest");
	auth_free(a);

	/* PLAIN: authzid empty, NUL-separated */
	a = auth_new(AUTH_PLAIN, "tim", "tanstaaf", &e);
	CHECK(auth_step(a, NULL, out, sizeof(out), &e) == 0 &&
	    strcmp(out, "AHRpbQB0YW5zdGFhZg==") == 0, "PLAIN: %s", out);
	auth_free(a);

	/* LOGIN: user, then password */
	a = auth_new(AUTH_LOGIN, "tim", "tanstaaf", &e);
	(void)auth_step(a, NULL, out, sizeof(out), &e);
	CHECK(auth_step(a, "VXNlcm5hbWU6", out, sizeof(out), &e) == 0 &&
	    strcmp(unb64(out), "tim") == 0, "LOGIN: user");
	CHECK(auth_step(a, "UGFzc3dvcmQ6", out, sizeof(out), &e) == 0 &&
	    strcmp(unb64(out), "tanstaaf") == 0, "LOGIN: password");
	auth_free(a);

	/* XOAUTH2: only when forced */
	CHECK(auth_choose("PLAIN XOAUTH2", NULL, &e) == AUTH_PLAIN,
	    "XOAUTH2 is never picked by itself");
	CHECK(auth_choose("PLAIN XOAUTH2", "xoauth2", &e) == AUTH_XOAUTH2,
	    "XOAUTH2 when auth_mechanism names it");
	CHECK(auth_choose("PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256", NULL, &e) ==
	    AUTH_SCRAM_SHA256, "SCRAM-SHA-256 is the strongest");
	CHECK(auth_choose("LOGIN", "cram-md5", &e) == -1,
	    "a forced mechanism the server lacks is an error");
	a = auth_new(AUTH_XOAUTH2, "me@example.org", "tok", &e);
	(void)auth_step(a, NULL, out, sizeof(out), &e);
	CHECK(memcmp(unb64(out), "user=me@example.org\001auth=Bearer tok\001\001",
	    38) == 0, "XOAUTH2: initial response");
	auth_free(a);
	return tap_done();
}
