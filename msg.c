/*
 * msg.c - turn what a caller pipes into sendmail into the spool form.
 *
 * Spool form: LF line ends (no CR left anywhere: a bare CR is a line end,
 * so SMTP smuggling is impossible by construction), headers, one empty
 * line, the body.  The header section is held in memory (capped); the
 * body streams through a fixed buffer, so memory does not grow with it.
 *
 * Header work (SPEC 3, RFC 5322): a leading mbox "From " line is dropped;
 * the first line that is neither a header nor a continuation starts the
 * body (as Postfix); Bcc and Resent-Bcc are always removed; with -t the
 * recipients come from To/Cc/Bcc, or Resent-To/Cc/Bcc when Resent-
 * headers exist; bare addresses in the address headers get "@domain";
 * From, Date and Message-ID are added when missing; a Received header
 * recording the local submission comes first.
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "addr.h"
#include "mime.h"
#include "msg.h"

#define HDR_LINE_MAX	(1024 * 1024)	/* one physical header line */
#define HDR_TOTAL_MAX	(4 * 1024 * 1024)
#define HDR_COUNT_MAX	10000
#define RCPT_MAX	10000
#define LINE_MAX_OCTETS	998		/* RFC 5322 2.1.1 */

/* A buffered reader that cuts input at LF, CRLF or a bare CR. */
struct rd {
	FILE	*in;
	char	 buf[65536 + 1];	/* + a NUL after the data, for strcspn */
	size_t	 pos, len;
	int	 eof;
	int	 skip_lf;		/* the last line ended in CR */
	int	 at_bol;		/* at the start of a line */
	long	 lineno;
};

struct hdr {
	char	*text;		/* "Name: value" with "\n" between lines */
	size_t	 len;
	size_t	 namelen;
	int	 drop;
};

/*
 * The spool file is written through buf: glibc gives a FILE on a disk
 * file a 4 KiB buffer whatever setvbuf() asks without a buffer of our own,
 * and a 50 MiB message would take 12,800 write()s.
 */
#define OUT_BUF	65536

struct out {
	FILE		*fp;
	struct msg_info	*mi;
	size_t		 linelen;
	char		*buf;
	size_t		 blen;
};

static int
rd_fill(struct rd *r)
{
	size_t	n;

	if (r->pos > 0 && r->pos < r->len) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
	} else if (r->pos >= r->len)
		r->len = 0;
	r->pos = 0;
	r->buf[r->len] = '\0';
	if (r->eof || r->len == sizeof(r->buf) - 1)
		return 0;
	n = fread(r->buf + r->len, 1, sizeof(r->buf) - 1 - r->len, r->in);
	if (n == 0) {
		if (ferror(r->in))
			return -1;
		r->eof = 1;
	}
	r->len += n;
	r->buf[r->len] = '\0';
	return 0;
}

/*
 * The next piece of the current line in *p, *n.  Returns 1 with *eol set
 * when a line end follows the piece, 1 with *eol clear when the line goes
 * on in the next piece, 0 at the end of input, -1 on a read error or a NUL
 * byte (e filled).  A piece at the start of a line holds at least the
 * first two bytes when the line has them, so "." lines are never split.
 */
static int
rd_piece(struct rd *r, const char **p, size_t *n, int *eol, struct perr *e)
{
	size_t	i;

	for (;;) {
		if (r->len - r->pos < 3 && !r->eof) {
			if (rd_fill(r) == -1)
				return perr_set(e, 1, "read message: %s",
				    strerror(errno));
			continue;
		}
		if (r->skip_lf && r->pos < r->len) {
			r->skip_lf = 0;
			if (r->buf[r->pos] == '\n') {
				r->pos++;
				continue;
			}
		}
		if (r->pos >= r->len) {
			if (!r->eof)
				continue;
			return 0;
		}
		break;
	}
	if (r->at_bol)
		r->lineno++;
	/* the NUL after the data stops strcspn; one before it is the
	 * message's own */
	i = r->pos + strcspn(r->buf + r->pos, "\r\n");
	if (i < r->len && r->buf[i] == '\0')
		return perr_set(e, 0, "line %ld: NUL byte in message "
		    "(binary data must be MIME-encoded)", r->lineno);
	*p = r->buf + r->pos;
	*n = i - r->pos;
	if (i < r->len) {
		*eol = 1;
		if (r->buf[i] == '\r')
			r->skip_lf = 1;
		r->pos = i + 1;
		r->at_bol = 1;
	} else {
		*eol = 0;
		r->pos = i;
		r->at_bol = 0;
	}
	return 1;
}

