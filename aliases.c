/*
 * aliases.c - the aliases file (SPEC 2 newaliases, 3 local recipients,
 * 6 aliases): reading it, checking it, expanding local names.
 *
 * The format is the one sendmail and Postfix read from /etc/aliases:
 *
 *	name: target, target, ...
 *
 * - A line that starts with white space continues the entry above it.  An
 *   empty (or white-space-only) line ends an entry, and so does a comment
 *   line starting with '#' in its first column; an indented comment line is
 *   skipped without ending the entry, so a long list may carry comments
 *   (Postfix's readlline() rule).  A CR before the LF is dropped.
 * - Names match without regard to ASCII case; a quoted name ("j d": ...)
 *   matches without its quotes.  When a name appears twice the first one
 *   is used and the later one reported, as Postfix does.
 * - Targets are separated by commas outside quoted strings and comments:
 *     user@domain    final, unless the caller's is_local() claims it
 *     name           local: looked up again, else final as a local name
 *     \name          local, never looked up again ("root: \root, ...")
 *     :include:/path a file of targets: any number per line, separated by
 *                    commas; blank lines and '#' lines skipped
 *     |command, /file, and the same quoted: ignored with a warning, since
 *                    posthorn runs no command and writes no file for
 *                    anyone (SPEC 6)
 *   Addresses go through addr_envelope(); a display-name form
 *   ("Bob <bob@example.org>") is reduced to its address first.
 *
 * Loading reads every :include: file at once, each once however often it is
 * named, so newaliases reports problems in all of them and expansion works
 * on memory alone.  A file is read only when it is a regular file that not
 * everyone may write: a world-writable file would let any local user
 * redirect root's mail.  A file owned by someone other than root and the
 * caller may not name include files (aliases_trusted()).
 *
 * Expansion rules (aliases_expand):
 * - "user+tag" is looked up as it is, then as "user" (the first '+'),
 *   for the name asked and for every local target met on the way.
 * - Each alias and each include file is expanded at most once per call, so
 *   the work is linear in the size of the file whatever its shape.
 * - A self-reference is not an error.  A local target that names the alias
 *   being expanded (the nearest one enclosing it: "root: root, bob@x", or
 *   "root: :include:/f" with "root" in /f) is a final local address, as
 *   written, as in sendmail.  A target that names an alias further up the
 *   chain (a -> b -> a) is a loop: it also becomes a final local address,
 *   and a warning shows the chain.  Nothing is lost, and nothing repeats.
 * - Results are deduplicated with ASCII case ignored in the whole address
 *   (mailboxes ignore it in practice), first spelling kept, in file order.
 * - More than ALIASES_MAX_ADDRS addresses, or aliases and include files
 *   nested more than ALIASES_MAX_DEPTH deep, fail the whole expansion
 *   (sendmail bounces such an address too): mail to a truncated list would
 *   be a silent loss.
 *
 * Limits: ALIASES_FILE_MAX bytes per file and ALIASES_TOTAL_MAX in all,
 * ALIASES_ENTRY_MAX bytes per entry, ALIASES_MAX_ENTRIES aliases,
 * ALIASES_MAX_TARGETS targets per entry or include file,
 * ALIASES_MAX_INCLUDES include files nested at most ALIASES_INCLUDE_DEPTH
 * deep, ALIASES_MAX_PROBLEMS problems and ALIASES_MAX_WARN warnings kept.
 * File text quoted in a message has its control bytes replaced.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "addr.h"
#include "aliases.h"
#include "log.h"

#define ALIASES_FILE_MAX	(4 * 1024 * 1024)	/* bytes per file */
#define ALIASES_TOTAL_MAX	(16 * 1024 * 1024)	/* with includes */
#define ALIASES_ENTRY_MAX	(256 * 1024)	/* bytes per entry, joined */
#define ALIASES_NAME_MAX	256		/* bytes in a name, unquoted */
#define ALIASES_MAX_ENTRIES	100000
#define ALIASES_MAX_TARGETS	10000		/* per entry or include file */
#define ALIASES_MAX_INCLUDES	100
#define ALIASES_INCLUDE_DEPTH	10		/* :include: within :include: */
#define ALIASES_MAX_PROBLEMS	1000
#define ALIASES_MAX_WARN	100
#define ALIASES_SHOW_MAX	64		/* bytes of file text quoted */
#define ALIASES_MSG_MAX		512
#define ALIASES_NONE		SIZE_MAX	/* no such entry */

enum aliases_kind {
	ALIASES_T_ADDR,		/* an address; looked up again when local */
	ALIASES_T_NOALIAS,	/* "\name": local, never looked up again */
	ALIASES_T_INCLUDE,	/* ":include:/path" */
	ALIASES_T_IGNORED	/* command, file or bad target; text says so */
};

/* Per-call state of an alias or include file during expansion. */
enum aliases_state {
	ALIASES_NEW = 0,
	ALIASES_ACTIVE,		/* on the current chain */
	ALIASES_DONE		/* expanded; its addresses are in the result */
};

struct aliases_target {
	enum aliases_kind	 kind;
	char			*text;	/* the address, or for IGNORED the
					   warning to give when reached */
	size_t			 incl;	/* INCLUDE: index in aliases.incl */
};

struct aliases_list {
	struct aliases_target	*v;
	size_t			 n, cap;
	int			 full;	/* ALIASES_MAX_TARGETS reported */
};

struct aliases_entry {
	char			*name;	/* unquoted, as first written */
	size_t			 line;
	struct aliases_list	 targets;
};

struct aliases_incl {
	char			*path;
	char			*why;	/* NULL, or why it was not read */
	struct aliases_list	 targets;
};

struct aliases {
	char			*path;
	struct aliases_entry	*ent;
	size_t			 nent, capent;
	size_t			*slot;	/* hash of names: entry index + 1,
					   0 = free; nslot a power of two */
	size_t			 nslot;
	struct aliases_incl	*incl;
	size_t			 nincl, capincl;
	char			**prob;
	size_t			 nprob, capprob, dropped;
	size_t			 longest, total;	/* right-hand sides */
	size_t			 nread;		/* bytes read, all files */
	int			 toomany;	/* MAX_ENTRIES reported */
	uid_t			 owner;		/* of the file at path */
};

