/*
 * server.c - the SMTP server dialogue of sendmail -bs (RFC 5321, with
 * 1870 SIZE, 2034 ENHANCEDSTATUSCODES, 2920 PIPELINING, 6152 8BITMIME,
 * 6531 SMTPUTF8).
 *
 * The peer is a local program on a pipe (Symfony Mailer, swaks --pipe,
 * PHP libraries), so there is no STARTTLS, AUTH or DSN, and no timeout:
 * a stalled pipe is the caller's business.  The dialogue is one loop of
 * command lines; each reply is flushed as soon as it is made, which is all
 * RFC 2920 asks of a server: input is read through stdio's buffer and
 * never discarded, so pipelined commands wait their turn.
 *
 * Memory stays constant whatever the peer sends: command lines are capped
 * at SERVER_LINE_MAX (the rest of a longer line is read and dropped), the
 * recipients at SERVER_MAX_RCPTS, and the message goes byte by byte into
 * a tmpfile, dot-unstuffed, with LF line ends, however long its lines.
 *
 * Line ends.  Commands end in CRLF or LF; any other control byte in a
 * command, a bare CR included, is a syntax error.  In DATA, CRLF, LF and
 * a bare CR all end a line of the stored message (SPEC 3: a bare CR is a
 * line end), but only the line end the DATA command itself used counts
 * for the dot rules (RFC 5321 4.5.2): after "DATA<CRLF>" only
 * <CRLF>.<CRLF> ends the message and only a '.' after CRLF is unstuffed;
 * after "DATA<LF>", LF or CRLF.  So a client that dot-stuffs by the
 * standard's lines cannot have a bare "<LF>.<LF>" in its content taken as
 * the end of the message and what follows as commands (SMTP smuggling,
 * Postfix's smtpd_forbid_bare_newline = normal).  The price, as with
 * Postfix: a client that says DATA<CRLF> but ends with <LF>.<LF> is
 * still in DATA.
 *
 * Replies carry enhanced status codes (but the greeting and EHLO's).  A
 * reply from the ops is sent only when it is one line of the right class;
 * SERVER_MAX_ERRORS bad commands (not refused addresses) end the session
 * with 421, which is how a message piped by mistake into -bs ends.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "server.h"

enum {
	SERVER_MORE = 0,	/* go on reading commands */
	SERVER_END = 1		/* QUIT, end of input, too many errors */
};

struct server {
	FILE		*in, *out;
	const struct server_ops *ops;
	struct perr	*e;
	char		 host[256];
	char		 line[SERVER_LINE_MAX + 2];	/* room for a CR */
	int		 line_crlf;	/* the line ended in CRLF */
	int		 nerrors;
	int		 nqueued;
	/* the transaction */
	int		 has_mail;
	int		 rcpt_tried;	/* a RCPT came, even a rejected one */
	char		 from[SERVER_ADDR_MAX];
	char		**rcpts;
	size_t		 nrcpts, rcptsz;
};

struct server_body {
	FILE		*fp;
	long long	 max_bytes;	/* 0: no limit */
	long long	 nbytes;
	int		 has_nul, too_big, write_err;
};

static int	server_vreply(struct server *, const char *, va_list)
		    __attribute__((__format__(printf, 2, 0)));
static int	server_reply(struct server *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static int	server_error(struct server *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));

static void
server_reset(struct server *s)
{
	size_t	i;

	for (i = 0; i < s->nrcpts; i++)
		free(s->rcpts[i]);
	free(s->rcpts);
	s->rcpts = NULL;
	s->nrcpts = s->rcptsz = 0;
	s->has_mail = s->rcpt_tried = 0;
	s->from[0] = '\0';
}

/* One line of a multi-line reply; server_reply() sends the last. */
static void
server_put(struct server *s, const char *line)
{
	(void)fputs(line, s->out);
	(void)fputs("\r\n", s->out);
}

