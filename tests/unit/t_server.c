/*
 * t_server.c - server.c: the SMTP dialogue of sendmail -bs.
 *
 * Each test feeds a whole session as one buffer (fmemopen), which is also
 * what a pipelining client looks like from the server's side, and reads
 * back what the server wrote (open_memstream).  codes() renders the reply
 * codes of the session in order ("220 250 250 354 250 221"), reply_at()
 * the text of one reply; the fake submit records each message it gets.
 * One test runs a lockstep dialogue over a real pipe, which hangs (and
 * fails by timeout) if a reply is not flushed before the server reads.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "tap.h"

#define NSUB	8

struct sub {
	char	 from[256];
	char	 rcpts[32768];	/* joined by ' ' */
	size_t	 nrcpts;
	char	*msg;
	size_t	 msglen;
	int	 at_start;	/* msg was at offset 0 when handed over */
};

static struct sub	 subs[NSUB];
static int		 nsub;
static char		*out;
static size_t		 outlen;
static int		 out_crlf;	/* every output line ended in CRLF */
static struct perr	 err;

static int	fake_submit(void *, const char *, char *const *, size_t, FILE *,
		    char *, size_t);
static int	fake_check(void *, const char *, int, char *, size_t, char *,
		    size_t);

static struct server_ops ops = {
	.submit = fake_submit,
	.check_addr = fake_check,
	.arg = NULL,
	.hostname = "test.example",
	.max_bytes = 0,
};

static int
fake_submit(void *arg, const char *from, char *const *rcpts, size_t nrcpts,
    FILE *msg, char *reply, size_t replysz)
{
	struct sub	*u = &subs[nsub < NSUB ? nsub : NSUB - 1];
	char		 buf[4096];
	size_t		 n, i, o = 0;
	const char	*body;

	(void)arg;
	free(u->msg);
	memset(u, 0, sizeof(*u));
	nsub++;
	u->at_start = ftello(msg) == 0;
	(void)strlcpy(u->from, from, sizeof(u->from));
	u->nrcpts = nrcpts;
	for (i = 0; i < nrcpts; i++) {
		n = (size_t)snprintf(u->rcpts + o, sizeof(u->rcpts) - o, "%s%s",
		    i > 0 ? " " : "", rcpts[i]);
		if (n >= sizeof(u->rcpts) - o)
			break;
		o += n;
	}
	while ((n = fread(buf, 1, sizeof(buf), msg)) > 0) {
		if ((u->msg = realloc(u->msg, u->msglen + n + 1)) == NULL)
			abort();
		memcpy(u->msg + u->msglen, buf, n);
		u->msglen += n;
	}
	if (u->msg == NULL && (u->msg = malloc(1)) == NULL)
		abort();
	u->msg[u->msglen] = '\0';
	body = u->msg;
	if (strstr(body, "FAILME") != NULL) {
		(void)snprintf(reply, replysz, "451 4.3.0 queue write failed");
		return -1;
	}
	if (strstr(body, "REJECTME") != NULL) {
		(void)snprintf(reply, replysz, "554 5.6.0 rejected by test");
		return -1;
	}
	if (strstr(body, "BADREPLY") != NULL) {
		(void)snprintf(reply, replysz, "250 ok\r\n250 forged");
		return 0;
	}
	if (strstr(body, "BADFAIL") != NULL) {
		(void)snprintf(reply, replysz, "250 2.0.0 pretend");
		return -1;
	}
	(void)snprintf(reply, replysz, "250 2.0.0 Ok: queued as T%d", nsub);
	return 0;
}

static int
fake_check(void *arg, const char *addr, int is_sender, char *o, size_t osz,
    char *reply, size_t replysz)
{
	(void)arg;
	(void)is_sender;
	if (strstr(addr, "bad") != NULL) {
		(void)snprintf(reply, replysz, "553 5.1.3 bad address <%s>",
		    addr);
		return -1;
	}
	if (strstr(addr, "forge") != NULL) {
		(void)snprintf(reply, replysz, "553 5.1.3 x\r\n250 forged");
		return -1;
	}
	if (strstr(addr, "okreply") != NULL) {
		(void)snprintf(reply, replysz, "250 fine");
		return -1;
	}
	if (strchr(addr, '@') == NULL)
		(void)snprintf(o, osz, "%s@example.org", addr);
	else
		(void)strlcpy(o, addr, osz);
	return 0;
}

static void
subs_clear(void)
{
	int	i;

	for (i = 0; i < NSUB; i++) {
		free(subs[i].msg);
		memset(&subs[i], 0, sizeof(subs[i]));
	}
	nsub = 0;
}

/* Run one session on in/o; the output lands in out. */
static int
session_files(FILE *in, FILE *o)
{
	int	rc;

	subs_clear();
	memset(&err, 0, sizeof(err));
	rc = server_run(in, o, &ops, &err);
	return rc;
}

