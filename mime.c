/*
 * mime.c - make a message fit SMTP: no line over 998 octets, 7-bit on demand
 *
 * RFC 5322 2.1.1 and RFC 5321 4.5.3.1.6 cap a line at 998 octets, and a
 * server that does not offer 8BITMIME takes 7-bit data only (RFC 6152 3).
 * The input is posthorn's spool form: LF line ends, header lines, an empty
 * line, the body.
 *
 * mime_transform() walks the MIME tree (RFC 2045, RFC 2046) once and reads
 * each entity twice: a first look at its header block (and, for a leaf, at
 * its body) decides what it needs, then the reader seeks back and writes it
 * out.  Memory does not grow with the message nor with a line: only the
 * first MIME_HEAD_MAX octets of a line are kept, and the rest of a longer
 * line is read again from the file, in pieces, when it is written.  The one
 * exception is a long line passed on unchanged, which put() must get whole:
 * that happens only without MIME_FIX_LONG, up to MIME_PASS_MAX.
 *
 * Decisions, each noted again where it is made:
 * - message/rfc822 may not be encoded (RFC 2046 5.2.1), so it is read as
 *   the message it holds: its header lines are folded and its own leaves
 *   encoded.  Other message/ types are leaves like any other.
 * - binary cannot travel without BINARYMIME (RFC 3030), which posthorn does
 *   not use: a binary leaf that holds what the flags forbid becomes base64
 *   of its lines joined by CRLF, the canonical form.  An unknown encoding is
 *   taken for 8bit.  A container (multipart, message/rfc822) that claims
 *   quoted-printable or base64 is read as a leaf (RFC 2045 6.4 forbids it).
 * - a long header line is folded at the last blank that fits; a run with
 *   no blank is cut and the next line opens with a space, which unfolding
 *   keeps (RFC 2047 words could avoid that but structured fields may not
 *   use them).  Its trailing blanks are dropped.  Header text is never
 *   encoded: 8-bit header text needs SMTPUTF8, the caller's business.
 * - re-wrapping quoted-printable or base64 drops only what decoders drop
 *   anyway (RFC 2045 6.7 (3) trailing blanks, 6.8 characters outside the
 *   alphabet), and under MIME_7BIT a raw 8-bit octet in QP becomes =XX.
 * - preamble and epilogue lines, which MIME readers skip, are encoded one
 *   by one as quoted-printable when they hold what the flags forbid.
 * - delimiters match strictly (RFC 2046 5.1.1: "--", the boundary, "--"
 *   for the last, then blanks only); one that is long loses its padding.
 *   No line this file encodes starts with '-', so none can pass for a
 *   delimiter, and a header line inside a multipart never starts "--".
 * - malformed MIME (no or bad boundary, a part never closed, more than
 *   MIME_DEPTH_MAX levels) is read leniently: what cannot be a container is
 *   a leaf, and the end of the file closes every open part.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mime.h"

#define MIME_HEAD_MAX	  1024	/* octets of a line kept in memory */
#define MIME_BOUNDARY_MAX 200	/* RFC 2046 5.1.1 says 70: be lenient */
#define MIME_DEPTH_MAX	  32	/* entities nested deeper are leaves */
#define MIME_QP_MAX	  76	/* RFC 2045 6.7 (5), the soft break included */
#define MIME_B64_MAX	  76	/* RFC 2045 6.8 */
#define MIME_CT_MAX	  8192	/* of a Content-Type value, for parsing */
#define MIME_CTE_MAX	  256
#define MIME_RD_SIZE	  65536

_Static_assert(MIME_HEAD_MAX > MIME_LINE_MAX + 1, "head holds a full line");
_Static_assert(MIME_HEAD_MAX >= 2 + MIME_BOUNDARY_MAX + 2,
    "head holds a delimiter");

enum { ENT_LEAF, ENT_MULTI, ENT_MESSAGE };
enum { ENC_NONE, ENC_QP, ENC_B64, ENC_BINARY, ENC_OTHER };
enum { ACT_PASS, ACT_QP, ACT_QPWRAP, ACT_B64WRAP, ACT_B64 };

/* A read buffer that knows its file offset, so lines can be read again. */
struct mime_rd {
	FILE		*fp;
	off_t		 base;		/* file offset of buf[0] */
	size_t		 pos;
	size_t		 len;
	unsigned char	 buf[MIME_RD_SIZE];
};

struct mime_line {
	off_t		 off;		/* where it starts in the file */
	size_t		 len;		/* octets, without the LF */
	size_t		 lastnw;	/* 1 + index of its last non-blank */
	int		 lf;		/* ended by LF, not by the end */
	int		 has8;
	unsigned char	 head[MIME_HEAD_MAX];	/* its first octets */
};

/* What ended an entity: the end of the file, or a delimiter line. */
struct mime_term {
	int		 level;		/* -1: the end; else boundary index */
	int		 close;		/* the delimiter ends its multipart */
	struct mime_line ln;
};

struct mime_ent {
	int		 kind;
	int		 enc;
	int		 digest;	/* multipart/digest (RFC 2046 5.1.5) */
	int		 has_ct;
	int		 has_cte;
	int		 has_mimever;
	int		 has_body;
	size_t		 bndlen;
	char		 bnd[MIME_BOUNDARY_MAX];
};

struct mime_ctx {
	struct mime_rd	 rd;
	int		 flags;
	mime_put_fn	 put;
	void		*arg;
	struct perr	*e;
	struct mime_term term;
	int		 nbnd;
	size_t		 bndlen[MIME_DEPTH_MAX];
	char		 bnd[MIME_DEPTH_MAX][MIME_BOUNDARY_MAX];

