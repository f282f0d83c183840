/*
 * t_aliases.c - aliases.c: the file format, :include:, expansion rules
 * (nesting, loops, self-references, +tag, dedupe), ignored targets, caps
 * and the newaliases summary.
 *
 * Every case writes real files into one temporary directory; "@D@" in a
 * text stands for that directory, so include paths are known in advance.
 * xp() renders an expansion as "a@x, bob!" ('!' marks a local result),
 * "NOTFOUND" or "ERR: message", and keeps the warnings in last.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aliases.h"
#include "log.h"
#include "tap.h"

static char			dir[] = "/tmp/t_aliases.XXXXXX";
static char			made[256][128];
static size_t			nmade;
static struct aliases_result	last;
static char			out[65536];

/* dir/name, in a static buffer that the call after next reuses. */
static const char *
path_of(const char *name)
{
	static char	buf[2][256];
	static int	k;

	k = !k;
	if (snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name) >=
	    (int)sizeof(buf[k]))
		exit(2);
	return buf[k];
}

/* Write len bytes of text, "@D@" replaced by dir, to dir/name. */
static const char *
put_len(const char *name, const char *text, size_t len, mode_t mode)
{
	const char	*p, *end = text + len, *path;
	FILE		*fp;
	int		 fd;

	path = path_of(name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	while ((p = memmem(text, (size_t)(end - text), "@D@", 3)) != NULL) {
		fwrite(text, 1, (size_t)(p - text), fp);
		fputs(dir, fp);
		text = p + 3;
	}
	fwrite(text, 1, (size_t)(end - text), fp);
	if (fchmod(fd, mode) == -1 || fclose(fp) == EOF) {
		perror(path);
		exit(2);
	}
	if (nmade < sizeof(made) / sizeof(made[0]) &&
	    strlcpy(made[nmade], path, sizeof(made[0])) < sizeof(made[0]))
		nmade++;
	return path;
}

static const char *
put(const char *name, const char *text)
{
	return put_len(name, text, strlen(text), 0644);
}

/* Load text as dir/aliases; bails out of the run on failure. */
static struct aliases *
load_len(const char *text, size_t len)
{
	struct aliases	*a;
	struct perr	 e;

	memset(&e, 0, sizeof(e));
	if ((a = aliases_load(put_len("aliases", text, len, 0644), 0, &e)) ==
	    NULL) {
		printf("Bail out! load: %s\n", e.msg);
		exit(2);
	}
	return a;
}

static struct aliases *
load(const char *text)
{
	return load_len(text, strlen(text));
}

static int
localhost(const char *addr, void *arg)
{
	const char	*at = strrchr(addr, '@');

	(*(int *)arg)++;
	return at != NULL && strcmp(at + 1, "localhost") == 0;
}

static const char *
xp_with(const struct aliases *a, const char *name,
    int (*is_local)(const char *, void *), void *arg)
{
	struct perr	e;
	size_t		i;
	int		rc;

	aliases_result_free(&last);
	memset(&e, 0, sizeof(e));
	rc = aliases_expand(a, name, is_local, arg, &last, &e);
	if (rc == -1) {
		(void)snprintf(out, sizeof(out), "ERR: %s%s", e.msg,
		    last.n != 0 || last.v != NULL ? " (but results!)" : "");
		return out;
	}
	if (!last.found) {
		(void)snprintf(out, sizeof(out), "NOTFOUND%s",
		    last.n != 0 ? " (but results!)" : "");
		return out;
	}
	out[0] = '\0';
	for (i = 0; i < last.n; i++) {
		if (i > 0)
			(void)strlcat(out, ", ", sizeof(out));
		(void)strlcat(out, last.v[i].addr, sizeof(out));
		if (last.v[i].local)
			(void)strlcat(out, "!", sizeof(out));
	}
	return out;
}

static const char *
xp(const struct aliases *a, const char *name)
{
	return xp_with(a, name, NULL, NULL);
}

/* 1 when some warning of the last expansion contains s. */
static int
warned(const char *s)
{
	size_t	i;

	for (i = 0; i < last.nwarn; i++)
		if (strstr(last.warn[i], s) != NULL)
			return 1;
	return 0;
}

/* 1 when problem i is exactly "dir/file:" + want. */
static int
problem_in(const struct aliases *a, size_t i, const char *file,
    const char *want)
{
	char		 full[1024];
	const char	*p = aliases_problem(a, i);

	(void)snprintf(full, sizeof(full), "%s:%s", path_of(file), want);
	if (p == NULL || strcmp(p, full) != 0) {
		printf("#   got  [%s]\n#   want [%s]\n", p ? p : "(null)",
		    full);
		return 0;
	}
	return 1;
}

static int
problem_is(const struct aliases *a, size_t i, const char *want)
{
	return problem_in(a, i, "aliases", want);
}

static void
show_problems(const struct aliases *a)
{
	size_t	i;

	for (i = 0; i < aliases_nproblems(a); i++)
		printf("#   problem: %s\n", aliases_problem(a, i));
}

static void
t_format(void)
{
	struct aliases	*a;

	a = load("# the usual file\n"
	    "root: bob@example.org\n"
	    "\n"
	    "staff: a@example.org,\n"
	    "  b@example.org,\n"
	    "\tc@example.org\n"
	    "list: x@example.org\n"
	    "   # an indented comment keeps the entry open\n"
	    "  , y@example.org\n"
	    "spaces  :   s@example.org  ,t@example.org,  \n"
	    "crlf: c1@example.org,\r\n"
	    "  c2@example.org\r\n"
	    "commas: ,,a@example.org,,b@example.org,\n"
	    "Upper: u@example.org\n"
	    "\"john doe\": jd@example.org\n"
	    "named: Bob <bob@example.net>, carol@example.net (Carol, C.)\n"
	    "angle: <ang@example.net>\n"
	    "last: z@example.org");
	CHECK(aliases_nproblems(a) == 0, "well-formed file: no problems");
	if (aliases_nproblems(a) != 0)
		show_problems(a);
	CHECK_STR(xp(a, "root"), "bob@example.org", "plain alias");
	CHECK(last.nwarn == 0, "plain alias: no warnings");
	CHECK_STR(xp(a, "staff"), "a@example.org, b@example.org, "
	    "c@example.org", "continuation lines");
	CHECK_STR(xp(a, "list"), "x@example.org, y@example.org",
	    "indented comment inside an entry");
	CHECK_STR(xp(a, "spaces"), "s@example.org, t@example.org",
	    "white space around names and targets");
	CHECK_STR(xp(a, "crlf"), "c1@example.org, c2@example.org",
	    "CRLF line ends");
	CHECK_STR(xp(a, "commas"), "a@example.org, b@example.org",
	    "empty list members skipped");
	CHECK_STR(xp(a, "upper"), "u@example.org", "name case ignored (1)");
	CHECK_STR(xp(a, "UPPER"), "u@example.org", "name case ignored (2)");
	CHECK_STR(xp(a, "ROOT"), "bob@example.org", "name case ignored (3)");
	CHECK_STR(xp(a, "\"john doe\""), "jd@example.org", "quoted name");
	CHECK_STR(xp(a, "\"John Doe\"@localhost"), "jd@example.org",
	    "quoted name, with a domain, case ignored");
	CHECK_STR(xp(a, "named"), "bob@example.net, carol@example.net",
	    "display name and comment reduced to the address");
	CHECK_STR(xp(a, "angle"), "ang@example.net", "angle brackets");
	CHECK_STR(xp(a, "last"), "z@example.org", "no final newline");
	CHECK_STR(xp(a, "root@localhost"), "bob@example.org",
	    "the domain of the name is the caller's business");
	CHECK_STR(xp(a, "nobody"), "NOTFOUND", "unknown name");
	CHECK_STR(xp(a, ""), "NOTFOUND", "empty name");
	CHECK_STR(xp(NULL, "root"), "NOTFOUND", "no aliases at all");
	aliases_free(a);

	a = load("list: a@example.org\n"
	    "# a comment in the first column ends the entry\n"
	    "  b@example.org\n"
	    "other: o@example.org\n"
	    "\n"
	    "  c@example.org\n"
	    "  d@example.org\n");
	CHECK_STR(xp(a, "list"), "a@example.org", "comment ends an entry");
	CHECK_STR(xp(a, "other"), "o@example.org", "blank line ends an entry");
	CHECK(aliases_nproblems(a) == 2, "two orphan continuations");
	CHECK(problem_is(a, 0, "3: continuation line without an alias name; "
	    "ignored"), "orphan after a comment");
	CHECK(problem_is(a, 1, "6: continuation line without an alias name; "
	    "ignored"), "orphan after a blank line, reported once");
	aliases_free(a);

	a = load("");
	CHECK(aliases_nproblems(a) == 0, "empty file");
	CHECK_STR(xp(a, "root"), "NOTFOUND", "empty file: no aliases");
	aliases_free(a);
}

static void
t_problems(void)
{
	static const char nul[] = "good: g@example.org\n"
	    "nul: a@x\0b\n"
	    "  c@example.org\n"
	    "cont: c1@example.org,\n"
	    "  x\0y\n"
	    "  \0\n"
	    "ok: o@example.org\n";
	struct aliases	*a;
	size_t		 n = 0;

	a = load("no colon here\n"
	    "  continued@example.org\n"
	    "bad name: x@example.org\n"
	    "a@b: x@example.org\n"
	    "empty:\n"
	    "empty2:   \n"
	    "  \n"
	    "dup: first@example.org\n"
	    "DUP: second@example.org\n"
	    "mixed: ok@example.org, not an address, <a@b\n"
	    "cont: c1@example.org,\n"
	    "  |/bin/cat\n"
	    "\"unterminated: x@example.org\n"
	    "q\"x\": y@example.org\n"
	    ": nameless@example.org\n"
	    "bs: \\root@example.org, \\, \\\"x y\"\n"
	    "inc: :include:relative/path, :include:\n"
	    "ctl: a\x01@example.org\n");
	CHECK(problem_is(a, n++, "1: missing ':' after the alias name in "
	    "\"no colon here\""), "missing colon");
	CHECK(problem_is(a, n++, "3: invalid alias name \"bad name\""),
	    "space in a name");
	CHECK(problem_is(a, n++, "4: invalid alias name \"a@b\""),
	    "address as a name");
	CHECK(problem_is(a, n++, "5: alias empty: no targets; ignored"),
	    "no targets");
	CHECK(problem_is(a, n++, "6: alias empty2: no targets; ignored"),
	    "only blanks");
	CHECK(problem_is(a, n++, "9: duplicate alias DUP ignored: first "
	    "defined at line 8"), "duplicate: the later one is reported");
	CHECK(problem_is(a, n++, "10: alias mixed: invalid address \"not an "
	    "address\": unquoted space in local part"), "bad target (1)");
	CHECK(problem_is(a, n++, "10: alias mixed: invalid address \"<a@b\": "
	    "'<' without '>'"), "bad target (2)");
	CHECK(problem_is(a, n++, "12: alias cont: \"|/bin/cat\" ignored: "
	    "posthorn never runs commands"),
	    "line number of a continuation line");
	CHECK(problem_is(a, n++, "13: missing ':' after the alias name in "
	    "\"\"unterminated: x@example.org\""), "unterminated quote");
	CHECK(problem_is(a, n++, "14: invalid alias name \"q\"x\"\""),
	    "quote inside a name");
	CHECK(problem_is(a, n++, "15: invalid alias name \"\""),
	    "empty name");
	CHECK(problem_is(a, n++, "16: alias bs: \"\\root@example.org\" "
	    "ignored: a backslash goes only before a local name"),
	    "backslash before an address");
	CHECK(problem_is(a, n++, "16: alias bs: invalid address \"\": empty "
	    "address"), "backslash alone");
	CHECK(problem_is(a, n++, "17: alias inc: \":include:relative/path\" "
	    "ignored: an include file needs an absolute path"),
	    "relative include");
	CHECK(problem_is(a, n++, "17: alias inc: \":include:\" ignored: an "
	    "include file needs an absolute path"), "include without path");
	CHECK(problem_is(a, n++, "18: alias ctl: invalid address "
	    "\"a\\x01@example.org\": control character \\x01 not allowed"),
	    "control byte in a target");
	CHECK(aliases_nproblems(a) == n, "no other problems (%zu)",
	    aliases_nproblems(a));
	if (aliases_nproblems(a) != n)
		show_problems(a);
	CHECK_STR(xp(a, "dup"), "first@example.org", "first duplicate wins");
	CHECK_STR(xp(a, "mixed"), "ok@example.org", "bad targets skipped");
	CHECK(last.nwarn == 2 && warned("\"not an address\"") &&
	    warned("\"<a@b\""), "bad targets reported when reached");
	CHECK_STR(xp(a, "bs"), "\"x y\"!", "backslash before a quoted name");
	CHECK_STR(xp(a, "empty"), "NOTFOUND", "an empty alias is no alias");
	CHECK_STR(xp(a, "no"), "NOTFOUND", "a line without colon is no alias");
	aliases_free(a);

	n = 0;
	a = load_len(nul, sizeof(nul) - 1);
	CHECK(problem_is(a, n++, "2: NUL byte; line ignored"),
	    "NUL in a first line");
	CHECK(problem_is(a, n++, "5: NUL byte; alias ignored"),
	    "NUL in a continuation");
	CHECK(problem_is(a, n++, "6: NUL byte; line ignored"),
	    "NUL in a line of an entry already dropped");
	CHECK(aliases_nproblems(a) == n, "NUL: one problem per line");
	CHECK_STR(xp(a, "good"), "g@example.org", "before NUL lines");
	CHECK_STR(xp(a, "nul"), "NOTFOUND", "NUL line dropped");
	CHECK_STR(xp(a, "cont"), "NOTFOUND", "NUL continuation drops entry");
	CHECK_STR(xp(a, "ok"), "o@example.org", "after NUL lines");
	aliases_free(a);
}

static void
t_expand(void)
{
	struct aliases	*a;
	int		 calls = 0;

	a = load("postmaster: root\n"
	    "root: admin, ops\n"
	    "admin: alice@example.org\n"
	    "ops: bob, alice@example.org, ALICE@EXAMPLE.ORG, admin\n"
	    "self: self, s@example.org\n"
	    "keep: \\keep, k@example.org\n"
	    "kept: \\root, \\Root\n"
	    "a: b, a@example.org\n"
	    "b: c, b@example.org\n"
	    "c: a, c@example.org\n"
	    "ring1: ring2\n"
	    "ring2: ring1\n"
	    "diamond: d1, d2\n"
	    "d1: d3\n"
	    "d2: d3\n"
	    "d3: d3@example.org\n"
	    "bob: bob@example.org\n"
	    "bob+spam: /dev/null\n"
	    "carol: dave\n"
	    "dave: dave@example.org\n"
	    "tags: bob+x, carol+y, erin+z\n"
	    "u: u+x\n"
	    "local: admin@localhost, far@localhost, x@example.org\n"
	    "far: far@example.com\n"
	    "onlypipes: |/bin/true, /tmp/file\n"
	    "plus: +x\n");
	CHECK(aliases_nproblems(a) == 3, "expansion file: 3 problems");
	if (aliases_nproblems(a) != 3)
		show_problems(a);

	CHECK_STR(xp(a, "postmaster"), "alice@example.org, bob@example.org",
	    "nested aliases, deduplicated without case");
	CHECK(last.nwarn == 0, "nested: no warnings");
	CHECK_STR(xp(a, "ops"), "bob@example.org, alice@example.org",
	    "dedupe keeps the first spelling");

	CHECK_STR(xp(a, "self"), "self!, s@example.org",
	    "self-reference is a local address");
	CHECK(last.nwarn == 0, "self-reference: no warning");
	CHECK_STR(xp(a, "keep"), "keep!, k@example.org", "\\name");
	CHECK_STR(xp(a, "kept"), "root!", "\\name is never looked up");

	CHECK_STR(xp(a, "a"), "a!, c@example.org, b@example.org, "
	    "a@example.org", "loop a -> b -> c -> a");
	CHECK(last.nwarn == 1 && warned(":10: alias loop a -> b -> c -> a; "
	    "kept as a local address"), "loop: one warning with the chain");
	CHECK_STR(xp(a, "b"), "b!, a@example.org, c@example.org, "
	    "b@example.org", "loop entered elsewhere");
	CHECK_STR(xp(a, "ring1"), "ring1!", "two-alias ring");
	CHECK(warned("alias loop ring1 -> ring2 -> ring1"), "ring warning");
	CHECK_STR(xp(a, "diamond"), "d3@example.org",
	    "an alias reached twice is expanded once");
	CHECK(last.nwarn == 0, "diamond: no loop warning");

	CHECK_STR(xp(a, "bob+foo"), "bob@example.org", "+tag falls back");
	CHECK(last.found, "+tag fallback counts as found");
	CHECK_STR(xp(a, "BOB+Foo"), "bob@example.org",
	    "+tag fallback without case");
	CHECK_STR(xp(a, "bob+spam"), "", "exact user+tag wins");
	CHECK(last.found && last.nwarn == 1 &&
	    warned("\"/dev/null\" ignored: posthorn never writes to files"),
	    "user+tag: ignored file target");
	CHECK_STR(xp(a, "carol+x+y"), "dave@example.org",
	    "fallback at the first '+', then expanded further");
	CHECK_STR(xp(a, "erin+x"), "NOTFOUND", "no user either");
	CHECK_STR(xp(a, "+x"), "NOTFOUND", "no fallback to an empty user");
	CHECK_STR(xp(a, "tags"), "bob@example.org, dave@example.org, "
	    "erin+z!", "+tag fallback in targets");
	CHECK_STR(xp(a, "u"), "u+x!",
	    "u: u+x falls back to u: a self-reference");
	CHECK(last.nwarn == 0, "u+x: no warning");
	CHECK_STR(xp(a, "plus"), "+x!", "target +x is a local name");

	CHECK_STR(xp(a, "local"), "admin@localhost, far@localhost, "
	    "x@example.org", "without is_local, domains are final");
	CHECK_STR(xp_with(a, "local", localhost, &calls), "alice@example.org, "
	    "far@example.com, x@example.org", "is_local makes them local");
	CHECK(calls == 5, "is_local asked for each address with a domain "
	    "(%d)", calls);
	calls = 0;
	CHECK_STR(xp_with(a, "ops", localhost, &calls), "bob@example.org, "
	    "alice@example.org", "is_local: ops");
	CHECK(calls == 4, "is_local: not asked about bare names (%d)", calls);

	CHECK_STR(xp(a, "onlypipes"), "", "only ignored targets: nothing");
	CHECK(last.found && last.n == 0 && last.nwarn == 2,
	    "only ignored targets: found, no address, two warnings");
	aliases_free(a);
}

static void
t_ignored(void)
{
	struct aliases	*a;
	size_t		 n = 0;

	a = load("root: |/usr/bin/procmail, \"|/usr/bin/x -a, -b\",\n"
	    "  /var/mail/root, \"/tmp/a file\", r@example.org,\n"
	    "  | sh -c 'rm -rf /'\n");
	CHECK(problem_is(a, n++, "1: alias root: \"|/usr/bin/procmail\" "
	    "ignored: posthorn never runs commands"), "pipe");
	CHECK(problem_is(a, n++, "1: alias root: \"|/usr/bin/x -a, -b\" "
	    "ignored: posthorn never runs commands"), "quoted pipe, comma");
	CHECK(problem_is(a, n++, "2: alias root: \"/var/mail/root\" ignored: "
	    "posthorn never writes to files"), "file");
	CHECK(problem_is(a, n++, "2: alias root: \"/tmp/a file\" ignored: "
	    "posthorn never writes to files"), "quoted file");
	CHECK(problem_is(a, n++, "3: alias root: \"| sh -c 'rm -rf /'\" "
	    "ignored: posthorn never runs commands"), "pipe with a blank");
	CHECK(aliases_nproblems(a) == n, "five ignored targets");
	CHECK_STR(xp(a, "root"), "r@example.org", "only the address remains");
	CHECK(last.nwarn == 5, "a warning per ignored target (%zu)",
	    last.nwarn);
	CHECK(warned("\"|/usr/bin/procmail\" ignored"), "warning names it");
	aliases_free(a);
}

static void
t_include(void)
{
	struct aliases	*a;
	char		 name[32], text[256];
	int		 i;

	put("inc1", "# members\n"
	    "a@example.org, b@example.org\n"
	    "\n"
	    "   # indented comment\n"
	    "  c@example.org ,\n"
	    "nested, |/bin/sh\n"
	    ":include:@D@/inc2\n");
	put("inc2", "d@example.org\n:include:@D@/inc1\n");
	put("self", "s@example.org, :include:@D@/self\n");
	put("toroot", "root, x@example.org\n");
	put("back", "b1\n");
	put_len("writable", "w@example.org\n", 14, 0666);
	for (i = 0; i < 12; i++) {
		(void)snprintf(name, sizeof(name), "deep%d", i);
		(void)snprintf(text, sizeof(text), "deep%d@example.org, "
		    ":include:@D@/deep%d\n", i, i + 1);
		put(name, text);
	}
	a = load("list: :include:@D@/inc1, z@example.org\n"
	    "nested: n@example.org\n"
	    "again: :INCLUDE: @D@/inc1\n"
	    "missing: :include:@D@/nonexistent, m@example.org\n"
	    "dir: :include:@D@\n"
	    "self: :include:@D@/self\n"
	    "root: :include:@D@/toroot\n"
	    "b1: :include:@D@/back, b1@example.org\n"
	    "writable: :include:@D@/writable\n"
	    "deep: :include:@D@/deep0\n");
	CHECK(aliases_nproblems(a) == 5, "include problems: 5 (%zu)",
	    aliases_nproblems(a));
	if (aliases_nproblems(a) != 5)
		show_problems(a);
	CHECK(problem_in(a, 0, "inc1", "6: \"|/bin/sh\" ignored: posthorn "
	    "never runs commands"), "problems in include files name them");
	CHECK_STR(xp(a, "list"), "a@example.org, b@example.org, "
	    "c@example.org, n@example.org, d@example.org, z@example.org",
	    "include, with names expanded and a nested include");
	CHECK(last.nwarn == 2 && warned("inc1:6: \"|/bin/sh\" ignored") &&
	    warned("include loop :include:"), "include: pipe and loop warned");
	CHECK_STR(xp(a, "again"), "a@example.org, b@example.org, "
	    "c@example.org, n@example.org, d@example.org",
	    "the same file named again, :INCLUDE: in upper case");
	CHECK_STR(xp(a, "missing"), "m@example.org", "missing include");
	CHECK(last.nwarn == 1 && warned(":4: alias missing: include file "
	    "skipped: open ") && warned("No such file or directory"),
	    "missing include warned");
	CHECK_STR(xp(a, "dir"), "", "a directory is not included");
	CHECK(warned("not a regular file"), "directory warned");
	CHECK_STR(xp(a, "self"), "s@example.org", "self-including file");
	CHECK(last.nwarn == 1 && warned("include loop :include:"),
	    "self-including file warned");
	CHECK_STR(xp(a, "root"), "root!, x@example.org",
	    "self-reference through an include");
	CHECK(last.nwarn == 0, "self-reference through include: no warning");
	CHECK_STR(xp(a, "b1"), "b1!, b1@example.org",
	    "self-reference in a file included by the alias");
	CHECK_STR(xp(a, "writable"), "", "world-writable include refused");
	CHECK(warned("writable by anyone"), "world-writable include warned");
	CHECK(strstr(xp(a, "deep"), "deep9@example.org") != NULL &&
	    strstr(out, "deep10@") == NULL, "include nesting capped at 10");
	CHECK(warned("deep9:1: \":include:") &&
	    warned("include files nested more than 10 deep"),
	    "include nesting cap warned");
	aliases_free(a);
}

/* Files of other users may not name include files. */
static void
t_foreign(void)
{
	struct aliases	*a;
	struct perr	 e;
	const char	*path;

	if (geteuid() != 0) {
		CHECK(1, "# SKIP foreign include files need root for chown");
		return;
	}
	put("mine", "m@example.org\n");
	path = put("foreign", "f@example.org, :include:@D@/mine\n");
	if (chown(path, 65534, 65534) == -1)
		exit(2);
	a = load("list: :include:@D@/foreign, :include:@D@/mine\n");
	CHECK_STR(xp(a, "list"), "f@example.org, m@example.org",
	    "a foreign include file is read, its includes are not");
	CHECK(last.nwarn == 1 && warned("foreign:1: \":include:") &&
	    warned("ignored: the file belongs to uid 65534, whose files may "
	    "not include others"), "foreign include warned");
	aliases_free(a);

	path = put("aliases", "list: :include:@D@/mine, l@example.org\n");
	if (chown(path, 65534, 65534) == -1)
		exit(2);
	memset(&e, 0, sizeof(e));
	a = aliases_load(path, 0, &e);
	CHECK(a != NULL && aliases_nproblems(a) == 1 &&
	    strstr(aliases_problem(a, 0), "belongs to uid 65534") != NULL,
	    "a foreign aliases file may not include either");
	CHECK_STR(xp(a, "list"), "l@example.org", "foreign aliases file read");
	aliases_free(a);
	if (chown(path, 0, 0) == -1)
		exit(2);
}

static void
t_summary(void)
{
	struct aliases	*a;
	char		 buf[512], want[512];

	/*
	 * a: "x@y" is 3 bytes; b: "p@q," and "  r@s" joined, 9 bytes; c: a
	 * duplicate of a; d: no targets; e: only a pipe, 9 bytes.  The total
	 * adds each name too, as sendmail's does: 21 + 3.
	 */
	a = load("a: x@y\n"
	    "b:   p@q,\n"
	    "  r@s   \n"
	    "  # not counted\n"
	    "A: dup@example.org\n"
	    "d:\n"
	    "e: |/bin/cat\n");
	CHECK(aliases_summary(a, buf, sizeof(buf)) == 0, "summary fits");
	(void)snprintf(want, sizeof(want), "%s: 3 aliases, longest 9 bytes, "
	    "24 bytes total", path_of("aliases"));
	CHECK_STR(buf, want, "summary line");
	CHECK(aliases_summary(a, buf, 10) == -1, "summary: small buffer");
	aliases_free(a);

	a = load("# nothing\n");
	CHECK(aliases_summary(a, buf, sizeof(buf)) == 0, "empty summary");
	(void)snprintf(want, sizeof(want), "%s: 0 aliases, longest 0 bytes, "
	    "0 bytes total", path_of("aliases"));
	CHECK_STR(buf, want, "summary of an empty file");
	aliases_free(a);
}

static void
t_files(void)
{
	struct aliases	*a;
	struct perr	 e;
	const char	*path;
	pid_t		 pid;
	int		 status;

	memset(&e, 0, sizeof(e));
	a = aliases_load(path_of("does-not-exist"), 1, &e);
	CHECK(a != NULL && aliases_nproblems(a) == 0,
	    "missing file with missing_ok: no aliases");
	CHECK_STR(xp(a, "root"), "NOTFOUND", "missing file: nothing found");
	aliases_free(a);
	a = aliases_load(path_of("aliases/x"), 1, &e);
	CHECK(a != NULL, "ENOTDIR with missing_ok: no aliases");
	aliases_free(a);

	memset(&e, 0, sizeof(e));
	a = aliases_load(path_of("does-not-exist"), 0, &e);
	CHECK(a == NULL && e.errnum == ENOENT && e.temp == 0 &&
	    strstr(e.msg, "open ") == e.msg &&
	    strstr(e.msg, ": No such file or directory") != NULL,
	    "missing file without missing_ok: error");

	memset(&e, 0, sizeof(e));
	a = aliases_load(dir, 1, &e);
	CHECK(a == NULL && strstr(e.msg, "not a regular file") != NULL &&
	    e.temp == 0, "a directory is refused");

	path = put_len("ww", "root: x@example.org\n", 20, 0646);
	memset(&e, 0, sizeof(e));
	a = aliases_load(path, 1, &e);
	CHECK(a == NULL && strstr(e.msg, "writable by anyone") != NULL,
	    "a world-writable file is refused");

	path = put_len("gw", "root: x@example.org\n", 20, 0664);
	a = aliases_load(path, 1, &e);
	CHECK(a != NULL, "a group-writable file is read");
	aliases_free(a);

	/* 4 MiB is read, one byte more is not. */
	{
		char	*big;
		size_t	 sz = 4 * 1024 * 1024 + 1;

		if ((big = malloc(sz)) == NULL)
			exit(2);
		memset(big, '#', sz);
		big[sz - 2] = '\n';
		path = put_len("big", big, sz - 1, 0644);
		a = aliases_load(path, 0, &e);
		CHECK(a != NULL, "a file of 4 MiB is read");
		aliases_free(a);
		big[sz - 1] = '\n';
		path = put_len("big", big, sz, 0644);
		memset(&e, 0, sizeof(e));
		a = aliases_load(path, 0, &e);
		CHECK(a == NULL && strstr(e.msg, "larger than 4194304 bytes") !=
		    NULL && e.temp == 0, "a larger file is refused");
		free(big);
	}

	/* EACCES: as root, try it as nobody in a child. */
	path = put_len("secret", "root: x@example.org\n", 20, 0600);
	if (geteuid() != 0)
		(void)chmod(path, 0);
	fflush(stdout);
	if ((pid = fork()) == -1)
		exit(2);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) == -1 ||
		    setuid(65534) == -1))
			_exit(3);
		memset(&e, 0, sizeof(e));
		a = aliases_load(path, 1, &e);
		_exit(a == NULL && e.errnum == EACCES && e.temp == 0 &&
		    strstr(e.msg, "Permission denied") != NULL ? 0 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "unreadable file (EACCES) is an error");
}