static int
session_n(const char *input, size_t len)
{
	FILE	*in, *o;
	char	*copy;
	int	 rc;
	size_t	 i;

	free(out);
	out = NULL;
	outlen = 0;
	if ((copy = malloc(len + 1)) == NULL)
		abort();
	memcpy(copy, input, len);
	if ((in = len > 0 ? fmemopen(copy, len, "r") :
	    fopen("/dev/null", "r")) == NULL ||
	    (o = open_memstream(&out, &outlen)) == NULL)
		abort();
	rc = session_files(in, o);
	fclose(in);
	fclose(o);
	free(copy);
	out_crlf = outlen >= 2 && out[outlen - 2] == '\r' &&
	    out[outlen - 1] == '\n';
	for (i = 0; i < outlen; i++)
		if ((out[i] == '\n' && (i == 0 || out[i - 1] != '\r')) ||
		    (out[i] == '\r' && (i + 1 == outlen || out[i + 1] != '\n')))
			out_crlf = 0;
	return rc;
}

static int
session(const char *input)
{
	return session_n(input, strlen(input));
}

/* The code of every reply (the last line of a multi-line one), in order. */
static const char *
codes(void)
{
	static char	 buf[16384];
	const char	*p, *end = out + outlen;
	size_t		 o = 0;

	buf[0] = '\0';
	for (p = out; p != NULL && p < end; ) {
		if (end - p >= 4 && p[3] == ' ' && o + 5 < sizeof(buf)) {
			if (o > 0)
				buf[o++] = ' ';
			memcpy(buf + o, p, 3);
			o += 3;
			buf[o] = '\0';
		}
		if ((p = memchr(p, '\n', (size_t)(end - p))) != NULL)
			p++;
	}
	return buf;
}

/* The k-th reply (0: the greeting), its last line without CRLF. */
static const char *
reply_at(int k)
{
	static char	 buf[1024];
	const char	*p, *end = out + outlen, *nl;
	int		 i = 0;
	size_t		 n;

	for (p = out; p != NULL && p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if (nl - p >= 4 && p[3] == ' ' && i++ == k) {
			n = (size_t)(nl - p) - (nl[-1] == '\r');
			if (n >= sizeof(buf))
				n = sizeof(buf) - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return buf;
		}
	}
	return "(none)";
}

#define TXN	"MAIL FROM:<alice@example.org>\r\n" \
		"RCPT TO:<bob@example.net>\r\n" \
		"DATA\r\n"

static void
test_basic(void)
{
	static const char ehlo[] = "220 test.example ESMTP posthorn\r\n"
	    "250-test.example\r\n250-PIPELINING\r\n250-SIZE\r\n"
	    "250-8BITMIME\r\n250-SMTPUTF8\r\n250 ENHANCEDSTATUSCODES\r\n";
	int	rc;

	rc = session("EHLO client.example\r\n" TXN
	    "Subject: hi\r\n\r\nhello\r\n.\r\nQUIT\r\n");
	CHECK(rc == 1, "basic: one message queued (rc %d)", rc);
	CHECK_STR(codes(), "220 250 250 250 354 250 221", "basic: codes");
	CHECK(out_crlf, "basic: every reply line ends in CRLF");
	CHECK(outlen > strlen(ehlo) && strncmp(out, ehlo, strlen(ehlo)) == 0,
	    "basic: greeting and EHLO reply exactly");
	CHECK_STR(reply_at(2), "250 2.1.0 Ok", "basic: MAIL reply");
	CHECK_STR(reply_at(3), "250 2.1.5 Ok", "basic: RCPT reply");
	CHECK_STR(reply_at(4), "354 End data with <CR><LF>.<CR><LF>",
	    "basic: DATA reply");
	CHECK_STR(reply_at(5), "250 2.0.0 Ok: queued as T1",
	    "basic: the submit reply is sent");
	CHECK_STR(reply_at(6), "221 2.0.0 Bye", "basic: QUIT reply");
	CHECK(nsub == 1, "basic: submit called once");
	CHECK_STR(subs[0].from, "alice@example.org", "basic: sender");
	CHECK_STR(subs[0].rcpts, "bob@example.net", "basic: recipient");
	CHECK_STR(subs[0].msg, "Subject: hi\n\nhello\n",
	    "basic: message with LF line ends");
	CHECK(subs[0].at_start, "basic: message handed over at its start");
}

static void
test_helo_lf(void)
{
	int	rc;

	rc = session("HELO client\nMAIL FROM:<a@b.example>\n"
	    "RCPT TO:<c@d.example>\nDATA\nline 1\nline 2\n.\nQUIT\n");
	CHECK(rc == 1, "LF: one message queued (rc %d)", rc);
	CHECK_STR(codes(), "220 250 250 250 354 250 221", "LF: codes");
	CHECK_STR(reply_at(1), "250 test.example", "HELO: one plain line");
	CHECK_STR(subs[0].msg, "line 1\nline 2\n", "LF: message");
	CHECK(out_crlf, "LF: replies still end in CRLF");

	rc = session("helo x\r\nmail from:<a@b.example>\r\n"
	    "rcpt to:<c@d.example>\r\ndata\r\nx\r\n.\r\nquit\r\n");
	CHECK_STR(codes(), "220 250 250 250 354 250 221",
	    "commands are case-insensitive");
}

