/*
 * t_mime.c - mime.c: long lines and 8-bit parts made fit for SMTP.
 *
 * Messages are written to tmpfile()s; what mime_transform() puts is kept
 * as text, each line followed by LF.  Re-encoded parts are checked by
 * decoding them with the small decoders below (written from RFC 2045, not
 * shared with mime.c) and comparing with the original octets.
 */
#include <sys/resource.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mime.h"
#include "tap.h"

struct sink {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	size_t	 nlines;
	size_t	 maxline;
	int	 has8;
	size_t	 fail_at;	/* put fails on this line (1-based), 0: never */
};

static struct perr	err;

static int
sink_put(void *arg, const char *line, size_t len)
{
	struct sink	*s = arg;
	size_t		 i;
	char		*p;

	s->nlines++;
	if (s->fail_at != 0 && s->nlines == s->fail_at)
		return perr_set(&err, 1, "sink full");
	if (memchr(line, '\n', len) != NULL) {
		printf("# put got a line with LF\n");
		abort();
	}
	if (len > s->maxline)
		s->maxline = len;
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] >= 0x80)
			s->has8 = 1;
	if (s->len + len + 2 > s->cap) {
		s->cap = (s->len + len + 2) * 2;
		if ((p = realloc(s->buf, s->cap)) == NULL)
			abort();
		s->buf = p;
	}
	memcpy(s->buf + s->len, line, len);
	s->len += len;
	s->buf[s->len++] = '\n';
	s->buf[s->len] = '\0';
	return 0;
}

static FILE *
file_of(const char *msg, size_t len)
{
	FILE	*fp;

	if ((fp = tmpfile()) == NULL || fwrite(msg, 1, len, fp) != len ||
	    fflush(fp) != 0)
		abort();
	rewind(fp);
	return fp;
}

/* Transform msg into s (reset first); the return of mime_transform. */
static int
run_len(const char *msg, size_t len, int flags, struct sink *s)
{
	FILE	*fp = file_of(msg, len);
	int	 rc;

	free(s->buf);
	memset(s, 0, sizeof(*s));
	memset(&err, 0, sizeof(err));
	rc = mime_transform(fp, flags, sink_put, s, &err);
	fclose(fp);
	if (s->buf == NULL && (s->buf = calloc(1, 1)) == NULL)
		abort();
	return rc;
}

static int
run(const char *msg, int flags, struct sink *s)
{
	return run_len(msg, strlen(msg), flags, s);
}

static char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		abort();
	return p;
}

/* A string of n octets from the pattern, NUL-terminated. */
static char *
fill(size_t n, const char *pattern)
{
	char	*p;
	size_t	 i, k = strlen(pattern);

	if ((p = malloc(n + 1)) == NULL)
		abort();
	for (i = 0; i < n; i++)
		p[i] = pattern[i % k];
	p[n] = '\0';
	return p;
}

/* Concatenate a NULL-terminated list of strings. */
static char *
cat(const char *first, ...)
{
	va_list		 ap;
	const char	*s;
	char		*p;
	size_t		 n = 0, o = 0;

	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *))
		n += strlen(s);
	va_end(ap);
	if ((p = malloc(n + 1)) == NULL)
		abort();
	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *)) {
		memcpy(p + o, s, strlen(s));
		o += strlen(s);
	}
	va_end(ap);
	p[o] = '\0';
	return p;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decode quoted-printable text (lines separated by LF; the last may lack
 * it) as RFC 2045 6.7 says, a hard line break decoding to LF (the spool
 * form).  Returns a malloc'd buffer and its length in *n.
 */
static char *
qp_decode(const char *t, size_t len, size_t *n)
{
	const char	*eol, *end = t + len;
	char		*o;
	size_t		 l, i;
	int		 soft, hi, lo;

	if ((o = malloc(len + 1)) == NULL)
		abort();
	*n = 0;
	while (t < end) {
		eol = memchr(t, '\n', (size_t)(end - t));
		l = (size_t)((eol != NULL ? eol : end) - t);
		while (l > 0 && (t[l - 1] == ' ' || t[l - 1] == '\t'))
			l--;	/* rule (3): decoders drop trailing blanks */
		soft = l > 0 && t[l - 1] == '=';
		if (soft)
			l--;
		for (i = 0; i < l; i++) {
			if (t[i] == '=' && i + 2 < l &&
			    (hi = hexval(t[i + 1])) >= 0 &&
			    (lo = hexval(t[i + 2])) >= 0) {
				o[(*n)++] = (char)(hi << 4 | lo);
				i += 2;
			} else
				o[(*n)++] = t[i];
		}
		if (!soft && eol != NULL)
			o[(*n)++] = '\n';
		t = eol != NULL ? eol + 1 : end;
	}
	o[*n] = '\0';
	return o;
}

static int
b64val(int c)
{
	const char	*a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	const char	*p;

	if (c == '\0' || (p = strchr(a, c)) == NULL)
		return -1;
	return (int)(p - a);
}

/* Decode base64, ignoring what is outside the alphabet (RFC 2045 6.8). */
static char *
b64_decode(const char *t, size_t len, size_t *n)
{
	char		*o;
	unsigned long	 acc = 0;
	size_t		 i;
	int		 v, bits = 0;

	if ((o = malloc(len + 1)) == NULL)
		abort();
	*n = 0;
	for (i = 0; i < len; i++) {
		if (t[i] == '=')
			break;
		if ((v = b64val((unsigned char)t[i])) < 0)
			continue;
		acc = (acc << 6 | (unsigned long)v) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			o[(*n)++] = (char)(acc >> bits & 0xff);
		}
	}
	o[*n] = '\0';
	return o;
}