/* Where the text being split into targets came from, for messages. */
struct aliases_src {
	const char	*path;
	const char	*label;		/* "alias NAME: ", or "" */
	const size_t	*off, *line;	/* bytes from off[k] on are on line
					   line[k], off[0] = 0 */
	size_t		 nmap;
	int		 depth;		/* include nesting of this file */
	int		 trusted;	/* may name include files */
	uid_t		 owner;		/* of the file */
};

/* The entry being read: its first line and its continuations joined. */
struct aliases_cur {
	size_t	 line;			/* 0: none */
	int	 bad;			/* reported; skip to its end */
	char	 name[ALIASES_NAME_MAX + 1];
	char	*rhs;
	size_t	 len, cap;
	size_t	*off, *lines;		/* line map of rhs */
	size_t	 nmap, capmap;
};

struct aliases_step {
	int	incl;			/* 1: an include file, 0: an alias */
	size_t	idx;
};

struct aliases_walk {
	const struct aliases	*a;
	int			(*is_local)(const char *, void *);
	void			*arg;
	unsigned char		*estate, *istate;
	struct aliases_step	 chain[ALIASES_MAX_DEPTH];
	size_t			 depth;
	const char		*name;		/* as asked, shown */
	struct aliases_result	*r;
	size_t			 cap;		/* of r->v */
	size_t			 wdropped;
	struct perr		*e;
};

static int	aliases_targets(struct aliases *, const struct aliases_src *,
		    const char *, size_t, struct aliases_list *, struct perr *);
static int	aliases_expand_list(struct aliases_walk *,
		    const struct aliases_list *);

/* ASCII only: names must not match differently under another locale. */
static unsigned char
aliases_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
aliases_eq(const char *x, size_t xn, const char *y, size_t yn)
{
	size_t	i;

	if (xn != yn)
		return 0;
	for (i = 0; i < xn; i++)
		if (aliases_lower((unsigned char)x[i]) !=
		    aliases_lower((unsigned char)y[i]))
			return 0;
	return 1;
}

static int
aliases_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* s[0..n) for a message: control bytes and non-ASCII as '?', cut short. */
static void
aliases_show(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t		i, k = 0, max = n;
	unsigned char	c;

	if (dstsz == 0)
		return;
	if (max > ALIASES_SHOW_MAX)
		max = ALIASES_SHOW_MAX;
	for (i = 0; i < max && k + 1 < dstsz; i++) {
		c = (unsigned char)s[i];
		dst[k++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (i < n)
		for (i = 0; i < 3 && k + 1 < dstsz; i++)
			dst[k++] = '.';
	dst[k] = '\0';
}

/* vsnprintf that marks a cut message with "..." */
static void
aliases_vfmt(char *buf, size_t bufsz, const char *fmt, va_list ap)
    __attribute__((__format__(printf, 3, 0)));

static void
aliases_vfmt(char *buf, size_t bufsz, const char *fmt, va_list ap)
{
	int	n;

	n = vsnprintf(buf, bufsz, fmt, ap);
	if (n < 0)
		buf[0] = '\0';
	else if ((size_t)n >= bufsz && bufsz > 4)
		memcpy(buf + bufsz - 4, "...", 4);
}

static void
aliases_fmt(char *buf, size_t bufsz, const char *fmt, ...)
    __attribute__((__format__(printf, 3, 4)));

static void
aliases_fmt(char *buf, size_t bufsz, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	aliases_vfmt(buf, bufsz, fmt, ap);
	va_end(ap);
}

static int
aliases_oom(struct perr *e)
{
	return perr_set(e, 1, "aliases: out of memory");
}

/* Keep one more problem; past ALIASES_MAX_PROBLEMS only count them. */
static int
aliases_prob(struct aliases *a, struct perr *e, const char *fmt, ...)
    __attribute__((__format__(printf, 3, 4)));

static int
aliases_prob_add(struct aliases *a, struct perr *e, const char *msg)
{
	char	**v;
	size_t	  ncap;

	if (a->nprob >= ALIASES_MAX_PROBLEMS) {
		a->dropped++;
		return 0;
	}
	if (a->nprob == a->capprob) {
		/* One slot beyond the cap for the "more problems" line. */
		ncap = a->capprob == 0 ? 16 : a->capprob * 2;
		if (ncap > ALIASES_MAX_PROBLEMS + 1)
			ncap = ALIASES_MAX_PROBLEMS + 1;
		if ((v = reallocarray(a->prob, ncap, sizeof(*v))) == NULL)
			return aliases_oom(e);
		a->prob = v;
		a->capprob = ncap;
	}
	if ((a->prob[a->nprob] = strdup(msg)) == NULL)
		return aliases_oom(e);
	a->nprob++;
	return 0;
}

static int
aliases_prob(struct aliases *a, struct perr *e, const char *fmt, ...)
{
	char	buf[ALIASES_MSG_MAX];
	va_list	ap;

	va_start(ap, fmt);
	aliases_vfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return aliases_prob_add(a, e, buf);
}

/* The line of the byte at off in src's text; *k is a forward cursor. */
static size_t
aliases_line_at(const struct aliases_src *src, size_t off, size_t *k)
{
	while (*k + 1 < src->nmap && src->off[*k + 1] <= off)
		(*k)++;
	return src->line[*k];
}

/*
 * The key of a local part as written: a quoted string loses its quotes and
 * backslashes, anything else is taken as it is.  0, or -1 when it does not
 * fit keysz or is a broken quoted string.
 */
static int
aliases_key(const char *s, size_t n, char *key, size_t keysz, size_t *klen)
{
	size_t	i, k = 0;

	if (keysz == 0)
		return -1;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		for (i = 1; i < n - 1; i++) {
			if (s[i] == '\\') {
				if (i + 1 == n - 1)
					return -1;	/* escaped closing quote */
				i++;
			} else if (s[i] == '"')
				return -1;
			if (k + 1 >= keysz)
				return -1;
			key[k++] = s[i];
		}
	} else {
		if (n >= keysz)
			return -1;
		memcpy(key, s, n);
		k = n;
	}
	key[k] = '\0';
	*klen = k;
	return 0;
}

/* The key of the local part of addr (everything before its domain). */
static int
aliases_addr_key(const char *addr, char *key, size_t keysz, size_t *klen)
{
	const char	*dom = addr_domain(addr);
	size_t		 n;

	n = dom != NULL ? (size_t)(dom - 1 - addr) : strlen(addr);
	return aliases_key(addr, n, key, keysz, klen);
}

/*
 * A name on the left of the colon: a quoted string, or bytes that could
 * stand in a dot-atom local part (UTF-8 allowed).  Returns 0 with the key
 * in key, or -1.
 */
static int
aliases_name(const char *s, size_t n, char *key, size_t keysz)
{
	size_t		i, klen;
	unsigned char	c;

	if (n == 0 || aliases_key(s, n, key, keysz, &klen) == -1 || klen == 0)
		return -1;
	for (i = 0; i < klen; i++) {
		c = (unsigned char)key[i];
		if (c < 0x20 || c == 0x7f)
			return -1;
	}
	if (s[0] == '"')
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f || strchr("\"(),:;<>@[\\]", c) !=
		    NULL)
			return -1;
	}
	return 0;
}