static void
t_caps(void)
{
	struct aliases	*a;
	char		*text, *p;
	size_t		 i, sz = 1024 * 1024;

	if ((text = malloc(sz)) == NULL)
		exit(2);

	/* 1000 addresses fit, 1001 do not. */
	p = text;
	p += snprintf(p, sz, "big: ");
	for (i = 0; i < 1000; i++)
		p += snprintf(p, sz - (size_t)(p - text), "u%zu@example.org, ",
		    i);
	p += snprintf(p, sz - (size_t)(p - text), "\nbigger: big, "
	    "one@example.org\nbig2: big, U5@EXAMPLE.ORG\n");
	a = load(text);
	CHECK(strstr(xp(a, "big"), "u999@example.org") != NULL &&
	    last.n == ALIASES_MAX_ADDRS, "1000 addresses");
	CHECK_STR(xp(a, "bigger"), "ERR: alias bigger: expands to more than "
	    "1000 addresses", "1001 addresses");
	CHECK(last.v == NULL && last.n == 0, "no partial result");
	CHECK(last.n == 0 && strstr(xp(a, "big2"), "ERR") == NULL &&
	    last.n == 1000, "a duplicate does not count");
	aliases_free(a);

	/* A chain of 20 aliases works, 21 do not. */
	p = text;
	for (i = 0; i < 21; i++)
		p += snprintf(p, sz - (size_t)(p - text), "c%zu: c%zu\n", i,
		    i + 1);
	p += snprintf(p, sz - (size_t)(p - text), "c21: end@example.org\n");
	a = load(text);
	CHECK_STR(xp(a, "c2"), "end@example.org", "20 aliases deep");
	CHECK_STR(xp(a, "c1"), "ERR: alias c1: aliases nested more than 20 "
	    "deep at c21", "21 aliases deep");
	aliases_free(a);

	/* 150 ignored targets: 100 warnings, then one line counting the rest. */
	p = text;
	p += snprintf(p, sz, "pipes: ok@example.org");
	for (i = 0; i < 150; i++)
		p += snprintf(p, sz - (size_t)(p - text), ", |/bin/p%zu", i);
	p += snprintf(p, sz - (size_t)(p - text), "\n");
	a = load(text);
	CHECK_STR(xp(a, "pipes"), "ok@example.org", "150 pipes");
	CHECK(last.nwarn == 101 && strstr(last.warn[100], "50 more warnings "
	    "not shown") != NULL, "warnings are capped");
	CHECK(aliases_nproblems(a) == 150, "150 problems");
	aliases_free(a);

	/* 1200 bad lines: 1000 problems and one counting the rest. */
	p = text;
	for (i = 0; i < 1200; i++)
		p += snprintf(p, sz - (size_t)(p - text), "bad line %zu\n", i);
	a = load(text);
	CHECK(aliases_nproblems(a) == 1001 &&
	    strstr(aliases_problem(a, 1000), ": 200 more problems not shown") !=
	    NULL, "problems are capped");
	CHECK(aliases_problem(a, 1001) == NULL, "problem past the end: NULL");
	aliases_free(a);

	/* An entry longer than 256 KiB is refused, the next one read. */
	p = text;
	p += snprintf(p, sz, "long: x@example.org");
	for (i = 0; i < 300 * 1024 / 20; i++)
		p += snprintf(p, sz - (size_t)(p - text),
		    ",\n  x%06zu@example.org", i);
	p += snprintf(p, sz - (size_t)(p - text), "\nnext: n@example.org\n");
	a = load(text);
	CHECK(aliases_nproblems(a) == 1 && problem_is(a, 0, "1: alias long: "
	    "longer than 262144 bytes; ignored"), "entry length is capped");
	CHECK_STR(xp(a, "long"), "NOTFOUND", "the long entry is dropped");
	CHECK_STR(xp(a, "next"), "n@example.org", "the next one is read");
	aliases_free(a);

	/* A name of 256 bytes is fine, 257 is not. */
	p = text;
	memset(p, 'n', 256);
	p += 256;
	p += snprintf(p, sz - 256, ": ok@example.org\n");
	memset(p, 'm', 257);
	p += 257;
	p += snprintf(p, sz - (size_t)(p - text), ": no@example.org\n");
	a = load(text);
	CHECK(aliases_nproblems(a) == 1 && strstr(aliases_problem(a, 0),
	    ":2: invalid alias name \"mmm") != NULL, "name length is capped");
	text[256] = '\0';
	CHECK_STR(xp(a, text), "ok@example.org", "256-byte name");
	aliases_free(a);
	free(text);
}