static void
test_dots(void)
{
	session("EHLO x\r\n" TXN "..\r\n...\r\n..x\r\n.y\r\na.b\r\n"
	    " .\r\n.\r\nQUIT\r\n");
	CHECK_STR(codes(), "220 250 250 250 354 250 221", "dots: codes");
	CHECK_STR(subs[0].msg, ".\n..\n.x\ny\na.b\n .\n",
	    "dots: one leading dot removed from each line");

	session("EHLO x\r\n" TXN ".\r\nQUIT\r\n");
	CHECK(nsub == 1 && subs[0].msglen == 0, "empty message is submitted");

	session("EHLO x\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\n"
	    "DATA\na\n..b\r\n...c\n.\r\nQUIT\n");
	CHECK_STR(codes(), "220 250 250 250 354 250 221",
	    "LF mode: <CRLF>.<CRLF> ends the message too");
	CHECK_STR(subs[0].msg, "a\n.b\n..c\n",
	    "LF mode: dots after LF and CRLF unstuffed");
}

static void
test_line_ends(void)
{
	session("EHLO x\r\n" TXN "a\rb\r\nc\nd\r\n\r\n.\r\nQUIT\r\n");
	CHECK_STR(subs[0].msg, "a\nb\nc\nd\n\n",
	    "DATA: bare CR and bare LF stored as line ends");

	/* SMTP smuggling: only the DATA command's line end ends DATA */
	session("EHLO x\r\n" TXN "hello\n.\nMAIL FROM:<evil@x.example>\r\n"
	    "x\r.\rRCPT TO:<victim@y.example>\r\n.\r\nQUIT\r\n");
	CHECK_STR(codes(), "220 250 250 250 354 250 221",
	    "smuggling: bare <LF>.<LF> and <CR>.<CR> do not end CRLF DATA");
	CHECK(nsub == 1, "smuggling: one message");
	CHECK_STR(subs[0].msg, "hello\n.\nMAIL FROM:<evil@x.example>\n"
	    "x\n.\nRCPT TO:<victim@y.example>\n",
	    "smuggling: the would-be commands stay in the message");

	session("EHLO x\r\n" TXN "a\n..b\r..c\r\n..d\r\n.\r\nQUIT\r\n");
	CHECK_STR(subs[0].msg, "a\n..b\n..c\n.d\n",
	    "CRLF mode: a dot after a bare LF or CR is content");

	session("EHLO x\r\n" TXN ".\rx\r\n.\r\nQUIT\r\n");
	CHECK_STR(subs[0].msg, "\nx\n",
	    "CRLF mode: \".<CR>x\" loses its dot, the CR is a line end");

	session("EHLO x\r\n" TXN "a\r");
	CHECK(nsub == 0, "a CR at the end of input in DATA: nothing queued");

	session("EHLO x\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\n"
	    "DATA\nhello\r.\rnext\n.\n");
	CHECK_STR(subs[0].msg, "hello\n.\nnext\n",
	    "LF mode: <CR>.<CR> is content");
}

static void
test_long_line(void)
{
	FILE	*b;
	char	*in = NULL, want[5002];
	size_t	 len = 0, i;

	for (i = 0; i < 5000; i++)
		want[i] = (char)('a' + i % 26);
	want[0] = '.';
	want[5000] = '\0';
	if ((b = open_memstream(&in, &len)) == NULL)
		abort();
	/* dot-stuffed as a client sends it: the first dot goes */
	fprintf(b, "EHLO x\r\n" TXN ".%s\r\n.\r\nQUIT\r\n", want);
	fclose(b);
	want[5000] = '\n';
	want[5001] = '\0';
	session_n(in, len);
	CHECK_STR(codes(), "220 250 250 250 354 250 221",
	    "long line: codes");
	CHECK(nsub == 1 && subs[0].msglen == 5001 &&
	    strcmp(subs[0].msg, want) == 0,
	    "long line: a 5000-char DATA line passes intact (%zu)",
	    subs[0].msglen);
	free(in);
}

static void
test_two_transactions(void)
{
	int	rc;

	rc = session("EHLO x\r\n"
	    "MAIL FROM:<one@example.org>\r\nRCPT TO:<a@example.net>\r\n"
	    "RCPT TO:<b@example.net>\r\nDATA\r\nfirst\r\n.\r\n"
	    "MAIL FROM:<two@example.org>\r\nRCPT TO:<c@example.net>\r\n"
	    "DATA\r\nsecond\r\n.\r\nQUIT\r\n");
	CHECK(rc == 2, "two transactions: rc 2 (%d)", rc);
	CHECK_STR(codes(), "220 250 250 250 250 354 250 250 250 354 250 221",
	    "two transactions: codes");
	CHECK_STR(reply_at(10), "250 2.0.0 Ok: queued as T2",
	    "two transactions: second queued");
	CHECK(nsub == 2, "two transactions: two submits");
	CHECK_STR(subs[0].from, "one@example.org", "first sender");
	CHECK_STR(subs[0].rcpts, "a@example.net b@example.net",
	    "first recipients");
	CHECK_STR(subs[0].msg, "first\n", "first message");
	CHECK_STR(subs[1].from, "two@example.org", "second sender");
	CHECK_STR(subs[1].rcpts, "c@example.net",
	    "second recipients: none left over from the first");
	CHECK_STR(subs[1].msg, "second\n", "second message");

	rc = session("EHLO x\r\nMAIL FROM:<one@example.org>\r\n"
	    "RCPT TO:<a@example.net>\r\nRSET\r\nRCPT TO:<b@example.net>\r\n"
	    "MAIL FROM:<two@example.org>\r\nRCPT TO:<c@example.net>\r\n"
	    "DATA\r\nafter rset\r\n.\r\nQUIT\r\n");
	CHECK_STR(codes(), "220 250 250 250 250 503 250 250 354 250 221",
	    "RSET: the transaction is gone");
	CHECK(rc == 1 && nsub == 1, "RSET: one message");
	CHECK_STR(subs[0].from, "two@example.org", "RSET: new sender");
	CHECK_STR(subs[0].rcpts, "c@example.net", "RSET: only new recipient");
	CHECK_STR(reply_at(4), "250 2.0.0 Ok", "RSET reply");

	session("EHLO x\r\nMAIL FROM:<a@example.org>\r\n"
	    "RCPT TO:<b@example.net>\r\nEHLO y\r\nDATA\r\nQUIT\r\n");
	CHECK_STR(codes(), "220 250 250 250 250 503 221",
	    "EHLO resets the transaction");
}