static uint64_t
aliases_hash(const char *s, size_t n)
{
	uint64_t	h = 14695981039346656037ULL;	/* FNV-1a */
	size_t		i;

	for (i = 0; i < n; i++) {
		h ^= aliases_lower((unsigned char)s[i]);
		h *= 1099511628211ULL;
	}
	return h;
}

/* The entry named key[0..n), or ALIASES_NONE. */
static size_t
aliases_find(const struct aliases *a, const char *key, size_t n)
{
	size_t			 i, mask;
	const struct aliases_entry *en;

	if (a->nslot == 0)
		return ALIASES_NONE;
	mask = a->nslot - 1;
	for (i = aliases_hash(key, n) & mask; a->slot[i] != 0;
	    i = (i + 1) & mask) {
		en = &a->ent[a->slot[i] - 1];
		if (aliases_eq(en->name, strlen(en->name), key, n))
			return a->slot[i] - 1;
	}
	return ALIASES_NONE;
}

/* SPEC 3: "user+tag" tries "user+tag", then "user". */
static size_t
aliases_lookup(const struct aliases *a, const char *key, size_t n)
{
	const char	*plus;
	size_t		 i;

	if ((i = aliases_find(a, key, n)) != ALIASES_NONE)
		return i;
	if ((plus = memchr(key, '+', n)) != NULL && plus != key)
		return aliases_find(a, key, (size_t)(plus - key));
	return ALIASES_NONE;
}

static void
aliases_slot_put(size_t *slot, size_t nslot, const char *name, size_t idx)
{
	size_t	i, mask = nslot - 1;

	for (i = aliases_hash(name, strlen(name)) & mask; slot[i] != 0;
	    i = (i + 1) & mask)
		;
	slot[i] = idx + 1;
}

/* Index entry idx by name; the table stays under half full. */
static int
aliases_index(struct aliases *a, size_t idx, struct perr *e)
{
	size_t	*slot, nslot, i;

	if (2 * (a->nent + 1) > a->nslot) {
		nslot = a->nslot == 0 ? 64 : a->nslot * 2;
		if ((slot = calloc(nslot, sizeof(*slot))) == NULL)
			return aliases_oom(e);
		for (i = 0; i < a->nent; i++)
			if (i != idx)
				aliases_slot_put(slot, nslot, a->ent[i].name,
				    i);
		free(a->slot);
		a->slot = slot;
		a->nslot = nslot;
	}
	aliases_slot_put(a->slot, a->nslot, a->ent[idx].name, idx);
	return 0;
}