static char *
b64_encode(const unsigned char *p, size_t n)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char		*o;
	size_t		 i, k = 0;
	unsigned long	 v;

	if ((o = malloc(n / 3 * 4 + 8)) == NULL)
		abort();
	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 |
		    p[i + 2];
		o[k++] = a[v >> 18 & 63];
		o[k++] = a[v >> 12 & 63];
		o[k++] = a[v >> 6 & 63];
		o[k++] = a[v & 63];
	}
	if (i < n) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		o[k++] = a[v >> 18 & 63];
		o[k++] = a[v >> 12 & 63];
		o[k++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		o[k++] = '=';
	}
	o[k] = '\0';
	return o;
}

/*
 * The text of s from the end of the first occurrence of from to the next
 * occurrence of to, or to the end when to is "".
 */
static char *
between(const char *s, const char *from, const char *to)
{
	const char	*a, *b;
	char		*p;

	if ((a = strstr(s, from)) == NULL)
		return xstrdup("(from not found)");
	a += strlen(from);
	if (*to == '\0')
		b = a + strlen(a);
	else if ((b = strstr(a, to)) == NULL)
		return xstrdup("(to not found)");
	if ((p = strndup(a, (size_t)(b - a))) == NULL)
		abort();
	return p;
}

/* Longest line of text t (LF-separated). */
static size_t
longest(const char *t)
{
	const char	*e;
	size_t		 m = 0;

	for (; *t != '\0'; t = e + 1) {
		if ((e = strchr(t, '\n')) == NULL)
			e = t + strlen(t);
		if ((size_t)(e - t) > m)
			m = (size_t)(e - t);
		if (*e == '\0')
			break;
	}
	return m;
}

/* Does the QP-decoded text t equal want? */
static int
qp_same(const char *t, const char *want)
{
	size_t	 n;
	char	*d = qp_decode(t, strlen(t), &n);
	int	 ok = n == strlen(want) && memcmp(d, want, n) == 0;

	if (!ok)
		printf("#   decoded %zu octets, want %zu\n", n, strlen(want));
	free(d);
	return ok;
}

static const int	allflags[] = { 0, MIME_FIX_LONG, MIME_7BIT,
			    MIME_FIX_LONG | MIME_7BIT };

static void
t_identity(void)
{
	static const char *msgs[] = {
	    "From: a@example.org\nSubject: hi\n\nhello\n\nworld\n",
	    "Subject: no body\n",
	    "Subject: x\n\n",
	    ("MIME-Version: 1.0\nContent-Type: multipart/mixed; "
	    "boundary=\"=_b1\"\n\npreamble\n--=_b1\nContent-Type: text/plain"
	    "\n\none\n--=_b1\nContent-Type: text/plain\n"
	    "Content-Transfer-Encoding: base64\n\naGVsbG8K\n--=_b1--\n"
	    "epilogue\n"),
	    ("Subject: tabs and blanks  \n\t continued\n\nline with = and "
	    "trailing blank \n.\n..\n"),
	};
	struct sink	s = { 0 };
	size_t		i, k;
	int		rc;

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		for (k = 0; k < 4; k++) {
			rc = run(msgs[i], allflags[k], &s);
			CHECK(rc == 0 && strcmp(s.buf, msgs[i]) == 0,
			    "identity: message %zu, flags %d", i, allflags[k]);
		}
	/* what a flag does not ask for is left alone */
	rc = run("Subject: x\n\ncaf\xc3\xa9\n", MIME_FIX_LONG, &s);
	CHECK_STR(s.buf, "Subject: x\n\ncaf\xc3\xa9\n",
	    "identity: 8-bit body without MIME_7BIT");
	free(s.buf);
}