static void
test_pipelining(void)
{
	int	rc;

	/* RFC 2920 section 3.1's example, with a refused recipient */
	rc = session("EHLO x\r\nMAIL FROM:<mrose@dbc.mtview.ca.us>\r\n"
	    "RCPT TO:<ned@innosoft.com>\r\nRCPT TO:<bad@example.com>\r\n"
	    "RCPT TO:<dan@innosoft.com>\r\nDATA\r\nbody\r\n.\r\n"
	    "RSET\r\nMAIL FROM:<x@example.org>\r\nRCPT TO:<y@example.net>\r\n"
	    "DATA\r\nagain\r\n.\r\nNOOP\r\nQUIT\r\n");
	CHECK(rc == 2, "pipelined: rc 2 (%d)", rc);
	CHECK_STR(codes(),
	    "220 250 250 250 553 250 354 250 250 250 250 354 250 250 221",
	    "pipelined: one reply per command, in order");
	CHECK_STR(reply_at(4), "553 5.1.3 bad address <bad@example.com>",
	    "pipelined: check_addr's reply is sent");
	CHECK_STR(subs[0].rcpts, "ned@innosoft.com dan@innosoft.com",
	    "pipelined: the refused recipient is not passed on");
}

static void
test_syntax_then_good(void)
{
	int	rc;

	rc = session("EHLO x\r\nMAIL FROM:<a@example.org\r\nMAIL TO:<a@b>\r\n"
	    "XYZZY\r\nMAIL FROM:<a@example.org> FOO=1\r\n"
	    "MAIL FROM:<a@example.org>\r\nRCPT <b@example.net>\r\n"
	    "RCPT TO:<b@example.net>\r\nDATA\r\nok\r\n.\r\nQUIT\r\n");
	CHECK(rc == 1, "syntax errors then a good transaction: rc %d", rc);
	CHECK_STR(codes(), "220 250 501 501 500 555 250 501 250 354 250 221",
	    "syntax errors then a good transaction: codes");
	CHECK_STR(reply_at(2), "501 5.1.7 Error: bad sender address syntax",
	    "MAIL without '>'");
	CHECK_STR(reply_at(3), "501 5.5.4 Syntax: MAIL FROM:<address>",
	    "MAIL without FROM:");
	CHECK_STR(reply_at(4), "500 5.5.2 Error: command not recognized",
	    "unknown command");
	CHECK_STR(reply_at(5), "555 5.5.4 Error: unsupported parameter FOO",
	    "unknown MAIL parameter");
	CHECK_STR(reply_at(7), "501 5.5.4 Syntax: RCPT TO:<address>",
	    "RCPT without TO:");
	CHECK_STR(subs[0].msg, "ok\n", "the good message");
}

static void
test_eof(void)
{
	int	rc;

	rc = session("EHLO x\r\n" TXN "hi\r\n.\r\n");
	CHECK(rc == 1, "EOF without QUIT: the message counts (rc %d)", rc);
	CHECK_STR(codes(), "220 250 250 250 354 250",
	    "EOF without QUIT: codes");

	rc = session("EHLO x\r\n" TXN "hi\r\nno end");
	CHECK(rc == 0 && nsub == 0, "EOF in DATA: nothing queued (rc %d)", rc);
	CHECK_STR(codes(), "220 250 250 250 354", "EOF in DATA: codes");

	rc = session("EHLO x\r\n" TXN "hi\r\n.");
	CHECK(rc == 0 && nsub == 0, "EOF after a last dot without line end");

	rc = session("EHLO x\r\nQUIT");
	CHECK(rc == 0, "cut last command: rc 0");
	CHECK_STR(codes(), "220 250", "cut last command: not acted on");

	rc = session("");
	CHECK(rc == 0, "empty input: rc 0");
	CHECK_STR(codes(), "220", "empty input: only the greeting");

	rc = session("QUIT\r\nNOOP\r\nNOOP\r\n");
	CHECK_STR(codes(), "220 221", "nothing is read after QUIT");
}