	/* header values kept while a header block is looked at */
	char		 ct[MIME_CT_MAX];
	size_t		 ctlen;
	char		 cte[MIME_CTE_MAX];
	size_t		 ctelen;
	char		*cap;		/* the one being filled, or NULL */
	size_t		*caplen;
	size_t		 capmax;

	/* the output line an encoder is building */
	char		 out[MIME_HEAD_MAX];
	size_t		 outlen;
	size_t		 fold_colon;	/* first piece of a field: its ':' */
	unsigned char	 p1, p2;	/* QP re-wrap: the octets before */
	unsigned char	 grp[3];	/* base64: octets not yet encoded */
	size_t		 ngrp;

	char		*pass;		/* a long line passed on whole */
	size_t		 passsz;
	size_t		 passlen;
};

static const char hexdig[] = "0123456789ABCDEF";
static const char b64dig[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int	ent_run(struct mime_ctx *, int, int, int);

static int
is_wsp(unsigned char b)
{
	return b == ' ' || b == '\t';
}

static int
is_b64(unsigned char b)
{
	return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') ||
	    (b >= '0' && b <= '9') || b == '+' || b == '/' || b == '=';
}

static int
read_err(struct mime_ctx *c)
{
	return perr_set(c->e, 1, "read message: %s",
	    errno != 0 ? strerror(errno) : "I/O error");
}

static void
rd_init(struct mime_rd *rd, FILE *fp, off_t base)
{
	rd->fp = fp;
	rd->base = base;
	rd->pos = rd->len = 0;
}

static off_t
rd_tell(const struct mime_rd *rd)
{
	return rd->base + (off_t)rd->pos;
}

/* Refill the drained buffer: 1 with data, 0 at the end, -1 on error. */
static int
rd_fill(struct mime_rd *rd)
{
	rd->base += (off_t)rd->len;
	rd->pos = 0;
	errno = 0;
	rd->len = fread(rd->buf, 1, sizeof(rd->buf), rd->fp);
	if (rd->len > 0)
		return 1;
	return ferror(rd->fp) ? -1 : 0;
}

static int
rd_seek(struct mime_ctx *c, off_t off)
{
	struct mime_rd	*rd = &c->rd;

	/* Most seeks go back one line or one part: often still buffered. */
	if (off >= rd->base && off <= rd->base + (off_t)rd->len) {
		rd->pos = (size_t)(off - rd->base);
		return 0;
	}
	if (fseeko(rd->fp, off, SEEK_SET) == -1)
		return perr_set(c->e, 1, "seek message: %s", strerror(errno));
	rd->base = off;
	rd->pos = rd->len = 0;
	return 0;
}

/*
 * Read the next line whole, keeping its first MIME_HEAD_MAX octets and
 * what the callers ask of it.  1: a line, 0: the end, -1: error.
 */
static int
line_probe(struct mime_ctx *c, struct mime_line *ln)
{
	struct mime_rd		*rd = &c->rd;
	const unsigned char	*p, *q;
	size_t			 i, m, k;
	int			 r;

	ln->off = rd_tell(rd);
	ln->len = ln->lastnw = 0;
	ln->lf = ln->has8 = 0;
	for (;;) {
		if (rd->pos == rd->len) {
			if ((r = rd_fill(rd)) == -1)
				return read_err(c);
			if (r == 0)
				break;
		}
		p = rd->buf + rd->pos;
		q = memchr(p, '\n', rd->len - rd->pos);
		m = q != NULL ? (size_t)(q - p) : rd->len - rd->pos;
		if (ln->len < MIME_HEAD_MAX) {
			k = MIME_HEAD_MAX - ln->len;
			memcpy(ln->head + ln->len, p, m < k ? m : k);
		}
		for (i = 0; i < m; i++) {
			if (p[i] >= 0x80)
				ln->has8 = 1;
			if (!is_wsp(p[i]))
				ln->lastnw = ln->len + i + 1;
		}
		ln->len += m;
		rd->pos += m;
		if (q != NULL) {
			rd->pos++;
			ln->lf = 1;
			break;
		}
	}
	return ln->len > 0 || ln->lf;
}

/*
 * Hand octets [from, to) of line ln to fn, from the kept head when they
 * lie there, else read again from the file; the reader is left after ln.
 */
static int
line_feed(struct mime_ctx *c, const struct mime_line *ln, size_t from,
    size_t to, int (*fn)(struct mime_ctx *, const unsigned char *, size_t))
{
	struct mime_rd	*rd = &c->rd;
	size_t		 n;
	int		 r;

	if (to <= MIME_HEAD_MAX)
		return from < to ? fn(c, ln->head + from, to - from) : 0;
	if (rd_seek(c, ln->off + (off_t)from) == -1)
		return -1;
	while (from < to) {
		if (rd->pos == rd->len) {
			if ((r = rd_fill(rd)) == -1)
				return read_err(c);
			if (r == 0)
				return perr_set(c->e, 1,
				    "read message: file shrank");
		}
		n = rd->len - rd->pos;
		if (n > to - from)
			n = to - from;
		if (fn(c, rd->buf + rd->pos, n) == -1)
			return -1;
		rd->pos += n;
		from += n;
	}
	return rd_seek(c, ln->off + (off_t)ln->len + ln->lf);
}

static int
emit(struct mime_ctx *c, const char *s, size_t len)
{
	return c->put(c->arg, s, len) == 0 ? 0 : -1;
}

static int
line_needs(const struct mime_ctx *c, const struct mime_line *ln)
{
	return ((c->flags & MIME_FIX_LONG) && ln->len > MIME_LINE_MAX) ||
	    ((c->flags & MIME_7BIT) && ln->has8);
}

static int
pass_add(struct mime_ctx *c, const unsigned char *p, size_t n)
{
	memcpy(c->pass + c->passlen, p, n);
	c->passlen += n;
	return 0;
}

/* Pass ln on unchanged. */
static int
line_pass(struct mime_ctx *c, const struct mime_line *ln)
{
	char	*p;

	if (ln->len <= MIME_HEAD_MAX)
		return emit(c, (const char *)ln->head, ln->len);
	/* Only without MIME_FIX_LONG: put() takes a line whole. */
	if (ln->len > MIME_PASS_MAX)
		return perr_set(c->e, 0, "message line of %zu octets: "
		    "too long to pass on unfolded", ln->len);
	if (c->passsz < ln->len) {
		if ((p = reallocarray(c->pass, ln->len, 1)) == NULL)
			return perr_set(c->e, 1, "mime: %s", strerror(errno));
		c->pass = p;
		c->passsz = ln->len;
	}
	c->passlen = 0;
	if (line_feed(c, ln, 0, ln->len, pass_add) == -1)
		return -1;
	return emit(c, c->pass, c->passlen);
}

/*
 * The level (boundary stack index) of the delimiter that ln is, or -1.
 * RFC 2046 5.1.1: "--", the boundary, "--" for the close delimiter, then
 * transport padding only.  The innermost boundary is tried first.
 */
static int
delim_level(const struct mime_ctx *c, const struct mime_line *ln,
    int *isclose)
{
	size_t	n;
	int	i;

	if (ln->len < 3 || ln->head[0] != '-' || ln->head[1] != '-')
		return -1;
	for (i = c->nbnd - 1; i >= 0; i--) {
		n = 2 + c->bndlen[i];
		if (ln->len < n ||
		    memcmp(ln->head + 2, c->bnd[i], c->bndlen[i]) != 0)
			continue;
		if (ln->lastnw <= n) {
			*isclose = 0;
			return i;
		}
		if (ln->len >= n + 2 && ln->head[n] == '-' &&
		    ln->head[n + 1] == '-' && ln->lastnw <= n + 2) {
			*isclose = 1;
			return i;
		}
	}
	return -1;
}

/*
 * When ln opens a header field, the length of its name, with *colon set
 * to the index of the ':'; else 0.
 */
static size_t
hdr_field(const struct mime_ctx *c, const struct mime_line *ln,
    size_t *colon)
{
	const unsigned char	*h = ln->head;
	size_t			 i, n, lim;

	/* The first folded piece must hold the name and ':' (fold_piece). */
	lim = ln->len < MIME_LINE_MAX - 1 ? ln->len : MIME_LINE_MAX - 1;
	/* Inside a multipart no field starts "--": it could be a delimiter. */
	if (c->nbnd > 0 && ln->len >= 2 && h[0] == '-' && h[1] == '-')
		return 0;
	for (i = 0; i < lim && h[i] > 32 && h[i] < 127 && h[i] != ':'; i++)
		;
	if ((n = i) == 0)
		return 0;
	while (i < lim && is_wsp(h[i]))		/* RFC 5322 4.5 obs-field */
		i++;
	if (i == lim || h[i] != ':')
		return 0;
	*colon = i;
	return n;
}

static int
name_is(const struct mime_line *ln, size_t n, const char *name)
{
	return n == strlen(name) &&
	    strncasecmp((const char *)ln->head, name, n) == 0;
}

/* RFC 2045 6.7 (5): end the output line with a soft break, start anew. */
static int
qp_soft(struct mime_ctx *c)
{
	c->out[c->outlen++] = '=';
	if (emit(c, c->out, c->outlen) == -1)
		return -1;
	c->outlen = 0;
	return 0;
}

static void
qp_add(struct mime_ctx *c, unsigned char b, int lit)
{
	/* No encoded line opens with '-': it might pass for a delimiter. */
	if (lit && !(b == '-' && c->outlen == 0)) {
		c->out[c->outlen++] = (char)b;
		return;
	}
	c->out[c->outlen++] = '=';
	c->out[c->outlen++] = hexdig[b >> 4];
	c->out[c->outlen++] = hexdig[b & 15];
}

/* Quoted-printable encoding of raw octets (RFC 2045 6.7). */
static int
qp_enc(struct mime_ctx *c, const unsigned char *p, size_t n)
{
	size_t	i;
	int	lit;

	for (i = 0; i < n; i++) {
		/* Rule (2): printable ASCII but '=' stands for itself. */
		lit = (p[i] >= 33 && p[i] <= 126 && p[i] != '=') ||
		    is_wsp(p[i]);
		if (c->outlen + (lit ? 1 : 3) > MIME_QP_MAX - 1 &&
		    qp_soft(c) == -1)
			return -1;
		qp_add(c, p[i], lit);
	}
	return 0;
}

/* Encode line ln as quoted-printable: one or more output lines. */
static int
qp_line(struct mime_ctx *c, const struct mime_line *ln)
{
	unsigned char	b;

	c->outlen = 0;
	if (line_feed(c, ln, 0, ln->len, qp_enc) == -1)
		return -1;
	if (c->outlen > 0 && is_wsp((unsigned char)c->out[c->outlen - 1])) {
		/* Rule (3): a blank ending a line may be lost in transit. */
		b = (unsigned char)c->out[--c->outlen];
		if (c->outlen + 3 > MIME_QP_MAX - 1 && qp_soft(c) == -1)
			return -1;
		qp_add(c, b, 0);
	}
	/*
	 * A last line without LF ends on a soft break, so that the decoded
	 * part ends where the original did, without a line end.
	 */
	if (!ln->lf)
		c->out[c->outlen++] = '=';
	return emit(c, c->out, c->outlen);
}

/*
 * Re-wrap quoted-printable text with soft breaks: lossless, as a decoder
 * drops them.  Under MIME_7BIT a raw 8-bit octet, which a lenient decoder
 * keeps as it is, becomes its =XX escape, which decodes the same.
 */
static int
qpw_feed(struct mime_ctx *c, const unsigned char *p, size_t n)
{
	size_t	i, lim;
	int	lit;

	for (i = 0; i < n; i++) {
		lit = !((c->flags & MIME_7BIT) && p[i] >= 0x80);
		/*
		 * A break right after '=' or after its first digit would cut
		 * an escape in two; allow 2 octets of slack to avoid it, and
		 * break anyway when the text is not QP at all ("====").
		 */
		lim = c->p1 != '=' && c->p2 != '=' ? MIME_QP_MAX - 3 :
		    MIME_QP_MAX - 1;
		if (c->outlen > 0 && c->outlen + (lit ? 1 : 3) > lim &&
		    qp_soft(c) == -1)
			return -1;
		qp_add(c, p[i], lit);
		c->p2 = c->p1;
		c->p1 = p[i];
	}
	return 0;
}

static int
qpw_line(struct mime_ctx *c, const struct mime_line *ln)
{
	c->outlen = 0;
	c->p1 = c->p2 = 0;
	/*
	 * Rule (3): decoders drop trailing blanks, which a soft break after
	 * them would keep: drop them first.
	 */
	if (line_feed(c, ln, 0, ln->lastnw, qpw_feed) == -1)
		return -1;
	return emit(c, c->out, c->outlen);
}

/*
 * Re-wrap base64 text at 76 characters from the start of the line, so
 * that lines keep whole 4-character quanta for decoders that work line by
 * line.  RFC 2045 6.8: decoders ignore characters outside the alphabet, so
 * dropping them is lossless and leaves only 7-bit characters, none '-'.
 */
static int
b64w_feed(struct mime_ctx *c, const unsigned char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!is_b64(p[i]))
			continue;
		c->out[c->outlen++] = (char)p[i];
		if (c->outlen == MIME_B64_MAX) {
			if (emit(c, c->out, c->outlen) == -1)
				return -1;
			c->outlen = 0;
		}
	}
	return 0;
}