/* Read one whole line, up to max bytes, into *line (grown).  As rd_piece. */
static int
rd_line(struct rd *r, char **line, size_t *cap, size_t *len, size_t max,
    struct perr *e)
{
	const char	*p;
	size_t		 n;
	int		 eol = 0, rc, any = 0;

	*len = 0;
	while (!eol) {
		if ((rc = rd_piece(r, &p, &n, &eol, e)) == -1)
			return -1;
		if (rc == 0)
			break;
		any = 1;
		if (*len + n + 1 > max)
			return perr_set(e, 0, "line %ld: header line longer "
			    "than %zu bytes", r->lineno, max);
		if (*len + n + 1 > *cap) {
			size_t	 ncap = (*len + n + 1) * 2;
			char	*nl;

			if (ncap > max)
				ncap = max;
			if ((nl = realloc(*line, ncap)) == NULL)
				return perr_set(e, 1, "out of memory");
			*line = nl;
			*cap = ncap;
		}
		memcpy(*line + *len, p, n);
		*len += n;
	}
	if (*line != NULL)
		(*line)[*len] = '\0';
	return any;
}

static int
out_flush(struct out *o)
{
	if (o->blen > 0 && fwrite(o->buf, 1, o->blen, o->fp) != o->blen)
		return -1;
	o->blen = 0;
	return 0;
}

static int
out_write(struct out *o, const char *p, size_t n)
{
	if (n > OUT_BUF - o->blen) {
		if (out_flush(o) == -1)
			return -1;
		if (n >= OUT_BUF)
			return fwrite(p, 1, n, o->fp) == n ? 0 : -1;
	}
	memcpy(o->buf + o->blen, p, n);
	o->blen += n;
	return 0;
}

static int
out_put(struct out *o, const char *p, size_t n, int eol)
{
	size_t	i;

	if (!o->mi->has_8bit) {
		/* eight bytes at a time: any high bit set? */
		for (i = 0; i + 8 <= n; i += 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
		}
		for (; i < n; i++)
			if ((unsigned char)p[i] >= 0x80) {
				o->mi->has_8bit = 1;
				break;
			}
	}
	o->linelen += n;
	if (o->linelen > LINE_MAX_OCTETS)
		o->mi->has_long = 1;
	if (out_write(o, p, n) == -1)
		return -1;
	o->mi->size += n;
	if (eol) {
		if (out_write(o, "\n", 1) == -1)
			return -1;
		o->mi->size++;
		o->mi->lines++;
		o->linelen = 0;
	}
	return 0;
}

/* Write a header text (lines joined by "\n"), tracking 8-bit bytes. */
static int
out_header(struct out *o, const char *text)
{
	const char	*nl;
	size_t		 i;

	for (i = 0; text[i] != '\0'; i++)
		if ((unsigned char)text[i] >= 0x80)
			o->mi->hdr_utf8 = 1;
	while ((nl = strchr(text, '\n')) != NULL) {
		if (out_put(o, text, nl - text, 1) == -1)
			return -1;
		text = nl + 1;
	}
	return out_put(o, text, strlen(text), 1);
}

void
msg_date(char *buf, size_t bufsz, time_t t)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, bufsz, "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		(void)strlcpy(buf, "Thu, 01 Jan 1970 00:00:00 +0000", bufsz);
}

static int
is_field_name(const char *s, size_t len, size_t *namelen)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':')
			break;
		if (c <= ' ' || c >= 0x7f)
			return 0;
	}
	if (i == 0 || i == len)
		return 0;
	*namelen = i;
	return 1;
}

static int
hdr_is(const struct hdr *h, const char *name)
{
	return h->namelen == strlen(name) &&
	    strncasecmp(h->text, name, h->namelen) == 0;
}

static int
rcpt_add(struct msg_info *mi, const char *addr, const char *domain,
    struct perr *e)
{
	char	**nv, *a;
	size_t	  i;

	/*
	 * What goes into RCPT TO follows RFC 5321, not just RFC 5322.  A
	 * bare name stays bare: the caller expands local names through the
	 * aliases before it qualifies them.
	 */
	(void)domain;
	if ((a = addr_envelope(addr, 0, e)) == NULL)
		return -1;
	for (i = 0; i < mi->nrcpts; i++)
		if (strcmp(mi->rcpts[i], a) == 0) {
			free(a);
			return 0;
		}
	if (mi->nrcpts >= RCPT_MAX) {
		free(a);
		return perr_set(e, 0, "more than %d recipients", RCPT_MAX);
	}
	if ((nv = reallocarray(mi->rcpts, mi->nrcpts + 1, sizeof(*nv))) ==
	    NULL) {
		free(a);
		return perr_set(e, 1, "out of memory");
	}
	mi->rcpts = nv;
	mi->rcpts[mi->nrcpts++] = a;
	return 0;
}