static void
aliases_list_free(struct aliases_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Append a target; text (may be NULL) is l's on success only. */
static int
aliases_list_add(struct aliases_list *l, enum aliases_kind kind, char *text,
    size_t incl, struct perr *e)
{
	struct aliases_target	*v;
	size_t			 ncap;

	if (l->n == l->cap) {
		ncap = l->cap == 0 ? 8 : l->cap * 2;
		if (ncap > ALIASES_MAX_TARGETS)
			ncap = ALIASES_MAX_TARGETS;
		if (ncap <= l->n ||
		    (v = reallocarray(l->v, ncap, sizeof(*v))) == NULL)
			return aliases_oom(e);
		l->v = v;
		l->cap = ncap;
	}
	l->v[l->n].kind = kind;
	l->v[l->n].text = text;
	l->v[l->n].incl = incl;
	l->n++;
	return 0;
}

/*
 * A target that is not used: the message becomes a problem now and a
 * warning whenever an expansion reaches the target.
 */
static int
aliases_ignore(struct aliases *a, struct aliases_list *l, struct perr *e,
    const char *fmt, ...) __attribute__((__format__(printf, 4, 5)));

static int
aliases_ignore(struct aliases *a, struct aliases_list *l, struct perr *e,
    const char *fmt, ...)
{
	char	 buf[ALIASES_MSG_MAX];
	char	*msg;
	va_list	 ap;

	va_start(ap, fmt);
	aliases_vfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (aliases_prob_add(a, e, buf) == -1)
		return -1;
	if ((msg = strdup(buf)) == NULL)
		return aliases_oom(e);
	if (aliases_list_add(l, ALIASES_T_IGNORED, msg, 0, e) == -1) {
		free(msg);
		return -1;
	}
	return 0;
}

/*
 * Read path into *bufp (NUL-terminated, *lenp bytes, which the caller
 * frees) and its owner into *owner.  Returns 0, or -1 with why filled and
 * *errnum set to errno, or to 0 when the file was refused for what it is.
 */
static int
aliases_slurp(struct aliases *a, const char *path, char **bufp, size_t *lenp,
    uid_t *owner, int *errnum, char *why, size_t whysz)
{
	struct stat	 st;
	char		*buf = NULL, *nb;
	size_t		 len = 0, cap = 0, limit, ncap;
	ssize_t		 r;
	int		 fd, saved;

	*bufp = NULL;
	*lenp = 0;
	*errnum = 0;
	/*
	 * O_NONBLOCK: a FIFO planted at the path must not hang us in open();
	 * fstat() turns it away.  Symbolic links are followed: admins link
	 * files in /etc, and the checks are on what was opened.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		*errnum = errno;
		aliases_fmt(why, whysz, "open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		*errnum = errno;
		aliases_fmt(why, whysz, "fstat %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		aliases_fmt(why, whysz, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & S_IWOTH) {
		aliases_fmt(why, whysz, "%s: writable by anyone, not "
		    "trusted; run: chmod o-w %s", path, path);
		goto fail;
	}
	limit = ALIASES_TOTAL_MAX - a->nread;
	if (limit > ALIASES_FILE_MAX)
		limit = ALIASES_FILE_MAX;
	for (;;) {
		if (len == cap) {
			if (cap > limit)
				break;
			ncap = cap == 0 ? 8192 : cap * 2;
			if (ncap > limit + 1)
				ncap = limit + 1;
			if ((nb = realloc(buf, ncap + 1)) == NULL) {
				*errnum = ENOMEM;
				aliases_fmt(why, whysz, "read %s: %s", path,
				    strerror(ENOMEM));
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		if ((r = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			*errnum = errno;
			aliases_fmt(why, whysz, "read %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > limit) {
		if (limit < ALIASES_FILE_MAX)
			aliases_fmt(why, whysz, "%s: the aliases files "
			    "together hold more than %d bytes", path,
			    ALIASES_TOTAL_MAX);
		else
			aliases_fmt(why, whysz, "%s: larger than %d bytes",
			    path, ALIASES_FILE_MAX);
		goto fail;
	}
	close(fd);
	buf[len] = '\0';
	a->nread += len;
	*owner = st.st_uid;
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return -1;
}

/*
 * Whether a file owned by uid may name include files.  sendmail and Postfix
 * read an include file with the rights of its owner; posthorn reads with
 * the caller's, so a file that belongs to someone else (a list owner's
 * member file, included from /etc/aliases and read by root's cron mail)
 * must not make it read a third file, whose lines would show up in
 * problems and warnings.
 */
static int
aliases_trusted(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* The include file at path, or ALIASES_NONE when not loaded yet. */
static size_t
aliases_incl_find(const struct aliases *a, const char *path)
{
	size_t	i;

	for (i = 0; i < a->nincl; i++)
		if (strcmp(a->incl[i].path, path) == 0)
			return i;
	return ALIASES_NONE;
}

/*
 * Load the include file path, named at src:line, as include number
 * a->nincl.  It is registered before its lines are read, so a file that
 * includes itself, directly or not, finds itself loaded; expansion deals
 * with the cycle.  -1 only when memory runs out.
 */
static int
aliases_incl_load(struct aliases *a, const char *path,
    const struct aliases_src *from, size_t line, struct perr *e)
{
	struct aliases_incl	*v;
	struct aliases_list	 tmp;
	struct aliases_src	 src;
	char			 why[ALIASES_MSG_MAX], msg[ALIASES_MSG_MAX];
	char			*buf, *ipath;
	const char		*p, *nl;
	size_t			 idx, ncap, len, pos, n, i, lineno, zero = 0;
	int			 errnum;

	memset(&src, 0, sizeof(src));
	if (a->nincl == a->capincl) {
		ncap = a->capincl == 0 ? 4 : a->capincl * 2;
		if (ncap > ALIASES_MAX_INCLUDES)
			ncap = ALIASES_MAX_INCLUDES;
		if ((v = reallocarray(a->incl, ncap, sizeof(*v))) == NULL)
			return aliases_oom(e);
		a->incl = v;
		a->capincl = ncap;
	}
	if ((ipath = strdup(path)) == NULL)
		return aliases_oom(e);
	idx = a->nincl++;
	memset(&a->incl[idx], 0, sizeof(a->incl[idx]));
	a->incl[idx].path = ipath;

	if (aliases_slurp(a, ipath, &buf, &len, &src.owner, &errnum, why,
	    sizeof(why)) == -1) {
		if (errnum == ENOMEM)
			return aliases_oom(e);
		aliases_fmt(msg, sizeof(msg), "%s:%zu: %sinclude file "
		    "skipped: %s", from->path, line, from->label, why);
		if ((a->incl[idx].why = strdup(msg)) == NULL)
			return aliases_oom(e);
		return aliases_prob_add(a, e, msg);
	}

	memset(&tmp, 0, sizeof(tmp));
	src.path = ipath;
	src.label = "";
	src.off = &zero;
	src.line = &lineno;
	src.nmap = 1;
	src.depth = from->depth + 1;
	src.trusted = aliases_trusted(src.owner);
	for (pos = 0, lineno = 1; pos < len; lineno++) {
		p = buf + pos;
		nl = memchr(p, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - p) : len - pos;
		pos += n + 1;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (i = 0; i < n && aliases_is_space(p[i]); i++)
			;
		if (i == n || p[i] == '#')
			continue;
		if (memchr(p, '\0', n) != NULL) {
			if (aliases_prob(a, e, "%s:%zu: NUL byte; line ignored",
			    ipath, lineno) == -1)
				goto fail;
			continue;
		}
		if (aliases_targets(a, &src, p, n, &tmp, e) == -1)
			goto fail;
	}
	free(buf);
	/* a->incl may have moved while nested files were loaded. */
	a->incl[idx].targets = tmp;
	return 0;
fail:
	free(buf);
	aliases_list_free(&tmp);
	return -1;
}

/* One target, t[0..n) at byte off of src's text, trimmed, n > 0. */
static int
aliases_target(struct aliases *a, const struct aliases_src *src, size_t line,
    const char *t, size_t n, struct aliases_list *l, struct perr *e)
{
	struct addr_list	 al;
	struct perr		 ae, ae2;
	char			 shown[ALIASES_SHOW_MAX + 4];
	char			*s, *addr = NULL, *path;
	const char		*q;
	size_t			 idx, i;
	int			 rc = -1, noalias = 0;

	/* A quoted target is shown as written, any other one in quotes. */
	q = t[0] == '"' ? "" : "\"";
	aliases_show(shown, sizeof(shown), t, n);
	if (t[0] == '|' || (n > 1 && t[0] == '"' && t[1] == '|'))
		return aliases_ignore(a, l, e, "%s:%zu: %s%s%s%s ignored: "
		    "posthorn never runs commands", src->path, line,
		    src->label, q, shown, q);
	if (t[0] == '/' || (n > 1 && t[0] == '"' && t[1] == '/'))
		return aliases_ignore(a, l, e, "%s:%zu: %s%s%s%s ignored: "
		    "posthorn never writes to files", src->path, line,
		    src->label, q, shown, q);
	if ((s = malloc(n + 1)) == NULL)
		return aliases_oom(e);
	memcpy(s, t, n);
	s[n] = '\0';

	if (n >= 9 && strncasecmp(s, ":include:", 9) == 0) {
		path = s + 9;
		while (aliases_is_space(*path))
			path++;
		for (i = 0; path[i] != '\0'; i++)
			if ((unsigned char)path[i] < 0x20 ||
			    (unsigned char)path[i] == 0x7f)
				break;
		if (path[0] != '/' || path[i] != '\0' || i >= PATH_MAX) {
			rc = aliases_ignore(a, l, e, "%s:%zu: %s\"%s\" "
			    "ignored: an include file needs an absolute path",
			    src->path, line, src->label, shown);
			goto out;
		}
		if (!src->trusted) {
			rc = aliases_ignore(a, l, e, "%s:%zu: %s\"%s\" "
			    "ignored: the file belongs to uid %lu, whose "
			    "files may not include others", src->path, line,
			    src->label, shown, (unsigned long)src->owner);
			goto out;
		}
		if ((idx = aliases_incl_find(a, path)) == ALIASES_NONE) {
			if (a->nincl == ALIASES_MAX_INCLUDES) {
				rc = aliases_ignore(a, l, e, "%s:%zu: %s\"%s\" "
				    "ignored: more than %d include files",
				    src->path, line, src->label, shown,
				    ALIASES_MAX_INCLUDES);
				goto out;
			}
			if (src->depth >= ALIASES_INCLUDE_DEPTH) {
				rc = aliases_ignore(a, l, e, "%s:%zu: %s\"%s\" "
				    "ignored: include files nested more than "
				    "%d deep", src->path, line, src->label,
				    shown, ALIASES_INCLUDE_DEPTH);
				goto out;
			}
			idx = a->nincl;
			if (aliases_incl_load(a, path, src, line, e) == -1)
				goto out;
		}
		rc = aliases_list_add(l, ALIASES_T_INCLUDE, NULL, idx, e);
		goto out;
	}

	/* sendmail: a backslash keeps a local name from being aliased. */
	if (s[0] == '\\')
		noalias = 1;
	memset(&ae, 0, sizeof(ae));
	if ((addr = addr_envelope(s + noalias, 0, &ae)) == NULL && !ae.temp &&
	    !noalias) {
		/* "Bob <bob@example.org>", "bob@example.org (Bob)" */
		memset(&al, 0, sizeof(al));
		memset(&ae2, 0, sizeof(ae2));
		if (addr_parse_list(s, &al, &ae2) == 0 && al.n == 1)
			addr = addr_envelope(al.v[0].spec, 0, &ae2);
		addr_list_free(&al);
		if (addr == NULL && ae2.temp)
			ae = ae2;	/* out of memory beats a syntax error */
	}
	if (addr == NULL) {
		if (ae.temp)
			rc = perr_set(e, 1, "%s", ae.msg);
		else
			rc = aliases_ignore(a, l, e, "%s:%zu: %s%s", src->path,
			    line, src->label, ae.msg);
		goto out;
	}
	if (noalias && addr_domain(addr) != NULL) {
		rc = aliases_ignore(a, l, e, "%s:%zu: %s\"%s\" ignored: a "
		    "backslash goes only before a local name", src->path, line,
		    src->label, shown);
		goto out;
	}
	if ((rc = aliases_list_add(l, noalias ? ALIASES_T_NOALIAS :
	    ALIASES_T_ADDR, addr, 0, e)) == 0)
		addr = NULL;
out:
	free(addr);
	free(s);
	return rc;
}

/*
 * Split s[0..n) at commas outside quoted strings and comments, and add
 * each non-empty target to l.
 */
static int
aliases_targets(struct aliases *a, const struct aliases_src *src,
    const char *s, size_t n, struct aliases_list *l, struct perr *e)
{
	size_t	pos = 0, start, end, paren, k = 0, line;
	int	quoted;

	while (pos <= n) {
		start = pos;
		quoted = 0;
		paren = 0;
		for (; pos < n; pos++) {
			if (quoted) {
				if (s[pos] == '\\' && pos + 1 < n)
					pos++;
				else if (s[pos] == '"')
					quoted = 0;
			} else if (s[pos] == '"')
				quoted = 1;
			else if (s[pos] == '(')
				paren++;
			else if (s[pos] == ')' && paren > 0)
				paren--;
			else if (s[pos] == ',' && paren == 0)
				break;
		}
		end = pos++;
		while (start < end && aliases_is_space(s[start]))
			start++;
		while (end > start && aliases_is_space(s[end - 1]))
			end--;
		if (start == end)
			continue;	/* "a,,b" and a trailing comma */
		line = aliases_line_at(src, start, &k);
		if (l->n == ALIASES_MAX_TARGETS) {
			if (!l->full && aliases_prob(a, e, "%s:%zu: %smore "
			    "than %d targets; the rest are ignored", src->path,
			    line, src->label, ALIASES_MAX_TARGETS) == -1)
				return -1;
			l->full = 1;
			return 0;
		}
		if (aliases_target(a, src, line, s + start, end - start, l,
		    e) == -1)
			return -1;
	}
	return 0;
}

/* Append s[0..n), which starts on line, to the entry being read. */
static int
aliases_cur_add(struct aliases *a, struct aliases_cur *c, const char *s,
    size_t n, size_t line, struct perr *e)
{
	size_t	 ncap, *off, *lines;
	char	*rhs;
	char	 shown[ALIASES_SHOW_MAX + 4];

	if (c->len + n > ALIASES_ENTRY_MAX) {
		c->bad = 1;
		aliases_show(shown, sizeof(shown), c->name, strlen(c->name));
		return aliases_prob(a, e, "%s:%zu: alias %s: longer than %d "
		    "bytes; ignored", a->path, c->line, shown,
		    ALIASES_ENTRY_MAX);
	}
	if (c->nmap == c->capmap) {
		/* Each continuation line adds 2 bytes or more to rhs. */
		ncap = c->capmap == 0 ? 8 : c->capmap * 2;
		if ((off = reallocarray(c->off, ncap, sizeof(*off))) == NULL)
			return aliases_oom(e);
		c->off = off;
		if ((lines = reallocarray(c->lines, ncap, sizeof(*lines))) ==
		    NULL)
			return aliases_oom(e);
		c->lines = lines;
		c->capmap = ncap;
	}
	c->off[c->nmap] = c->len;
	c->lines[c->nmap] = line;
	c->nmap++;
	if (c->len + n + 1 > c->cap) {
		ncap = c->cap == 0 ? 256 : c->cap;
		while (ncap < c->len + n + 1)
			ncap *= 2;
		if ((rhs = realloc(c->rhs, ncap)) == NULL)
			return aliases_oom(e);
		c->rhs = rhs;
		c->cap = ncap;
	}
	memcpy(c->rhs + c->len, s, n);
	c->len += n;
	c->rhs[c->len] = '\0';
	return 0;
}

/* The entry being read is complete: check it and keep it. */
static int
aliases_cur_end(struct aliases *a, struct aliases_cur *c, struct perr *e)
{
	struct aliases_entry	*v;
	struct aliases_list	 l;
	struct aliases_src	 src;
	char			 label[ALIASES_SHOW_MAX + 16];
	char			 shown[ALIASES_SHOW_MAX + 4];
	size_t			 b, end, dup, ncap, idx;
	int			 rc = -1;

	if (c->line == 0)
		return 0;
	memset(&l, 0, sizeof(l));
	if (c->bad) {
		rc = 0;
		goto out;
	}
	aliases_show(shown, sizeof(shown), c->name, strlen(c->name));
	for (b = 0; b < c->len && aliases_is_space(c->rhs[b]); b++)
		;
	for (end = c->len; end > b && aliases_is_space(c->rhs[end - 1]);
	    end--)
		;
	if (b == end) {
		rc = aliases_prob(a, e, "%s:%zu: alias %s: no targets; "
		    "ignored", a->path, c->line, shown);
		goto out;
	}
	if ((dup = aliases_find(a, c->name, strlen(c->name))) !=
	    ALIASES_NONE) {
		rc = aliases_prob(a, e, "%s:%zu: duplicate alias %s ignored: "
		    "first defined at line %zu", a->path, c->line, shown,
		    a->ent[dup].line);
		goto out;
	}
	if (a->nent == ALIASES_MAX_ENTRIES) {
		rc = 0;
		if (!a->toomany)
			rc = aliases_prob(a, e, "%s:%zu: more than %d aliases; "
			    "the rest are ignored", a->path, c->line,
			    ALIASES_MAX_ENTRIES);
		a->toomany = 1;
		goto out;
	}
	if (snprintf(label, sizeof(label), "alias %s: ", shown) >=
	    (int)sizeof(label))
		label[0] = '\0';
	memset(&src, 0, sizeof(src));
	src.path = a->path;
	src.label = label;
	src.off = c->off;
	src.line = c->lines;
	src.nmap = c->nmap;
	src.trusted = aliases_trusted(a->owner);
	src.owner = a->owner;
	if (aliases_targets(a, &src, c->rhs, c->len, &l, e) == -1)
		goto out;
	if (a->nent == a->capent) {
		ncap = a->capent == 0 ? 16 : a->capent * 2;
		if (ncap > ALIASES_MAX_ENTRIES)
			ncap = ALIASES_MAX_ENTRIES;
		if ((v = reallocarray(a->ent, ncap, sizeof(*v))) == NULL) {
			aliases_oom(e);
			goto out;
		}
		a->ent = v;
		a->capent = ncap;
	}
	idx = a->nent;
	if ((a->ent[idx].name = strdup(c->name)) == NULL) {
		aliases_oom(e);
		goto out;
	}
	a->ent[idx].line = c->line;
	a->ent[idx].targets = l;
	if (aliases_index(a, idx, e) == -1) {
		free(a->ent[idx].name);
		goto out;
	}
	memset(&l, 0, sizeof(l));
	a->nent++;
	if (end - b > a->longest)
		a->longest = end - b;
	/* as sendmail's readaliases(): the name and its right-hand side */
	a->total += strlen(c->name) + (end - b);
	rc = 0;
out:
	aliases_list_free(&l);
	c->line = 0;
	c->bad = 0;
	c->len = 0;
	c->nmap = 0;
	return rc;
}

/* The first line of an entry, p[0..n), not blank, not a comment. */
static int
aliases_cur_start(struct aliases *a, struct aliases_cur *c, const char *p,
    size_t n, size_t lineno, struct perr *e)
{
	char	shown[ALIASES_SHOW_MAX + 4];
	size_t	colon, end;
	int	quoted = 0;

	c->line = lineno;
	for (colon = 0; colon < n; colon++) {
		if (quoted && p[colon] == '\\' && colon + 1 < n)
			colon++;
		else if (p[colon] == '"')
			quoted = !quoted;
		else if (!quoted && p[colon] == ':')
			break;
	}
	if (colon == n) {
		c->bad = 1;
		aliases_show(shown, sizeof(shown), p, n);
		return aliases_prob(a, e, "%s:%zu: missing ':' after the alias "
		    "name in \"%s\"", a->path, lineno, shown);
	}
	for (end = colon; end > 0 && aliases_is_space(p[end - 1]); end--)
		;
	if (aliases_name(p, end, c->name, sizeof(c->name)) == -1) {
		c->bad = 1;
		aliases_show(shown, sizeof(shown), p, end);
		return aliases_prob(a, e, "%s:%zu: invalid alias name \"%s\"",
		    a->path, lineno, shown);
	}
	return aliases_cur_add(a, c, p + colon + 1, n - colon - 1, lineno, e);
}

static int
aliases_parse(struct aliases *a, const char *buf, size_t len, struct perr *e)
{
	struct aliases_cur	 c;
	const char		*p, *nl;
	size_t			 pos, n, i, lineno;
	int			 rc = -1;

	memset(&c, 0, sizeof(c));
	for (pos = 0, lineno = 1; pos < len; lineno++) {
		p = buf + pos;
		nl = memchr(p, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - p) : len - pos;
		pos += n + 1;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (i = 0; i < n && aliases_is_space(p[i]); i++)
			;
		if (i > 0 && i < n && p[i] == '#')
			continue;		/* the entry goes on */
		if (i == 0 || i == n) {		/* a new entry, or the end */
			if (aliases_cur_end(a, &c, e) == -1)
				goto out;
			if (i == n || p[0] == '#')
				continue;
		}
		if (memchr(p, '\0', n) != NULL) {
			if (aliases_prob(a, e, "%s:%zu: NUL byte; %s ignored",
			    a->path, lineno, c.line != 0 && !c.bad ?
			    "alias" : "line") == -1)
				goto out;
			c.line = c.line != 0 ? c.line : lineno;
			c.bad = 1;
			continue;
		}
		if (i == 0) {
			if (aliases_cur_start(a, &c, p, n, lineno, e) == -1)
				goto out;
		} else if (c.line == 0) {
			/* Report once; the lines that follow go with it. */
			c.line = lineno;
			c.bad = 1;
			if (aliases_prob(a, e, "%s:%zu: continuation line "
			    "without an alias name; ignored", a->path,
			    lineno) == -1)
				goto out;
		} else if (!c.bad &&
		    aliases_cur_add(a, &c, p, n, lineno, e) == -1)
			goto out;
	}
	rc = aliases_cur_end(a, &c, e);
out:
	free(c.rhs);
	free(c.off);
	free(c.lines);
	return rc;
}

struct aliases *
aliases_load(const char *path, int missing_ok, struct perr *e)
{
	struct aliases	*a;
	char		 why[ALIASES_MSG_MAX];
	char		*buf;
	size_t		 len;
	int		 errnum;

	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->path = strdup(path)) == NULL) {
		free(a);
		aliases_oom(e);
		return NULL;
	}
	if (aliases_slurp(a, path, &buf, &len, &a->owner, &errnum, why,
	    sizeof(why)) == -1) {
		if (missing_ok && (errnum == ENOENT || errnum == ENOTDIR))
			return a;
		perr_set(e, errnum == ENOMEM || errnum == EIO ||
		    errnum == EMFILE || errnum == ENFILE, "%s", why);
		if (e != NULL)
			e->errnum = errnum;
		aliases_free(a);
		return NULL;
	}
	if (aliases_parse(a, buf, len, e) == -1) {
		free(buf);
		aliases_free(a);
		return NULL;
	}
	free(buf);
	if (a->dropped > 0) {
		/* aliases_prob_add() kept a slot for this line. */
		aliases_fmt(why, sizeof(why), "%s: %zu more problems not "
		    "shown", a->path, a->dropped);
		if ((a->prob[a->nprob] = strdup(why)) == NULL) {
			aliases_oom(e);
			aliases_free(a);
			return NULL;
		}
		a->nprob++;
	}
	return a;
}

void
aliases_free(struct aliases *a)
{
	size_t	i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nent; i++) {
		free(a->ent[i].name);
		aliases_list_free(&a->ent[i].targets);
	}
	free(a->ent);
	free(a->slot);
	for (i = 0; i < a->nincl; i++) {
		free(a->incl[i].path);
		free(a->incl[i].why);
		aliases_list_free(&a->incl[i].targets);
	}
	free(a->incl);
	for (i = 0; i < a->nprob; i++)
		free(a->prob[i]);
	free(a->prob);
	free(a->path);
	free(a);
}