static int
b64w_line(struct mime_ctx *c, const struct mime_line *ln)
{
	c->outlen = 0;
	if (line_feed(c, ln, 0, ln->len, b64w_feed) == -1)
		return -1;
	return c->outlen > 0 ? emit(c, c->out, c->outlen) : 0;
}

/* Base64 (RFC 2045 6.8) of 1 to 3 octets, padded, into out[0..3]. */
static void
b64_group(const unsigned char *g, size_t n, char *out)
{
	unsigned long	v;

	v = (unsigned long)g[0] << 16;
	if (n > 1)
		v |= (unsigned long)g[1] << 8;
	if (n > 2)
		v |= g[2];
	out[0] = b64dig[(v >> 18) & 63];
	out[1] = b64dig[(v >> 12) & 63];
	out[2] = n > 1 ? b64dig[(v >> 6) & 63] : '=';
	out[3] = n > 2 ? b64dig[v & 63] : '=';
}

/* The octets in grp as base64; 76 characters a line. */
static int
b64_quad(struct mime_ctx *c)
{
	b64_group(c->grp, c->ngrp, c->out + c->outlen);
	c->outlen += 4;
	c->ngrp = 0;
	if (c->outlen == MIME_B64_MAX) {
		if (emit(c, c->out, c->outlen) == -1)
			return -1;
		c->outlen = 0;
	}
	return 0;
}