/* Many aliases, many targets, many include files, many bytes. */
static void
t_bulk(void)
{
	struct aliases	*a;
	char		*text, *p, name[64], want[64];
	size_t		 i, sz = 4 * 1024 * 1024, ok;

	if ((text = malloc(sz)) == NULL)
		exit(2);

	/* 100000 aliases fit (the hash table grows), the next is refused. */
	p = text;
	for (i = 0; i <= 100000; i++)
		p += snprintf(p, sz - (size_t)(p - text), "A%zu: a%zu@x\n", i,
		    i);
	a = load(text);
	CHECK(aliases_nproblems(a) == 1 && problem_is(a, 0, "100001: more "
	    "than 100000 aliases; the rest are ignored"), "alias count capped");
	for (i = 0, ok = 0; i < 100000; i += 997) {
		(void)snprintf(name, sizeof(name), "a%zu", i);
		(void)snprintf(want, sizeof(want), "a%zu@x", i);
		ok += strcmp(xp(a, name), want) == 0;
	}
	CHECK(ok == 101, "lookups in a large table (%zu of 101)", ok);
	CHECK_STR(xp(a, "a99999"), "a99999@x", "the last alias kept");
	CHECK_STR(xp(a, "a100000"), "NOTFOUND", "the one past the cap");
	aliases_free(a);

	/* 10000 targets in one entry are kept, the rest reported once. */
	p = text;
	p += snprintf(p, sz, "many: ");
	for (i = 0; i < 10005; i++)
		p += snprintf(p, sz - (size_t)(p - text), "t%zu,", i);
	p += snprintf(p, sz - (size_t)(p - text), "\n");
	a = load(text);
	CHECK(aliases_nproblems(a) == 1 && problem_is(a, 0, "1: alias many: "
	    "more than 10000 targets; the rest are ignored"),
	    "targets per entry capped");
	CHECK(strncmp(xp(a, "many"), "ERR: alias many: expands to more than "
	    "1000 addresses", 40) == 0, "and expanding them hits the cap");
	aliases_free(a);

	/* 100 include files are read, the 101st is not. */
	p = text;
	p += snprintf(p, sz, "incs: ");
	for (i = 0; i < 101; i++) {
		(void)snprintf(name, sizeof(name), "i%zu", i);
		(void)snprintf(want, sizeof(want), "i%zu@example.org\r\n", i);
		put(name, want);
		p += snprintf(p, sz - (size_t)(p - text), ":include:@D@/i%zu,",
		    i);
	}
	p += snprintf(p, sz - (size_t)(p - text), "\n");
	a = load(text);
	CHECK(aliases_nproblems(a) == 1 && strstr(aliases_problem(a, 0),
	    "/i100\" ignored: more than 100 include files") != NULL,
	    "include files capped");
	xp(a, "incs");
	CHECK(last.n == 100 && strcmp(last.v[99].addr, "i99@example.org") ==
	    0, "100 include files expanded, CRLF stripped");
	aliases_free(a);
	free(text);

	/* 16 MiB in all, include files counted. */
	if ((text = malloc(sz)) == NULL)
		exit(2);
	memset(text, '#', sz);
	text[sz - 1] = '\n';
	for (i = 0; i < 4; i++) {
		(void)snprintf(name, sizeof(name), "huge%zu", i);
		put_len(name, text, sz, 0644);
	}
	free(text);
	a = load("h: :include:@D@/huge0, :include:@D@/huge1,\n"
	    "  :include:@D@/huge2, :include:@D@/huge3, h@example.org\n");
	CHECK(aliases_nproblems(a) == 1 && strstr(aliases_problem(a, 0),
	    "huge3: the aliases files together hold more than 16777216 "
	    "bytes") != NULL, "bytes read in all are capped");
	CHECK_STR(xp(a, "h"), "h@example.org", "h after the cap");
	aliases_free(a);
	for (i = 0; i < 4; i++) {
		(void)snprintf(name, sizeof(name), "huge%zu", i);
		(void)unlink(path_of(name));
	}
}