static void
t_long_plain(void)
{
	struct sink	 s = { 0 };
	char		*line, *msg, *body, *want;
	int		 rc;

	line = fill(2000, "abc =def\t-ghi= ");
	line[1999] = ' ';	/* a trailing blank, rule (3) */
	msg = cat("From: a@example.org\nSubject: long\n\n", line,
	    "\nsecond line\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0, "long plain: transform");
	CHECK(strncmp(s.buf, "From: a@example.org\nSubject: long\n"
	    "MIME-Version: 1.0\nContent-Transfer-Encoding: quoted-printable\n"
	    "\n", 96) == 0, "long plain: MIME-Version and CTE added");
	body = between(s.buf, "quoted-printable\n\n", "");
	want = cat(line, "\nsecond line\n", NULL);
	CHECK(qp_same(body, want), "long plain: decodes to the original");
	CHECK(s.maxline <= 76, "long plain: lines <= 76 (got %zu)", s.maxline);
	CHECK(strstr(body, "=20\n") != NULL, "long plain: trailing blank");
	CHECK(strstr(body, "\n-") == NULL, "long plain: no line opens '-'");
	free(body);
	free(want);
	free(msg);
	free(line);
	free(s.buf);
}

static void
t_multipart(void)
{
	struct sink	 s = { 0 };
	char		*line, *msg, *head, *tail, *body;
	const char	*p;
	int		 rc;

	line = fill(1500, "0123456789 ");
	head = xstrdup("MIME-Version: 1.0\nSubject: mp\n"
	    "Content-Type: multipart/mixed;\n boundary=\"XyZ\"\n\n"
	    "This is MIME.\n--XyZ\nContent-Type: text/plain; charset=us-ascii\n"
	    "Content-Transfer-Encoding: 7bit\n\n");
	tail = xstrdup("\n--XyZ\nContent-Type: text/plain\n\nshort part\n"
	    "--XyZ--\n");
	msg = cat(head, "start\n", line, "\nend", tail, NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0, "multipart: transform");
	CHECK(s.maxline <= MIME_LINE_MAX, "multipart: no long line");
	/* all but the long part's CTE and body passes unchanged */
	p = strstr(s.buf, "Content-Transfer-Encoding");
	CHECK(p != NULL && strncmp(s.buf, head, (size_t)(p - s.buf)) == 0,
	    "multipart: unchanged up to the CTE");
	CHECK(p != NULL && strncmp(p, "Content-Transfer-Encoding: "
	    "quoted-printable\n\n", 45) == 0, "multipart: CTE replaced");
	CHECK(strstr(s.buf, "MIME-Version: 1.0\nSubject") == s.buf &&
	    strstr(s.buf + 1, "MIME-Version") == NULL,
	    "multipart: no second MIME-Version");
	CHECK(s.len >= strlen(tail) &&
	    strcmp(s.buf + s.len - strlen(tail), tail) == 0,
	    "multipart: the short part and the close pass unchanged");
	body = between(s.buf, "quoted-printable\n\n", "\n--XyZ\n");
	free(msg);
	msg = cat("start\n", line, "\nend", NULL);
	CHECK(qp_same(body, msg), "multipart: long part decodes back");
	free(body);
	free(msg);
	free(head);
	free(tail);
	free(line);
	free(s.buf);
}

static void
t_nested(void)
{
	struct sink	 s = { 0 };
	char		*line, *msg, *body, *want, *after;
	int		 rc;

	line = fill(1200, "nested words ");
	after = xstrdup("--inner\nContent-Type: text/html\n\n<p>hi</p>\n"
	    "--inner--\n\n--outer\nContent-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: base64\n\nAAEC\n--outer--\n");
	msg = cat("MIME-Version: 1.0\nContent-Type: multipart/mixed; "
	    "boundary=outer\n\n--outer\nContent-Type: multipart/alternative;"
	    " BOUNDARY=\"inner\"\n\n--inner\nContent-Type: text/plain\n\n",
	    line, "\n", after, NULL);
	rc = run(msg, MIME_FIX_LONG | MIME_7BIT, &s);
	CHECK(rc == 0 && s.maxline <= 76, "nested: transform, short lines");
	CHECK(strstr(s.buf, "--inner\nContent-Type: text/plain\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n") != NULL,
	    "nested: the inner leaf re-encoded");
	CHECK(strcmp(s.buf + s.len - strlen(after), after) == 0,
	    "nested: the rest unchanged");
	body = between(s.buf, "quoted-printable\n\n", "\n--inner\n");
	CHECK(qp_same(body, line), "nested: decodes back");
	free(body);
	free(msg);
	/* the same with the inner multipart never closed */
	msg = cat("Content-Type: multipart/mixed; boundary=outer\n\n--outer\n"
	    "Content-Type: multipart/alternative; boundary=inner\n\n--inner\n"
	    "\n", line, "\n--outer\nContent-Type: text/plain\n\n", line,
	    "\n--outer--\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline <= 76, "nested: unclosed inner part");
	want = between(s.buf, "--inner\nContent-Transfer-Encoding: "
	    "quoted-printable\n\n", "\n--outer\n");
	CHECK(qp_same(want, line), "nested: unclosed inner part decodes");
	free(want);
	want = between(s.buf, "--outer\nContent-Type: text/plain\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n", "\n--outer--\n");
	CHECK(qp_same(want, line), "nested: outer part after it decodes");
	free(want);
	free(msg);
	free(after);
	free(line);
	free(s.buf);
}

static void
t_base64(void)
{
	struct sink	 s = { 0 };
	unsigned char	 raw[3000];
	char		*b64, *msg, *body, *d;
	size_t		 i, n;
	int		 rc;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(i * 31 + i / 7);
	b64 = b64_encode(raw, sizeof(raw));	/* 4000 characters, one line */
	msg = cat("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: base64\n\n", b64, "\n--b--\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline == 76, "base64: re-wrapped at 76");
	CHECK(strstr(s.buf, "Content-Transfer-Encoding: base64\n\n") != NULL,
	    "base64: CTE kept");
	body = between(s.buf, "base64\n\n", "\n--b--");
	d = b64_decode(body, strlen(body), &n);
	CHECK(n == sizeof(raw) && memcmp(d, raw, n) == 0,
	    "base64: decodes to the same octets");
	CHECK(longest(body) == 76 && strlen(body) == 4000 + 4000 / 76,
	    "base64: nothing but line breaks added");
	free(d);
	free(body);
	free(msg);
	/* 8-bit junk in base64 is dropped under MIME_7BIT: decoders skip it */
	msg = cat("Content-Type: image/png\nContent-Transfer-Encoding: base64"
	    "\n\nAAEC\xff\nAAEC\n", NULL);
	rc = run(msg, MIME_7BIT, &s);
	CHECK_STR(s.buf, "Content-Type: image/png\nContent-Transfer-Encoding: "
	    "base64\n\nAAEC\nAAEC\n", "base64: 8-bit junk dropped");
	free(msg);
	free(b64);
	free(s.buf);
}

static void
t_qp_rewrap(void)
{
	struct sink	 s = { 0 };
	char		*qp, *msg, *body, *d1, *d2, *seg;
	size_t		 n1, n2;
	int		 rc;

	/* escapes at every offset modulo 76, a soft break at the end */
	seg = xstrdup("caf=C3=A9 =3D x-y ");
	qp = fill(2500, seg);
	qp[2499] = '=';
	msg = cat("Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: Quoted-Printable\n\n", qp,
	    "\nnext =E2=82=AC\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline <= 76, "qp re-wrap: lines <= 76");
	CHECK(strstr(s.buf, "Content-Transfer-Encoding: Quoted-Printable\n") !=
	    NULL, "qp re-wrap: CTE kept");
	body = between(s.buf, "Printable\n\n", "");
	d1 = qp_decode(body, strlen(body), &n1);
	free(body);
	body = between(msg, "Printable\n\n", "");
	d2 = qp_decode(body, strlen(body), &n2);
	CHECK(n1 == n2 && memcmp(d1, d2, n1) == 0,
	    "qp re-wrap: decodes as the original does");
	CHECK(strstr(s.buf, "\nnext =E2=82=AC\n") != NULL,
	    "qp re-wrap: a short line passes");
	free(d1);
	free(d2);
	free(body);
	free(msg);
	/* raw 8-bit in QP text becomes escapes under MIME_7BIT */
	rc = run("Content-Transfer-Encoding: quoted-printable\n\n"
	    "caf\xc3\xa9=\nok\n", MIME_7BIT, &s);
	CHECK_STR(s.buf, "Content-Transfer-Encoding: quoted-printable\n\n"
	    "caf=C3=A9=\nok\n", "qp re-wrap: raw 8-bit escaped");
	free(qp);
	free(seg);
	free(s.buf);
}

static void
t_7bit(void)
{
	static const char body[] = "Gr\xc3\xbc\xc3\x9f" "e, \xe6\x97\xa5\n"
	    "plain\n-- \nsig\n";
	struct sink	 s = { 0 };
	char		*msg, *b;
	int		 rc;

	msg = cat("Subject: Gr\xc3\xbc\xc3\x9f" "e\nContent-Type: text/plain;"
	    " charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
	    "Content-Transfer-Encoding: 8bit\nX-After: 1\n\n", body, NULL);
	rc = run(msg, MIME_7BIT, &s);
	CHECK(rc == 0, "7bit: transform");
	CHECK(strncmp(s.buf, "Subject: Gr\xc3\xbc\xc3\x9f" "e\nContent-Type: "
	    "text/plain; charset=utf-8\nContent-Transfer-Encoding: "
	    "quoted-printable\nX-After: 1\nMIME-Version: 1.0\n\n", 128) == 0,
	    "7bit: CTE replaced in place, repeat dropped, MIME-Version added");
	b = between(s.buf, "MIME-Version: 1.0\n\n", "");
	CHECK(qp_same(b, body), "7bit: decodes back");
	CHECK(strchr(b, '\x80') == NULL && strstr(b, "=C3=BC") != NULL,
	    "7bit: body escaped");
	{
		size_t	i;
		int	high = 0;

		for (i = 0; b[i] != '\0'; i++)
			high |= (unsigned char)b[i] >= 0x80;
		CHECK(!high, "7bit: no 8-bit octet in the body");
	}
	CHECK(strstr(b, "\n=2D- \n") == NULL && strstr(b, "\n=2D-=20\n") !=
	    NULL, "7bit: \"-- \" escaped, trailing blank too");
	free(b);
	free(msg);
	free(s.buf);
}

static void
t_headers(void)
{
	struct sink	 s = { 0 };
	char		*words, *run1, *utf, *msg, *want, *p;
	const char	*l;
	size_t		 i, n;
	int		 rc, ok;

	words = fill(3000, "word ");
	words[2999] = 'x';
	msg = cat("Subject: ", words, "\nX-Run:", (run1 = fill(2100, "ab")),
	    "\nX-Utf: ", (utf = fill(1400, "\xc3\xa9")), "\n\nbody\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline <= MIME_LINE_MAX,
	    "headers: folded to <= 998 (got %zu)", s.maxline);
	/* unfolding (RFC 5322 2.2.3) gives the Subject back */
	want = cat("Subject: ", words, NULL);
	p = between(s.buf, "", "\nX-Run:");
	n = 0;
	for (i = 0; p[i] != '\0'; i++)
		if (p[i] != '\n')
			p[n++] = p[i];
	p[n] = '\0';
	CHECK(strcmp(p, want) == 0, "headers: Subject unfolds unchanged");
	CHECK(strstr(s.buf, "\n ") != NULL, "headers: continuation opens "
	    "with the blank");
	free(p);
	free(want);
	/* a run without blanks is cut, the next line opening with a space */
	p = between(s.buf, "\nX-Run:", "\nX-Utf");
	CHECK(strlen(p) == 2100 + 2 * 2 && p[992] == '\n' && p[993] == ' ',
	    "headers: blank-less run cut at 998 with a space inserted");
	n = 0;
	for (i = 0; p[i] != '\0'; i++)
		if (p[i] == '\n' && p[i + 1] == ' ')
			i++;
		else
			p[n++] = p[i];
	p[n] = '\0';
	CHECK_STR(p, run1, "headers: the run is whole but for the spaces");
	free(p);
	/* and a UTF-8 sequence is never cut in two */
	p = between(s.buf, "\nX-Utf:", "\n\nbody");
	ok = 1;
	for (l = p; (l = strchr(l, '\n')) != NULL; l++)
		if ((l > p && (l[-1] & 0xe0) == 0xc0) || l[1] != ' ' ||
		    (l[2] & 0xc0) == 0x80)
			ok = 0;
	CHECK(ok && strchr(p, '\n') != NULL, "headers: UTF-8 kept whole");
	free(p);
	CHECK(strstr(s.buf, "\n\nbody\n") != NULL &&
	    strstr(s.buf, "MIME-Version") == NULL,
	    "headers: body untouched, no MIME-Version");
	free(msg);
	/* without MIME_FIX_LONG a long header passes */
	msg = cat("Subject: ", words, "\n\nb\n", NULL);
	rc = run(msg, MIME_7BIT, &s);
	CHECK(rc == 0 && strcmp(s.buf, msg) == 0, "headers: left unfolded");
	free(msg);
	/* trailing blanks of a folded line go, and so does "name :" */
	free(words);
	words = fill(1200, "z");
	msg = cat("X-Sp  :", words, "     \nX-B: \t", words, "\n\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	want = cat("X-Sp  :\n ", NULL);
	CHECK(rc == 0 && s.maxline <= MIME_LINE_MAX &&
	    strncmp(s.buf, "X-Sp  :", 7) == 0 &&
	    strstr(s.buf, "zzz     \n") == NULL,
	    "headers: obs name with blank before ':', trailing blanks");
	CHECK(strstr(s.buf, "\nX-B: \t\n") == NULL,
	    "headers: the blank after \"X-B:\" stays on the first line");
	free(want);
	free(msg);
	free(words);
	free(run1);
	free(utf);
	free(s.buf);
}

static void
t_final_newline(void)
{
	struct sink	 s = { 0 };
	char		*line, *msg, *b;
	int		 rc;

	line = fill(2000, "no newline at the end ");
	msg = cat("Subject: x\n\n", line, NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	b = between(s.buf, "quoted-printable\n\n", "");
	CHECK(rc == 0 && qp_same(b, line),
	    "no final LF: decodes to the octets, no LF added");
	CHECK(s.len >= 2 && s.buf[s.len - 2] == '=',
	    "no final LF: ends on a soft break");
	free(b);
	free(msg);
	/* unchanged text: the last line goes as a line */
	rc = run("Subject: x\n\nlast", MIME_FIX_LONG | MIME_7BIT, &s);
	CHECK_STR(s.buf, "Subject: x\n\nlast\n", "no final LF: passes");
	rc = run("Subject: x", 0, &s);
	CHECK_STR(s.buf, "Subject: x\n", "no final LF: headers only");
	rc = run("", MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.nlines == 0, "empty message: no line");
	free(line);
	free(s.buf);
}

static void
t_malformed(void)
{
	struct sink	 s = { 0 };
	char		*line, *msg;
	int		 rc;

	line = fill(1100, "malformed ");
	/* multipart without a boundary: one leaf */
	msg = cat("Content-Type: multipart/mixed\n\n--x\n\n", line, "\n",
	    NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline <= 76 &&
	    strstr(s.buf, "Content-Transfer-Encoding: quoted-printable\n") !=
	    NULL, "malformed: no boundary, read as one leaf");
	free(msg);
	/* never closed, delimiter inside a part's header block */
	msg = cat("Content-Type: multipart/mixed; boundary=\"q\"\n\n--q\n"
	    "Content-Type: text/plain\n--q\nX: y\n\n", line, "\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline <= 76 && strstr(s.buf, "--q\n"
	    "Content-Type: text/plain\n--q\nX: y\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n") != NULL,
	    "malformed: unclosed, part ended in its headers");
	free(msg);
	/* the boundary never appears: a long preamble line */
	msg = cat("Content-Type: multipart/mixed; boundary=zz\n\n", line,
	    "\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline <= 76 &&
	    strstr(s.buf, "Content-Transfer-Encoding") == NULL,
	    "malformed: long preamble line encoded alone");
	free(msg);
	/* garbage Content-Type, unterminated comment and quote */
	msg = cat("Content-Type: (unclosed comment; boundary=\"x\n"
	    "Content-Type: multipart/mixed; boundary=\"open\n\n", line, "\n",
	    NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline <= 76, "malformed: garbage Content-Type");
	free(msg);
	/* a part with no header block and no empty line */
	msg = cat("Content-Type: multipart/mixed; boundary=b\n\n--b\n", line,
	    "\n--b--\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && strstr(s.buf, "--b\nContent-Transfer-Encoding: "
	    "quoted-printable\n\nmalformed") != NULL,
	    "malformed: part without headers gets them and an empty line");
	free(msg);
	/* a boundary too long to be one */
	free(line);
	line = fill(300, "B");
	msg = cat("Content-Type: multipart/mixed; boundary=", line, "\n\n--",
	    line, "\n\nx\n", NULL);
	rc = run(msg, MIME_FIX_LONG | MIME_7BIT, &s);
	CHECK(rc == 0 && strcmp(s.buf, msg) == 0,
	    "malformed: over-long boundary, passes as a leaf");
	free(msg);
	/* deeper than anything real: still valid output */
	{
		char	*deep = xstrdup(""), *t;
		int	 i;

		for (i = 0; i < 60; i++) {
			t = deep;
			deep = cat(t, "Content-Type: multipart/mixed; "
			    "boundary=d\n\n--d\n", NULL);
			free(t);
		}
		t = fill(1500, "deep ");
		msg = cat(deep, "\n", t, "\n", NULL);
		rc = run(msg, MIME_FIX_LONG, &s);
		CHECK(rc == 0 && s.maxline <= MIME_LINE_MAX,
		    "malformed: 60 levels deep");
		free(msg);
		free(t);
		free(deep);
	}
	free(line);
	free(s.buf);
}

static void
t_delimiters(void)
{
	struct sink	 s = { 0 };
	char		*pad, *msg, *line;
	int		 rc;

	pad = fill(1200, " \t");
	msg = cat("Content-Type: multipart/mixed; boundary=p\n\n--p", pad,
	    "\n\nx\n--p--", pad, "\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK_STR(s.buf, "Content-Type: multipart/mixed; boundary=p\n\n--p\n"
	    "\nx\n--p--\n", "delimiters: long padding dropped");
	rc = run(msg, MIME_7BIT, &s);
	CHECK(rc == 0 && strcmp(s.buf, msg) == 0,
	    "delimiters: padding kept without MIME_FIX_LONG");
	free(msg);
	/* content that starts like a delimiter stays content */
	line = fill(1000, "-");
	msg = cat("Content-Type: multipart/mixed; boundary=p\n\n--p\n\n--px\n"
	    "--p", line, "\n--p --\n--p--\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && strstr(s.buf, "\n=2D-px\n") != NULL &&
	    strstr(s.buf, "\n--p--\n") != NULL,
	    "delimiters: near misses are content, encoded without '-' first");
	free(msg);
	/* a soft break must not leave "--p" at the start of a line */
	free(line);
	line = fill(75, "x");
	msg = cat("Content-Type: multipart/mixed; boundary=p\n\n--p\n\n\xff\n",
	    line, "--p\n--p--\n", NULL);
	rc = run(msg, MIME_7BIT, &s);
	CHECK(rc == 0 && strstr(s.buf, "=\n=2D-p\n--p--\n") != NULL,
	    "delimiters: none made by a soft break");
	free(msg);
	/* nor by folding a header that starts like one ("--x:" is one) */
	free(line);
	line = fill(1000, "a");
	msg = cat("Content-Type: multipart/mixed; boundary=\"x:\"\n\n--x:\n"
	    "--x: ", line, "\n\nb\n--x:--\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && strstr(s.buf, "--x:\nContent-Transfer-Encoding: "
	    "quoted-printable\n\n=2D-x: aaa") != NULL &&
	    strstr(s.buf, "\n--x:\n ") == NULL,
	    "delimiters: none made by folding");
	free(msg);
	free(line);
	free(pad);
	free(s.buf);
}

static void
t_rfc822(void)
{
	struct sink	 s = { 0 };
	char		*line, *msg, *b;
	int		 rc;

	line = fill(1300, "inner message text ");
	msg = cat("MIME-Version: 1.0\nContent-Type: multipart/mixed; "
	    "boundary=m\n\n--m\nContent-Type: message/rfc822\n\n"
	    "Subject: inner\n\n", line, "\n--m--\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline <= 76, "rfc822: transform");
	CHECK(strstr(s.buf, "--m\nContent-Type: message/rfc822\n\n"
	    "Subject: inner\nMIME-Version: 1.0\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n") != NULL,
	    "rfc822: the part not encoded, the message inside it is");
	b = between(s.buf, "quoted-printable\n\n", "\n--m--");
	CHECK(qp_same(b, line), "rfc822: decodes back");
	free(b);
	free(msg);
	/* multipart/digest: parts are message/rfc822 by default */
	msg = cat("Content-Type: multipart/digest; boundary=d\n\n--d\n\n"
	    "Subject: one\n\n", line, "\n--d--\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && strstr(s.buf, "--d\n\nSubject: one\nMIME-Version: "
	    "1.0\nContent-Transfer-Encoding: quoted-printable\n\n") != NULL,
	    "rfc822: digest part read as a message");
	free(msg);
	free(line);
	free(s.buf);
}

static void
t_binary(void)
{
	struct sink	 s = { 0 };
	char		*line, *msg, *b, *d, *want;
	size_t		 n;
	int		 rc;

	line = fill(1100, "\x01\xff\x80 bin");
	msg = cat("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: application/x-thing\n"
	    "Content-Transfer-Encoding: binary\n\n", line, "\nline 2\n--b--\n",
	    NULL);
	rc = run(msg, MIME_FIX_LONG | MIME_7BIT, &s);
	CHECK(rc == 0 && s.maxline <= 76 && !s.has8, "binary: transform");
	CHECK(strstr(s.buf, "Content-Transfer-Encoding: base64\n\n") != NULL,
	    "binary: now base64");
	b = between(s.buf, "base64\n\n", "\n--b--");
	d = b64_decode(b, strlen(b), &n);
	want = cat(line, "\r\nline 2", NULL);
	CHECK(n == strlen(want) && memcmp(d, want, n) == 0,
	    "binary: decodes to the lines joined by CRLF");
	free(want);
	free(d);
	free(b);
	free(msg);
	/* at the end of a single-part message the last line end counts */
	rc = run("Content-Transfer-Encoding: binary\n\n\xff\n", MIME_7BIT, &s);
	CHECK_STR(s.buf, "Content-Transfer-Encoding: base64\nMIME-Version: "
	    "1.0\n\n/w0K\n", "binary: last CRLF kept at the end");
	free(line);
	free(s.buf);
}

static void
t_scan(void)
{
	static const struct {
		const char	*msg;
		int		 has_long, has_8bit;
	} tab[] = {
		{ "Subject: x\n\nshort\n", 0, 0 },
		{ "Subject: \xc3\xa9\n\nshort\n", 0, 1 },
		{ "Subject: x\n\n\xff", 0, 1 },
	};
	struct mime_info	 mi;
	FILE			*fp;
	char			*l, *msg;
	size_t			 i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		fp = file_of(tab[i].msg, strlen(tab[i].msg));
		CHECK(mime_scan(fp, &mi, &err) == 0 &&
		    mi.has_long == tab[i].has_long &&
		    mi.has_8bit == tab[i].has_8bit, "scan: message %zu", i);
		fclose(fp);
	}
	l = fill(MIME_LINE_MAX, "x");
	msg = cat("S: x\n\n", l, "\n", l, NULL);
	fp = file_of(msg, strlen(msg));
	CHECK(mime_scan(fp, &mi, &err) == 0 && !mi.has_long && !mi.has_8bit,
	    "scan: 998 octets is not long");
	fclose(fp);
	free(msg);
	msg = cat("S: x\n\n", l, "y", NULL);
	fp = file_of(msg, strlen(msg));
	CHECK(mime_scan(fp, &mi, &err) == 0 && mi.has_long,
	    "scan: 999 octets is long");
	fclose(fp);
	free(msg);
	free(l);
}

static void
t_errors(void)
{
	struct sink	 s = { 0 };
	char		*line, *msg;
	FILE		*fp;
	int		 fd[2], rc;

	line = fill(2000, "e ");
	msg = cat("Subject: x\n\n", line, "\n", NULL);
	fp = file_of(msg, strlen(msg));
	memset(&err, 0, sizeof(err));
	s.fail_at = 5;
	rc = mime_transform(fp, MIME_FIX_LONG, sink_put, &s, &err);
	CHECK(rc == -1 && strcmp(err.msg, "sink full") == 0 && s.nlines == 5,
	    "errors: a put failure stops and keeps put's reason");
	fclose(fp);
	free(s.buf);
	memset(&s, 0, sizeof(s));
	if (pipe(fd) == -1 || (fp = fdopen(fd[0], "r")) == NULL)
		abort();
	close(fd[1]);
	rc = mime_transform(fp, MIME_FIX_LONG, sink_put, &s, &err);
	CHECK(rc == -1 && err.temp == 1 && strstr(err.msg, "seekable") != NULL,
	    "errors: input not seekable");
	fclose(fp);
	/* mime_transform starts where the file is, as mime_scan does */
	fp = file_of(msg, strlen(msg));
	if (fseek(fp, 12, SEEK_SET) != 0)
		abort();
	rc = mime_transform(fp, MIME_FIX_LONG, sink_put, &s, &err);
	CHECK(rc == 0 && strncmp(s.buf, "MIME-Version: 1.0\n"
	    "Content-Transfer-Encoding: quoted-printable\n\ne e", 66) == 0,
	    "errors: starts at the current position (no headers there)");
	fclose(fp);
	free(msg);
	free(line);
	free(s.buf);
}

static void
t_corners(void)
{
	struct sink	 s = { 0 };
	char		*blank, *line, *msg;
	int		 rc;

	/* comments, quoted strings and junk before the boundary */
	rc = run("Content-Type: multipart/mixed (a \\) (nested)) ; "
	    "charset=\"x;y\\\"z\" ; junk ; (c;) Boundary = \"a\\\"b\" ; "
	    "boundary=no\n\n--a\"b\nContent-Transfer-Encoding: X-UUencode\n\n"
	    "\xff\n--a\"b--\n", MIME_7BIT, &s);
	CHECK_STR(s.buf, "Content-Type: multipart/mixed (a \\) (nested)) ; "
	    "charset=\"x;y\\\"z\" ; junk ; (c;) Boundary = \"a\\\"b\" ; "
	    "boundary=no\n\n--a\"b\nContent-Transfer-Encoding: "
	    "quoted-printable\n\n=FF\n--a\"b--\n",
	    "corners: Content-Type syntax, unknown CTE taken for 8bit");
	/* an inner multipart that never opens: its preamble meets the outer */
	rc = run("Content-Type: multipart/mixed; boundary=o\n\n--o\n"
	    "Content-Type: multipart/mixed; boundary=i\n\n\xff\n--o\n\n"
	    "\xfe\n--o--\n", MIME_7BIT, &s);
	CHECK_STR(s.buf, "Content-Type: multipart/mixed; boundary=o\n\n--o\n"
	    "Content-Type: multipart/mixed; boundary=i\n\n=FF\n--o\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n=FE\n--o--\n",
	    "corners: inner preamble ended by the outer boundary");
	/* trailing blanks, blank continuations, a long run of blanks */
	blank = fill(1100, " ");
	line = fill(1100, "w");
	msg = cat("X-T: short", blank, "\n", blank, "\nX-L:\n", blank, "\t",
	    blank, "x\n\nb\n", NULL);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline <= MIME_LINE_MAX, "corners: blanks");
	CHECK(strncmp(s.buf, "X-T: short\n \nX-L:\n ", 19) == 0 &&
	    strcmp(s.buf + s.len - 6, " x\n\nb\n") == 0 &&
	    strspn(s.buf + 18, " \t") == s.len - 23,
	    "corners: header blanks trimmed, a long run of them shortened");
	free(msg);
	/* inside a multipart a line starting "--" is no header field */
	rc = run("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "--x: y\n\xff\n--b--\n", MIME_7BIT, &s);
	CHECK_STR(s.buf, "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n=2D-x: y\n=FF\n"
	    "--b--\n", "corners: \"--x:\" in a part starts its body");
	/* a Content-Type too long to keep: its boundary is lost, no harm */
	free(blank);
	blank = fill(9000, "p");
	msg = cat("Content-Type: multipart/mixed; x=", blank, "; boundary=b\n"
	    "\n--b\n\n\xff\n--b--\n", NULL);
	rc = run(msg, MIME_FIX_LONG | MIME_7BIT, &s);
	CHECK(rc == 0 && s.maxline <= MIME_LINE_MAX && !s.has8,
	    "corners: 9000-octet Content-Type");
	free(msg);
	free(line);
	free(blank);
	/* without MIME_FIX_LONG a line put() would need whole is refused */
	blank = fill(2 * 1024 * 1024, "q");
	msg = cat("Subject: x\n\n", blank, "\n", NULL);
	rc = run(msg, 0, &s);
	CHECK(rc == -1 && err.temp == 0 && strstr(err.msg, "too long") != NULL,
	    "corners: 2 MB line without MIME_FIX_LONG refused (%s)", err.msg);
	rc = run(msg, MIME_FIX_LONG, &s);
	CHECK(rc == 0 && s.maxline <= 76, "corners: and fixed with it");
	free(msg);
	free(blank);
	free(s.buf);
}

/* Transforming the result again changes nothing. */
static void
t_idempotent(void)
{
	struct sink	 s = { 0 }, s2 = { 0 };
	char		*line, *msgs[4];
	size_t		 i, k;
	int		 rc, rc2;

	line = fill(1700, "id=em \xc3\xa9-pot ");
	msgs[0] = cat("Subject: ", line, "\n\n", line, "\n", NULL);
	msgs[1] = cat("Content-Type: multipart/mixed; boundary=i\n\n", line,
	    "\n--i\nContent-Transfer-Encoding: quoted-printable\n\n", line,
	    "\n--i\nContent-Transfer-Encoding: binary\n\n", line, "\n--i--\n",
	    line, NULL);
	msgs[2] = cat("Content-Type: message/rfc822\n\nX: ", line, "\n--", line,
	    "\n", NULL);
	msgs[3] = cat("Content-Type: multipart/alternative; boundary=\"a b\"\n"
	    "\n--a b \n\n", line, "\n--a b--\n", NULL);
	for (i = 0; i < 4; i++)
		for (k = 1; k < 4; k++) {
			rc = run(msgs[i], allflags[k], &s);
			rc2 = run_len(s.buf, s.len, allflags[k], &s2);
			CHECK(rc == 0 && rc2 == 0 && strcmp(s.buf, s2.buf) == 0,
			    "idempotent: message %zu, flags %d", i, allflags[k]);
			if (allflags[k] & MIME_FIX_LONG)
				CHECK(s.maxline <= MIME_LINE_MAX,
				    "idempotent: message %zu fixed", i);
		}
	for (i = 0; i < 4; i++)
		free(msgs[i]);
	free(line);
	free(s.buf);
	free(s2.buf);
}

/* The 20 MB line: checked on the fly, so that the test holds no copy. */
struct big {
	size_t	 at;		/* octets decoded so far */
	size_t	 want;		/* octets in the line */
	size_t	 maxline;
	int	 in_body;
	int	 bad;
	int	 newline;	/* the hard break after the line seen */
	int	 soft;
};

static unsigned char
big_octet(size_t i)
{
	static const char	set[] = "lorem ipsum =dolor\t-sit\xc3\xa9.amet";

	return (unsigned char)set[(i + i / 1000) % (sizeof(set) - 1)];
}

static int
big_put(void *arg, const char *line, size_t len)
{
	struct big	*b = arg;
	size_t		 i;
	int		 hi, lo;

	if (len > b->maxline)
		b->maxline = len;
	if (!b->in_body) {
		b->in_body = len == 0;
		return 0;
	}
	if (b->newline) {
		b->bad = 1;	/* nothing after the hard break */
		return 0;
	}
	b->soft = len > 0 && line[len - 1] == '=';
	if (b->soft)
		len--;
	for (i = 0; i < len; i++) {
		if ((unsigned char)line[i] >= 0x80)
			b->bad = 1;
		if (line[i] == '=' && i + 2 < len &&
		    (hi = hexval(line[i + 1])) >= 0 &&
		    (lo = hexval(line[i + 2])) >= 0) {
			if (big_octet(b->at) != (hi << 4 | lo))
				b->bad = 1;
			i += 2;
		} else if (big_octet(b->at) != (unsigned char)line[i])
			b->bad = 1;
		b->at++;
	}
	if (!b->soft)
		b->newline = 1;
	return 0;
}

static void
t_big(void)
{
	struct mime_info	 mi;
	struct big		 b;
	struct rusage		 ru;
	unsigned char		 chunk[65536];
	FILE			*fp;
	size_t			 i, k, n, total = 20 * 1024 * 1024;
	long			 before;
	int			 rc;

	if ((fp = tmpfile()) == NULL)
		abort();
	fputs("Subject: big\n\n", fp);
	for (i = 0; i < total; i += n) {
		n = total - i < sizeof(chunk) ? total - i : sizeof(chunk);
		for (k = 0; k < n; k++)
			chunk[k] = big_octet(i + k);
		if (fwrite(chunk, 1, n, fp) != n)
			abort();
	}
	fputc('\n', fp);
	if (fflush(fp) != 0)
		abort();
	rewind(fp);
	getrusage(RUSAGE_SELF, &ru);
	before = ru.ru_maxrss;
	CHECK(mime_scan(fp, &mi, &err) == 0 && mi.has_long && mi.has_8bit,
	    "big: scan");
	rewind(fp);
	memset(&b, 0, sizeof(b));
	b.want = total;
	rc = mime_transform(fp, MIME_FIX_LONG | MIME_7BIT, big_put, &b, &err);
	getrusage(RUSAGE_SELF, &ru);
	CHECK(rc == 0 && !b.bad && b.at == total && b.newline &&
	    b.maxline <= 76, "big: 20 MB line encoded, decodes back "
	    "(%zu octets, longest line %zu)", b.at, b.maxline);
	CHECK(ru.ru_maxrss - before < 8 * 1024, "big: memory grew by %ld KiB",
	    ru.ru_maxrss - before);
	fclose(fp);
}

/* mime_b64_encode/decode: RFC 4648 section 10's vectors and bad input */
static void
t_b64_codec(void)
{
	static const char *vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	static const char *bad[] = {
		"Zg=", "Zg", "Z===", "=Zg=", "Zg=a", "Zm9v Yg==", "Zm9\n",
		"Zm9*", "Zm=v",
	};
	unsigned char	 bin[256], dec[258];
	char		 out[64], big[400];
	size_t		 i;
	int		 n;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		CHECK(mime_b64_encode(vec[i][0], strlen(vec[i][0]), out,
		    sizeof(out)) == 0, "b64 encode \"%s\" fits", vec[i][0]);
		CHECK_STR(out, vec[i][1], "b64 encode \"%s\"", vec[i][0]);
		n = mime_b64_decode(vec[i][1], dec, sizeof(dec));
		CHECK(n == (int)strlen(vec[i][0]) &&
		    memcmp(dec, vec[i][0], (size_t)n) == 0,
		    "b64 decode \"%s\"", vec[i][1]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(mime_b64_decode(bad[i], dec, sizeof(dec)) == -1,
		    "b64 refuses \"%s\"", bad[i]);
	CHECK(mime_b64_encode("foo", 3, out, 4) == -1 &&
	    mime_b64_encode("foo", 3, out, 5) == 0,
	    "b64 encode needs room for 4 digits and the NUL");
	CHECK(mime_b64_decode("Zm9vYmFy", dec, 5) == -1 &&
	    mime_b64_decode("Zm9vYmFy", dec, 6) == 6,
	    "b64 decode needs room for every group");
	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(255 - i);
	CHECK(mime_b64_encode(bin, sizeof(bin), big, sizeof(big)) == 0 &&
	    strlen(big) == 344 && mime_b64_decode(big, dec, sizeof(dec)) ==
	    256 && memcmp(bin, dec, sizeof(bin)) == 0,
	    "b64 round trip of every octet value");
}

int
main(void)
{
	t_big();	/* first, so that its memory peak is the process's */
	t_identity();
	t_long_plain();
	t_multipart();
	t_nested();
	t_base64();
	t_b64_codec();
	t_qp_rewrap();
	t_7bit();
	t_headers();
	t_final_newline();
	t_malformed();
	t_delimiters();
	t_rfc822();
	t_binary();
	t_scan();
	t_errors();
	t_corners();
	t_idempotent();
	return tap_done();
}