int
mime_b64_encode(const void *in, size_t n, char *out, size_t outsz)
{
	const unsigned char	*p = in;
	size_t			 i, o = 0;

	if (n > (SIZE_MAX - 1) / 4 * 3 - 3 || 4 * ((n + 2) / 3) + 1 > outsz)
		return -1;
	for (i = 0; i < n; i += 3, o += 4)
		b64_group(p + i, n - i > 3 ? 3 : n - i, out + o);
	out[o] = '\0';
	return 0;
}

/* The value of a base64 digit, or -1. */
static int
b64_value(unsigned char b)
{
	if (b >= 'A' && b <= 'Z')
		return b - 'A';
	if (b >= 'a' && b <= 'z')
		return b - 'a' + 26;
	if (b >= '0' && b <= '9')
		return b - '0' + 52;
	return b == '+' ? 62 : b == '/' ? 63 : -1;
}

int
mime_b64_decode(const char *in, unsigned char *out, size_t outsz)
{
	size_t	n = strlen(in), i, o = 0, pad = 0;
	int	d[4], k;

	if (n % 4 != 0 || n / 4 * 3 > outsz || n / 4 * 3 > INT_MAX)
		return -1;
	if (n > 0 && in[n - 1] == '=')
		pad = n > 1 && in[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4; k++) {
			/* '=' only as the padding of the last group */
			if (i + 4 == n && k >= 4 - (int)pad) {
				d[k] = 0;
				continue;
			}
			if ((d[k] = b64_value((unsigned char)in[i + k])) == -1)
				return -1;
		}
		out[o++] = (unsigned char)(d[0] << 2 | d[1] >> 4);
		out[o++] = (unsigned char)((d[1] & 15) << 4 | d[2] >> 2);
		out[o++] = (unsigned char)((d[2] & 3) << 6 | d[3]);
	}
	return (int)(o - pad);
}

