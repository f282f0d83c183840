/*
 * addr.c - RFC 5322 address lists in headers, RFC 5321 envelope addresses.
 *
 * Two parsers live here, on purpose apart:
 *
 * - The header parser (addr_parse_list) reads the value of To/Cc/Bcc/From/
 *   Reply-To/Sender as RFC 5322 3.4 defines it, with the obsolete forms of
 *   4.4 (routes, empty list members, CFWS between the words of an addr-spec,
 *   dots in display names) and RFC 6532 UTF-8.  It never rewrites the value;
 *   it reports where each addr-spec sits so that addr_qualify_value() can
 *   insert "@domain" after a bare one and leave every other byte alone.
 *   A lexer hands out one token at a time (atom, quoted string, domain
 *   literal, special); comments and folding white space are skipped by the
 *   lexer and never reach the grammar.  Nothing recurses: comment nesting
 *   is a counter, and a group cannot hold a group.
 *
 * - The envelope checker (addr_envelope) is stricter: RFC 5321 4.1.2
 *   Mailbox syntax only, since what it returns goes into MAIL FROM / RCPT TO
 *   verbatim.  It refuses every control byte before anything else, so that
 *   -f, command-line recipients and -bs input can never carry a line break
 *   into an SMTP command or a header.
 *
 * Limits (hostile input never sets a size): a header value of at most
 * ADDR_VALUE_MAX bytes, at most ADDR_LIST_MAX entries in one addr_list,
 * envelope addresses of at most ADDR_ENVELOPE_MAX bytes.  Every loop moves
 * forward by at least one byte, so the work is linear in the input.
 *
 * Error messages quote the offending address with control bytes and
 * broken UTF-8 shown as \r, \n, \t, \xHH: a message must not become the
 * injection it reports.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "log.h"

#define ADDR_VALUE_MAX		(1024 * 1024)	/* bytes in one header value */
#define ADDR_LIST_MAX		1000		/* entries in one addr_list */
#define ADDR_LIST_STEP		16		/* entries added per realloc */
/*
 * RFC 5321 4.5.3.1.3: a path is at most 256 octets, the angle brackets
 * included.  Servers may take longer ones, but many do not, and a
 * submission client has no business finding out which.
 */
#define ADDR_ENVELOPE_MAX	254
#define ADDR_DOMAIN_MAX		255		/* RFC 1035 2.3.4 */
#define ADDR_LABEL_MAX		63
#define ADDR_SHOW_MAX		72		/* bytes quoted in messages */

/* Token types beyond the specials, which stand for themselves. */
enum {
	ADDR_TOK_END = 256,
	ADDR_TOK_ATOM,
	ADDR_TOK_QSTR,
	ADDR_TOK_DLIT
};

struct addr_tok {
	int	type;		/* a special ("<>@,:;.") or ADDR_TOK_* */
	size_t	start, end;	/* bytes of the token in the value */
};

struct addr_parser {
	const char		*s;		/* the value, NUL at s[len] */
	size_t			 len;
	size_t			 pos;		/* next byte for the lexer */
	size_t			 member;	/* start of the list member
						   being read, for messages */
	struct addr_tok		 tok;		/* the current token */
	struct addr_list	*out;
	struct perr		*e;
};

/*
 * A run of words and dots: a display name, or a local part when it has
 * the shape word *("." word) (RFC 5322 obs-local-part, dot-atom).
 */
struct addr_phrase {
	size_t	start, end;	/* first and last token, CFWS around excluded */
	size_t	ntok, nwords;
	const char *why_not;	/* NULL while word *("." word) holds */
	int	want_word;
};