/* Flushed at once: the client may wait for it before sending more. */
static int
server_vreply(struct server *s, const char *fmt, va_list ap)
{
	(void)vfprintf(s->out, fmt, ap);
	(void)fputs("\r\n", s->out);
	if (fflush(s->out) == EOF || ferror(s->out))
		return perr_sys(s->e, 1, "-bs: write reply");
	return SERVER_MORE;
}

static int
server_reply(struct server *s, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = server_vreply(s, fmt, ap);
	va_end(ap);
	return rc;
}

/* A reply to a bad command, counted for the too-many-errors guard. */
static int
server_error(struct server *s, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	s->nerrors++;
	va_start(ap, fmt);
	rc = server_vreply(s, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * Is r one reply line whose class fits the outcome (2 for ok, 4 or 5
 * otherwise)?  A callback's text goes to the peer verbatim, so a CR or LF
 * in it would forge further replies.
 */
static int
server_reply_ok(const char *r, int ok)
{
	size_t	i;

	if (ok ? r[0] != '2' : (r[0] != '4' && r[0] != '5'))
		return 0;
	if (r[1] < '0' || r[1] > '9' || r[2] < '0' || r[2] > '9' ||
	    (r[3] != ' ' && r[3] != '\0'))
		return 0;
	for (i = 0; r[i] != '\0'; i++)
		if ((unsigned char)r[i] < 0x20 || r[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * Read one command line into s->line, without its line end.  1: a line,
 * with *bad set to a reply when it broke a rule; 0: end of input (a last
 * line without its line end is dropped: a cut command is not acted on);
 * -1: read error.
 */
static int
server_getline(struct server *s, const char **bad)
{
	size_t	n = 0, len = 0, i;
	int	c;

	*bad = NULL;
	s->line_crlf = 0;
	while ((c = getc(s->in)) != '\n') {
		if (c == EOF) {
			if (ferror(s->in))
				return perr_sys(s->e, 1, "-bs: read command");
			return 0;
		}
		if (n < sizeof(s->line) - 1)
			s->line[n++] = (char)c;
		if (len <= SERVER_LINE_MAX + 1)	/* saturates past n */
			len++;
	}
	if (len == n && n > 0 && s->line[n - 1] == '\r') {
		s->line_crlf = 1;
		n--;
		len--;
	}
	s->line[n] = '\0';
	if (len > SERVER_LINE_MAX) {
		*bad = "500 5.5.0 Error: line too long";
		return 1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s->line[i] < 0x20 || s->line[i] == 0x7f) {
			*bad = "500 5.5.2 Error: control character in command";
			return 1;
		}
	return 1;
}

/*
 * Split the argument of MAIL FROM: or RCPT TO: into the address (in place,
 * without <>) and the parameters after it.  RFC 5321 wants <path>; a space
 * after the colon and a bare address are taken too, as Postfix does.  A
 * source route (<@a,@b:user@d>) is dropped (RFC 5321 4.1.1.3, C).
 */
static int
server_path(char *arg, char **addrp, char **paramsp)
{
	char	*p = arg, *a, *colon;
	int	 quoted = 0;

	while (*p == ' ')
		p++;
	if (*p == '<') {
		for (a = ++p; *p != '\0'; p++) {
			if (quoted && *p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				quoted = !quoted;
			else if (!quoted && *p == '>')
				break;
		}
		if (*p != '>')
			return -1;
		*p++ = '\0';
		if (*p != '\0' && *p != ' ')
			return -1;
	} else {
		a = p;
		p += strcspn(p, " ");
		if (p == a)
			return -1;
		if (*p == ' ')
			*p++ = '\0';
		if (strpbrk(a, "<>") != NULL)
			return -1;
	}
	if (*a == '@') {
		if ((colon = strchr(a, ':')) == NULL || colon[1] == '\0')
			return -1;
		a = colon + 1;
	}
	while (*p == ' ')
		p++;
	*addrp = a;
	*paramsp = p;
	return 0;
}

/*
 * The next KEYWORD[=VALUE] of *pp (cut in place), or NULL after the last.
 * *valp is NULL for a keyword without '='.  -1 in *badp for bad syntax.
 */
static char *
server_param(char **pp, char **valp, int *badp)
{
	char	*p = *pp, *kw;
	size_t	 i;

	*valp = NULL;
	*badp = 0;
	while (*p == ' ')
		p++;
	if (*p == '\0') {
		*pp = p;
		return NULL;
	}
	kw = p;
	p += strcspn(p, " ");
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	if ((*valp = strchr(kw, '=')) != NULL)
		*(*valp)++ = '\0';
	/* RFC 5321 4.1.2: (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") */
	for (i = 0; kw[i] != '\0'; i++)
		if (!((kw[i] >= 'A' && kw[i] <= 'Z') ||
		    (kw[i] >= 'a' && kw[i] <= 'z') ||
		    (kw[i] >= '0' && kw[i] <= '9') || (kw[i] == '-' && i > 0)))
			break;
	if (i == 0 || kw[i] != '\0' || (*valp != NULL && **valp == '\0'))
		*badp = -1;
	return kw;
}

/* NOTIFY=NEVER, or a list of SUCCESS, FAILURE, DELAY (RFC 3461 4.1). */
static int
server_notify_ok(const char *v)
{
	size_t	n;

	if (strcasecmp(v, "NEVER") == 0)
		return 1;
	for (;;) {
		n = strcspn(v, ",");
		if (!((n == 7 && strncasecmp(v, "SUCCESS", n) == 0) ||
		    (n == 7 && strncasecmp(v, "FAILURE", n) == 0) ||
		    (n == 5 && strncasecmp(v, "DELAY", n) == 0)))
			return 0;
		if (v[n] == '\0')
			return 1;
		v += n + 1;
	}
}

/* Digits only: strtonum would take " 5", "+5" and "-0". */
static int
server_size(const char *v, long long *np)
{
	const char	*errstr;
	size_t		 i;

	for (i = 0; v[i] != '\0'; i++)
		if (v[i] < '0' || v[i] > '9')
			return -1;
	if (i == 0)
		return -1;
	*np = strtonum(v, 0, LLONG_MAX, &errstr);
	return errstr == NULL ? 0 : -1;
}

/*
 * Pass addr through ops->check_addr into out.  -1 with reply filled (a
 * line of class 4 or 5 whatever the callback wrote) when it is refused.
 */
static int
server_check(struct server *s, const char *addr, int is_sender, char *out,
    size_t outsz, char *reply, size_t replysz)
{
	const struct server_ops	*ops = s->ops;
	const char		*dflt;
	int			 rc;

	dflt = is_sender ? "553 5.1.7 Error: bad sender address" :
	    "553 5.1.3 Error: bad recipient address";
	reply[0] = out[0] = '\0';
	if (ops->check_addr == NULL) {
		if (strlcpy(out, addr, outsz) < outsz)
			return 0;
	} else {
		rc = ops->check_addr(ops->arg, addr, is_sender, out, outsz,
		    reply, replysz);
		out[outsz - 1] = reply[replysz - 1] = '\0';
		if (rc == 0 && (is_sender || out[0] != '\0'))
			return 0;
		if (rc != 0 && server_reply_ok(reply, 0))
			return -1;
	}
	if (strlcpy(reply, dflt, replysz) >= replysz)
		reply[0] = '\0';
	return -1;
}

static int
server_ehlo(struct server *s, char *arg)
{
	char	line[64];

	if (*arg == '\0')
		return server_error(s, "501 5.5.4 Syntax: EHLO hostname");
	/* RFC 5321 4.1.4: EHLO or HELO in a session resets it as RSET does */
	server_reset(s);
	/* RFC 2034 3: the EHLO reply carries no enhanced status code */
	(void)fprintf(s->out, "250-%s\r\n", s->host);
	server_put(s, "250-PIPELINING");
	if (s->ops->max_bytes > 0) {
		(void)snprintf(line, sizeof(line), "250-SIZE %lld",
		    s->ops->max_bytes);
		server_put(s, line);
	} else
		server_put(s, "250-SIZE");	/* RFC 1870: no fixed limit */
	server_put(s, "250-8BITMIME");
	server_put(s, "250-SMTPUTF8");
	return server_reply(s, "250 ENHANCEDSTATUSCODES");
}

static int
server_helo(struct server *s, char *arg)
{
	if (*arg == '\0')
		return server_error(s, "501 5.5.4 Syntax: HELO hostname");
	server_reset(s);
	return server_reply(s, "250 %s", s->host);
}

static int
server_mail(struct server *s, char *arg)
{
	char		 reply[SERVER_REPLY_MAX];
	char		*addr, *params, *kw, *val;
	long long	 size;
	int		 bad;

	if (s->has_mail)
		return server_error(s, "503 5.5.1 Error: nested MAIL command");
	if (strncasecmp(arg, "FROM:", 5) != 0)
		return server_error(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
	if (server_path(arg + 5, &addr, &params) == -1)
		return server_error(s,
		    "501 5.1.7 Error: bad sender address syntax");
	while ((kw = server_param(&params, &val, &bad)) != NULL) {
		if (bad)
			return server_error(s,
			    "501 5.5.4 Error: bad parameter syntax");
		if (strcasecmp(kw, "SIZE") == 0) {
			if (val == NULL || server_size(val, &size) == -1)
				return server_error(s,
				    "501 5.5.4 Error: bad SIZE parameter");
			if (s->ops->max_bytes > 0 && size > s->ops->max_bytes)
				return server_reply(s, "552 5.3.4 Error: "
				    "message size exceeds fixed limit");
		} else if (strcasecmp(kw, "BODY") == 0) {
			/* the submit path scans the message for 8-bit bytes */
			if (val == NULL || (strcasecmp(val, "7BIT") != 0 &&
			    strcasecmp(val, "8BITMIME") != 0))
				return server_error(s, "555 5.5.4 Error: "
				    "unsupported BODY parameter");
		} else if (strcasecmp(kw, "SMTPUTF8") == 0) {
			/* SPEC 3: delivery decides by the addresses */
			if (val != NULL)
				return server_error(s, "501 5.5.4 Error: "
				    "SMTPUTF8 takes no value");
		} else if (strcasecmp(kw, "RET") == 0) {
			/*
			 * DSN is not offered, but a client that sends its
			 * parameters anyway loses only the notices it asked
			 * for, not the message.
			 */
			if (val == NULL || (strcasecmp(val, "FULL") != 0 &&
			    strcasecmp(val, "HDRS") != 0))
				return server_error(s,
				    "501 5.5.4 Error: bad RET parameter");
		} else if (strcasecmp(kw, "ENVID") == 0) {
			if (val == NULL)
				return server_error(s,
				    "501 5.5.4 Error: bad ENVID parameter");
		} else
			return server_error(s, "555 5.5.4 Error: "
			    "unsupported parameter %.64s", kw);
	}
	if (*addr == '\0')
		s->from[0] = '\0';	/* the null sender */
	else if (server_check(s, addr, 1, s->from, sizeof(s->from), reply,
	    sizeof(reply)) == -1)
		return server_reply(s, "%s", reply);
	s->has_mail = 1;
	return server_reply(s, "250 2.1.0 Ok");
}

static int
server_rcpt(struct server *s, char *arg)
{
	char		 reply[SERVER_REPLY_MAX], out[SERVER_ADDR_MAX];
	char		*addr, *params, *kw, *val, *copy, **nv;
	size_t		 nsz;
	int		 bad;

	if (!s->has_mail)
		return server_error(s, "503 5.5.1 Error: need MAIL command");
	if (strncasecmp(arg, "TO:", 3) != 0)
		return server_error(s, "501 5.5.4 Syntax: RCPT TO:<address>");
	if (server_path(arg + 3, &addr, &params) == -1 || *addr == '\0')
		return server_error(s,
		    "501 5.1.3 Error: bad recipient address syntax");
	while ((kw = server_param(&params, &val, &bad)) != NULL) {
		if (bad)
			return server_error(s,
			    "501 5.5.4 Error: bad parameter syntax");
		/* DSN is not offered: see server_mail() */
		if (strcasecmp(kw, "NOTIFY") == 0) {
			if (val == NULL || !server_notify_ok(val))
				return server_error(s, "501 5.5.4 Error: "
				    "bad NOTIFY parameter");
		} else if (strcasecmp(kw, "ORCPT") == 0) {
			if (val == NULL || val[0] == ';' ||
			    strchr(val, ';') == NULL)
				return server_error(s, "501 5.5.4 Error: "
				    "bad ORCPT parameter");
		} else
			return server_error(s, "555 5.5.4 Error: "
			    "unsupported parameter %.64s", kw);
	}
	s->rcpt_tried = 1;
	if (s->nrcpts >= SERVER_MAX_RCPTS)
		return server_reply(s, "452 4.5.3 Error: too many recipients");
	if (server_check(s, addr, 0, out, sizeof(out), reply,
	    sizeof(reply)) == -1)
		return server_reply(s, "%s", reply);
	if (s->nrcpts == s->rcptsz) {
		nsz = s->rcptsz == 0 ? 16 : s->rcptsz * 2;
		if (nsz > SERVER_MAX_RCPTS)
			nsz = SERVER_MAX_RCPTS;
		if ((nv = reallocarray(s->rcpts, nsz, sizeof(*nv))) == NULL)
			return server_reply(s,
			    "452 4.3.1 Error: insufficient system storage");
		s->rcpts = nv;
		s->rcptsz = nsz;
	}
	if ((copy = strdup(out)) == NULL)
		return server_reply(s,
		    "452 4.3.1 Error: insufficient system storage");
	s->rcpts[s->nrcpts++] = copy;
	return server_reply(s, "250 2.1.5 Ok");
}

static void
server_body_put(struct server_body *b, int c)
{
	if (b->has_nul || b->too_big || b->write_err)
		return;		/* refused anyway: no need to store more */
	if (b->max_bytes > 0 && b->nbytes >= b->max_bytes) {
		b->too_big = 1;
		return;
	}
	if (putc(c, b->fp) == EOF)
		b->write_err = 1;
	else
		b->nbytes++;
}

/*
 * Copy the message from s->in into b->fp up to the final dot, in constant
 * memory.  crlf: the DATA command ended in CRLF, so only CRLF is a line
 * end for the dot rules (see the top of the file).  1: the final dot was
 * read; 0: end of input first; -1: read error.
 */
static int
server_body(struct server *s, struct server_body *b, int crlf)
{
	int	c, c2, bol = 1;

	while ((c = getc(s->in)) != EOF) {
		if (bol && c == '.') {
			if ((c = getc(s->in)) == EOF)
				break;
			if (c == '\n' && !crlf)
				return 1;
			if (c == '\r') {
				if ((c2 = getc(s->in)) == '\n')
					return 1;
				if (c2 == EOF)
					break;
				(void)ungetc(c2, s->in);
			}
			/*
			 * RFC 5321 4.5.2: a line that starts with a dot and
			 * has more on it loses that dot.
			 */
		}
		bol = 0;
		switch (c) {
		case '\r':
			if ((c2 = getc(s->in)) == '\n') {
				server_body_put(b, '\n');
				bol = 1;
				continue;
			}
			if (c2 == EOF)
				goto out;
			(void)ungetc(c2, s->in);
			server_body_put(b, '\n');	/* bare CR: SPEC 3 */
			break;
		case '\n':
			server_body_put(b, '\n');
			bol = !crlf;
			break;
		case '\0':
			b->has_nul = 1;
			break;
		default:
			server_body_put(b, c);
			break;
		}
	}
out:
	if (ferror(s->in))
		return perr_sys(s->e, 1, "-bs: read message");
	return 0;
}

/* Hand the stored message to ops->submit and say what came of it. */
static int
server_submit(struct server *s, FILE *fp)
{
	const struct server_ops	*ops = s->ops;
	char			 reply[SERVER_REPLY_MAX];
	int			 rc;

	if (fflush(fp) == EOF || ferror(fp) || fseeko(fp, 0, SEEK_SET) == -1)
		return server_reply(s,
		    "451 4.3.0 Error: temporary file write error");
	reply[0] = '\0';
	rc = ops->submit(ops->arg, s->from, s->rcpts, s->nrcpts, fp, reply,
	    sizeof(reply));
	reply[sizeof(reply) - 1] = '\0';
	if (rc == 0)
		s->nqueued++;
	if (!server_reply_ok(reply, rc == 0) &&
	    strlcpy(reply, rc == 0 ? "250 2.0.0 Ok: queued" :
	    "451 4.3.0 Error: message not queued", sizeof(reply)) >=
	    sizeof(reply))
		reply[0] = '\0';
	return server_reply(s, "%s", reply);
}

static int
server_data(struct server *s, char *arg)
{
	struct server_body	 b;
	int			 crlf = s->line_crlf, rc;

	if (*arg != '\0')
		return server_error(s, "501 5.5.4 Syntax: DATA");
	if (!s->has_mail)
		return server_error(s, "503 5.5.1 Error: need MAIL command");
	if (s->nrcpts == 0) {
		/* RFC 5321 3.3: 554 when every RCPT was refused */
		if (s->rcpt_tried)
			return server_error(s,
			    "554 5.5.1 Error: no valid recipients");
		return server_error(s, "503 5.5.1 Error: need RCPT command");
	}
	memset(&b, 0, sizeof(b));
	b.max_bytes = s->ops->max_bytes;
	if ((b.fp = tmpfile()) == NULL)
		return server_reply(s,
		    "451 4.3.0 Error: cannot create temporary file");
	if (server_reply(s, "354 End data with <CR><LF>.<CR><LF>") == -1) {
		(void)fclose(b.fp);
		return -1;
	}
	if ((rc = server_body(s, &b, crlf)) != 1) {
		(void)fclose(b.fp);
		return rc == 0 ? SERVER_END : -1;
	}
	/* RFC 5321 4.1.1.4: the transaction ends with the final dot's reply */
	if (b.has_nul)
		rc = server_reply(s,
		    "554 5.6.0 Error: message contains NUL bytes");
	else if (b.too_big)
		rc = server_reply(s,
		    "552 5.3.4 Error: message size exceeds fixed limit");
	else if (b.write_err)
		rc = server_reply(s,
		    "451 4.3.0 Error: temporary file write error");
	else
		rc = server_submit(s, b.fp);
	(void)fclose(b.fp);
	server_reset(s);
	return rc;
}

static int
server_rset(struct server *s, char *arg)
{
	if (*arg != '\0')
		return server_error(s, "501 5.5.4 Syntax: RSET");
	server_reset(s);
	return server_reply(s, "250 2.0.0 Ok");
}

static int
server_noop(struct server *s, char *arg)
{
	(void)arg;		/* RFC 5321 4.1.1.9: NOOP [ SP String ] */
	return server_reply(s, "250 2.0.0 Ok");
}

static int
server_quit(struct server *s, char *arg)
{
	(void)arg;
	if (server_reply(s, "221 2.0.0 Bye") == -1)
		return -1;
	return SERVER_END;
}

static int
server_help(struct server *s, char *arg)
{
	(void)arg;
	return server_reply(s, "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA "
	    "RSET NOOP QUIT HELP VRFY");
}

static int
server_vrfy(struct server *s, char *arg)
{
	if (*arg == '\0')
		return server_error(s, "501 5.5.4 Syntax: VRFY address");
	/* RFC 5321 3.5.3: 252 when the address is not checked */
	return server_reply(s, "252 2.5.0 Cannot verify the address; "
	    "send a message and delivery will be attempted");
}

static int
server_unimpl(struct server *s, char *arg)
{
	(void)arg;
	return server_error(s, "502 5.5.1 Error: command not implemented");
}

static const struct server_cmd {
	const char	*name;
	int		(*fn)(struct server *, char *);
} server_cmds[] = {
	{ "EHLO", server_ehlo },
	{ "HELO", server_helo },
	{ "MAIL", server_mail },
	{ "RCPT", server_rcpt },
	{ "DATA", server_data },
	{ "RSET", server_rset },
	{ "NOOP", server_noop },
	{ "QUIT", server_quit },
	{ "HELP", server_help },
	{ "VRFY", server_vrfy },
	/* known to RFC 5321 or an extension, not offered here: 502 */
	{ "EXPN", server_unimpl },
	{ "STARTTLS", server_unimpl },
	{ "AUTH", server_unimpl },
	{ "BDAT", server_unimpl },
	{ "ETRN", server_unimpl },
	{ "TURN", server_unimpl },
	{ "SEND", server_unimpl },
	{ "SOML", server_unimpl },
	{ "SAML", server_unimpl },
};

static int
server_command(struct server *s)
{
	char	*verb = s->line, *arg;
	size_t	 i;

	arg = verb + strcspn(verb, " ");
	if (*arg == ' ')
		*arg++ = '\0';
	while (*arg == ' ')
		arg++;
	for (i = 0; i < sizeof(server_cmds) / sizeof(server_cmds[0]); i++)
		if (strcasecmp(verb, server_cmds[i].name) == 0)
			return server_cmds[i].fn(s, arg);
	if (*verb == '\0')
		return server_error(s, "500 5.5.2 Error: bad syntax");
	return server_error(s, "500 5.5.2 Error: command not recognized");
}

int
server_run(FILE *in, FILE *out, const struct server_ops *ops, struct perr *e)
{
	struct server	 s;
	const char	*bad;
	int		 rc;

	if (ops == NULL || ops->submit == NULL)
		return perr_set(e, 0, "-bs: no submit callback");
	memset(&s, 0, sizeof(s));
	s.in = in;
	s.out = out;
	s.ops = ops;
	s.e = e;
	/* the name is configuration, but it goes out verbatim */
	log_sanitize(s.host, sizeof(s.host),
	    ops->hostname != NULL ? ops->hostname : "");
	if (s.host[0] == '\0' || strchr(s.host, ' ') != NULL)
		(void)strlcpy(s.host, "localhost", sizeof(s.host));

	rc = server_reply(&s, "220 %s ESMTP posthorn", s.host);
	while (rc == SERVER_MORE) {
		if ((rc = server_getline(&s, &bad)) != 1) {
			if (rc == 0)
				rc = SERVER_END;
			break;
		}
		if (bad != NULL)
			rc = server_error(&s, "%s", bad);
		else
			rc = server_command(&s);
		/* a script fed a message instead of a dialogue, say */
		if (rc == SERVER_MORE && s.nerrors >= SERVER_MAX_ERRORS &&
		    (rc = server_reply(&s, "421 4.7.0 %s Error: too many "
		    "errors", s.host)) == SERVER_MORE)
			rc = SERVER_END;
	}
	server_reset(&s);
	return rc == -1 ? -1 : s.nqueued;
}