static int
b64_enc(struct mime_ctx *c, const unsigned char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		c->grp[c->ngrp++] = p[i];
		if (c->ngrp == 3 && b64_quad(c) == -1)
			return -1;
	}
	return 0;
}

static int
b64_end(struct mime_ctx *c)
{
	if (c->ngrp > 0 && b64_quad(c) == -1)
		return -1;
	return c->outlen > 0 ? emit(c, c->out, c->outlen) : 0;
}

/*
 * out holds MIME_LINE_MAX + 1 octets of a header line and more follow:
 * write one piece of at most MIME_LINE_MAX and keep the rest.
 */
static int
fold_piece(struct mime_ctx *c)
{
	unsigned char	*o = (unsigned char *)c->out;
	size_t		 f, min, i, cut;

	for (f = 0; f < c->outlen && is_wsp(o[f]); f++)
		;
	if (f >= MIME_LINE_MAX) {
		/* Blanks alone would fill a line: one says as much. */
		memmove(o + 1, o + f, c->outlen - f);
		c->outlen -= f - 1;
		return 0;
	}
	/*
	 * A piece holds something besides blanks, so that no line is blank
	 * (RFC 5322 3.2.2); the first one holds "name:" whole, so that it
	 * still reads as a header field.
	 */
	min = c->fold_colon > 0 ? c->fold_colon + 1 : f + 1;
	for (i = MIME_LINE_MAX; i >= min; i--)
		if (is_wsp(o[i]))
			break;
	if (i >= min) {
		/* RFC 5322 2.2.3: fold before a blank, which opens the next */
		if (emit(c, c->out, i) == -1)
			return -1;
		memmove(o, o + i, c->outlen - i);
		c->outlen -= i;
	} else {
		/*
		 * No blank to fold at: cut, and open the next line with a
		 * space so that it stays a continuation.  Keep a UTF-8
		 * sequence (RFC 6532) on one line.
		 */
		cut = MIME_LINE_MAX;
		while (cut > min && cut > MIME_LINE_MAX - 3 &&
		    (o[cut] & 0xc0) == 0x80)
			cut--;
		if (emit(c, c->out, cut) == -1)
			return -1;
		memmove(o + 1, o + cut, c->outlen - cut);
		o[0] = ' ';
		c->outlen = c->outlen - cut + 1;
	}
	c->fold_colon = 0;
	return 0;
}

static int
fold_feed(struct mime_ctx *c, const unsigned char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		c->out[c->outlen++] = (char)p[i];
		while (c->outlen > MIME_LINE_MAX)
			if (fold_piece(c) == -1)
				return -1;
	}
	return 0;
}

/*
 * Write a header line; one over MIME_LINE_MAX is folded under
 * MIME_FIX_LONG.  colon is the index of the ':' of a field's first line,
 * 0 for a continuation line.
 */
static int
hdr_line(struct mime_ctx *c, const struct mime_line *ln, size_t colon)
{
	if (!(c->flags & MIME_FIX_LONG) || ln->len <= MIME_LINE_MAX)
		return line_pass(c, ln);
	/*
	 * Trailing blanks mean nothing in a header and could leave a line of
	 * blanks alone.  A continuation of nothing but blanks keeps one.
	 */
	if (ln->lastnw <= MIME_LINE_MAX)
		return emit(c, (const char *)ln->head,
		    ln->lastnw > 0 ? ln->lastnw : 1);
	c->outlen = 0;
	c->fold_colon = colon;
	if (line_feed(c, ln, 0, ln->lastnw, fold_feed) == -1)
		return -1;
	return emit(c, c->out, c->outlen);
}

/* Skip blanks and RFC 5322 comments, which nest. */
static size_t
skip_cfws(const char *s, size_t len, size_t i)
{
	int	depth;

	for (;;) {
		while (i < len && is_wsp((unsigned char)s[i]))
			i++;
		if (i >= len || s[i] != '(')
			return i;
		for (depth = 0; i < len; i++) {
			if (s[i] == '\\' && i + 1 < len)
				i++;
			else if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0) {
				i++;
				break;
			}
		}
	}
}

/*
 * The end of a token (RFC 2045 5.1) read leniently: up to a blank, a
 * comment or a character of stop.  Real boundaries hold '=' unquoted.
 */
static size_t
token_end(const char *s, size_t len, size_t i, const char *stop)
{
	while (i < len && !is_wsp((unsigned char)s[i]) && s[i] != '(' &&
	    memchr(stop, s[i], strlen(stop)) == NULL)
		i++;
	return i;
}

/* Copy s[i..j) lower-cased into dst, or "" when it does not fit. */
static void
token_copy(char *dst, size_t dstsz, const char *s, size_t i, size_t j)
{
	size_t	k;

	if (j - i >= dstsz) {
		dst[0] = '\0';
		return;
	}
	for (k = 0; i < j; i++, k++)
		dst[k] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i];
	dst[k] = '\0';
}

/* Store a boundary parameter if it is one this file can match. */
static void
ct_boundary(struct mime_ent *ent, const char *v, size_t n)
{
	size_t	i;

	if (n == 0 || n > MIME_BOUNDARY_MAX)
		return;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return;
	memcpy(ent->bnd, v, n);
	ent->bndlen = n;
}