/* Replace h's value by value, keeping its name as written. */
static int
hdr_set_value(struct hdr *h, const char *value, struct perr *e)
{
	char	*t;

	if (asprintf(&t, "%.*s:%s", (int)h->namelen, h->text, value) == -1)
		return perr_set(e, 1, "out of memory");
	free(h->text);
	h->text = t;
	h->len = strlen(t);
	return 0;
}

/* A display name as an RFC 5322 phrase: atoms, a quoted string or RFC 2047. */
static char *
phrase(const char *name)
{
	const char	*s;
	char		*out, *p;
	int		 plain = 1, eight = 0;

	for (s = name; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x80)
			eight = 1;
		else if (!isalnum(c) && strchr(" !#$%&'*+-/=?^_`{|}~", c) ==
		    NULL)
			plain = 0;
	}
	if (eight) {
		size_t	 n = strlen(name), sz = 4 * ((n + 2) / 3) + 1;
		char	*b64;

		if (n > 3000 || (b64 = malloc(sz)) == NULL)
			return NULL;
		(void)mime_b64_encode(name, n, b64, sz);
		if (asprintf(&out, "=?UTF-8?B?%s?=", b64) == -1)
			out = NULL;
		free(b64);
		return out;
	}
	if (plain)
		return strdup(name);
	if ((out = malloc(strlen(name) * 2 + 3)) == NULL)
		return NULL;
	p = out;
	*p++ = '"';
	for (s = name; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	return out;
}

static void
hdrs_free(struct hdr *h, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(h[i].text);
	free(h);
}