size_t
aliases_nproblems(const struct aliases *a)
{
	return a != NULL ? a->nprob : 0;
}

const char *
aliases_problem(const struct aliases *a, size_t i)
{
	return a != NULL && i < a->nprob ? a->prob[i] : NULL;
}

int
aliases_summary(const struct aliases *a, char *buf, size_t bufsz)
{
	int	n;

	if (a == NULL || bufsz == 0)
		return -1;
	n = snprintf(buf, bufsz, "%s: %zu aliases, longest %zu bytes, %zu "
	    "bytes total", a->path, a->nent, a->longest, a->total);
	if (n < 0 || (size_t)n >= bufsz)
		return -1;
	return 0;
}

static int
aliases_warn_put(struct aliases_walk *w, const char *msg)
{
	struct aliases_result	*r = w->r;
	char			**v;

	if ((v = reallocarray(r->warn, r->nwarn + 1, sizeof(*v))) == NULL)
		return aliases_oom(w->e);
	r->warn = v;
	if ((r->warn[r->nwarn] = strdup(msg)) == NULL)
		return aliases_oom(w->e);
	r->nwarn++;
	return 0;
}

/* Keep a warning for the caller; past ALIASES_MAX_WARN only count. */
static int
aliases_warn(struct aliases_walk *w, const char *fmt, ...)
    __attribute__((__format__(printf, 2, 3)));