/*
 * Parse a Content-Type value (RFC 2045 5.1) into type and subtype (lower
 * case) and the boundary parameter.  RFC 2231 forms are not read.
 */
static void
ct_parse(const char *s, size_t len, char *type, char *sub, size_t sz,
    struct mime_ent *ent)
{
	char	v[MIME_BOUNDARY_MAX + 1];
	size_t	i, j, n, vlen;
	int	seen = 0, isb;

	type[0] = sub[0] = '\0';
	i = skip_cfws(s, len, 0);
	j = token_end(s, len, i, "/;");
	token_copy(type, sz, s, i, j);
	i = skip_cfws(s, len, j);
	if (i < len && s[i] == '/') {
		i = skip_cfws(s, len, i + 1);
		j = token_end(s, len, i, ";");
		token_copy(sub, sz, s, i, j);
		i = j;
	}
	for (;;) {
		/* on to the next ';', over quoted strings and comments */
		while (i < len && s[i] != ';') {
			if (s[i] == '(') {
				i = skip_cfws(s, len, i);
				continue;
			}
			if (s[i] == '"')
				for (i++; i < len && s[i] != '"'; i++)
					if (s[i] == '\\')
						i++;
			i++;
		}
		if (i >= len)
			return;
		i = skip_cfws(s, len, i + 1);
		j = token_end(s, len, i, ";=");
		n = j - i;
		isb = n == 8 && strncasecmp(s + i, "boundary", 8) == 0;
		i = skip_cfws(s, len, j);
		if (i >= len || s[i] != '=')
			continue;
		i = skip_cfws(s, len, i + 1);
		vlen = 0;
		if (i < len && s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				if (vlen < sizeof(v))
					v[vlen++] = s[i];
			}
			if (i < len)
				i++;
		} else {
			j = token_end(s, len, i, ";");
			for (; i < j; i++)
				if (vlen < sizeof(v))
					v[vlen++] = s[i];
		}
		/* The first boundary counts; one too long is no boundary. */
		if (isb && !seen) {
			seen = 1;
			ct_boundary(ent, v, vlen);
		}
	}
}

static int
cte_parse(const char *s, size_t len)
{
	static const struct {
		const char	*name;
		int		 enc;
	} tab[] = {
		{ "7bit", ENC_NONE },
		{ "8bit", ENC_NONE },
		{ "binary", ENC_BINARY },
		{ "quoted-printable", ENC_QP },
		{ "base64", ENC_B64 },
	};
	size_t	i, j, k;

	i = skip_cfws(s, len, 0);
	j = token_end(s, len, i, ";");
	if (i == j)
		return ENC_NONE;
	for (k = 0; k < sizeof(tab) / sizeof(tab[0]); k++)
		if (j - i == strlen(tab[k].name) &&
		    strncasecmp(s + i, tab[k].name, j - i) == 0)
			return tab[k].enc;
	return ENC_OTHER;
}

static int
cap_feed(struct mime_ctx *c, const unsigned char *p, size_t n)
{
	memcpy(c->cap + *c->caplen, p, n);
	*c->caplen += n;
	return 0;
}

/* Keep what fits of line ln from octet from on in the value captured. */
static int
hdr_capture(struct mime_ctx *c, const struct mime_line *ln, size_t from)
{
	size_t	to, room;

	if (c->cap == NULL || from >= ln->len)
		return 0;
	to = ln->len;
	room = c->capmax - *c->caplen;
	if (to - from > room)
		to = from + room;
	return line_feed(c, ln, from, to, cap_feed);
}

/*
 * First look at a header block: keep Content-Type and
 * Content-Transfer-Encoding (the first of each, unfolded), note
 * MIME-Version, and stop where the block does.
 */
static int
hdr_look(struct mime_ctx *c, struct mime_ent *ent)
{
	struct mime_line	*ln = &c->term.ln;
	size_t			 n, colon;
	int			 r, seen = 0, isclose;

	c->ctlen = c->ctelen = 0;
	c->cap = NULL;
	for (;;) {
		if ((r = line_probe(c, ln)) == -1)
			return -1;
		if (r == 0 || delim_level(c, ln, &isclose) >= 0)
			return 0;
		if (ln->len == 0) {
			ent->has_body = 1;
			return 0;
		}
		if (seen && is_wsp(ln->head[0])) {
			if (hdr_capture(c, ln, 0) == -1)
				return -1;
			continue;
		}
		if ((n = hdr_field(c, ln, &colon)) == 0) {
			/* Not a header: the body starts, with no empty line. */
			ent->has_body = 1;
			return rd_seek(c, ln->off);
		}
		seen = 1;
		c->cap = NULL;
		if (!ent->has_ct && name_is(ln, n, "Content-Type")) {
			ent->has_ct = 1;
			c->cap = c->ct;
			c->caplen = &c->ctlen;
			c->capmax = sizeof(c->ct);
		} else if (!ent->has_cte &&
		    name_is(ln, n, "Content-Transfer-Encoding")) {
			ent->has_cte = 1;
			c->cap = c->cte;
			c->caplen = &c->ctelen;
			c->capmax = sizeof(c->cte);
		} else if (name_is(ln, n, "MIME-Version"))
			ent->has_mimever = 1;
		if (hdr_capture(c, ln, colon + 1) == -1)
			return -1;
	}
}

