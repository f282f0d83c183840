/*
 * mime.c (fuzz) - mime_scan and mime_transform on arbitrary messages, with
 * each flag combination, and the properties callers rely on checked, not
 * only the absence of crashes:
 *   - flags 0, or flags asking for nothing mime_scan found: the output is
 *     the input, line for line;
 *   - MIME_FIX_LONG: no output line over MIME_LINE_MAX, without exception;
 *   - MIME_7BIT: an 8-bit octet only in a header line, which mime.c never
 *     encodes by design (that needs SMTPUTF8): a line opening a field
 *     ("name:") or continuing one (a leading blank);
 *   - the output, transformed again with the same flags, comes out the
 *     same: what was written is a message mime.c reads the same way;
 *   - the output never grows beyond a fixed multiple of the input.
 * When the first octet is 1 to 4, the rest is the body of a single-part
 * message whose encoding it selects, and what mime.c writes must decode
 * back to it (fuzz_single).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mime.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct out {
	char	*buf;
	size_t	 len;
	size_t	 cap;		/* fixed: growth past it is a bug */
	int	 flags;
};

static int
is_field(const char *l, size_t len)
{
	size_t	i;

	for (i = 0; i < len && (unsigned char)l[i] > 32 &&
	    (unsigned char)l[i] < 127 && l[i] != ':'; i++)
		;
	if (i == 0)
		return 0;
	while (i < len && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i < len && l[i] == ':';
}

static int
out_put(void *arg, const char *line, size_t len)
{
	struct out	*o = arg;
	size_t		 i;
	int		 high = 0;

	if (memchr(line, '\n', len) != NULL)
		abort();
	if ((o->flags & MIME_FIX_LONG) && len > MIME_LINE_MAX)
		abort();
	for (i = 0; i < len; i++)
		high |= (unsigned char)line[i] >= 0x80;
	if ((o->flags & MIME_7BIT) && high && !is_field(line, len) &&
	    line[0] != ' ' && line[0] != '\t')
		abort();
	if (o->len + len + 1 > o->cap)
		abort();
	memcpy(o->buf + o->len, line, len);
	o->len += len;
	o->buf[o->len++] = '\n';
	return 0;
}

/* Transform the len octets at p with flags into o; abort on failure. */
static void
transform(const char *p, size_t len, int flags, struct out *o)
{
	struct perr	 e;
	FILE		*fp;
	char		*copy;

	o->len = 0;
	o->flags = flags;
	if (len == 0)
		return;
	if ((copy = malloc(len)) == NULL)
		abort();
	memcpy(copy, p, len);
	if ((fp = fmemopen(copy, len, "r")) == NULL)
		abort();
	if (mime_transform(fp, flags, out_put, o, &e) != 0)
		abort();
	fclose(fp);
	free(copy);
}

/* The input as the output shows it: every line ends in LF. */
static int
same_lines(const char *in, size_t len, const struct out *o)
{
	size_t	want = len + (len > 0 && in[len - 1] != '\n');

	return o->len == want && memcmp(o->buf, in, len) == 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode QP text t (LF-separated lines) into d as RFC 2045 6.7 says,
 * leniently: an '=' that starts no escape stays.  Returns the length.
 */
static size_t
qp_decode(const char *t, size_t len, char *d)
{
	const char	*eol, *end = t + len;
	size_t		 l, i, n = 0;
	int		 soft, hi, lo;

	while (t < end) {
		eol = memchr(t, '\n', (size_t)(end - t));
		l = (size_t)((eol != NULL ? eol : end) - t);
		while (l > 0 && (t[l - 1] == ' ' || t[l - 1] == '\t'))
			l--;
		if ((soft = l > 0 && t[l - 1] == '=') != 0)
			l--;
		for (i = 0; i < l; i++) {
			if (t[i] == '=' && i + 2 < l &&
			    (hi = hexval(t[i + 1])) >= 0 &&
			    (lo = hexval(t[i + 2])) >= 0) {
				d[n++] = (char)(hi << 4 | lo);
				i += 2;
			} else
				d[n++] = t[i];
		}
		if (!soft && eol != NULL)
			d[n++] = '\n';
		t = eol != NULL ? eol + 1 : end;
	}
	return n;
}

/* Is t QP whose every '=' opens an escape or a soft break? */
static int
qp_valid(const char *t, size_t len)
{
	size_t	i, j;

	for (i = 0; i < len; i++) {
		if (t[i] != '=')
			continue;
		if (i + 2 < len && hexval(t[i + 1]) >= 0 &&
		    hexval(t[i + 2]) >= 0)
			continue;
		for (j = i + 1; j < len && (t[j] == ' ' || t[j] == '\t'); j++)
			;
		if (j < len && t[j] != '\n')
			return 0;
	}
	return 1;
}

/* The base64 alphabet characters of t, in order, into d. */
static size_t
b64_chars(const char *t, size_t len, char *d)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		if ((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' &&
		    t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') ||
		    t[i] == '+' || t[i] == '/' || t[i] == '=')
			d[n++] = t[i];
	return n;
}

static size_t
b64_decode(const char *t, size_t len, unsigned char *d)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;
	unsigned long		 acc = 0;
	size_t			 i, n = 0;
	int			 bits = 0;

	for (i = 0; i < len && t[i] != '='; i++) {
		if (t[i] == '\0' || (p = strchr(a, t[i])) == NULL)
			continue;
		acc = (acc << 6 | (unsigned long)(p - a)) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			d[n++] = (unsigned char)(acc >> bits);
		}
	}
	return n;
}