static void
test_replies(void)
{
	session("EHLO x\r\nRCPT TO:<a@b>\r\nDATA\r\nMAIL FROM:<a@b.example>\r\n"
	    "DATA\r\nMAIL FROM:<c@d.example>\r\nRCPT TO:<bad@x.example>\r\n"
	    "DATA\r\nQUIT\r\n");
	CHECK_STR(codes(), "220 250 503 503 250 503 503 553 554 221",
	    "sequence errors: codes");
	CHECK_STR(reply_at(2), "503 5.5.1 Error: need MAIL command",
	    "RCPT before MAIL");
	CHECK_STR(reply_at(3), "503 5.5.1 Error: need MAIL command",
	    "DATA before MAIL");
	CHECK_STR(reply_at(5), "503 5.5.1 Error: need RCPT command",
	    "DATA before RCPT");
	CHECK_STR(reply_at(6), "503 5.5.1 Error: nested MAIL command",
	    "MAIL twice");
	CHECK_STR(reply_at(8), "554 5.5.1 Error: no valid recipients",
	    "DATA after every RCPT was refused");

	session("HELP\r\nVRFY   bob\r\nVRFY\r\nEXPN staff\r\nNOOP\r\n"
	    "NOOP anything\r\nSTARTTLS\r\nAUTH PLAIN\r\nHELO\r\nEHLO\r\n"
	    "RSET now\r\nDATA now\r\n\r\nRSET\r\nQUIT\r\n");
	CHECK_STR(codes(),
	    "220 214 252 501 502 250 250 502 502 501 501 501 501 500 250 221",
	    "other commands: codes");
	CHECK(strncmp(reply_at(1), "214 2.0.0 ", 10) == 0, "HELP: 214 2.0.0");
	CHECK(strncmp(reply_at(2), "252 2.5.0 ", 10) == 0, "VRFY: 252 2.5.0");
	CHECK_STR(reply_at(4), "502 5.5.1 Error: command not implemented",
	    "EXPN: 502");
	CHECK_STR(reply_at(5), "250 2.0.0 Ok", "NOOP");
	CHECK_STR(reply_at(9), "501 5.5.4 Syntax: HELO hostname",
	    "HELO without a name");
	CHECK_STR(reply_at(13), "500 5.5.2 Error: bad syntax", "empty line");
	CHECK_STR(reply_at(15), "221 2.0.0 Bye", "QUIT");
}

static void
test_bad_lines(void)
{
	static const char nulcmd[] = "NOOP a\0b\r\nQUIT\r\n";
	char	 in[SERVER_LINE_MAX + 64];
	size_t	 n;
	int	 rc;

	/* exactly SERVER_LINE_MAX is fine, one more is not */
	n = (size_t)snprintf(in, sizeof(in), "NOOP ");
	memset(in + n, 'x', SERVER_LINE_MAX - n);
	(void)strlcpy(in + SERVER_LINE_MAX, "\r\nQUIT\r\n",
	    sizeof(in) - SERVER_LINE_MAX);
	session(in);
	CHECK_STR(codes(), "220 250 221",
	    "a command line of the maximum length");
	memset(in + n, 'x', SERVER_LINE_MAX + 1 - n);
	(void)strlcpy(in + SERVER_LINE_MAX + 1, "\r\nQUIT\r\n",
	    sizeof(in) - SERVER_LINE_MAX - 1);
	session(in);
	CHECK_STR(codes(), "220 500 221", "a command line one byte too long");
	CHECK_STR(reply_at(1), "500 5.5.0 Error: line too long",
	    "too long: 500 5.5.0");
	memset(in + n, 'x', SERVER_LINE_MAX - n);
	(void)strlcpy(in + SERVER_LINE_MAX, "\ry\r\nQUIT\r\n",
	    sizeof(in) - SERVER_LINE_MAX);
	session(in);
	CHECK_STR(codes(), "220 500 221",
	    "a too long line whose CR sits at the limit");

	session("NOOP a\rb\r\nNOOP\r\n");
	CHECK_STR(codes(), "220 500 250", "bare CR in a command");
	CHECK_STR(reply_at(1), "500 5.5.2 Error: control character in command",
	    "bare CR: 500 5.5.2");
	rc = session_n(nulcmd, sizeof(nulcmd) - 1);
	CHECK(rc == 0, "NUL in a command: rc 0");
	CHECK_STR(codes(), "220 500 221", "NUL in a command: 500");
}