/* The domain of the first address in a From value, lower-cased. */
static char *
first_domain(const char *value)
{
	struct addr_list	 l = { NULL, 0 };
	struct perr		 e;
	const char		*d;
	char			*r = NULL, *p;

	if (addr_parse_list(value, &l, &e) == 0 && l.n > 0 &&
	    (d = addr_domain(l.v[0].spec)) != NULL && (r = strdup(d)) != NULL)
		for (p = r; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	addr_list_free(&l);
	return r;
}

/*
 * Work through the collected headers: recipients for -t, Bcc removal,
 * qualification.  Sets has_* for what is present.
 */
static int
hdrs_fix(struct hdr *h, size_t nh, const struct msg_opts *o,
    struct msg_info *mi, int *has_from, int *has_date, int *has_msgid,
    struct perr *e)
{
	static const char *const qualify[] = { "From", "To", "Cc", "Reply-To",
	    "Sender", "Resent-From", "Resent-To", "Resent-Cc",
	    "Resent-Sender", NULL };
	size_t		 i, j;
	int		 resent = 0, is_rcpt, is_bcc, k;
	struct addr_list l;

	for (i = 0; i < nh; i++)
		if (h[i].namelen > 7 && strncasecmp(h[i].text, "Resent-", 7) ==
		    0)
			resent = 1;
	for (i = 0; i < nh; i++) {
		const char *value = h[i].text + h[i].namelen + 1;

		if (resent) {
			is_rcpt = hdr_is(&h[i], "Resent-To") ||
			    hdr_is(&h[i], "Resent-Cc") ||
			    hdr_is(&h[i], "Resent-Bcc");
		} else
			is_rcpt = hdr_is(&h[i], "To") || hdr_is(&h[i], "Cc") ||
			    hdr_is(&h[i], "Bcc");
		is_bcc = hdr_is(&h[i], "Bcc") || hdr_is(&h[i], "Resent-Bcc");
		if (o->extract && is_rcpt) {
			memset(&l, 0, sizeof(l));
			if (addr_parse_list(value, &l, e) == -1) {
				addr_list_free(&l);
				return perr_set(e, 0, "header %.*s: %s",
				    (int)h[i].namelen, h[i].text, e->msg);
			}
			for (j = 0; j < l.n; j++)
				if (rcpt_add(mi, l.v[j].spec, o->domain, e) ==
				    -1) {
					addr_list_free(&l);
					if (e->temp)
						return -1;
					return perr_set(e, 0, "header %.*s: %s",
					    (int)h[i].namelen, h[i].text,
					    e->msg);
				}
			addr_list_free(&l);
		}
		if (is_bcc) {
			h[i].drop = 1;
			continue;
		}
		if (hdr_is(&h[i], "Date"))
			*has_date = 1;
		if (hdr_is(&h[i], "Message-ID")) {
			const char *v = value + strspn(value, " \t\n");

			*has_msgid = 1;
			free(mi->msgid);
			if ((mi->msgid = strdup(v)) != NULL)
				mi->msgid[strcspn(mi->msgid, " \t\n")] = '\0';
		}
		for (k = 0; qualify[k] != NULL; k++)
			if (hdr_is(&h[i], qualify[k]))
				break;
		if (qualify[k] == NULL)
			continue;
		if (hdr_is(&h[i], "From")) {
			*has_from = 1;
			if (o->rewrite_from && o->from_addr != NULL) {
				char *nv = NULL;

				/* keep the display name, swap the address */
				memset(&l, 0, sizeof(l));
				if (addr_parse_list(value, &l, e) == 0 &&
				    l.n > 0 && asprintf(&nv, "%.*s%s%s",
				    (int)l.v[0].off, value, o->from_addr,
				    value + l.v[0].off + l.v[0].len) == -1)
					nv = NULL;
				addr_list_free(&l);
				if (nv == NULL)
					return perr_set(e, 0, "header From: "
					    "cannot rewrite: %s", e->msg);
				k = hdr_set_value(&h[i], nv, e);
				free(nv);
				if (k == -1)
					return -1;
				value = h[i].text + h[i].namelen + 1;
			}
		}
		{
			char *nv = addr_qualify_value(value, o->domain, e);

			if (nv == NULL) {
				if (e->temp)
					return -1;
				if (hdr_is(&h[i], "From") ||
				    (o->extract && is_rcpt))
					return perr_set(e, 0, "header %.*s: "
					    "%s", (int)h[i].namelen,
					    h[i].text, e->msg);
				continue;	/* leave it as written */
			}
			if (strcmp(nv, value) != 0 &&
			    hdr_set_value(&h[i], nv, e) == -1) {
				free(nv);
				return -1;
			}
			free(nv);
		}
		if (hdr_is(&h[i], "From") && mi->from_domain == NULL)
			mi->from_domain = first_domain(h[i].text +
			    h[i].namelen + 1);
	}
	return 0;
}

int
msg_read(FILE *in, FILE *out, const struct msg_opts *o, struct msg_info *mi,
    struct perr *e)
{
	struct rd	*r;
	struct out	 w = { out, mi, 0, NULL, 0 };
	struct hdr	*h = NULL, *nh;
	size_t		 nhdr = 0, total = 0, cap = 0, len, i, n, namelen;
	char		*line = NULL, date[64], *s, *ph;
	const char	*p;
	int		 rc, eol, ended = 0, body_first = 0, first = 1;
	int		 has_from = 0, has_date = 0, has_msgid = 0, ret = -1;
	time_t		 now = time(NULL);

	memset(mi, 0, sizeof(*mi));
	/* not calloc: zeroing 64 KiB would cost more than reading a small
	 * message, and touch every page of buf */
	if ((r = malloc(sizeof(*r))) == NULL ||
	    (w.buf = malloc(OUT_BUF)) == NULL) {
		free(r);
		return perr_set(e, 1, "out of memory");
	}
	r->in = in;
	r->pos = r->len = 0;
	r->eof = r->skip_lf = 0;
	r->at_bol = 1;
	r->lineno = 0;

	/* Header section. */
	for (;;) {
		if ((rc = rd_line(r, &line, &cap, &len, HDR_LINE_MAX, e)) ==
		    -1)
			goto done;
		if (rc == 0) {
			ended = 1;
			break;
		}
		if (o->dot_ends && len == 1 && line[0] == '.') {
			ended = 1;
			break;
		}
		if (first && len >= 5 && strncmp(line, "From ", 5) == 0) {
			first = 0;
			continue;
		}
		first = 0;
		if (len == 0)
			break;
		total += len + 1;
		if (total > HDR_TOTAL_MAX) {
			perr_set(e, 0, "line %ld: header section larger than "
			    "%d bytes", r->lineno, HDR_TOTAL_MAX);
			goto done;
		}
		if ((line[0] == ' ' || line[0] == '\t') && nhdr > 0) {
			struct hdr *c = &h[nhdr - 1];

			if ((s = realloc(c->text, c->len + len + 2)) == NULL) {
				perr_set(e, 1, "out of memory");
				goto done;
			}
			s[c->len] = '\n';
			memcpy(s + c->len + 1, line, len + 1);
			c->text = s;
			c->len += len + 1;
			continue;
		}
		if (!is_field_name(line, len, &namelen)) {
			body_first = 1;		/* as Postfix: body starts */
			break;
		}
		if (nhdr >= HDR_COUNT_MAX) {
			perr_set(e, 0, "line %ld: more than %d header fields",
			    r->lineno, HDR_COUNT_MAX);
			goto done;
		}
		if ((nh = reallocarray(h, nhdr + 1, sizeof(*h))) == NULL) {
			perr_set(e, 1, "out of memory");
			goto done;
		}
		h = nh;
		if ((h[nhdr].text = strdup(line)) == NULL) {
			perr_set(e, 1, "out of memory");
			goto done;
		}
		h[nhdr].len = len;
		h[nhdr].namelen = namelen;
		h[nhdr].drop = 0;
		nhdr++;
	}

	if (hdrs_fix(h, nhdr, o, mi, &has_from, &has_date, &has_msgid, e) ==
	    -1)
		goto done;

	/* Received first: it records this submission. */
	msg_date(date, sizeof(date), now);
	if (asprintf(&s, "Received: by %s (posthorn, from userid %lu)\n"
	    "\tid %s; %s", o->hostname, (unsigned long)o->uid, o->qid,
	    date) == -1) {
		perr_set(e, 1, "out of memory");
		goto done;
	}
	rc = out_header(&w, s);
	free(s);
	if (rc == -1)
		goto werr;
	for (i = 0; i < nhdr; i++)
		if (!h[i].drop && out_header(&w, h[i].text) == -1)
			goto werr;
	if (!has_from) {
		const char *name = o->fullname != NULL ?
		    o->fullname(o->fullname_arg) : NULL;

		ph = NULL;
		if (name != NULL && name[0] != '\0' &&
		    (ph = phrase(name)) == NULL) {
			perr_set(e, 1, "out of memory");
			goto done;
		}
		if (ph != NULL)
			rc = asprintf(&s, "From: %s <%s>", ph, o->from_addr);
		else
			rc = asprintf(&s, "From: %s", o->from_addr);
		free(ph);
		if (rc == -1) {
			perr_set(e, 1, "out of memory");
			goto done;
		}
		rc = out_header(&w, s);
		free(s);
		if (rc == -1)
			goto werr;
		if (mi->from_domain == NULL)
			mi->from_domain = first_domain(o->from_addr);
	}
	if (!has_date) {
		if (out_put(&w, "Date: ", 6, 0) == -1 ||
		    out_put(&w, date, strlen(date), 1) == -1)
			goto werr;
	}
	if (!has_msgid) {
		uint32_t rnd = arc4random();

		free(mi->msgid);
		if (asprintf(&mi->msgid, "<%s.%08X@%s>", o->qid, rnd,
		    o->hostname) == -1) {
			mi->msgid = NULL;
			perr_set(e, 1, "out of memory");
			goto done;
		}
		if (asprintf(&s, "Message-ID: %s", mi->msgid) == -1) {
			perr_set(e, 1, "out of memory");
			goto done;
		}
		rc = out_header(&w, s);
		free(s);
		if (rc == -1)
			goto werr;
	}
	if (out_put(&w, "", 0, 1) == -1)	/* the separator */
		goto werr;

	/* Body: streamed. */
	if (body_first && out_put(&w, line, len, 1) == -1)
		goto werr;
	while (!ended) {
		size_t	linelen = 0;

		eol = 0;
		while (!eol) {
			if ((rc = rd_piece(r, &p, &n, &eol, e)) == -1)
				goto done;
			if (rc == 0) {
				ended = 1;
				break;
			}
			/* "." alone ends the message, also unterminated at
			 * the end of input (as Postfix's sendmail) */
			if (linelen == 0 && n == 1 && p[0] == '.' &&
			    o->dot_ends && (eol || (r->eof &&
			    r->pos >= r->len))) {
				ended = 1;
				break;
			}
			linelen += n;
			if (out_put(&w, p, n, eol) == -1)
				goto werr;
		}
		/* input without a final line end: the spool form has one */
		if (ended && linelen > 0 && !eol && out_put(&w, "", 0, 1) == -1)
			goto werr;
	}
	if (out_flush(&w) == -1 || fflush(out) == EOF || ferror(out))
		goto werr;
	ret = 0;
	goto done;
werr:
	perr_set(e, 1, "write to queue: %s", strerror(errno));
done:
	free(line);
	hdrs_free(h, nhdr);
	free(r);
	free(w.buf);
	if (ret == -1)
		msg_info_free(mi);	/* nothing half-made goes back */
	return ret;
}

void
msg_info_free(struct msg_info *mi)
{
	size_t	i;

	for (i = 0; i < mi->nrcpts; i++)
		free(mi->rcpts[i]);
	free(mi->rcpts);
	free(mi->msgid);
	free(mi->from_domain);
	memset(mi, 0, sizeof(*mi));
}