/* Quoting in names and targets; an include reached twice. */
static void
t_quoting(void)
{
	struct aliases	*a;

	put_len("twice", "tw@example.org\n\0x\n", 18, 0644);
	a = load("\"a\\\"b:c\": q1@example.org\n"
	    "\"x,y\": q2@example.org\n"
	    "ref: \"a\\\"b:c\", \"x,y\", \"p\\\"q,r\"@example.org\n"
	    "two: :include:@D@/twice, sub\n"
	    "sub: :include:@D@/twice\n"
	    "\"bad\\\": z@example.org\n");
	CHECK(aliases_nproblems(a) == 2 && problem_in(a, 0, "twice", "2: NUL "
	    "byte; line ignored"), "NUL byte in an include file");
	CHECK(problem_is(a, 1, "6: missing ':' after the alias name in "
	    "\"\"bad\\\": z@example.org\""),
	    "an escaped closing quote leaves the quote open");
	CHECK_STR(xp(a, "\"a\\\"b:c\""), "q1@example.org",
	    "escaped quote and colon in a quoted name");
	CHECK_STR(xp(a, "ref"), "q1@example.org, q2@example.org, "
	    "\"p\\\"q,r\"@example.org", "commas inside quoted targets");
	CHECK_STR(xp(a, "two"), "tw@example.org",
	    "an include reached twice is expanded once");
	CHECK(last.nwarn == 0, "no warning for an include reached twice");
	aliases_free(a);
}

int
main(void)
{
	size_t	i;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	t_format();
	t_problems();
	t_expand();
	t_ignored();
	t_include();
	t_foreign();
	t_summary();
	t_files();
	t_caps();
	t_bulk();
	t_quoting();
	aliases_result_free(&last);
	for (i = 0; i < nmade; i++)
		(void)unlink(made[i]);
	(void)rmdir(dir);
	return tap_done();
}