static void
test_addresses(void)
{
	session("EHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<>\r\n"
	    "RCPT TO: <postmaster>\r\nRCPT TO:carol@example.net\r\n"
	    "RCPT TO:<@relay.example,@r2.example:dave@example.net>\r\n"
	    "RCPT TO:<\"odd> name\"@example.net> NOTIFY=NEVER\r\n"
	    "RCPT TO:<@relay.example>\r\nRCPT TO:<a@b> x\r\n"
	    "RCPT TO:<forge@x.example>\r\nRCPT TO:<okreply@x.example>\r\n"
	    "DATA\r\nx\r\n.\r\nQUIT\r\n");
	CHECK_STR(codes(), "220 250 250 501 250 250 250 250 501 555 553 553 "
	    "354 250 221", "addresses: codes");
	CHECK_STR(subs[0].from, "", "null sender");
	CHECK_STR(reply_at(3), "501 5.1.3 Error: bad recipient address syntax",
	    "RCPT TO:<> refused");
	CHECK_STR(subs[0].rcpts, "postmaster@example.org carol@example.net "
	    "dave@example.net \"odd> name\"@example.net",
	    "space after colon, bare address, source route, quoted '>'");
	CHECK_STR(reply_at(10), "553 5.1.3 Error: bad recipient address",
	    "a multi-line reply from check_addr is replaced");
	CHECK_STR(reply_at(11), "553 5.1.3 Error: bad recipient address",
	    "a 2xx failure reply from check_addr is replaced");

	session("MAIL FROM:<bad@example.org>\r\nMAIL FROM:<forge@x>\r\n"
	    "MAIL FROM:a@b SIZE=10\r\nQUIT\r\n");
	CHECK_STR(codes(), "220 553 553 250 221",
	    "sender refused, then a bare sender with a parameter");
	CHECK_STR(reply_at(1), "553 5.1.3 bad address <bad@example.org>",
	    "sender refused by check_addr");
	CHECK_STR(reply_at(2), "553 5.1.7 Error: bad sender address",
	    "sender: bad check_addr reply replaced");

	session("MAIL   FROM:<a@b.example>  SIZE=1   BODY=7BIT\r\n"
	    "RCPT TO:<\"a\\\"> b\"@example.net>\r\nRCPT TO:<c@d>x\r\n"
	    "RCPT TO: \r\nRCPT TO:a<b@c\r\nRCPT TO:<c@d> N=1=2 -X\r\n"
	    "DATA\r\n.\r\n");
	CHECK_STR(codes(), "220 250 250 501 501 501 555 354 250",
	    "more address syntax: codes");
	CHECK_STR(subs[0].rcpts, "\"a\\\"> b\"@example.net",
	    "a quoted pair inside a quoted local part");
	CHECK_STR(reply_at(6), "555 5.5.4 Error: unsupported parameter N",
	    "RCPT: first bad parameter answers");

	ops.check_addr = NULL;
	session("MAIL FROM:<a@b>\r\nRCPT TO:<c>\r\nDATA\r\n.\r\n");
	CHECK_STR(subs[0].rcpts, "c", "no check_addr: addresses as given");
	ops.check_addr = fake_check;
}

static void
test_params(void)
{
	session("MAIL FROM:<a@b.example> BODY=8BITMIME SIZE=1000 SMTPUTF8 "
	    "RET=HDRS ENVID=QQ314159\r\n"
	    "RCPT TO:<c@d.example> NOTIFY=SUCCESS,FAILURE "
	    "ORCPT=rfc822;c@d.example\r\nRSET\r\n"
	    "MAIL FROM:<a@b.example> body=7bit\r\nRSET\r\n"
	    "MAIL FROM:<a@b.example> BODY=BINARYMIME\r\n"
	    "MAIL FROM:<a@b.example> SIZE=abc\r\n"
	    "MAIL FROM:<a@b.example> SIZE=+5\r\n"
	    "MAIL FROM:<a@b.example> SIZE\r\n"
	    "MAIL FROM:<a@b.example> SIZE=99999999999999999999999\r\n"
	    "MAIL FROM:<a@b.example> SMTPUTF8=yes\r\n"
	    "MAIL FROM:<a@b.example> RET=ALL\r\n"
	    "MAIL FROM:<a@b.example> -X=1\r\n"
	    "MAIL FROM:<a@b.example> AUTH=<>\r\n"
	    "MAIL FROM:<a@b.example> ENVID\r\n"
	    "MAIL FROM:<a@b.example>\r\n"
	    "RCPT TO:<c@d.example> NOTIFY=BOGUS\r\n"
	    "RCPT TO:<c@d.example> NOTIFY=NEVER,SUCCESS\r\n"
	    "RCPT TO:<c@d.example> ORCPT=x\r\n"
	    "RCPT TO:<c@d.example> FOO\r\n"
	    "RCPT TO:<c@d.example> =x\r\n"
	    "QUIT\r\n");
	CHECK_STR(codes(), "220 250 250 250 250 250 555 501 501 501 501 501 "
	    "501 501 555 501 250 501 501 501 555 501 221", "parameters: codes");
	CHECK_STR(reply_at(6), "555 5.5.4 Error: unsupported BODY parameter",
	    "BODY=BINARYMIME");
	CHECK_STR(reply_at(7), "501 5.5.4 Error: bad SIZE parameter",
	    "SIZE=abc");
	CHECK_STR(reply_at(13), "501 5.5.4 Error: bad parameter syntax",
	    "bad keyword");
}

static void
test_size(void)
{
	int	rc;

	ops.max_bytes = 10;
	rc = session("EHLO x\r\nMAIL FROM:<a@b.example> SIZE=11\r\n"
	    "MAIL FROM:<a@b.example> SIZE=10\r\nRCPT TO:<c@d.example>\r\n"
	    "DATA\r\n0123456789\r\n.\r\n"
	    "MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n"
	    "DATA\r\n012345678\r\n.\r\nQUIT\r\n");
	CHECK(strstr(out, "\r\n250-SIZE 10\r\n") != NULL,
	    "EHLO advertises the limit");
	CHECK_STR(codes(), "220 250 552 250 250 354 552 250 250 354 250 221",
	    "size: codes");
	CHECK_STR(reply_at(2), "552 5.3.4 Error: message size exceeds fixed "
	    "limit", "SIZE= over the limit");
	CHECK_STR(reply_at(6), "552 5.3.4 Error: message size exceeds fixed "
	    "limit", "message over the limit, refused after the dot");
	CHECK(rc == 1 && nsub == 1 && subs[0].msglen == 10,
	    "size: only the message that fits is queued");
	ops.max_bytes = 0;
}