static void
ent_classify(struct mime_ctx *c, struct mime_ent *ent, int depth,
    int digest)
{
	char	type[16], sub[16];

	ent->kind = ENT_LEAF;
	ent->enc = cte_parse(c->cte, c->ctelen);
	if (ent->has_ct)
		ct_parse(c->ct, c->ctlen, type, sub, sizeof(type), ent);
	else {
		/* RFC 2045 5.2, RFC 2046 5.1.5: the defaults */
		(void)strlcpy(type, digest ? "message" : "text", sizeof(type));
		(void)strlcpy(sub, digest ? "rfc822" : "plain", sizeof(sub));
	}
	/* RFC 2045 6.4: a container is never encoded; else read a leaf. */
	if ((ent->enc != ENC_NONE && ent->enc != ENC_BINARY) ||
	    depth + 1 >= MIME_DEPTH_MAX)
		return;
	if (strcmp(type, "multipart") == 0 && ent->bndlen > 0 &&
	    c->nbnd < MIME_DEPTH_MAX) {
		ent->kind = ENT_MULTI;
		ent->digest = strcmp(sub, "digest") == 0;
	} else if (strcmp(type, "message") == 0 && strcmp(sub, "rfc822") == 0)
		ent->kind = ENT_MESSAGE;
}

/* Does the body of a leaf, from here to its end, hold what flags forbid? */
static int
body_look(struct mime_ctx *c, int *needs)
{
	struct mime_line	*ln = &c->term.ln;
	int			 r, isclose;

	*needs = 0;
	while ((r = line_probe(c, ln)) == 1) {
		if (delim_level(c, ln, &isclose) >= 0)
			break;
		if (line_needs(c, ln)) {
			*needs = 1;
			break;
		}
	}
	return r == -1 ? -1 : 0;
}

/* Header lines a re-encoded leaf gains: how many, or -1. */
static int
hdr_add(struct mime_ctx *c, const struct mime_ent *ent, const char *cte,
    int cte_done, int is_msg)
{
	static const char	mv[] = "MIME-Version: 1.0";
	int			n = 0;

	if (cte == NULL)
		return 0;
	/* RFC 2045 4: a message using MIME says so */
	if (is_msg && !ent->has_mimever) {
		if (emit(c, mv, sizeof(mv) - 1) == -1)
			return -1;
		n++;
	}
	if (!cte_done) {
		if (emit(c, cte, strlen(cte)) == -1)
			return -1;
		n++;
	}
	return n;
}

/*
 * Write a header block, folded, with its Content-Transfer-Encoding
 * replaced when act re-encodes.  *body tells whether a body follows;
 * when not, c->term says what ended the entity.
 */
static int
hdr_write(struct mime_ctx *c, const struct mime_ent *ent, int act,
    int is_msg, int *body)
{
	struct mime_term	*t = &c->term;
	const char		*cte = NULL;
	size_t			 n, colon;
	int			 r, seen = 0, drop = 0, done = 0;

	if (act == ACT_QP)
		cte = "Content-Transfer-Encoding: quoted-printable";
	else if (act == ACT_B64)
		cte = "Content-Transfer-Encoding: base64";
	*body = 0;
	for (;;) {
		if ((r = line_probe(c, &t->ln)) == -1)
			return -1;
		if (r == 0) {
			t->level = -1;
			return 0;
		}
		if ((t->level = delim_level(c, &t->ln, &t->close)) >= 0)
			return 0;
		if (t->ln.len == 0) {
			*body = 1;
			if (hdr_add(c, ent, cte, done, is_msg) == -1)
				return -1;
			return emit(c, "", 0);
		}
		if (seen && is_wsp(t->ln.head[0])) {
			if (!drop && hdr_line(c, &t->ln, 0) == -1)
				return -1;
			continue;
		}
		if ((n = hdr_field(c, &t->ln, &colon)) == 0) {
			*body = 1;
			if ((r = hdr_add(c, ent, cte, done, is_msg)) == -1)
				return -1;
			/* What was added needs the empty line the body lacked. */
			if (r > 0 && emit(c, "", 0) == -1)
				return -1;
			return rd_seek(c, t->ln.off);
		}
		seen = 1;
		drop = cte != NULL &&
		    name_is(&t->ln, n, "Content-Transfer-Encoding");
		if (drop) {
			/* Replaced where it stood; a repeat goes. */
			if (!done && emit(c, cte, strlen(cte)) == -1)
				return -1;
			done = 1;
			continue;
		}
		if (hdr_line(c, &t->ln, colon) == -1)
			return -1;
	}
}

/* Write a leaf's body, as act says, up to the end of the leaf. */
static int
body_write(struct mime_ctx *c, int act)
{
	struct mime_term	*t = &c->term;
	struct mime_line	*ln = &t->ln;
	static const unsigned char crlf[] = "\r\n";
	int			 r, crlf_due = 0;

	c->ngrp = 0;
	c->outlen = 0;
	for (;;) {
		if ((r = line_probe(c, ln)) == -1)
			return -1;
		if (r == 0) {
			t->level = -1;
			break;
		}
		if ((t->level = delim_level(c, ln, &t->close)) >= 0)
			break;
		switch (act) {
		case ACT_QP:
			r = qp_line(c, ln);
			break;
		case ACT_QPWRAP:
			r = line_needs(c, ln) ? qpw_line(c, ln) :
			    line_pass(c, ln);
			break;
		case ACT_B64WRAP:
			r = line_needs(c, ln) ? b64w_line(c, ln) :
			    line_pass(c, ln);
			break;
		case ACT_B64:
			/* MIME canonical form: lines end in CRLF */
			if (crlf_due && b64_enc(c, crlf, 2) == -1)
				return -1;
			r = line_feed(c, ln, 0, ln->len, b64_enc);
			crlf_due = ln->lf;
			break;
		default:
			r = line_pass(c, ln);
			break;
		}
		if (r == -1)
			return -1;
	}
	if (act != ACT_B64)
		return 0;
	/* RFC 2046 5.1.1: the line end before a delimiter is the delimiter's */
	if (crlf_due && t->level == -1 && b64_enc(c, crlf, 2) == -1)
		return -1;
	return b64_end(c);
}

