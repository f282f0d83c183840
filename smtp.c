/*
 * smtp.c - the SMTP client dialogue (RFC 5321, 3207, 4954, 2920, 1870,
 * 6152, 6531, 3461).
 *
 * A straight sequence of commands and replies over tls.c's pipe, each
 * under a deadline: RFC 5321 4.5.3.2's per-command values (or
 * timeout_command), never later than the session's own deadline.  Every
 * reply goes through smtp_reply(), the one reader: three digits 2-5, the
 * same code on every line, capped lines and line count, control bytes
 * replaced before anything is logged.  The message leaves in wire form
 * made here while streaming: CRLF line ends, a '.' doubled at the start of
 * a line (RFC 5321 4.5.2), and the final ".".  The spool form has LF only,
 * so no bare CR or LF can reach the wire.
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "addr.h"
#include "auth.h"
#include "mime.h"
#include "smtp.h"

#define REPLY_LINE_MAX	4096
#define REPLY_LINES_MAX	50
#define MS_MIN		(60 * 1000L)

/* RFC 5321 4.5.3.2 */
#define T_GREETING	(5 * MS_MIN)
#define T_MAIL		(5 * MS_MIN)
#define T_RCPT		(5 * MS_MIN)
#define T_DATA		(2 * MS_MIN)
#define T_BLOCK		(3 * MS_MIN)
#define T_DOT		(10 * MS_MIN)

struct reply {
	int	code;
	char	dsn[16];		/* enhanced status code, or "" */
	char	text[REPLY_LINE_MAX];	/* lines joined by '\n', sanitised */
};

struct smtp {
	struct tls_conn	*c;
	struct smtp_params p;
	char		 relay[300];
	int		 esmtp;
	int		 has_pipelining, has_8bitmime, has_smtputf8;
	int		 has_starttls, has_dsn, has_size;
	long long	 size_max;
	char		 auth[256];	/* mechanisms offered */
	char		 ehlo[2048];	/* keywords, for --check */
	int		 broken;	/* the session cannot go on */
	int		 in_data;
	int		 in_txn;	/* MAIL sent, no end of it seen yet */
	int		 dot_sent;	/* a final dot's reply is unread */
	int		 mail_after_dot;	/* and a MAIL went out after it */
	int		 t_stage;	/* TXN_NONE, TXN_SENT or TXN_354 */
	size_t		 t_rcpt;	/* RCPT commands sent */
	int		 t_need7;	/* the body goes out made 7-bit */
};

/* Where smtp_send_begin() left the transaction. */
#define TXN_NONE	0
#define TXN_SENT	1	/* pipelined MAIL, RCPTs, DATA out; replies unread */
#define TXN_354	2	/* lockstep: DATA got its 354 */

static long
cmd_ms(const struct smtp *s, long rfc_ms)
{
	return s->p.timeout_cmd_ms > 0 ? s->p.timeout_cmd_ms : rfc_ms;
}

static void
set_deadline(const struct smtp *s, struct timespec *ts, long rfc_ms)
{
	tls_deadline(ts, cmd_ms(s, rfc_ms));
	tls_deadline_min(ts, s->p.deadline);
}

/* Keep the enhanced status code only when its class matches the reply. */
static void
reply_dsn(struct reply *r, const char *text)
{
	const char	*p = text;
	size_t		 n;

	r->dsn[0] = '\0';
	if (!(p[0] >= '2' && p[0] <= '5') || p[0] != '0' + r->code / 100 ||
	    p[1] != '.')
		return;
	for (n = 2; n < sizeof(r->dsn) - 1 && (isdigit((unsigned char)p[n]) ||
	    p[n] == '.'); n++)
		;
	if (p[n] != ' ' && p[n] != '\0')
		return;
	memcpy(r->dsn, p, n);
	r->dsn[n] = '\0';
}