static void
test_nul(void)
{
	static const char in[] = "EHLO x\r\n" TXN "a\0b\r\n.\r\n" TXN
	    "clean\r\n.\r\nQUIT\r\n";
	int	rc;

	rc = session_n(in, sizeof(in) - 1);
	CHECK_STR(codes(), "220 250 250 250 354 554 250 250 354 250 221",
	    "NUL: codes");
	CHECK_STR(reply_at(5), "554 5.6.0 Error: message contains NUL bytes",
	    "NUL: refused after the dot");
	CHECK(rc == 1 && nsub == 1, "NUL: not submitted, the session goes on");
	CHECK_STR(subs[0].msg, "clean\n", "NUL: the next message is fine");
}

static void
test_submit_replies(void)
{
	int	rc;

	rc = session(TXN "FAILME\r\n.\r\n" TXN "REJECTME\r\n.\r\n"
	    TXN "BADREPLY\r\n.\r\n" TXN "BADFAIL\r\n.\r\nQUIT\r\n");
	CHECK(rc == 1, "submit failures are not counted (rc %d)", rc);
	CHECK(nsub == 4, "submit called four times");
	CHECK_STR(reply_at(4), "451 4.3.0 queue write failed",
	    "submit 451 sent");
	CHECK_STR(reply_at(8), "554 5.6.0 rejected by test", "submit 554 sent");
	CHECK_STR(reply_at(12), "250 2.0.0 Ok: queued",
	    "a multi-line submit reply is replaced");
	CHECK_STR(reply_at(16), "451 4.3.0 Error: message not queued",
	    "a 2xx reply to a failure is replaced");
	CHECK(out_crlf, "no forged line reaches the output");
}

static void
test_rcpt_limit(void)
{
	FILE	*b;
	char	*in = NULL, want[64];
	size_t	 len = 0;
	int	 i, rc;

	if ((b = open_memstream(&in, &len)) == NULL)
		abort();
	fputs("EHLO x\r\nMAIL FROM:<a@example.org>\r\n", b);
	for (i = 0; i <= SERVER_MAX_RCPTS; i++)
		fprintf(b, "RCPT TO:<r%d@example.net>\r\n", i);
	fputs("DATA\r\nmany\r\n.\r\nQUIT\r\n", b);
	fclose(b);
	rc = session_n(in, len);
	CHECK(rc == 1 && nsub == 1 && subs[0].nrcpts == SERVER_MAX_RCPTS,
	    "rcpt limit: %d recipients kept", SERVER_MAX_RCPTS);
	CHECK_STR(reply_at(2 + SERVER_MAX_RCPTS + 1),
	    "452 4.5.3 Error: too many recipients", "rcpt limit: 452 4.5.3");
	(void)snprintf(want, sizeof(want), "r%d@example.net",
	    SERVER_MAX_RCPTS - 1);
	CHECK(strstr(subs[0].rcpts, want) != NULL, "rcpt limit: last kept");
	free(in);
}

static void
test_too_many_errors(void)
{
	FILE	*b;
	char	*in = NULL;
	size_t	 len = 0;
	int	 i, rc;

	if ((b = open_memstream(&in, &len)) == NULL)
		abort();
	for (i = 0; i < SERVER_MAX_ERRORS + 5; i++)
		fputs("From: someone piped a message\r\n", b);
	fputs("QUIT\r\n", b);
	fclose(b);
	rc = session_n(in, len);
	CHECK(rc == 0, "too many errors: rc 0");
	CHECK_STR(reply_at(SERVER_MAX_ERRORS + 1),
	    "421 4.7.0 test.example Error: too many errors",
	    "too many errors: 421 after %d", SERVER_MAX_ERRORS);
	CHECK_STR(reply_at(SERVER_MAX_ERRORS + 2), "(none)",
	    "too many errors: nothing after the 421");
	free(in);

	/* refused addresses are no protocol errors */
	if ((b = open_memstream(&in, &len)) == NULL)
		abort();
	fputs("MAIL FROM:<a@example.org>\r\n", b);
	for (i = 0; i < SERVER_MAX_ERRORS + 5; i++)
		fprintf(b, "RCPT TO:<bad%d@example.net>\r\n", i);
	fputs("RCPT TO:<good@example.net>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n", b);
	fclose(b);
	rc = session_n(in, len);
	CHECK(rc == 1, "refused recipients do not count as errors");
	free(in);
}

static void
test_hostname(void)
{
	ops.hostname = NULL;
	session("HELO x\r\n");
	CHECK_STR(reply_at(0), "220 localhost ESMTP posthorn", "no hostname");
	ops.hostname = "evil\r\n250 host";
	session("");
	CHECK_STR(reply_at(0), "220 localhost ESMTP posthorn",
	    "a hostname with control bytes or space is not used");
	ops.hostname = "test.example";
}

static void
test_io_errors(void)
{
	FILE	*in, *o;
	int	 rc;

	/* a stream opened for reading fails every write */
	if ((in = fmemopen((char[]){ "NOOP\r\n" }, 6, "r")) == NULL ||
	    (o = fopen("/dev/null", "r")) == NULL)
		abort();
	rc = session_files(in, o);
	CHECK(rc == -1 && err.temp == 1 && strstr(err.msg, "write") != NULL,
	    "write error: -1 (%s)", err.msg);
	fclose(in);
	fclose(o);

	/* reading a directory fails with EISDIR */
	if ((in = fopen("/", "r")) == NULL ||
	    (o = fopen("/dev/null", "w")) == NULL)
		abort();
	rc = session_files(in, o);
	CHECK(rc == -1 && strstr(err.msg, "read") != NULL,
	    "read error: -1 (%s)", err.msg);
	fclose(in);
	fclose(o);
}