static int
aliases_warn(struct aliases_walk *w, const char *fmt, ...)
{
	char	buf[ALIASES_MSG_MAX];
	va_list	ap;

	if (w->r->nwarn >= ALIASES_MAX_WARN) {
		w->wdropped++;
		return 0;
	}
	va_start(ap, fmt);
	aliases_vfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return aliases_warn_put(w, buf);
}

/* Add a final address unless it is there already. */
static int
aliases_add(struct aliases_walk *w, const char *addr, int local)
{
	struct aliases_result	*r = w->r;
	struct aliases_rcpt	*v;
	size_t			 i, n = strlen(addr), ncap;

	for (i = 0; i < r->n; i++)
		if (aliases_eq(r->v[i].addr, strlen(r->v[i].addr), addr, n))
			return 0;
	if (r->n == ALIASES_MAX_ADDRS)
		return perr_set(w->e, 0, "alias %s: expands to more than %d "
		    "addresses", w->name, ALIASES_MAX_ADDRS);
	if (r->n == w->cap) {
		ncap = w->cap == 0 ? 4 : w->cap * 2;
		if (ncap > ALIASES_MAX_ADDRS)
			ncap = ALIASES_MAX_ADDRS;
		if ((v = reallocarray(r->v, ncap, sizeof(*v))) == NULL)
			return aliases_oom(w->e);
		r->v = v;
		w->cap = ncap;
	}
	if ((r->v[r->n].addr = strdup(addr)) == NULL)
		return aliases_oom(w->e);
	r->v[r->n].local = local;
	r->n++;
	return 0;
}