/* Read one reply.  A malformed reply is a temporary failure. */
static int
smtp_reply(struct smtp *s, struct reply *r, long rfc_ms, struct perr *e)
{
	char		 line[REPLY_LINE_MAX + 1], clean[REPLY_LINE_MAX];
	struct timespec	 dl;
	ssize_t		 n;
	size_t		 tl = 0, cl;
	int		 lines = 0, code;

	set_deadline(s, &dl, rfc_ms);
	r->code = 0;
	r->dsn[0] = r->text[0] = '\0';
	for (;;) {
		if ((n = tls_getline(s->c, line, sizeof(line), &dl, e)) == -1) {
			s->broken = 1;
			if (e->errnum == ETIMEDOUT || strstr(e->msg,
			    "timed out") != NULL)
				return perr_set(e, 1, "timeout after %lds "
				    "waiting for the server's reply",
				    cmd_ms(s, rfc_ms) / 1000);
			return -1;
		}
		log_sanitize(clean, sizeof(clean), line);
		if (s->p.verbose)
			fprintf(stderr, "<<< %s\n", clean);
		if (n < 3 || line[0] < '2' || line[0] > '5' ||
		    !isdigit((unsigned char)line[1]) ||
		    !isdigit((unsigned char)line[2]) ||
		    (n > 3 && line[3] != ' ' && line[3] != '-')) {
			s->broken = 1;
			return perr_set(e, 1, "malformed reply from server: "
			    "\"%.100s\"", clean);
		}
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		if (lines == 0) {
			r->code = code;
			reply_dsn(r, n > 4 ? clean + 4 : "");
		} else if (code != r->code) {
			s->broken = 1;
			return perr_set(e, 1, "malformed reply from server: "
			    "code %d inside a %d reply", code, r->code);
		}
		if (++lines > REPLY_LINES_MAX) {
			s->broken = 1;
			return perr_set(e, 1, "server reply longer than %d "
			    "lines", REPLY_LINES_MAX);
		}
		/* keep the text of each line, without "ddd-" */
		cl = n > 4 ? strlen(clean + 4) : 0;
		if (tl + cl + 2 < sizeof(r->text)) {
			if (lines > 1)
				r->text[tl++] = '\n';
			memcpy(r->text + tl, n > 4 ? clean + 4 : "", cl + 1);
			tl += cl;
		}
		if (n == 3 || line[3] == ' ')
			break;
	}
	return 0;
}

/* The reply on one line, for messages and logs: "550 5.1.1 No such user" */
static void
reply_flat(const struct reply *r, char *buf, size_t bufsz)
{
	size_t	i, o;
	int	n;

	n = snprintf(buf, bufsz, "%d ", r->code);
	if (n < 0 || (size_t)n >= bufsz)
		return;
	for (o = (size_t)n, i = 0; r->text[i] != '\0' && o + 1 < bufsz; i++)
		buf[o++] = r->text[i] == '\n' ? ' ' : r->text[i];
	buf[o] = '\0';
}

static int
smtp_send_line(struct smtp *s, int flush, const char *secret_from,
    const char *fmt, ...) __attribute__((__format__(printf, 4, 5)));

/*
 * Queue one command line (flushing when flush is set).  With -v it is
 * shown, its secret part (from secret_from on) as "<hidden>".
 */
static int
smtp_send_line(struct smtp *s, int flush, const char *secret_from,
    const char *fmt, ...)
{
	char		 buf[2048];
	struct timespec	 dl;
	va_list		 ap;
	struct perr	 e;
	int		 n, rc;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) - 2) {
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	if (s->p.verbose) {
		if (secret_from != NULL)
			fprintf(stderr, ">>> %s<hidden>\n", secret_from);
		else
			fprintf(stderr, ">>> %s\n", buf);
	}
	buf[n++] = '\r';
	buf[n++] = '\n';
	set_deadline(s, &dl, T_MAIL);
	rc = tls_write(s->c, buf, n, &dl, &e);
	if (rc == 0 && flush)
		rc = tls_flush(s->c, &dl, &e);
	explicit_bzero(buf, sizeof(buf));
	if (rc == -1)
		s->broken = 1;
	return rc;
}

/* Send a command and read its reply. */
static int
smtp_cmd(struct smtp *s, struct reply *r, long rfc_ms, struct perr *e,
    const char *fmt, ...) __attribute__((__format__(printf, 5, 6)));

static int
smtp_cmd(struct smtp *s, struct reply *r, long rfc_ms, struct perr *e,
    const char *fmt, ...)
{
	char	buf[2048];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return perr_set(e, 0, "command too long");
	if (smtp_send_line(s, 1, NULL, "%s", buf) == -1)
		return perr_set(e, 1, "write to %s failed", s->relay);
	return smtp_reply(s, r, rfc_ms, e);
}

/* e from a reply: "host said: 550 5.1.1 ... (in reply to RCPT TO)". */
static int
reply_err(struct smtp *s, const struct reply *r, struct perr *e,
    const char *after)
{
	char	flat[1024];

	reply_flat(r, flat, sizeof(flat));
	return perr_set(e, r->code < 500, "%s said: %s (in reply to %s)",
	    s->p.host, flat, after);
}