/* Run fn in a child; its exit status 0 is a pass. */
static int
in_child(void (*fn)(void))
{
	pid_t	pid;
	int	status;

	fflush(stdout);
	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		fn();
		_exit(1);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0;
}

/* The message file cannot grow (a full /tmp, as far as stdio can tell). */
static void
child_fsize(void)
{
	struct rlimit	 rl = { 100, 100 };
	char		 in[20000];
	size_t		 n;

	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		_exit(2);
	n = (size_t)snprintf(in, sizeof(in), "EHLO x\r\n" TXN);
	memset(in + n, 'x', 10000);
	(void)strlcpy(in + n + 10000, "\r\n.\r\n" TXN "small\r\n.\r\n",
	    sizeof(in) - n - 10000);
	if (session(in) == 1 && nsub == 1 &&
	    strcmp(codes(), "220 250 250 250 354 451 250 250 354 250") == 0 &&
	    strcmp(reply_at(5),
	    "451 4.3.0 Error: temporary file write error") == 0)
		_exit(0);
	_exit(3);
}

/* No file descriptor left for the message file. */
static void
child_nofile(void)
{
	while (dup(0) != -1)
		;
	if (session("EHLO x\r\n" TXN "x\r\n.\r\nQUIT\r\n") == 0 &&
	    strcmp(codes(), "220 250 250 250 451 500 500 221") == 0 &&
	    strcmp(reply_at(4),
	    "451 4.3.0 Error: cannot create temporary file") == 0)
		_exit(0);
	_exit(3);
}

static void
test_tmpfile_faults(void)
{
	CHECK(in_child(child_fsize),
	    "message file write error: 451 after the dot, session goes on");
	CHECK(in_child(child_nofile),
	    "no message file: 451 to DATA, no 354");
}

/* Read from fd until a line with "ddd " arrives; the whole text in buf. */
static int
read_reply(int fd, char *buf, size_t bufsz)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	size_t		 n = 0;
	ssize_t		 r;
	char		*line;

	buf[0] = '\0';
	for (;;) {
		if (poll(&pfd, 1, 5000) != 1)
			return -1;	/* no reply: it was not flushed */
		if ((r = read(fd, buf + n, bufsz - n - 1)) <= 0)
			return -1;
		n += (size_t)r;
		buf[n] = '\0';
		if (n < 2 || buf[n - 1] != '\n')
			continue;
		buf[n - 1] = '\0';
		line = strrchr(buf, '\n');
		line = line != NULL ? line + 1 : buf;
		buf[n - 1] = '\n';
		if (strlen(line) >= 4 && line[3] == ' ')
			return 0;
	}
}

static void
test_lockstep_pipe(void)
{
	static const char *const steps[][2] = {
		{ NULL, "220 " },
		{ "EHLO x\r\n", "250-test.example" },
		{ "MAIL FROM:<a@b.example>\r\n", "250 2.1.0" },
		{ "RCPT TO:<c@d.example>\r\n", "250 2.1.5" },
		{ "DATA\r\n", "354 " },
		{ "hello\r\n.\r\n", "250 2.0.0" },
		{ "QUIT\r\n", "221 " },
	};
	char	 buf[2048];
	int	 to[2], from[2], status, ok = 1;
	size_t	 i;
	pid_t	 pid;
	FILE	*in, *o;

	signal(SIGPIPE, SIG_IGN);
	if (pipe(to) == -1 || pipe(from) == -1 || (pid = fork()) == -1)
		abort();
	if (pid == 0) {
		close(to[1]);
		close(from[0]);
		if ((in = fdopen(to[0], "r")) == NULL ||
		    (o = fdopen(from[1], "w")) == NULL)
			_exit(99);
		_exit(server_run(in, o, &ops, &err) == 1 ? 0 : 1);
	}
	close(to[0]);
	close(from[1]);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) && ok; i++) {
		if (steps[i][0] != NULL && write(to[1], steps[i][0],
		    strlen(steps[i][0])) != (ssize_t)strlen(steps[i][0]))
			ok = 0;
		else if (read_reply(from[0], buf, sizeof(buf)) == -1 ||
		    strncmp(buf, steps[i][1], strlen(steps[i][1])) != 0) {
			printf("#   step %zu: got [%s]\n", i, buf);
			ok = 0;
		}
	}
	close(to[1]);
	if (!ok)
		kill(pid, SIGKILL);
	CHECK(ok, "pipe: each reply arrives before the next command is sent");
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "pipe: the server queued one message");
	close(from[0]);
}

int
main(void)
{
	test_basic();
	test_helo_lf();
	test_dots();
	test_line_ends();
	test_long_line();
	test_two_transactions();
	test_pipelining();
	test_syntax_then_good();
	test_eof();
	test_replies();
	test_bad_lines();
	test_addresses();
	test_params();
	test_size();
	test_nul();
	test_submit_replies();
	test_rcpt_limit();
	test_too_many_errors();
	test_hostname();
	test_io_errors();
	test_tmpfile_faults();
	test_lockstep_pipe();
	subs_clear();
	free(out);
	return tap_done();
}
