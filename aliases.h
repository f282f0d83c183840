/* aliases.h - the aliases file: reading, checking (newaliases), expansion */
#ifndef POSTHORN_ALIASES_H
#define POSTHORN_ALIASES_H

#include <stddef.h>

struct perr;
struct aliases;			/* one parsed file and its :include: files */

#define ALIASES_MAX_ADDRS	1000	/* addresses one name may expand to */
#define ALIASES_MAX_DEPTH	20	/* aliases and :include: files nested */

/* One address a name expands to. */
struct aliases_rcpt {
	char	*addr;		/* as written in the file, checked by
				   addr_envelope(): "bob@example.org", "bob" */
	int	 local;		/* 1: a local name no alias resolves further
				   (a bare name that is no alias, "\name", a
				   self-reference, or an address is_local()
				   claimed); the caller qualifies it or sends
				   it to admin_address */
};

struct aliases_result {
	int			 found;	/* 1: the name, or "user" of
					   "user+tag", is an alias */
	struct aliases_rcpt	*v;	/* deduplicated, in file order */
	size_t			 n;	/* may be 0 with found = 1: every
					   target was ignored; treat the
					   name as unresolved */
	char			**warn;	/* messages for the caller to log:
					   ignored targets, loops */
	size_t			 nwarn;
};

/*
 * Read path and every :include: file it names.  A missing file (ENOENT,
 * ENOTDIR) gives an empty set when missing_ok.  A file that cannot be read,
 * is not a regular file, is writable by anyone or is too large is an error:
 * NULL with e filled (e->errnum keeps errno; e->temp = 1 only for out of
 * memory, EIO and descriptor exhaustion).  Problems with single lines do
 * not fail the load; they are kept as "FILE:LINE: message" strings.
 * Free with aliases_free() (NULL is fine).
 */
struct aliases	*aliases_load(const char *path, int missing_ok,
		    struct perr *e);
void		 aliases_free(struct aliases *a);

/* The problems found while loading, in file order; owned by a. */
size_t		 aliases_nproblems(const struct aliases *a);
const char	*aliases_problem(const struct aliases *a, size_t i);

/*
 * sendmail's newaliases line "FILE: N aliases, longest L bytes, T bytes
 * total" into buf.  N counts the aliases in use (first of duplicates,
 * broken entries left out); L and T are the bytes of their right-hand
 * sides: what follows the colon, continuation lines joined without their
 * line breaks, white space trimmed at both ends.  -1 if buf is too small.
 */
int		 aliases_summary(const struct aliases *a, char *buf,
		    size_t bufsz);

/*
 * Expand name, a local part ("root", "bob+tag", "\"j d\"") or an address
 * the caller has found local (its domain is ignored), into *r, which is
 * overwritten; free it with aliases_result_free() whatever the return.
 * "user+tag" falls back to "user".  Targets with a domain are final unless
 * is_local (may be NULL) returns non-zero for them, which makes their local
 * part a name to look up; a NULL a means no aliases.  A target naming an
 * alias being expanded ("root: root", or a loop a -> b -> a, which also
 * warns) is kept as a local address, as sendmail does.
 * Returns 0 (r->found = 0 when name is no alias), or -1 with e filled when
 * the expansion exceeds ALIASES_MAX_ADDRS or ALIASES_MAX_DEPTH
 * (e->temp = 0) or memory runs out (e->temp = 1).
 */
int		 aliases_expand(const struct aliases *a, const char *name,
		    int (*is_local)(const char *addr, void *arg), void *arg,
		    struct aliases_result *r, struct perr *e);
void		 aliases_result_free(struct aliases_result *r);

#endif