/*
 * The body, after the fixed header hdr, of a single-part message, run
 * with MIME_FIX_LONG | MIME_7BIT:
 * 1: plain text, which must decode back from QP to exactly the body;
 * 2: quoted-printable, which must decode as before when it is valid QP;
 * 3: base64, whose alphabet characters must stay as they were;
 * 4: binary, whose base64 must decode to the lines joined by CRLF.
 */
static void
fuzz_single(int mode, const char *body, size_t blen, struct out *o)
{
	static const char *const hdrs[] = { "", "Subject: f\n\n",
	    "Content-Transfer-Encoding: quoted-printable\n\n",
	    "Content-Transfer-Encoding: base64\n\n",
	    "Content-Transfer-Encoding: binary\n\n" };
	static const char *const outs[] = { "", ("Subject: f\n"
	    "MIME-Version: 1.0\nContent-Transfer-Encoding: quoted-printable\n\n"),
	    "Content-Transfer-Encoding: quoted-printable\n\n",
	    "Content-Transfer-Encoding: base64\n\n",
	    ("Content-Transfer-Encoding: base64\nMIME-Version: 1.0\n\n") };
	const char	*hdr = hdrs[mode], *oh = outs[mode];
	char		*msg, *d, *d2, *bl;
	size_t		 hlen = strlen(hdr), ohlen = strlen(oh);
	size_t		 len = hlen + blen, n, n2, i;

	if ((msg = malloc(len)) == NULL || (d = malloc(o->cap + len)) == NULL ||
	    (d2 = malloc(2 * len + 1)) == NULL)
		abort();
	memcpy(msg, hdr, hlen);
	memcpy(msg + hlen, body, blen);
	transform(msg, len, MIME_FIX_LONG | MIME_7BIT, o);
	if (o->len < ohlen || memcmp(o->buf, oh, ohlen) != 0) {
		/* nothing re-encoded: nothing changed */
		if (!same_lines(msg, len, o))
			abort();
		goto out;
	}
	switch (mode) {
	case 1:
		n = qp_decode(o->buf + ohlen, o->len - ohlen, d);
		if (n != blen || memcmp(d, body, blen) != 0)
			abort();
		for (i = ohlen; i < o->len; i = n + 1) {
			n = (size_t)((char *)memchr(o->buf + i, '\n',
			    o->len - i) - o->buf);
			if (n - i > 76)
				abort();
		}
		break;
	case 2:
		if (!qp_valid(body, blen))
			break;
		/* What goes out ends in LF even where the body did not. */
		if ((bl = malloc(blen + 1)) == NULL)
			abort();
		memcpy(bl, body, blen);
		n = blen;
		if (blen > 0 && body[blen - 1] != '\n')
			bl[n++] = '\n';
		n2 = qp_decode(bl, n, d2);
		n = qp_decode(o->buf + ohlen, o->len - ohlen, d);
		free(bl);
		if (n != n2 || memcmp(d, d2, n) != 0)
			abort();
		break;
	case 3:
		n = b64_chars(o->buf + ohlen, o->len - ohlen, d);
		n2 = b64_chars(body, blen, d2);
		if (n != n2 || memcmp(d, d2, n) != 0)
			abort();
		break;
	case 4:
		n = b64_decode(o->buf + ohlen, o->len - ohlen,
		    (unsigned char *)d);
		for (i = n2 = 0; i < blen; i++) {
			if (body[i] == '\n')
				d2[n2++] = '\r';
			d2[n2++] = body[i];
		}
		if (n != n2 || memcmp(d, d2, n) != 0)
			abort();
		break;
	}
out:
	free(d2);
	free(d);
	free(msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 flags[] = { 0, MIME_FIX_LONG, MIME_7BIT,
				    MIME_FIX_LONG | MIME_7BIT };
	const char		*in = (const char *)data;
	struct mime_info	 mi;
	struct perr		 e;
	struct out		 o, o2;
	FILE			*fp;
	char			*copy;
	size_t			 i;

	/* QP triples an octet; a tiny part may gain 64 octets of header */
	o.cap = o2.cap = 16 * size + 4096;
	if ((o.buf = malloc(o.cap)) == NULL ||
	    (o2.buf = malloc(o2.cap)) == NULL)
		abort();
	if (size > 0 && data[0] >= 1 && data[0] <= 4) {
		fuzz_single(data[0], in + 1, size - 1, &o);
		goto done;
	}
	mi.has_long = mi.has_8bit = 0;
	if (size > 0) {
		if ((copy = malloc(size)) == NULL)
			abort();
		memcpy(copy, data, size);
		if ((fp = fmemopen(copy, size, "r")) == NULL)
			abort();
		if (mime_scan(fp, &mi, &e) != 0)
			abort();
		fclose(fp);
		free(copy);
	}
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		transform(in, size, flags[i], &o);
		if ((!(flags[i] & MIME_FIX_LONG) || !mi.has_long) &&
		    (!(flags[i] & MIME_7BIT) || !mi.has_8bit) &&
		    !same_lines(in, size, &o))
			abort();
		if (flags[i] == 0)
			continue;
		transform(o.buf, o.len, flags[i], &o2);
		if (o2.len != o.len || memcmp(o.buf, o2.buf, o.len) != 0)
			abort();
	}
done:
	free(o.buf);
	free(o2.buf);
	return 0;
}