static size_t	addr_utf8_len(const unsigned char *, size_t);
static void	addr_show(char *, size_t, const char *, size_t);
static int	addr_fail(struct addr_parser *, size_t, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
static int	addr_next(struct addr_parser *);
static int	addr_address(struct addr_parser *, int);
static int	addr_check_domain(const char *, size_t, char *, size_t);
static char	*addr_envfail(struct perr *, const char *, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
addr_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t	cp, min;
	size_t		len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int
addr_utf8_valid(const char *s, size_t n)
{
	size_t	i, k;

	for (i = 0; i < n; i += k)
		if ((k = addr_utf8_len((const unsigned char *)s + i,
		    n - i)) == 0)
			return 0;
	return 1;
}

/* Control bytes other than HTAB; CR and LF are handled before this. */
static int
addr_is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* RFC 5322 3.2.3 atext, plus RFC 6532 UTF8-non-ascii (checked later). */
static int
addr_is_atext(unsigned char c)
{
	if (c >= 0x80)
		return 1;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/*
 * Copy n bytes of s into dst (dstsz > 4) for quoting in a message:
 * valid UTF-8 as is, control bytes and broken UTF-8 escaped, "..." when
 * it does not fit.
 */
static void
addr_show(char *dst, size_t dstsz, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			 esc[8];
	const char		*r;
	size_t			 i, o, k, rlen, room;

	room = dstsz - 4;
	for (i = o = 0; i < n; i += k) {
		k = 1;
		r = esc;
		if (u[i] >= 0x80 && (k = addr_utf8_len(u + i, n - i)) > 0)
			r = s + i;
		else if (u[i] == '\r' || u[i] == '\n' || u[i] == '\t') {
			k = 1;
			esc[0] = '\\';
			esc[1] = u[i] == '\r' ? 'r' : u[i] == '\n' ? 'n' : 't';
			esc[2] = '\0';
		} else if (u[i] < 0x20 || u[i] >= 0x7f) {
			k = 1;
			(void)snprintf(esc, sizeof(esc), "\\x%02x", u[i]);
		} else {
			esc[0] = (char)u[i];
			esc[1] = '\0';
		}
		rlen = r == esc ? strlen(esc) : k;
		if (o + rlen > room) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(dst + o, r, rlen);
		o += rlen;
	}
	dst[o] = '\0';
}

/*
 * Where the list member starting at i ends: the next ',' or ';' outside
 * quotes, comments, literals and angle brackets.  Used only to quote the
 * member in a message, so it must cope with input the parser has just
 * refused.
 */
static size_t
addr_member_end(const char *s, size_t len, size_t i)
{
	size_t	depth = 0;
	int	quoted = 0, literal = 0, angle = 0;

	for (; i < len; i++) {
		if (s[i] == '\\' && (quoted || depth > 0)) {
			if (i + 1 < len)
				i++;
			continue;
		}
		if (quoted) {
			if (s[i] == '"')
				quoted = 0;
		} else if (depth > 0) {
			if (s[i] == '(')
				depth++;
			else if (s[i] == ')')
				depth--;
		} else if (literal) {
			if (s[i] == ']')
				literal = 0;
		} else if (s[i] == '"')
			quoted = 1;
		else if (s[i] == '(')
			depth = 1;
		else if (s[i] == '[')
			literal = 1;
		else if (s[i] == '<')
			angle = 1;
		else if (s[i] == '>')
			angle = 0;
		else if ((s[i] == ',' || s[i] == ';') && !angle)
			return i;
	}
	return len;
}

static int
addr_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Fail with 'invalid address "MEMBER": REASON', where MEMBER is the list
 * member being read, stretched to include the byte at 'at'.
 */
static int
addr_fail(struct addr_parser *p, size_t at, const char *fmt, ...)
{
	char	reason[256], shown[ADDR_SHOW_MAX + 4];
	size_t	start, end;
	va_list	ap;

	start = p->member;
	while (start < at && start < p->len && addr_is_space(p->s[start]))
		start++;
	end = addr_member_end(p->s, p->len, start);
	if (end <= at)
		end = at < p->len ? at + 1 : p->len;
	while (end > start && end > at + 1 && addr_is_space(p->s[end - 1]))
		end--;
	va_start(ap, fmt);
	(void)vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	addr_show(shown, sizeof(shown), p->s + start, end - start);
	return perr_set(p->e, 0, "invalid address \"%s\": %s", shown, reason);
}

/*
 * At a CR or LF: RFC 5322 folding is a line break followed by white
 * space.  Anything else would end the header here and start another one,
 * which is exactly the injection a caller must never get past us.  A line
 * break at the very end of the value is the header's own and harmless.
 */
static int
addr_fold(struct addr_parser *p)
{
	size_t	at = p->pos;

	if (p->s[p->pos] == '\r')
		p->pos++;
	if (p->s[p->pos] == '\n')
		p->pos++;
	if (p->s[p->pos] != ' ' && p->s[p->pos] != '\t' &&
	    p->s[p->pos] != '\0')
		return addr_fail(p, at,
		    "line break not followed by white space");
	return 0;
}

/* At a backslash inside a quoted string or a comment. */
static int
addr_escape(struct addr_parser *p)
{
	unsigned char	c = (unsigned char)p->s[p->pos + 1];

	if (c == '\0')
		return addr_fail(p, p->pos, "backslash at end of value");
	if (c == '\r' || c == '\n' || addr_is_ctl(c))
		return addr_fail(p, p->pos + 1,
		    "control character after backslash");
	p->pos += 2;
	return 0;
}

/* Bytes that may appear nowhere in a header value. */
static int
addr_bad_byte(struct addr_parser *p)
{
	return addr_fail(p, p->pos, "control character \\x%02x",
	    (unsigned char)p->s[p->pos]);
}

/* Skip a comment, nested ones included (RFC 5322 3.2.2). */
static int
addr_comment(struct addr_parser *p)
{
	size_t		depth = 0, at = p->pos;
	unsigned char	c;

	do {
		c = (unsigned char)p->s[p->pos];
		if (c == '\0')
			return addr_fail(p, at, "unterminated comment");
		if (c == '\\') {
			if (addr_escape(p) == -1)
				return -1;
			continue;
		}
		if (c == '\r' || c == '\n') {
			if (addr_fold(p) == -1)
				return -1;
			continue;
		}
		if (addr_is_ctl(c))
			return addr_bad_byte(p);
		if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		p->pos++;
	} while (depth > 0);
	return 0;
}

/* Skip CFWS: white space, folding and comments. */
static int
addr_skip_cfws(struct addr_parser *p)
{
	char	c;

	for (;;) {
		c = p->s[p->pos];
		if (c == ' ' || c == '\t')
			p->pos++;
		else if (c == '\r' || c == '\n') {
			if (addr_fold(p) == -1)
				return -1;
		} else if (c == '(') {
			if (addr_comment(p) == -1)
				return -1;
		} else
			return 0;
	}
}

/* A quoted string (RFC 5322 3.2.4), the quotes included. */
static int
addr_qstring(struct addr_parser *p)
{
	size_t		at = p->pos;
	unsigned char	c;

	for (p->pos++;;) {
		c = (unsigned char)p->s[p->pos];
		if (c == '\0')
			return addr_fail(p, at, "unterminated quoted string");
		if (c == '"') {
			p->pos++;
			return 0;
		}
		if (c == '\\') {
			if (addr_escape(p) == -1)
				return -1;
		} else if (c == '\r' || c == '\n') {
			if (addr_fold(p) == -1)
				return -1;
		} else if (addr_is_ctl(c))
			return addr_bad_byte(p);
		else
			p->pos++;
	}
}

/*
 * A domain literal (RFC 5322 3.4.1).  The obsolete quoted-pair in dtext
 * is refused: nothing legitimate sends it, and it cannot go into SMTP.
 */
static int
addr_dliteral(struct addr_parser *p)
{
	size_t		at = p->pos;
	unsigned char	c;

	for (p->pos++;;) {
		c = (unsigned char)p->s[p->pos];
		if (c == '\0')
			return addr_fail(p, at, "unterminated domain literal");
		if (c == ']') {
			p->pos++;
			return 0;
		}
		if (c == '[' || c == '\\')
			return addr_fail(p, p->pos,
			    "'%c' inside a domain literal", c);
		if (c == '\r' || c == '\n') {
			if (addr_fold(p) == -1)
				return -1;
		} else if (addr_is_ctl(c))
			return addr_bad_byte(p);
		else
			p->pos++;
	}
}

/* Read the next token into p->tok. */
static int
addr_next(struct addr_parser *p)
{
	struct addr_tok	*t = &p->tok;
	unsigned char	 c;

	if (addr_skip_cfws(p) == -1)
		return -1;
	t->start = p->pos;
	c = (unsigned char)p->s[p->pos];
	if (c == '\0')
		t->type = ADDR_TOK_END;
	else if (c == '"') {
		if (addr_qstring(p) == -1)
			return -1;
		t->type = ADDR_TOK_QSTR;
	} else if (c == '[') {
		if (addr_dliteral(p) == -1)
			return -1;
		t->type = ADDR_TOK_DLIT;
	} else if (strchr("<>@,:;.", c) != NULL) {
		t->type = c;
		p->pos++;
	} else if (addr_is_atext(c)) {
		while (addr_is_atext((unsigned char)p->s[p->pos]))
			p->pos++;
		t->type = ADDR_TOK_ATOM;
	} else if (c == ')' || c == ']')
		return addr_fail(p, p->pos, "unbalanced '%c'", c);
	else if (c == '\\')
		return addr_fail(p, p->pos, "backslash outside quotes");
	else
		return addr_bad_byte(p);
	t->end = p->pos;
	return 0;
}

/* What the current token is, for "unexpected ..." messages. */
static const char *
addr_tok_name(const struct addr_tok *t, char *buf, size_t bufsz)
{
	switch (t->type) {
	case ADDR_TOK_END:
		return "end of value";
	case ADDR_TOK_ATOM:
	case ADDR_TOK_QSTR:
		return "text";
	case ADDR_TOK_DLIT:
		return "domain literal";
	default:
		(void)snprintf(buf, bufsz, "'%c'", t->type);
		return buf;
	}
}

static int
addr_unexpected(struct addr_parser *p, const char *where)
{
	char	buf[8];

	return addr_fail(p, p->tok.start, "unexpected %s%s",
	    addr_tok_name(&p->tok, buf, sizeof(buf)), where);
}

/*
 * The addr-spec as a caller wants it: the bytes from start to end without
 * CFWS, and without the line breaks of folding inside quoted strings
 * (unfolding, RFC 5322 2.2.3) or the white space inside a domain literal.
 * The region was accepted by the lexer, so only the bounds need care.
 */
static char *
addr_copy_spec(const char *s, size_t n)
{
	char	*d;
	size_t	 i, o, depth;

	if ((d = malloc(n + 1)) == NULL)
		return NULL;
	for (i = o = 0; i < n;) {
		if (addr_is_space(s[i]))
			i++;
		else if (s[i] == '(') {
			for (depth = 0; i < n; i++) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				else if (s[i] == '(')
					depth++;
				else if (s[i] == ')' && --depth == 0) {
					i++;
					break;
				}
			}
		} else if (s[i] == '"') {
			d[o++] = s[i++];
			while (i < n) {
				if (s[i] == '\\' && i + 1 < n) {
					d[o++] = s[i++];
					d[o++] = s[i++];
				} else if (s[i] == '\r' || s[i] == '\n')
					i++;
				else if (s[i] == '"') {
					d[o++] = s[i++];
					break;
				} else
					d[o++] = s[i++];
			}
		} else if (s[i] == '[') {
			d[o++] = s[i++];
			while (i < n) {
				if (addr_is_space(s[i]))
					i++;
				else if (s[i] == ']') {
					d[o++] = s[i++];
					break;
				} else
					d[o++] = s[i++];
			}
		} else
			d[o++] = s[i++];
	}
	d[o] = '\0';
	return d;
}

/* Record the addr-spec at [start, end). */
static int
addr_add(struct addr_parser *p, size_t start, size_t end, int bare)
{
	struct addr_list	*l = p->out;
	struct addr_ent		*v;
	char			*spec;

	if (l->n >= ADDR_LIST_MAX)
		return perr_set(p->e, 0, "too many addresses (more than %d)",
		    ADDR_LIST_MAX);
	if ((spec = addr_copy_spec(p->s + start, end - start)) == NULL)
		return perr_set(p->e, 1, "out of memory");
	/* Comments and display names may hold legacy 8-bit text; an
	   address goes into RCPT TO and must be real UTF-8 (RFC 6532). */
	if (!addr_utf8_valid(spec, strlen(spec))) {
		free(spec);
		return addr_fail(p, start, "invalid UTF-8");
	}
	/* Capacity is always n rounded up to ADDR_LIST_STEP. */
	if (l->n % ADDR_LIST_STEP == 0) {
		if ((v = reallocarray(l->v, l->n + ADDR_LIST_STEP,
		    sizeof(*v))) == NULL) {
			free(spec);
			return perr_set(p->e, 1, "out of memory");
		}
		l->v = v;
	}
	l->v[l->n].spec = spec;
	l->v[l->n].off = start;
	l->v[l->n].len = end - start;
	l->v[l->n].bare = bare;
	l->n++;
	return 0;
}

/* Read words and dots; p->tok is left on the first token of neither. */
static int
addr_phrase(struct addr_parser *p, struct addr_phrase *ph)
{
	memset(ph, 0, sizeof(*ph));
	ph->want_word = 1;
	for (;;) {
		switch (p->tok.type) {
		case ADDR_TOK_ATOM:
		case ADDR_TOK_QSTR:
			if (!ph->want_word && ph->why_not == NULL)
				ph->why_not = "unquoted space in local part";
			ph->want_word = 0;
			ph->nwords++;
			break;
		case '.':
			if (ph->want_word && ph->why_not == NULL)
				ph->why_not = "misplaced dot in local part";
			ph->want_word = 1;
			break;
		default:
			if (ph->want_word && ph->ntok > 0 &&
			    ph->why_not == NULL)
				ph->why_not = "misplaced dot in local part";
			return 0;
		}
		if (ph->ntok++ == 0)
			ph->start = p->tok.start;
		ph->end = p->tok.end;
		if (addr_next(p) == -1)
			return -1;
	}
}

static int
addr_check_local(struct addr_parser *p, const struct addr_phrase *ph)
{
	if (ph->ntok == 0)
		return addr_fail(p, p->tok.start, "missing local part");
	/* "Cron Daemon" alone: words with no address after them */
	if (ph->why_not != NULL && ph->nwords > 1 && p->tok.type != '@' &&
	    p->tok.type != '>')
		return addr_fail(p, ph->start, "display name without address");
	if (ph->why_not != NULL)
		return addr_fail(p, ph->start, "%s", ph->why_not);
	return 0;
}

/*
 * A domain, p->tok on its first token: a domain literal, or atoms joined
 * by dots (CFWS between them is obs-domain).  *end is set past its last
 * byte, and p->tok left on what follows.
 */
static int
addr_domain_part(struct addr_parser *p, size_t *end)
{
	if (p->tok.type == ADDR_TOK_DLIT) {
		*end = p->tok.end;
		return addr_next(p);
	}
	if (p->tok.type != ADDR_TOK_ATOM)
		return addr_fail(p, p->tok.start, "domain expected after '@'");
	*end = p->tok.end;
	if (addr_next(p) == -1)
		return -1;
	while (p->tok.type == '.') {
		if (addr_next(p) == -1)
			return -1;
		if (p->tok.type != ADDR_TOK_ATOM)
			return addr_fail(p, p->tok.start, "malformed domain");
		*end = p->tok.end;
		if (addr_next(p) == -1)
			return -1;
	}
	return 0;
}

/*
 * After '<': [obs-route] addr-spec '>', the addr-spec possibly bare.
 * The route (RFC 5322 4.4 obs-route) is read and dropped, as RFC 5321
 * appendix C says receivers should.
 */
static int
addr_angle(struct addr_parser *p)
{
	struct addr_phrase	ph;
	size_t			end;

	if (p->tok.type == '>')
		return addr_fail(p, p->tok.start, "empty address <>");
	if (p->tok.type == '@' || p->tok.type == ',') {
		for (;;) {
			while (p->tok.type == ',')
				if (addr_next(p) == -1)
					return -1;
			if (p->tok.type == ':')
				break;
			if (p->tok.type != '@')
				return addr_fail(p, p->tok.start,
				    "malformed route");
			if (addr_next(p) == -1 ||
			    addr_domain_part(p, &end) == -1)
				return -1;
			if (p->tok.type != ',' && p->tok.type != ':')
				return addr_fail(p, p->tok.start,
				    "malformed route");
		}
		if (addr_next(p) == -1)
			return -1;
	}
	if (addr_phrase(p, &ph) == -1 || addr_check_local(p, &ph) == -1)
		return -1;
	if (p->tok.type == '@') {
		if (addr_next(p) == -1 || addr_domain_part(p, &end) == -1)
			return -1;
		if (addr_add(p, ph.start, end, 0) == -1)
			return -1;
	} else if (addr_add(p, ph.start, ph.end, 1) == -1)
		return -1;
	if (p->tok.type != '>')
		return addr_fail(p, p->tok.start, "missing '>'");
	return addr_next(p);
}

/*
 * After "name:": members up to ';'.  A missing ';' at the end of the
 * value is forgiven: "undisclosed-recipients:" is common and harmless.
 */
static int
addr_group(struct addr_parser *p)
{
	for (;;) {
		while (p->tok.type == ',') {
			p->member = p->tok.end;
			if (addr_next(p) == -1)
				return -1;
		}
		if (p->tok.type == ';')
			return addr_next(p);
		if (p->tok.type == ADDR_TOK_END)
			return 0;
		if (addr_address(p, 1) == -1)
			return -1;
		if (p->tok.type != ',' && p->tok.type != ';' &&
		    p->tok.type != ADDR_TOK_END)
			return addr_unexpected(p, " after address");
	}
}

/*
 * One address (RFC 5322 3.4): a mailbox, or when not in_group a group.
 * p->tok starts on its first token and is left on the one after it.
 */
static int
addr_address(struct addr_parser *p, int in_group)
{
	struct addr_phrase	ph;
	size_t			end;

	if (addr_phrase(p, &ph) == -1)
		return -1;
	switch (p->tok.type) {
	case '<':
		if (addr_next(p) == -1)
			return -1;
		return addr_angle(p);
	case ':':
		if (in_group)
			return addr_fail(p, p->tok.start,
			    "group inside a group");
		if (ph.ntok == 0)
			return addr_fail(p, p->tok.start,
			    "group without a name");
		p->member = p->tok.end;
		if (addr_next(p) == -1)
			return -1;
		return addr_group(p);
	case '@':
		if (addr_check_local(p, &ph) == -1 || addr_next(p) == -1 ||
		    addr_domain_part(p, &end) == -1)
			return -1;
		/*
		 * "bob@example.org <bob@example.org>": an unquoted '@' in a
		 * display name is invalid but common from scripts; the angle
		 * address is the one that counts.
		 */
		if (p->tok.type == '<') {
			if (addr_next(p) == -1)
				return -1;
			return addr_angle(p);
		}
		return addr_add(p, ph.start, end, 0);
	case ',':
	case ';':
	case ADDR_TOK_END:
		if (ph.ntok == 0)
			return addr_unexpected(p, "");
		if (addr_check_local(p, &ph) == -1)
			return -1;
		return addr_add(p, ph.start, ph.end, 1);
	default:
		return addr_unexpected(p, "");
	}
}

static void
addr_list_truncate(struct addr_list *l, size_t n)
{
	while (l->n > n)
		free(l->v[--l->n].spec);
	if (l->n == 0) {
		free(l->v);
		l->v = NULL;
	}
}

int
addr_parse_list(const char *value, struct addr_list *out, struct perr *e)
{
	struct addr_parser	p;
	size_t			n0 = out->n;

	if (value == NULL)
		return perr_set(e, 0, "missing address list");
	memset(&p, 0, sizeof(p));
	p.s = value;
	if ((p.len = strnlen(value, ADDR_VALUE_MAX + 1)) > ADDR_VALUE_MAX)
		return perr_set(e, 0, "address list too long (more than %d "
		    "bytes)", ADDR_VALUE_MAX);
	p.out = out;
	p.e = e;
	if (addr_next(&p) == -1)
		goto fail;
	for (;;) {
		/* RFC 5322 4.4: empty members ("a@b,,c@d") are obsolete
		   but legal. */
		while (p.tok.type == ',') {
			p.member = p.tok.end;
			if (addr_next(&p) == -1)
				goto fail;
		}
		if (p.tok.type == ADDR_TOK_END)
			break;
		if (addr_address(&p, 0) == -1)
			goto fail;
		if (p.tok.type == ';') {
			addr_fail(&p, p.tok.start, "';' outside a group");
			goto fail;
		}
		if (p.tok.type != ',' && p.tok.type != ADDR_TOK_END) {
			addr_unexpected(&p, " after address");
			goto fail;
		}
	}
	return 0;
fail:
	addr_list_truncate(out, n0);
	return -1;
}

void
addr_list_free(struct addr_list *l)
{
	if (l == NULL)
		return;
	addr_list_truncate(l, 0);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

char *
addr_qualify_value(const char *value, const char *domain, struct perr *e)
{
	struct addr_list	 l;
	char			 why[128], shown[ADDR_SHOW_MAX + 4];
	char			*r;
	size_t			 vlen, dlen, nbare, i, o, from, to;

	if (domain == NULL) {
		perr_set(e, 0, "no domain to qualify addresses with");
		return NULL;
	}
	dlen = strnlen(domain, ADDR_DOMAIN_MAX + 1);
	if (addr_check_domain(domain, dlen, why, sizeof(why)) == -1) {
		addr_show(shown, sizeof(shown), domain, dlen);
		perr_set(e, 0, "invalid domain \"%s\": %s", shown, why);
		return NULL;
	}
	memset(&l, 0, sizeof(l));
	if (addr_parse_list(value, &l, e) == -1)
		return NULL;
	vlen = strlen(value);
	for (i = nbare = 0; i < l.n; i++)
		nbare += l.v[i].bare;
	/* vlen, nbare and dlen are all capped: this cannot overflow. */
	if ((r = malloc(vlen + nbare * (dlen + 1) + 1)) == NULL) {
		addr_list_free(&l);
		perr_set(e, 1, "out of memory");
		return NULL;
	}
	for (i = o = from = 0; i < l.n; i++) {
		if (!l.v[i].bare)
			continue;
		to = l.v[i].off + l.v[i].len;
		memcpy(r + o, value + from, to - from);
		o += to - from;
		r[o++] = '@';
		memcpy(r + o, domain, dlen);
		o += dlen;
		from = to;
	}
	memcpy(r + o, value + from, vlen - from);
	o += vlen - from;
	r[o] = '\0';
	addr_list_free(&l);
	return r;
}

/*
 * RFC 5321 4.1.2 Domain: LDH labels (RFC 6531: or UTF-8 U-labels), or an
 * address literal [1.2.3.4] / [IPv6:...].  Fills why on failure.
 */
static int
addr_check_domain(const char *d, size_t n, char *why, size_t whysz)
{
	char		 lit[INET6_ADDRSTRLEN + 8];
	unsigned char	 buf[sizeof(struct in6_addr)];
	unsigned char	 c;
	size_t		 i, st, k;

	if (n == 0) {
		(void)snprintf(why, whysz, "empty domain");
		return -1;
	}
	if (n > ADDR_DOMAIN_MAX) {
		(void)snprintf(why, whysz, "domain longer than %d bytes",
		    ADDR_DOMAIN_MAX);
		return -1;
	}
	if (d[0] == '[') {
		if (n < 2 || d[n - 1] != ']' || n - 2 >= sizeof(lit)) {
			(void)snprintf(why, whysz, "malformed address literal");
			return -1;
		}
		memcpy(lit, d + 1, n - 2);
		lit[n - 2] = '\0';
		if (strncasecmp(lit, "IPv6:", 5) == 0) {
			if (inet_pton(AF_INET6, lit + 5, buf) == 1)
				return 0;
		} else if (inet_pton(AF_INET, lit, buf) == 1)
			return 0;
		(void)snprintf(why, whysz, "malformed address literal");
		return -1;
	}
	for (i = 0;; i++) {
		for (st = i; i < n && d[i] != '.'; i += k) {
			c = (unsigned char)d[i];
			k = 1;
			if (c >= 0x80) {
				if ((k = addr_utf8_len((const unsigned char *)
				    d + i, n - i)) == 0) {
					(void)snprintf(why, whysz,
					    "invalid UTF-8 in domain");
					return -1;
				}
			} else if (!((c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-')) {
				if (c == ' ')
					(void)snprintf(why, whysz,
					    "space in domain");
				else
					(void)snprintf(why, whysz,
					    "invalid character '%c' in domain",
					    c);
				return -1;
			}
		}
		if (i == st) {
			(void)snprintf(why, whysz, "empty label in domain");
			return -1;
		}
		if (i - st > ADDR_LABEL_MAX) {
			(void)snprintf(why, whysz, "domain label longer than "
			    "%d bytes", ADDR_LABEL_MAX);
			return -1;
		}
		if (d[st] == '-' || d[i - 1] == '-') {
			(void)snprintf(why, whysz,
			    "domain label starts or ends with '-'");
			return -1;
		}
		if (i == n)
			return 0;
	}
}

static char *
addr_envfail(struct perr *e, const char *arg, const char *fmt, ...)
{
	char	reason[256], shown[ADDR_SHOW_MAX + 4];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	addr_show(shown, sizeof(shown), arg, strlen(arg));
	perr_set(e, 0, "invalid address \"%s\": %s", shown, reason);
	return NULL;
}

/*
 * The local part at s: a dot-atom or a quoted string (RFC 5321 4.1.2,
 * RFC 6531 3.3 for UTF-8).  Returns its length, or 0 with why filled.
 */
static size_t
addr_env_local(const char *s, size_t n, char *why, size_t whysz)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, st, k;

	if (n > 0 && s[0] == '"') {
		for (i = 1; i < n && s[i] != '"'; i += k) {
			k = 1;
			if (s[i] == '\\') {
				/* quoted-pairSMTP: a backslash and one
				   printable ASCII byte */
				if (i + 1 >= n || u[i + 1] < 0x20 ||
				    u[i + 1] > 0x7e) {
					(void)snprintf(why, whysz, "bad "
					    "backslash in quoted local part");
					return 0;
				}
				k = 2;
			} else if (u[i] >= 0x80 &&
			    (k = addr_utf8_len(u + i, n - i)) == 0) {
				(void)snprintf(why, whysz, "invalid UTF-8");
				return 0;
			}
		}
		if (i >= n) {
			(void)snprintf(why, whysz,
			    "unterminated quoted string");
			return 0;
		}
		if (i == 1) {
			(void)snprintf(why, whysz, "empty local part");
			return 0;
		}
		return i + 1;
	}
	for (i = 0;; i++) {
		for (st = i; i < n && addr_is_atext(u[i]); i += k) {
			k = 1;
			if (u[i] >= 0x80 &&
			    (k = addr_utf8_len(u + i, n - i)) == 0) {
				(void)snprintf(why, whysz, "invalid UTF-8");
				return 0;
			}
		}
		if (i == st) {
			if (i == 0 && (i == n || s[i] == '@'))
				(void)snprintf(why, whysz, "empty local part");
			else if ((i < n && s[i] == '.') ||
			    (i > 0 && s[i - 1] == '.'))
				(void)snprintf(why, whysz,
				    "misplaced dot in local part");
			else if (s[i] == ' ')
				(void)snprintf(why, whysz,
				    "unquoted space in local part");
			else
				(void)snprintf(why, whysz, "invalid character "
				    "'%c' in local part", s[i]);
			return 0;
		}
		if (i >= n || s[i] != '.')
			return i;
	}
}

char *
addr_envelope(const char *arg, int null_ok, struct perr *e)
{
	const unsigned char	*u = (const unsigned char *)arg;
	const char		*s, *colon;
	char			 why[128];
	char			*r;
	size_t			 i, n, b, k, len;
	int			 bracketed = 0;

	if (arg == NULL) {
		perr_set(e, 0, "missing address");
		return NULL;
	}
	/* First of all, before any syntax: nothing here may break a line
	   in an SMTP command or a header. */
	for (i = 0; u[i] != '\0'; i++) {
		if (u[i] == '\r')
			return addr_envfail(e, arg, "carriage return (CR) "
			    "not allowed");
		if (u[i] == '\n')
			return addr_envfail(e, arg, "line feed (LF) not "
			    "allowed");
		if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
			return addr_envfail(e, arg, "control character "
			    "\\x%02x not allowed", u[i]);
	}
	len = i;
	for (b = 0; b < len && (arg[b] == ' ' || arg[b] == '\t'); b++)
		;
	while (len > b && (arg[len - 1] == ' ' || arg[len - 1] == '\t'))
		len--;
	s = arg + b;
	n = len - b;
	if (memchr(s, '\t', n) != NULL)
		return addr_envfail(e, arg, "tab not allowed");
	if (n > 0 && s[0] == '<') {
		if (n < 2 || s[n - 1] != '>')
			return addr_envfail(e, arg, "'<' without '>'");
		s++;
		n -= 2;
		bracketed = 1;
	} else if (n > 0 && s[n - 1] == '>')
		return addr_envfail(e, arg, memchr(s, '<', n) != NULL ?
		    "display name not allowed, give the address alone" :
		    "'>' without '<'");
	if (n == 0) {
		if (!null_ok)
			return addr_envfail(e, arg, "empty address");
		if ((r = strdup("")) == NULL)
			perr_set(e, 1, "out of memory");
		return r;
	}
	/* RFC 5321 4.1.2 and appendix C: a source route "<@a,@b:x@y>" is
	   accepted and ignored. */
	if (bracketed && s[0] == '@') {
		if ((colon = memchr(s, ':', n)) == NULL)
			return addr_envfail(e, arg, "malformed source route");
		for (i = 0; s + i < colon; i += k + 1) {
			k = strcspn(s + i, ",:");
			if (s[i] != '@' || addr_check_domain(s + i + 1, k - 1,
			    why, sizeof(why)) == -1)
				return addr_envfail(e, arg,
				    "malformed source route");
		}
		n -= colon + 1 - s;
		s = colon + 1;
		if (n == 0)
			return addr_envfail(e, arg, "empty address");
	}
	if ((i = addr_env_local(s, n, why, sizeof(why))) == 0)
		return addr_envfail(e, arg, "%s", why);
	if (i < n) {
		if (s[i] == ' ')
			return addr_envfail(e, arg,
			    "unquoted space in local part");
		if (s[i] != '@')
			return addr_envfail(e, arg,
			    "invalid character '%c' in local part", s[i]);
		if (addr_check_domain(s + i + 1, n - i - 1, why,
		    sizeof(why)) == -1)
			return addr_envfail(e, arg, "%s", why);
	}
	if (n > ADDR_ENVELOPE_MAX)
		return addr_envfail(e, arg, "longer than %d bytes",
		    ADDR_ENVELOPE_MAX);
	if ((r = malloc(n + 1)) == NULL) {
		perr_set(e, 1, "out of memory");
		return NULL;
	}
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

const char *
addr_domain(const char *addr)
{
	const char	*at = NULL;
	int		 quoted = 0, literal = 0;

	if (addr == NULL)
		return NULL;
	for (; *addr != '\0'; addr++) {
		if (quoted && *addr == '\\') {
			if (addr[1] == '\0')
				break;
			addr++;
		} else if (*addr == '"' && !literal)
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (*addr == '[')
			literal = 1;
		else if (*addr == ']')
			literal = 0;
		else if (*addr == '@' && !literal)
			at = addr;
	}
	return at != NULL ? at + 1 : NULL;
}

int
addr_is_utf8(const char *addr)
{
	for (; addr != NULL && *addr != '\0'; addr++)
		if ((unsigned char)*addr >= 0x80)
			return 1;
	return 0;
}