/* The alias nearest the top of the chain, or ALIASES_NONE. */
static size_t
aliases_parent(const struct aliases_walk *w)
{
	size_t	i;

	for (i = w->depth; i > 0; i--)
		if (!w->chain[i - 1].incl)
			return w->chain[i - 1].idx;
	return ALIASES_NONE;
}

/* Append the name of chain step s to buf; -1 when buf is full. */
static int
aliases_step_name(const struct aliases_walk *w, struct aliases_step s,
    char *buf, size_t bufsz)
{
	char		 shown[ALIASES_SHOW_MAX + 4];
	const char	*t;

	t = s.incl ? w->a->incl[s.idx].path : w->a->ent[s.idx].name;
	aliases_show(shown, sizeof(shown), t, strlen(t));
	if (s.incl && strlcat(buf, ":include:", bufsz) >= bufsz)
		return -1;
	if (strlcat(buf, shown, bufsz) >= bufsz)
		return -1;
	return 0;
}

/* A target named step s, which is on the chain: warn with the loop. */
static int
aliases_loop(struct aliases_walk *w, struct aliases_step s, const char *what)
{
	char	chain[ALIASES_MSG_MAX / 2];
	size_t	i, first = 0, parent;

	for (i = 0; i < w->depth; i++)
		if (w->chain[i].incl == s.incl && w->chain[i].idx == s.idx) {
			first = i;
			break;
		}
	chain[0] = '\0';
	for (i = first; i < w->depth; i++)
		if (aliases_step_name(w, w->chain[i], chain,
		    sizeof(chain)) == -1 ||
		    strlcat(chain, " -> ", sizeof(chain)) >= sizeof(chain))
			break;
	if (i == w->depth)
		(void)aliases_step_name(w, s, chain, sizeof(chain));
	parent = aliases_parent(w);
	return aliases_warn(w, "%s:%zu: %s loop %s; %s", w->a->path,
	    parent != ALIASES_NONE ? w->a->ent[parent].line : 0,
	    s.incl ? "include" : "alias", chain, what);
}