/* A line of preamble or epilogue: skipped by MIME readers. */
static int
free_line(struct mime_ctx *c, const struct mime_line *ln)
{
	return line_needs(c, ln) ? qp_line(c, ln) : line_pass(c, ln);
}

static int
delim_write(struct mime_ctx *c, const struct mime_line *ln, int level,
    int isclose)
{
	if (!(c->flags & MIME_FIX_LONG) || ln->len <= MIME_LINE_MAX)
		return line_pass(c, ln);
	/* Only transport padding can make it long: drop it. */
	return emit(c, (const char *)ln->head,
	    2 + c->bndlen[level] + (isclose ? 2 : 0));
}

/* The body of a multipart: preamble, parts, epilogue (RFC 2046 5.1.1). */
static int
multi_run(struct mime_ctx *c, const struct mime_ent *ent, int depth)
{
	struct mime_term	*t = &c->term;
	int			 level = c->nbnd, r, rc = -1;

	memcpy(c->bnd[level], ent->bnd, ent->bndlen);
	c->bndlen[level] = ent->bndlen;
	c->nbnd = level + 1;
	for (;;) {
		if ((r = line_probe(c, &t->ln)) == -1)
			goto out;
		if (r == 0) {
			t->level = -1;
			goto done;
		}
		if ((t->level = delim_level(c, &t->ln, &t->close)) == level)
			break;
		if (t->level >= 0)
			goto done;
		if (free_line(c, &t->ln) == -1)
			goto out;
	}
	for (;;) {
		if (delim_write(c, &t->ln, level, t->close) == -1)
			goto out;
		if (t->close)
			break;
		if (ent_run(c, depth + 1, 0, ent->digest) == -1)
			goto out;
		/* the end of the file, or an enclosing boundary */
		if (t->level != level)
			goto done;
	}
	/* The epilogue runs to an enclosing boundary, not to this one. */
	c->nbnd = level;
	for (;;) {
		if ((r = line_probe(c, &t->ln)) == -1)
			goto out;
		if (r == 0) {
			t->level = -1;
			goto done;
		}
		if ((t->level = delim_level(c, &t->ln, &t->close)) >= 0)
			goto done;
		if (free_line(c, &t->ln) == -1)
			goto out;
	}
done:
	rc = 0;
out:
	c->nbnd = level;
	return rc;
}

/*
 * One entity, from its header block to its end, which c->term then says
 * (the end of the file or a delimiter line, not yet written).  is_msg: a
 * message, which may need MIME-Version; digest: within multipart/digest.
 */
static int
ent_run(struct mime_ctx *c, int depth, int is_msg, int digest)
{
	struct mime_ent	 ent;
	off_t		 start;
	int		 act = ACT_PASS, needs = 0, body;

	memset(&ent, 0, sizeof(ent));
	start = rd_tell(&c->rd);
	if (hdr_look(c, &ent) == -1)
		return -1;
	ent_classify(c, &ent, depth, digest);
	if (ent.kind == ENT_LEAF && ent.has_body) {
		if (body_look(c, &needs) == -1)
			return -1;
		if (needs) {
			switch (ent.enc) {
			case ENC_QP:
				act = ACT_QPWRAP;
				break;
			case ENC_B64:
				act = ACT_B64WRAP;
				break;
			case ENC_BINARY:
				act = ACT_B64;
				break;
			default:
				act = ACT_QP;
				break;
			}
		}
	}
	if (rd_seek(c, start) == -1 || hdr_write(c, &ent, act, is_msg,
	    &body) == -1)
		return -1;
	if (!body)
		return 0;
	switch (ent.kind) {
	case ENT_MULTI:
		return multi_run(c, &ent, depth);
	case ENT_MESSAGE:
		/* RFC 2046 5.2.1: not encoded, so fixed inside */
		return ent_run(c, depth + 1, 1, 0);
	default:
		return body_write(c, act);
	}
}

int
mime_scan(FILE *in, struct mime_info *mi, struct perr *e)
{
	unsigned char	buf[16384];
	size_t		n, i, cur = 0;

	mi->has_long = mi->has_8bit = 0;
	for (;;) {
		errno = 0;
		if ((n = fread(buf, 1, sizeof(buf), in)) == 0)
			break;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				cur = 0;
				continue;
			}
			if (++cur > MIME_LINE_MAX)
				mi->has_long = 1;
			if (buf[i] >= 0x80)
				mi->has_8bit = 1;
		}
	}
	if (ferror(in))
		return perr_set(e, 1, "read message: %s",
		    errno != 0 ? strerror(errno) : "I/O error");
	return 0;
}

int
mime_transform(FILE *in, int flags, mime_put_fn put, void *arg,
    struct perr *e)
{
	struct mime_ctx	*c;
	off_t		 start;
	int		 rc;

	if ((start = ftello(in)) == -1)
		return perr_set(e, 1, "message not seekable: %s",
		    strerror(errno));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return perr_set(e, 1, "mime: %s", strerror(errno));
	rd_init(&c->rd, in, start);
	c->flags = flags;
	c->put = put;
	c->arg = arg;
	c->e = e;
	rc = ent_run(c, 0, 1, 0);
	free(c->pass);
	free(c);
	return rc;
}