static void
parse_ehlo(struct smtp *s, const struct reply *r)
{
	const char	*line = r->text, *nl, *kw;
	size_t		 len;

	s->ehlo[0] = '\0';
	while (line != NULL && *line != '\0') {
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		if (line != r->text && len > 0) {
			char	k[512];

			kw = line;
			if (len >= sizeof(k))
				len = sizeof(k) - 1;
			memcpy(k, kw, len);
			k[len] = '\0';
			(void)strlcat(s->ehlo, k, sizeof(s->ehlo));
			(void)strlcat(s->ehlo, "\n", sizeof(s->ehlo));
			if (strcasecmp(k, "PIPELINING") == 0)
				s->has_pipelining = 1;
			else if (strcasecmp(k, "8BITMIME") == 0)
				s->has_8bitmime = 1;
			else if (strcasecmp(k, "SMTPUTF8") == 0)
				s->has_smtputf8 = 1;
			else if (strcasecmp(k, "STARTTLS") == 0)
				s->has_starttls = 1;
			else if (strcasecmp(k, "DSN") == 0)
				s->has_dsn = 1;
			else if (strncasecmp(k, "SIZE", 4) == 0 &&
			    (k[4] == '\0' || k[4] == ' ')) {
				const char *errstr = NULL;

				s->has_size = 1;
				s->size_max = k[4] == ' ' ?
				    strtonum(k + 5, 0, LLONG_MAX, &errstr) : 0;
				if (errstr != NULL)
					s->size_max = 0;
			} else if (strncasecmp(k, "AUTH", 4) == 0 &&
			    (k[4] == ' ' || k[4] == '=') && s->auth[0] ==
			    '\0')
				(void)strlcpy(s->auth, k + 5, sizeof(s->auth));
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
}

/* The reply that made the session fail, for the caller's log line. */
static void
why_set(struct smtp_why *why, const struct reply *r)
{
	why->code = r->code;
	(void)strlcpy(why->dsn, r->dsn, sizeof(why->dsn));
}

static int
smtp_ehlo(struct smtp *s, struct smtp_why *why, struct perr *e)
{
	struct reply	r;

	s->has_pipelining = s->has_8bitmime = s->has_smtputf8 = 0;
	s->has_starttls = s->has_dsn = s->has_size = 0;
	s->size_max = 0;
	s->auth[0] = '\0';
	if (smtp_cmd(s, &r, T_GREETING, e, "EHLO %s", s->p.helo) == -1)
		return -1;
	if (r.code == 250) {
		s->esmtp = 1;
		parse_ehlo(s, &r);
		return 0;
	}
	if (r.code >= 500 && r.code != 554) {
		/* an old server: RFC 5321 4.1.4 lets us fall back */
		if (smtp_cmd(s, &r, T_GREETING, e, "HELO %s", s->p.helo) == -1)
			return -1;
		if (r.code == 250) {
			s->esmtp = 0;
			return 0;
		}
		why_set(why, &r);
		return reply_err(s, &r, e, "HELO");
	}
	why_set(why, &r);
	return reply_err(s, &r, e, "EHLO");
}

static int
smtp_auth(struct smtp *s, struct smtp_why *why, struct perr *e)
{
	struct reply	 r;
	struct auth	*a;
	char		 out[2048];
	int		 mech, step, rc;

	if (s->auth[0] == '\0')
		return perr_set(e, 1, "%s offers no AUTH%s; auth_user is set",
		    s->p.host, tls_version(s->c) == NULL ?
		    " before TLS (use tls starttls)" : "");
	if ((mech = auth_choose(s->auth, s->p.auth_mech, e)) == -1)
		return -1;
	if ((a = auth_new(mech, s->p.user, s->p.pass, e)) == NULL)
		return -1;
	if (auth_step(a, NULL, out, sizeof(out), e) == -1)
		goto fail;
	if (out[0] != '\0') {
		char	shown[64];

		/* -v shows the mechanism, never what follows it */
		(void)snprintf(shown, sizeof(shown), "AUTH %s ",
		    auth_name(mech));
		rc = smtp_send_line(s, 1, shown, "AUTH %s %s", auth_name(mech),
		    out);
	} else
		rc = smtp_send_line(s, 1, NULL, "AUTH %s", auth_name(mech));
	explicit_bzero(out, sizeof(out));
	if (rc == -1) {
		perr_set(e, 1, "write to %s failed", s->relay);
		goto fail;
	}
	for (step = 1;; step++) {
		if (smtp_reply(s, &r, T_MAIL, e) == -1)
			goto fail;
		if (r.code != 334)
			break;
		if (step > 4) {
			perr_set(e, 1, "AUTH %s: too many challenges",
			    auth_name(mech));
			goto fail;
		}
		if (auth_step(a, r.text, out, sizeof(out), e) == -1) {
			(void)smtp_send_line(s, 1, NULL, "*");
			(void)smtp_reply(s, &r, T_MAIL, &(struct perr){ 0 });
			goto fail;
		}
		rc = smtp_send_line(s, 1, "", "%s", out);
		explicit_bzero(out, sizeof(out));
		if (rc == -1) {
			perr_set(e, 1, "write to %s failed", s->relay);
			goto fail;
		}
	}
	if (r.code == 235 && !auth_complete(a)) {
		auth_free(a);
		return perr_set(e, 1, "%s accepted AUTH %s without proving "
		    "that it knows the password (no server signature); "
		    "refusing it", s->p.host, auth_name(mech));
	}
	auth_free(a);
	if (r.code == 235)
		return 0;
	why_set(why, &r);
	/* Postfix's smtp_sasl_auth_soft_bounce: a refused login is most
	 * often a password that will be fixed, so the mail waits */
	reply_err(s, &r, e, "AUTH");
	e->temp = 1;
	return -1;
fail:
	explicit_bzero(out, sizeof(out));
	auth_free(a);
	e->temp = 1;
	return -1;
}

struct smtp *
smtp_open(struct tls_conn *c, const struct smtp_params *p, struct smtp_why *why,
    struct perr *e)
{
	struct smtp	*s;
	struct reply	 r;
	struct timespec	 dl;

	why->code = 0;
	why->dsn[0] = '\0';
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		tls_close(c);
		perr_set(e, 1, "out of memory");
		return NULL;
	}
	s->c = c;
	s->p = *p;
	(void)snprintf(s->relay, sizeof(s->relay), "%s[%s]:%d", p->host,
	    p->ip != NULL ? p->ip : "?", p->port);
	if (p->tls_mode == SMTP_TLS_IMPLICIT) {
		set_deadline(s, &dl, T_GREETING);
		if (tls_start(c, &p->tls, &dl, e) == -1)
			goto fail;
	}
	if (smtp_reply(s, &r, T_GREETING, e) == -1)
		goto fail;
	if (r.code != 220) {
		why_set(why, &r);
		/* Postfix's smtp_skip_5xx_greeting: try again later */
		reply_err(s, &r, e, "the initial greeting");
		e->temp = 1;
		goto fail;
	}
	if (smtp_ehlo(s, why, e) == -1)
		goto fail;
	if (p->tls_mode == SMTP_TLS_STARTTLS ||
	    (p->tls_mode == SMTP_TLS_MAY && s->has_starttls)) {
		if (!s->has_starttls) {
			perr_set(e, 1, "%s does not offer STARTTLS, which tls "
			    "starttls requires (use tls none only for a "
			    "trusted relay)", p->host);
			goto fail;
		}
		if (smtp_cmd(s, &r, T_GREETING, e, "STARTTLS") == -1)
			goto fail;
		if (r.code != 220 && p->tls_mode == SMTP_TLS_MAY) {
			/* as Postfix's "may": refused TLS is plaintext */
			char	flat[1024];

			reply_flat(&r, flat, sizeof(flat));
			log_info("%s: STARTTLS refused (%s); going on in "
			    "plaintext", s->relay, flat);
		} else if (r.code != 220) {
			why_set(why, &r);
			reply_err(s, &r, e, "STARTTLS");
			e->temp = 1;
			goto fail;
		} else {
			set_deadline(s, &dl, T_GREETING);
			if (tls_start(c, &p->tls, &dl, e) == -1)
				goto fail;
			if (smtp_ehlo(s, why, e) == -1)
				goto fail;
		}
	}
	if (p->user != NULL) {
		if (tls_version(c) == NULL && !p->auth_plaintext) {
			perr_set(e, 1, "refusing AUTH to %s without TLS (set "
			    "tls starttls, or auth_plaintext yes for a "
			    "trusted network)", p->host);
			goto fail;
		}
		if (smtp_auth(s, why, e) == -1)
			goto fail;
	}
	return s;
fail:
	tls_close(c);
	free(s);
	return NULL;
}

/* xtext (RFC 3461 4) for ORCPT and ENVID */
static void
xtext(const char *in, char *out, size_t outsz)
{
	size_t	o = 0;

	for (; *in != '\0' && o + 4 < outsz; in++) {
		unsigned char c = (unsigned char)*in;

		if (c < 33 || c > 126 || c == '+' || c == '=')
			o += snprintf(out + o, outsz - o, "+%02X", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

/* Dot-stuffed, CRLF-terminated line to the server. */
static int
put_line(void *arg, const char *line, size_t len)
{
	struct smtp	*s = arg;
	struct timespec	 dl;
	struct perr	 e;

	set_deadline(s, &dl, T_BLOCK);
	if ((len > 0 && line[0] == '.' && tls_write(s->c, ".", 1, &dl, &e) ==
	    -1) || tls_write(s->c, line, len, &dl, &e) == -1 ||
	    tls_write(s->c, "\r\n", 2, &dl, &e) == -1) {
		s->broken = 1;
		return -1;
	}
	return 0;
}

/*
 * Stream the spool form as wire form: each LF becomes CRLF and a '.' at
 * the start of a line is doubled.  Reads in blocks from the start of the
 * file, by offset (no seek; the stream's position is not used); lines can
 * be any length here (mime.c keeps them short).
 */
static int
send_body(struct smtp *s, FILE *fp, struct perr *e)
{
	char		 buf[65536];
	struct timespec	 dl;
	const char	*nl;
	size_t		 n, i, start;
	ssize_t		 got;
	off_t		 off = 0;
	int		 bol = 1;

	for (;;) {
		got = pread(fileno(fp), buf, sizeof(buf), off);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n = (size_t)got;
		off += got;
		set_deadline(s, &dl, T_BLOCK);
		for (i = 0; i < n; i = start) {
			start = i;
			if (bol && buf[i] == '.' &&
			    tls_write(s->c, ".", 1, &dl, e) == -1)
				goto werr;
			if ((nl = memchr(buf + i, '\n', n - i)) == NULL) {
				/* the line goes on in the next block */
				if (tls_write(s->c, buf + i, n - i, &dl, e) ==
				    -1)
					goto werr;
				bol = 0;
				break;
			}
			if (tls_write(s->c, buf + i, nl - (buf + i), &dl, e) ==
			    -1 || tls_write(s->c, "\r\n", 2, &dl, e) == -1)
				goto werr;
			start = nl - buf + 1;
			bol = 1;
		}
		/* a queue file is never written once queued: a short
		 * read is its end, and no read more is needed */
		if (n < sizeof(buf)) {
			got = 0;
			break;
		}
	}
	if (got == -1)
		return perr_sys(e, 1, "read queued message");
	if (!bol && tls_write(s->c, "\r\n", 2, &dl, e) == -1)
		goto werr;
	return 0;
werr:
	s->broken = 1;
	return perr_set(e, 1, "write to %s failed during DATA: %s", s->relay,
	    e->msg);
}

static void
rcpt_set(struct smtp_rcpt *rc, int code, const char *dsn, const char *text)
{
	rc->code = code;
	rc->status = code >= 200 && code < 300 ? SMTP_OK :
	    code >= 500 ? SMTP_PERM : SMTP_TEMP;
	(void)strlcpy(rc->dsn, dsn != NULL && dsn[0] != '\0' ? dsn :
	    rc->status == SMTP_OK ? "2.0.0" : rc->status == SMTP_PERM ?
	    "5.0.0" : "4.0.0", sizeof(rc->dsn));
	(void)strlcpy(rc->text, text, sizeof(rc->text));
}

/* The reply to one RCPT, recorded in rc (a 452: send it again later). */
static int
rcpt_reply(struct smtp *s, struct smtp_rcpt *rc, struct perr *e)
{
	struct reply	rp;
	char		flat[1024];

	if (smtp_reply(s, &rp, T_RCPT, e) == -1)
		return -1;
	reply_flat(&rp, flat, sizeof(flat));
	rcpt_set(rc, rp.code, rp.dsn, flat);
	rc->at_rcpt = 1;
	if (rp.code == 452)	/* RFC 5321 4.5.3.1.10 */
		rc->again = 1;
	return 0;
}

/* Every recipient not yet rejected gets the message-level outcome. */
static int
fail_all(struct smtp_rcpt *r, size_t nr, int code, const char *dsn,
    struct perr *e)
{
	size_t	i;

	for (i = 0; i < nr; i++)
		if (r[i].status == SMTP_OK) {
			rcpt_set(&r[i], code != 0 ? code : (e->temp ? 451 :
			    554), dsn, e->msg);
			r[i].at_rcpt = 0;
		}
	return -1;
}

/*
 * MAIL, RCPT for each recipient and DATA.  With PIPELINING they go out in
 * one write and their replies are read by smtp_send_data(); the reply to
 * an earlier message's final dot may still be outstanding (RFC 2920 3.1:
 * the end of a message may be followed by the next group of commands).
 * Without PIPELINING the dialogue runs in lockstep up to the 354.
 */
int
smtp_send_begin(struct smtp *s, const struct smtp_msg *m, struct smtp_rcpt *r,
    size_t nr, struct perr *e)
{
	struct reply	 rp;
	char		 params[1200], x[1100];
	size_t		 i, nok = 0;
	long long	 wire = (long long)m->size + (long long)m->lines;
	int		 pipelined = s->has_pipelining;

	for (i = 0; i < nr; i++) {
		r[i].status = SMTP_OK;
		r[i].code = 0;
		r[i].again = r[i].at_rcpt = 0;
		r[i].dsn[0] = r[i].text[0] = '\0';
	}
	s->t_stage = TXN_NONE;
	s->t_rcpt = 0;
	if (s->broken) {
		perr_set(e, 1, "connection to %s lost", s->relay);
		return fail_all(r, nr, 0, NULL, e);
	}
	if (s->dot_sent && !pipelined) {
		s->broken = 1;		/* a caller's mistake: out of step */
		perr_set(e, 1, "internal error: no reply to the final dot "
		    "read from %s", s->relay);
		return fail_all(r, nr, 0, NULL, e);
	}
	if (m->smtputf8 && !s->has_smtputf8) {
		perr_set(e, 0, "%s does not support SMTPUTF8, which an address "
		    "of this message needs", s->p.host);
		return fail_all(r, nr, 554, "5.6.7", e);
	}
	if (s->has_size && s->size_max > 0 && wire > s->size_max) {
		perr_set(e, 0, "message size %lld exceeds the fixed limit "
		    "%lld of %s", wire, s->size_max, s->p.host);
		return fail_all(r, nr, 552, "5.3.4", e);
	}
	/* RFC 6152 3: make it 7-bit for a server without 8BITMIME */
	s->t_need7 = m->body_8bit && !s->has_8bitmime;

	params[0] = '\0';
	if (s->has_size) {
		(void)snprintf(x, sizeof(x), " SIZE=%lld", wire);
		(void)strlcat(params, x, sizeof(params));
	}
	if (m->body_8bit && s->has_8bitmime)
		(void)strlcat(params, " BODY=8BITMIME", sizeof(params));
	if (m->smtputf8)
		(void)strlcat(params, " SMTPUTF8", sizeof(params));
	if (s->has_dsn && m->ret != NULL) {
		(void)snprintf(x, sizeof(x), " RET=%s", m->ret);
		(void)strlcat(params, x, sizeof(params));
	}
	if (s->has_dsn && m->envid != NULL) {
		char	xt[300];

		xtext(m->envid, xt, sizeof(xt));
		(void)snprintf(x, sizeof(x), " ENVID=%s", xt);
		(void)strlcat(params, x, sizeof(params));
	}
	if (s->dot_sent)
		s->mail_after_dot = 1;
	s->in_txn = 1;
	if (smtp_send_line(s, !pipelined, NULL, "MAIL FROM:<%s>%s", m->from,
	    params) == -1) {
		perr_set(e, 1, "write to %s failed", s->relay);
		return fail_all(r, nr, 0, NULL, e);
	}
	if (!pipelined) {
		if (smtp_reply(s, &rp, T_MAIL, e) == -1)
			return fail_all(r, nr, 0, NULL, e);
		if (rp.code != 250) {
			s->in_txn = 0;	/* no transaction was started */
			reply_err(s, &rp, e, "MAIL FROM");
			return fail_all(r, nr, rp.code, rp.dsn, e);
		}
	}
	for (i = 0; i < nr; i++) {
		char	orcpt[1200] = "", notify[200] = "";

		if (s->has_dsn && r[i].notify != NULL)
			(void)snprintf(notify, sizeof(notify), " NOTIFY=%s",
			    r[i].notify);
		if (s->has_dsn && r[i].orcpt != NULL) {
			xtext(r[i].orcpt, x, sizeof(x));
			(void)snprintf(orcpt, sizeof(orcpt),
			    " ORCPT=%s;%s", addr_is_utf8(r[i].orcpt) ?
			    "utf-8" : "rfc822", x);
		}
		if (smtp_send_line(s, !pipelined, NULL, "RCPT TO:<%s>%s%s",
		    r[i].addr, notify, orcpt) == -1) {
			perr_set(e, 1, "write to %s failed", s->relay);
			return fail_all(r, nr, 0, NULL, e);
		}
		s->t_rcpt++;
		if (pipelined)
			continue;
		if (rcpt_reply(s, &r[i], e) == -1)
			return fail_all(r, nr, 0, NULL, e);
		if (r[i].status == SMTP_OK)
			nok++;
	}
	if (pipelined) {
		/* RFC 2920 3.1: DATA may end the group */
		if (smtp_send_line(s, 1, NULL, "DATA") == -1) {
			perr_set(e, 1, "write to %s failed", s->relay);
			return fail_all(r, nr, 0, NULL, e);
		}
		s->t_stage = TXN_SENT;
		return 0;
	}
	if (nok == 0) {
		for (i = 0; i < nr; i++)
			if (r[i].status == SMTP_TEMP)
				break;
		return perr_set(e, i < nr, "all recipients were rejected");
	}
	if (smtp_cmd(s, &rp, T_DATA, e, "DATA") == -1)
		return fail_all(r, nr, 0, NULL, e);
	if (rp.code != 354) {
		reply_err(s, &rp, e, "DATA");
		return fail_all(r, nr, rp.code, rp.dsn, e);
	}
	s->t_stage = TXN_354;
	return 0;
}

/* The replies to a pipelined MAIL, RCPTs and DATA: 0 once DATA got 354. */
static int
read_envelope_replies(struct smtp *s, struct smtp_rcpt *r, size_t nr,
    struct perr *e)
{
	struct reply	 rp;
	size_t		 i, nok = 0;

	if (smtp_reply(s, &rp, T_MAIL, e) == -1)
		return fail_all(r, nr, 0, NULL, e);
	if (rp.code != 250) {
		struct reply	rest;
		struct perr	e2;

		reply_err(s, &rp, e, "MAIL FROM");
		/* read the rest so the session stays in step */
		for (i = 0; i < s->t_rcpt + 1; i++)
			if (smtp_reply(s, &rest, T_RCPT, &e2) == -1)
				break;
		if (i == s->t_rcpt + 1 && rest.code == 354) {
			/* RFC 2920 3.1: end the unwanted data */
			if (smtp_send_line(s, 1, NULL, ".") == 0 &&
			    smtp_reply(s, &rest, T_DOT, &e2) == 0)
				s->in_txn = 0;
		} else if (i == s->t_rcpt + 1)
			s->in_txn = 0;	/* MAIL refused: none began */
		return fail_all(r, nr, rp.code, rp.dsn, e);
	}
	for (i = 0; i < nr; i++) {
		if (rcpt_reply(s, &r[i], e) == -1)
			return fail_all(r, nr, 0, NULL, e);
		if (r[i].status == SMTP_OK)
			nok++;
	}
	if (smtp_reply(s, &rp, T_DATA, e) == -1)
		return fail_all(r, nr, 0, NULL, e);
	if (nok == 0) {
		if (rp.code == 354) {
			/* RFC 2920 3.1: no good recipient, yet the server
			 * wants data: end it empty */
			(void)smtp_send_line(s, 1, NULL, ".");
			(void)smtp_reply(s, &rp, T_DOT, e);
		}
		return perr_set(e, r[0].status == SMTP_TEMP || r[0].again,
		    "all recipients were rejected");
	}
	if (rp.code != 354) {
		reply_err(s, &rp, e, "DATA");
		return fail_all(r, nr, rp.code, rp.dsn, e);
	}
	return 0;
}

/*
 * After smtp_send_begin(): the replies to the pipelined commands, then the
 * message and the final dot.  The dot stays in the output buffer, to leave
 * in one write with the next message's commands: when they went out in two
 * writes, a flush to Postfix's smtp-sink (3.7, loopback, 2026-11) stalled
 * for up to 40 ms, Linux's delayed ACK, now and then, as if the server's
 * second reply waited for our ACK of its first (Nagle's algorithm).  One
 * write lets the server answer in one.  smtp_send_end() flushes it.
 */
int
smtp_send_data(struct smtp *s, const struct smtp_msg *m, struct smtp_rcpt *r,
    size_t nr, struct perr *e)
{
	struct timespec	 dl;
	long long	 wire = (long long)m->size + (long long)m->lines;

	if (s->dot_sent) {
		/* the next reply would be taken for the wrong message */
		s->broken = 1;
		perr_set(e, 1, "internal error: no reply to the final dot "
		    "read from %s", s->relay);
		return fail_all(r, nr, 0, NULL, e);
	}
	if (s->t_stage == TXN_SENT && read_envelope_replies(s, r, nr, e) == -1)
		return -1;
	if (s->t_stage != TXN_SENT && s->t_stage != TXN_354)
		return perr_set(e, 1, "internal error: DATA without MAIL");
	s->t_stage = TXN_NONE;
	s->in_data = 1;
	if (s->t_need7) {
		/* 7-bit for a server without 8BITMIME (long lines were
		 * fixed at submission; the encoder keeps them short) */
		if (fseeko(m->data, 0, SEEK_SET) == -1) {
			perr_sys(e, 1, "rewind the queued message");
			return fail_all(r, nr, 0, NULL, e);
		}
		if (mime_transform(m->data, MIME_FIX_LONG | MIME_7BIT,
		    put_line, s, e) == -1) {
			if (s->broken)
				perr_set(e, 1, "write to %s failed during "
				    "DATA", s->relay);
			return fail_all(r, nr, 0, NULL, e);
		}
	} else if (send_body(s, m->data, e) == -1)
		return fail_all(r, nr, 0, NULL, e);
	set_deadline(s, &dl, T_DOT);
	if (tls_write(s->c, ".\r\n", 3, &dl, e) == -1) {
		s->broken = 1;
		return fail_all(r, nr, 0, NULL, e);
	}
	if (s->p.verbose)
		fprintf(stderr, ">>> (message, %lld bytes)\n>>> .\n", wire);
	s->in_data = 0;
	s->dot_sent = 1;
	s->mail_after_dot = 0;
	return 0;
}

/* After smtp_send_data(): the reply to the final dot. */
int
smtp_send_end(struct smtp *s, struct smtp_rcpt *r, size_t nr, struct perr *e)
{
	struct reply	 rp;
	struct timespec	 dl;
	char		 flat[1024], dsnbuf[16];
	size_t		 i;

	if (!s->dot_sent)
		return perr_set(e, 1, "internal error: no final dot sent");
	s->dot_sent = 0;
	set_deadline(s, &dl, T_DOT);
	if (tls_flush(s->c, &dl, e) == -1) {
		s->broken = 1;
		perr_set(e, 1, "write to %s failed after DATA: %s", s->relay,
		    e->msg);
		return fail_all(r, nr, 0, NULL, e);
	}
	if (smtp_reply(s, &rp, T_DOT, e) == -1) {
		/* qmail's lesson: it may have arrived all the same */
		log_warnx("%s: no reply after the final dot: %s; possible "
		    "duplicate", s->relay, e->msg);
		return fail_all(r, nr, 0, NULL, e);
	}
	/* RFC 5321 4.1.1.4: any reply to the dot ends the transaction,
	 * unless the next one's MAIL has gone out since */
	if (!s->mail_after_dot)
		s->in_txn = 0;
	s->mail_after_dot = 0;
	reply_flat(&rp, flat, sizeof(flat));
	if (rp.code != 250) {
		reply_err(s, &rp, e, "end of DATA");
		return fail_all(r, nr, rp.code, rp.dsn, e);
	}
	for (i = 0; i < nr; i++)
		if (r[i].status == SMTP_OK) {
			(void)strlcpy(dsnbuf, rp.dsn[0] != '\0' ? rp.dsn :
			    "2.0.0", sizeof(dsnbuf));
			rcpt_set(&r[i], rp.code, dsnbuf, flat);
		}
	return 0;
}

int
smtp_send(struct smtp *s, const struct smtp_msg *m, struct smtp_rcpt *r,
    size_t nr, struct perr *e)
{
	if (smtp_send_begin(s, m, r, nr, e) == -1 ||
	    smtp_send_data(s, m, r, nr, e) == -1)
		return -1;
	return smtp_send_end(s, r, nr, e);
}

int
smtp_pipelining(const struct smtp *s)
{
	return s->has_pipelining;
}

int
smtp_usable(const struct smtp *s)
{
	return !s->broken && !s->in_data;
}

int
smtp_reset(struct smtp *s, struct perr *e)
{
	struct reply	r;

	if (!smtp_usable(s))
		return perr_set(e, 1, "session to %s is not usable", s->relay);
	if (s->dot_sent)
		return perr_set(e, 1, "internal error: RSET before the reply "
		    "to the final dot");
	if (!s->in_txn)
		return 0;	/* a completed transaction reset the state */
	if (smtp_cmd(s, &r, T_MAIL, e, "RSET") == -1)
		return -1;
	if (r.code != 250) {
		s->broken = 1;
		return reply_err(s, &r, e, "RSET");
	}
	s->in_txn = 0;
	return 0;
}

void
smtp_close(struct smtp *s)
{
	struct reply	r;
	struct perr	e;

	if (s == NULL)
		return;
	if (smtp_usable(s) && smtp_send_line(s, 1, NULL, "QUIT") == 0)
		(void)smtp_reply(s, &r, 5000, &e);
	tls_close(s->c);
	free(s);
}

const char *
smtp_tls_version(const struct smtp *s)
{
	return tls_version(s->c);
}

const char *
smtp_relay(const struct smtp *s)
{
	return s->relay;
}

const char *
smtp_ehlo_text(const struct smtp *s)
{
	return s->ehlo;
}

struct tls_conn *
smtp_conn(const struct smtp *s)
{
	return s->c;
}