static int
aliases_push(struct aliases_walk *w, int incl, size_t idx)
{
	const struct aliases	*a = w->a;
	char			 shown[ALIASES_SHOW_MAX + 4];
	const char		*t;

	if (w->depth == ALIASES_MAX_DEPTH) {
		t = incl ? a->incl[idx].path : a->ent[idx].name;
		aliases_show(shown, sizeof(shown), t, strlen(t));
		return perr_set(w->e, 0, "alias %s: aliases nested more than "
		    "%d deep at %s%s", w->name, ALIASES_MAX_DEPTH,
		    incl ? ":include:" : "", shown);
	}
	w->chain[w->depth].incl = incl;
	w->chain[w->depth].idx = idx;
	w->depth++;
	return 0;
}

static int
aliases_expand_entry(struct aliases_walk *w, size_t idx)
{
	if (aliases_push(w, 0, idx) == -1)
		return -1;
	w->estate[idx] = ALIASES_ACTIVE;
	if (aliases_expand_list(w, &w->a->ent[idx].targets) == -1)
		return -1;
	w->estate[idx] = ALIASES_DONE;
	w->depth--;
	return 0;
}

static int
aliases_expand_target(struct aliases_walk *w, const struct aliases_target *t)
{
	const struct aliases	*a = w->a;
	struct aliases_step	 s;
	char			 key[ALIASES_NAME_MAX + 1];
	size_t			 klen, idx;

	switch (t->kind) {
	case ALIASES_T_IGNORED:
		return aliases_warn(w, "%s", t->text);
	case ALIASES_T_NOALIAS:
		return aliases_add(w, t->text, 1);
	case ALIASES_T_INCLUDE:
		s.incl = 1;
		s.idx = t->incl;
		if (w->istate[s.idx] == ALIASES_DONE)
			return 0;
		if (a->incl[s.idx].why != NULL) {
			w->istate[s.idx] = ALIASES_DONE;	/* warn once */
			return aliases_warn(w, "%s", a->incl[s.idx].why);
		}
		if (w->istate[s.idx] == ALIASES_ACTIVE)
			return aliases_loop(w, s, "skipped");
		if (aliases_push(w, 1, s.idx) == -1)
			return -1;
		w->istate[s.idx] = ALIASES_ACTIVE;
		if (aliases_expand_list(w, &a->incl[s.idx].targets) == -1)
			return -1;
		w->istate[s.idx] = ALIASES_DONE;
		w->depth--;
		return 0;
	case ALIASES_T_ADDR:
		break;
	}
	if (addr_domain(t->text) != NULL &&
	    (w->is_local == NULL || w->is_local(t->text, w->arg) != 1))
		return aliases_add(w, t->text, 0);
	if (aliases_addr_key(t->text, key, sizeof(key), &klen) == -1 ||
	    (idx = aliases_lookup(a, key, klen)) == ALIASES_NONE)
		return aliases_add(w, t->text, 1);
	switch (w->estate[idx]) {
	case ALIASES_DONE:
		return 0;	/* its addresses are in already */
	case ALIASES_ACTIVE:
		if (idx != aliases_parent(w)) {
			s.incl = 0;
			s.idx = idx;
			if (aliases_loop(w, s, "kept as a local address") ==
			    -1)
				return -1;
		}
		return aliases_add(w, t->text, 1);
	default:
		return aliases_expand_entry(w, idx);
	}
}

static int
aliases_expand_list(struct aliases_walk *w, const struct aliases_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (aliases_expand_target(w, &l->v[i]) == -1)
			return -1;
	return 0;
}

int
aliases_expand(const struct aliases *a, const char *name,
    int (*is_local)(const char *, void *), void *arg,
    struct aliases_result *r, struct perr *e)
{
	struct aliases_walk	 w;
	char			 key[ALIASES_NAME_MAX + 1];
	char			 shown[ALIASES_SHOW_MAX + 4];
	char			 msg[ALIASES_MSG_MAX];
	size_t			 klen, idx, i;
	int			 rc = -1;

	memset(r, 0, sizeof(*r));
	if (a == NULL || a->nent == 0 || name == NULL ||
	    aliases_addr_key(name, key, sizeof(key), &klen) == -1 ||
	    (idx = aliases_lookup(a, key, klen)) == ALIASES_NONE)
		return 0;
	r->found = 1;
	memset(&w, 0, sizeof(w));
	w.a = a;
	w.is_local = is_local;
	w.arg = arg;
	w.r = r;
	w.e = e;
	aliases_show(shown, sizeof(shown), name, strlen(name));
	w.name = shown;
	/* One more byte each: calloc(0, ...) may return NULL. */
	if ((w.estate = calloc(a->nent + 1, 1)) == NULL ||
	    (w.istate = calloc(a->nincl + 1, 1)) == NULL) {
		aliases_oom(e);
		goto out;
	}
	if (aliases_expand_entry(&w, idx) == -1)
		goto out;
	if (w.wdropped > 0) {
		aliases_fmt(msg, sizeof(msg), "alias %s: %zu more warnings "
		    "not shown", shown, w.wdropped);
		if (aliases_warn_put(&w, msg) == -1)
			goto out;
	}
	rc = 0;
out:
	if (rc == -1) {
		/* No partial list: mail to part of an alias is a loss. */
		for (i = 0; i < r->n; i++)
			free(r->v[i].addr);
		free(r->v);
		r->v = NULL;
		r->n = 0;
	}
	free(w.estate);
	free(w.istate);
	return rc;
}

void
aliases_result_free(struct aliases_result *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		free(r->v[i].addr);
	free(r->v);
	for (i = 0; i < r->nwarn; i++)
		free(r->warn[i]);
	free(r->warn);
	memset(r, 0, sizeof(*r));
}
