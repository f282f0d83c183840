/*
 * t_addr.c - addr.c: RFC 5322 address lists, qualification of bare
 * addresses in headers, RFC 5321 envelope addresses.
 *
 * parsed() renders a parse as "spec|spec!|..." ('!' marks a bare entry)
 * and checks on the way that every entry's off/len covers text that
 * starts and ends where its spec does, so a wrong offset shows up in every
 * test, not only in the qualification ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "log.h"
#include "tap.h"

static char		 rendered[8192];
static struct perr	 err;

/* The parse of v rendered, or "ERR: message". */
static const char *
parsed(const char *v)
{
	struct addr_list	l;
	size_t			i, o = 0;
	const struct addr_ent	*a;
	int			n;

	memset(&l, 0, sizeof(l));
	memset(&err, 0, sizeof(err));
	if (addr_parse_list(v, &l, &err) == -1) {
		(void)snprintf(rendered, sizeof(rendered), "ERR: %s", err.msg);
		if (l.n != 0 || l.v != NULL)
			(void)snprintf(rendered, sizeof(rendered),
			    "ERR: list not rolled back");
		return rendered;
	}
	rendered[0] = '\0';
	for (i = 0; i < l.n; i++) {
		a = &l.v[i];
		if (a->off + a->len > strlen(v) || a->len == 0 ||
		    v[a->off] != a->spec[0] ||
		    v[a->off + a->len - 1] != a->spec[strlen(a->spec) - 1]) {
			(void)snprintf(rendered, sizeof(rendered),
			    "BAD OFFSET %zu+%zu for %s", a->off, a->len,
			    a->spec);
			addr_list_free(&l);
			return rendered;
		}
		n = snprintf(rendered + o, sizeof(rendered) - o, "%s%s%s",
		    i > 0 ? "|" : "", a->spec, a->bare ? "!" : "");
		if (n < 0 || (size_t)n >= sizeof(rendered) - o)
			break;
		o += (size_t)n;
	}
	addr_list_free(&l);
	return rendered;
}

static int
parse_fails(const char *v, const char *needle)
{
	const char	*r = parsed(v);

	if (strncmp(r, "ERR: ", 5) != 0 || strstr(r, needle) == NULL) {
		printf("#   input [%s]\n#   got   [%s]\n#   want error with "
		    "[%s]\n", v, r, needle);
		return 0;
	}
	return 1;
}

static char	*qualified;

static const char *
qualify(const char *v, const char *domain)
{
	free(qualified);
	memset(&err, 0, sizeof(err));
	qualified = addr_qualify_value(v, domain, &err);
	return qualified != NULL ? qualified : err.msg;
}

static char	*env;

static const char *
envelope(const char *a, int null_ok)
{
	free(env);
	memset(&err, 0, sizeof(err));
	env = addr_envelope(a, null_ok, &err);
	return env != NULL ? env : "(null)";
}

static int
env_fails(const char *a, const char *needle)
{
	free(env);
	memset(&err, 0, sizeof(err));
	env = addr_envelope(a, 0, &err);
	if (env != NULL || strstr(err.msg, needle) == NULL ||
	    strncmp(err.msg, "invalid address", 15) != 0) {
		printf("#   got [%s] msg [%s], want error with [%s]\n",
		    env ? env : "(null)", err.msg, needle);
		return 0;
	}
	return 1;
}

static void
test_simple(void)
{
	CHECK_STR(parsed("bob@example.org"), "bob@example.org", "addr-spec");
	CHECK_STR(parsed("  bob@example.org  "), "bob@example.org",
	    "white space around");
	CHECK_STR(parsed("a@b.c, d@e.f"), "a@b.c|d@e.f", "two");
	CHECK_STR(parsed("a@b,c@d,e@f"), "a@b|c@d|e@f", "no spaces");
	CHECK_STR(parsed(""), "", "empty value");
	CHECK_STR(parsed("   "), "", "blank value");
	CHECK_STR(parsed("(just a comment)"), "", "only a comment");
	CHECK_STR(parsed("root"), "root!", "bare");
	CHECK_STR(parsed("root, bob"), "root!|bob!", "two bare");
	CHECK_STR(parsed("first.last"), "first.last!", "bare dot-atom");
	CHECK_STR(parsed("a+tag@example.org"), "a+tag@example.org",
	    "plus tag");
	CHECK_STR(parsed("!#$%&'*+-/=?^_`{|}~@example.org"),
	    "!#$%&'*+-/=?^_`{|}~@example.org", "all atext");
	CHECK_STR(parsed("bob@localhost"), "bob@localhost", "one label");
}

static void
test_display_names(void)
{
	CHECK_STR(parsed("Bob Smith <bob@example.org>"), "bob@example.org",
	    "atoms");
	CHECK_STR(parsed("\"Smith, Bob\" <bob@example.org>"),
	    "bob@example.org", "quoted with comma");
	CHECK_STR(parsed("\"Bob \\\"the\\\" Builder\" <bob@x.org>, c@d"),
	    "bob@x.org|c@d", "escaped quotes");
	CHECK_STR(parsed("\"a\\\\\" <bob@x.org>"), "bob@x.org",
	    "escaped backslash before the closing quote");
	CHECK_STR(parsed("John Q. Public <jqp@x.org>"), "jqp@x.org",
	    "obs-phrase with a dot");
	CHECK_STR(parsed("<bob@x.org>"), "bob@x.org", "angle, no name");
	CHECK_STR(parsed("Cron Daemon <root>"), "root!", "bare in angle");
	CHECK_STR(parsed("  < root >  "), "root!", "spaces in angle");
	CHECK_STR(parsed("\"Jörg Müller\" <joerg@bücher.de>"),
	    "joerg@bücher.de", "UTF-8 name and domain");
	CHECK_STR(parsed("Jörg <jörg@example.org>"), "jörg@example.org",
	    "UTF-8 local part");
	CHECK_STR(parsed("=?utf-8?q?J=C3=B6rg?= <j@x.org>"), "j@x.org",
	    "encoded word");
	CHECK_STR(parsed("J\xf6rg <j@x.org>"), "j@x.org",
	    "latin-1 in a display name is tolerated");
	CHECK_STR(parsed("bob@x.org <bob@x.org>"), "bob@x.org",
	    "unquoted address as display name");
	CHECK_STR(parsed("A <a@x>, \"B\" <b@y>, c@z"), "a@x|b@y|c@z",
	    "mixed");
}

static void
test_comments(void)
{
	CHECK_STR(parsed("root (Cron Daemon)"), "root!", "trailing comment");
	CHECK_STR(parsed("(Cron Daemon) root"), "root!", "leading comment");
	CHECK_STR(parsed("bob@x.org (Bob (the (nested)) one)"), "bob@x.org",
	    "nested");
	CHECK_STR(parsed("bob@x.org (a \\) b \\( c)"), "bob@x.org",
	    "escaped parentheses");
	CHECK_STR(parsed("bob(c1)@(c2)x(c3).(c4)org"), "bob@x.org",
	    "comments inside the addr-spec");
	CHECK_STR(parsed("a (x) . b @ c . d"), "a.b@c.d",
	    "obs CFWS between words");
	CHECK_STR(parsed("<(c)bob@x.org(d)>"), "bob@x.org", "inside angle");
	CHECK_STR(parsed("Bob <bob@x.org> (work)"), "bob@x.org",
	    "after angle");
	CHECK_STR(parsed("a@b(,c@d)"), "a@b", "comma in comment");
	CHECK_STR(parsed("a@b (\xe9t\xe9)"), "a@b", "latin-1 in comment");
	CHECK_STR(parsed("a@b ()"), "a@b", "empty comment");
}

static void
test_quoted_local(void)
{
	CHECK_STR(parsed("\"j d\"@x.org"), "\"j d\"@x.org", "quoted");
	CHECK_STR(parsed("\"a@b\"@x.org"), "\"a@b\"@x.org", "quoted at sign");
	CHECK_STR(parsed("\"a\\\"b\"@x.org"), "\"a\\\"b\"@x.org",
	    "escape kept as written");
	CHECK_STR(parsed("\"joe smith\""), "\"joe smith\"!", "quoted bare");
	CHECK_STR(parsed("Joe <\"joe smith\">"), "\"joe smith\"!",
	    "quoted bare in angle");
	CHECK_STR(parsed("\"a\".b@x.org"), "\"a\".b@x.org",
	    "obs-local-part word.word");
	CHECK_STR(parsed("\"a,b\"@x, c@d"), "\"a,b\"@x|c@d",
	    "comma in quotes");
	CHECK_STR(parsed("\"a\r\n b\"@x.org"), "\"a b\"@x.org",
	    "folded quoted string is unfolded");
	CHECK_STR(parsed("\"\"@x.org"), "\"\"@x.org", "empty quoted string");
}

static void
test_groups(void)
{
	CHECK_STR(parsed("undisclosed-recipients:;"), "", "empty group");
	CHECK_STR(parsed("undisclosed-recipients: ;"), "",
	    "empty group with space");
	CHECK_STR(parsed("undisclosed-recipients:"), "",
	    "group without ';' at the end");
	CHECK_STR(parsed("team: a@b, c@d;"), "a@b|c@d", "group");
	CHECK_STR(parsed("team: a@b, c@d;, e@f"), "a@b|c@d|e@f",
	    "group then address");
	CHECK_STR(parsed("x@y, team: a@b;"), "x@y|a@b", "address then group");
	CHECK_STR(parsed("team: Bob <b@c>, root (r);"), "b@c|root!",
	    "names and comments in a group");
	CHECK_STR(parsed("\"My Team\": a@b;"), "a@b", "quoted group name");
	CHECK_STR(parsed("t: ,a@b,,;"), "a@b", "empty members in a group");
	CHECK_STR(parsed("a: b@c; (x) , d: e@f;"), "b@c|e@f", "two groups");
	CHECK_STR(parsed("team: a@b"), "a@b", "group missing ';'");
	CHECK(parse_fails("a: b: c@d;;", "group inside a group"), "nested");
	CHECK(parse_fails(": a@b;", "group without a name"), "no name");
	CHECK(parse_fails("a@b;", "';' outside a group"), "stray ';'");
	CHECK(parse_fails("g: a@b; c@d", "unexpected text after address"),
	    "no comma after a group");
}

static void
test_routes(void)
{
	CHECK_STR(parsed("<@a.org,@b.org:x@y.org>"), "x@y.org", "route");
	CHECK_STR(parsed("Name <@a.org:x@y.org>"), "x@y.org",
	    "route with a name");
	CHECK_STR(parsed("<,@a.org,,@b.org:x@y.org>"), "x@y.org",
	    "obs-domain-list with empty elements");
	CHECK_STR(parsed("< @a.org , @b.org : x@y.org >"), "x@y.org",
	    "route with spaces");
	CHECK_STR(parsed("<@[1.2.3.4]:root>"), "root!", "route to bare");
	CHECK(parse_fails("<@a.org x@y>", "malformed route"), "no colon");
	CHECK(parse_fails("<@:x@y>", "domain expected"), "empty route");
	CHECK(parse_fails("<@a:>", "missing local part"),
	    "route without address");
}

static void
test_empty_members(void)
{
	CHECK_STR(parsed("a@b,,c@d"), "a@b|c@d", "double comma");
	CHECK_STR(parsed(",a@b"), "a@b", "leading comma");
	CHECK_STR(parsed("a@b,"), "a@b", "trailing comma");
	CHECK_STR(parsed(" , , "), "", "only commas");
	CHECK_STR(parsed("a@b, (c) ,c@d"), "a@b|c@d", "comment member");
}

static void
test_folding(void)
{
	CHECK_STR(parsed("a@b,\r\n c@d"), "a@b|c@d", "CRLF fold");
	CHECK_STR(parsed("a@b,\n\tc@d"), "a@b|c@d", "LF fold");
	CHECK_STR(parsed("Bob\r\n Smith <b@c>"), "b@c", "fold in a name");
	CHECK_STR(parsed("a@b (x\r\n y)"), "a@b", "fold in a comment");
	CHECK_STR(parsed("a@b\r\n"), "a@b", "line end at the end");
	CHECK_STR(parsed("a@b\n"), "a@b", "LF at the end");
	CHECK_STR(parsed("a\r\n @\r\n b"), "a@b", "fold inside addr-spec");
	CHECK(parse_fails("a@b\r\nBcc: evil@x", "line break not followed "
	    "by white space"), "injected header");
	CHECK(parse_fails("a@b,\nc@d", "line break"), "LF then text");
	CHECK(parse_fails("a@b\rc@d", "line break"), "bare CR then text");
	CHECK(parse_fails("\"a\nb\"@c", "line break"), "LF in quotes");
	CHECK(parse_fails("a@b (x\ny)", "line break"), "LF in comment");
	CHECK(parse_fails("a@b\r\r\n x", "line break"), "CR CR LF");
}

static void
test_literals(void)
{
	CHECK_STR(parsed("a@[192.0.2.1]"), "a@[192.0.2.1]", "IPv4 literal");
	CHECK_STR(parsed("a@[IPv6:2001:db8::1]"), "a@[IPv6:2001:db8::1]",
	    "IPv6 literal");
	CHECK_STR(parsed("Bob <a@[ 192.0.2.1 ]>"), "a@[192.0.2.1]",
	    "spaces in a literal are dropped");
	CHECK(parse_fails("a@[1.2", "unterminated domain literal"),
	    "unterminated");
	CHECK(parse_fails("a@[a[b]", "'[' inside a domain literal"),
	    "bracket inside");
	CHECK(parse_fails("a@[a\\]b]", "'\\' inside a domain literal"),
	    "backslash inside");
	CHECK(parse_fails("a@b.[1.2.3.4]", "malformed domain"),
	    "label then literal");
	CHECK(parse_fails("[1.2.3.4]", "unexpected domain literal"),
	    "literal alone");
}

static void
test_offsets(void)
{
	struct addr_list	l;
	const char		*v;

	v = "Cron Daemon <root>, \"x y\" (c) @ z, g: a . b@c;";
	memset(&l, 0, sizeof(l));
	CHECK(addr_parse_list(v, &l, &err) == 0 && l.n == 3, "parse");
	if (l.n == 3) {
		CHECK(l.v[0].off == 13 && l.v[0].len == 4 && l.v[0].bare,
		    "off/len of a bare angle address");
		CHECK(l.v[1].off == 20 && l.v[1].len == 13 && !l.v[1].bare,
		    "off/len span CFWS inside an obs addr-spec");
		CHECK_STR(l.v[1].spec, "\"x y\"@z", "its spec");
		CHECK(strncmp(v + l.v[2].off, "a . b@c", l.v[2].len) == 0 &&
		    l.v[2].len == 7, "off/len in a group");
	}
	/* a second parse appends */
	CHECK(addr_parse_list("d@e", &l, &err) == 0 && l.n == 4 &&
	    strcmp(l.v[3].spec, "d@e") == 0, "appends");
	/* a failed parse leaves what was there */
	CHECK(addr_parse_list("f@g, a b@c", &l, &err) == -1 && l.n == 4,
	    "failure rolls back its own entries only");
	addr_list_free(&l);
	CHECK(l.n == 0 && l.v == NULL, "free zeroes");
	addr_list_free(&l);
	CHECK(1, "double free is harmless");
}

static void
test_rejects(void)
{
	CHECK(parse_fails("a b@c", "unquoted space in local part"),
	    "space in local part");
	CHECK(strstr(err.msg, "invalid address \"a b@c\"") != NULL,
	    "message quotes the address: %s", err.msg);
	CHECK(parse_fails("x@y, a b@c, d@e", "\"a b@c\""),
	    "message quotes only the bad member");
	CHECK(parse_fails("Cron Daemon", "display name without address"),
	    "name only");
	CHECK(parse_fails("a..b@c", "misplaced dot"), "double dot");
	CHECK(parse_fails(".a@c", "misplaced dot"), "leading dot");
	CHECK(parse_fails("a.@c", "misplaced dot"), "trailing dot");
	CHECK(parse_fails("a.", "misplaced dot"), "bare trailing dot");
	CHECK(parse_fails("@c.org", "missing local part"), "no local part");
	CHECK(parse_fails("a@", "domain expected after '@'"), "no domain");
	CHECK(parse_fails("a@b.", "malformed domain"), "domain trailing dot");
	CHECK(parse_fails("a@b..c", "malformed domain"), "domain double dot");
	CHECK(parse_fails("a@b@c", "unexpected '@' after address"),
	    "two at signs");
	CHECK(parse_fails("a@b c@d", "unexpected text after address"),
	    "missing comma");
	CHECK(parse_fails("<>", "empty address <>"), "empty angle");
	CHECK(parse_fails("Bob <b@c", "missing '>'"), "unclosed angle");
	CHECK(parse_fails("Bob b@c>", "unquoted space"), "name, no '<'");
	CHECK(parse_fails("b@c>", "unexpected '>'"), "stray '>'");
	CHECK(parse_fails("<a b@c>", "unquoted space in local part"),
	    "space in angle");
	CHECK(parse_fails("<a@b> <c@d>", "unexpected '<'"), "two angles");
	CHECK(parse_fails("\"abc@d", "unterminated quoted string"),
	    "unterminated quote");
	CHECK(parse_fails("a@b (abc", "unterminated comment"),
	    "unterminated comment");
	CHECK(parse_fails("a@b ((x)", "unterminated comment"),
	    "unterminated nested comment");
	CHECK(parse_fails("a@b)", "unbalanced ')'"), "stray ')'");
	CHECK(parse_fails("a@b]", "unbalanced ']'"), "stray ']'");
	CHECK(parse_fails("a\\b@c", "backslash outside quotes"),
	    "bare backslash");
	CHECK(parse_fails("\"a\\", "backslash at end"), "escape at the end");
	CHECK(parse_fails("a\x01" "b@c", "control character \\x01"),
	    "control byte");
	CHECK(parse_fails("a@b\x7f", "control character \\x7f"), "DEL");
	CHECK(parse_fails("(a\x1b)b@c", "control character \\x1b"),
	    "control byte in a comment");
	CHECK(parse_fails("\"a\x02\"@c", "control character"),
	    "control byte in quotes");
	CHECK(parse_fails("\"a\\\r\n b\"@c", "control character after "
	    "backslash"), "escaped line break");
	CHECK(parse_fails("j\xf6rg@x.org", "invalid UTF-8"),
	    "latin-1 local part");
	CHECK(parse_fails("a@\xc0\xaf.org", "invalid UTF-8"), "overlong");
	CHECK(parse_fails("a@\xed\xa0\x80.org", "invalid UTF-8"),
	    "surrogate");
	CHECK(parse_fails("\xf0\x9f\x98", "invalid UTF-8"), "truncated");
	CHECK(parse_fails(";", "unexpected ';'"), "lone ';'");
	CHECK(parse_fails("a@b\r\nX", "\\r\\n"),
	    "control bytes are escaped in the message: %s", err.msg);
}

static void
test_limits(void)
{
	char	*v, *p;
	size_t	 i;

	/* 1000 addresses pass, 1001 do not */
	if ((v = malloc(1001 * 4 + 1)) == NULL)
		return;
	for (i = 0, p = v; i < 1001; i++, p += 4)
		memcpy(p, "a@b,", 4);
	*p = '\0';
	CHECK(parse_fails(v, "too many addresses"), "1001 addresses");
	v[1000 * 4] = '\0';
	CHECK(strncmp(parsed(v), "a@b|a@b", 7) == 0, "1000 addresses");
	free(v);

	/* 1 MiB and one byte of white space */
	if ((v = malloc(1024 * 1024 + 2)) == NULL)
		return;
	memset(v, ' ', 1024 * 1024 + 1);
	v[1024 * 1024 + 1] = '\0';
	CHECK(parse_fails(v, "address list too long"), "over 1 MiB");
	v[1024 * 1024] = '\0';
	CHECK_STR(parsed(v), "", "exactly 1 MiB");
	/* deep nesting: counted, not recursed */
	memset(v, '(', 500000);
	memset(v + 500000, ')', 500000);
	memcpy(v + 1000000, "a@b", 4);
	CHECK_STR(parsed(v), "a@b", "500000 nested comments");
	memset(v, '(', 1000000);
	v[1000000] = '\0';
	CHECK(parse_fails(v, "unterminated comment"),
	    "1000000 open parentheses");
	CHECK(strlen(err.msg) < 200, "message stays short");
	free(v);
}

static void
test_qualify(void)
{
	const char	*d = "example.org";

	CHECK_STR(qualify("root (Cron Daemon)", d),
	    "root@example.org (Cron Daemon)", "cron's From");
	CHECK_STR(qualify("root", d), "root@example.org", "bare");
	CHECK_STR(qualify("Cron Daemon <root>", d),
	    "Cron Daemon <root@example.org>", "bare in angle");
	CHECK_STR(qualify("bob@x.org", d), "bob@x.org", "qualified untouched");
	CHECK_STR(qualify("  root  ,\r\n\tbob (B) ,  c@d", d),
	    "  root@example.org  ,\r\n\tbob@example.org (B) ,  c@d",
	    "spacing and folding kept");
	CHECK_STR(qualify("\"Admin, Root\" <root>, \"x y\"", d),
	    "\"Admin, Root\" <root@example.org>, \"x y\"@example.org",
	    "quoted");
	CHECK_STR(qualify("team: root, a@b;, undisclosed-recipients:;", d),
	    "team: root@example.org, a@b;, undisclosed-recipients:;",
	    "groups");
	CHECK_STR(qualify("a (x) . b (y)", d), "a (x) . b@example.org (y)",
	    "obs local part");
	CHECK_STR(qualify("<@r.org:root>", d), "<@r.org:root@example.org>",
	    "route");
	CHECK_STR(qualify("root,,bob", d),
	    "root@example.org,,bob@example.org", "empty member");
	CHECK_STR(qualify("", d), "", "empty value");
	CHECK_STR(qualify("root", "[192.0.2.1]"), "root@[192.0.2.1]",
	    "literal domain");
	CHECK_STR(qualify("jörg", "bücher.de"), "jörg@bücher.de", "UTF-8");
	CHECK(qualify("a b@c", d) != NULL && qualified == NULL &&
	    strstr(err.msg, "unquoted space") != NULL && err.temp == 0,
	    "parse error: %s", err.msg);
	CHECK(qualify("root", "bad domain") != NULL && qualified == NULL &&
	    strstr(err.msg, "invalid domain") != NULL, "bad domain: %s",
	    err.msg);
	CHECK(qualify("root", "x\r\nBcc: y") != NULL && qualified == NULL,
	    "domain with a line break");
	CHECK(qualify("root", "") != NULL && qualified == NULL,
	    "empty domain");
	CHECK(qualify("root", NULL) != NULL && qualified == NULL,
	    "NULL domain");
	CHECK(qualify(NULL, d) != NULL && qualified == NULL, "NULL value");
}

static void
test_envelope(void)
{
	CHECK_STR(envelope("bob@example.org", 0), "bob@example.org", "plain");
	CHECK_STR(envelope("<bob@example.org>", 0), "bob@example.org",
	    "angle brackets removed");
	CHECK_STR(envelope("  <bob@example.org>\t", 0), "bob@example.org",
	    "white space removed");
	CHECK_STR(envelope("root", 0), "root", "bare local part");
	CHECK_STR(envelope("<root>", 0), "root", "bare in angle");
	CHECK_STR(envelope("first.last+tag@sub.example.org", 0),
	    "first.last+tag@sub.example.org", "dot-atom");
	CHECK_STR(envelope("\"j d\"@x.org", 0), "\"j d\"@x.org", "quoted");
	CHECK_STR(envelope("\"a\\\"b\"@x.org", 0), "\"a\\\"b\"@x.org",
	    "quoted pair");
	CHECK_STR(envelope("\"a@b\"@x.org", 0), "\"a@b\"@x.org",
	    "quoted at sign");
	CHECK_STR(envelope("jörg@bücher.de", 0), "jörg@bücher.de", "UTF-8");
	CHECK_STR(envelope("a@[192.0.2.1]", 0), "a@[192.0.2.1]", "IPv4");
	CHECK_STR(envelope("a@[IPv6:2001:db8::1]", 0), "a@[IPv6:2001:db8::1]",
	    "IPv6");
	CHECK_STR(envelope("a@[ipv6:::1]", 0), "a@[ipv6:::1]",
	    "IPv6 tag in any case");
	CHECK_STR(envelope("<@a.org,@b.org:x@y.org>", 0), "x@y.org",
	    "source route dropped");
	CHECK_STR(envelope("a@x-y.example", 0), "a@x-y.example", "hyphen");
	CHECK_STR(envelope("", 1), "", "null sender");
	CHECK_STR(envelope("<>", 1), "", "<> null sender");
	CHECK_STR(envelope("  <>  ", 1), "", "<> with spaces");
	CHECK(env_fails("", "empty address"), "empty, null not ok");
	CHECK(env_fails("<>", "empty address"), "<>, null not ok");

	CHECK(env_fails("a b@c", "unquoted space in local part"),
	    "space: %s", err.msg);
	CHECK_STR(err.msg, "invalid address \"a b@c\": unquoted space in "
	    "local part", "message format");
	CHECK(env_fails("bob@x.org\r\nRCPT TO:<evil@x.org>",
	    "carriage return (CR)"), "CRLF injection");
	CHECK(strstr(err.msg, "\\r\\n") != NULL && strchr(err.msg, '\n') ==
	    NULL, "message shows \\r\\n, holds none: %s", err.msg);
	CHECK(env_fails("bob@x.org\n", "line feed (LF)"), "trailing LF");
	CHECK(env_fails("bob\x01@x.org", "control character \\x01"),
	    "control byte");
	CHECK(env_fails("bob@x.org\x7f", "control character \\x7f"), "DEL");
	CHECK(env_fails("bob\t@x.org", "tab not allowed"), "inner tab");
	CHECK(env_fails("Bob <bob@x.org>", "display name not allowed"),
	    "display name");
	CHECK(env_fails("<bob@x.org", "'<' without '>'"), "open angle");
	CHECK(env_fails("bob@x.org>", "'>' without '<'"), "close angle");
	CHECK(env_fails("<<bob@x.org>>", "invalid character '<'"),
	    "double angle");
	CHECK(env_fails("@x.org", "empty local part"), "no local part");
	CHECK(env_fails("bob@", "empty domain"), "no domain");
	CHECK(env_fails("a..b@x.org", "misplaced dot"), "double dot");
	CHECK(env_fails(".a@x.org", "misplaced dot"), "leading dot");
	CHECK(env_fails("a.@x.org", "misplaced dot"), "trailing dot");
	CHECK(env_fails("a@b@c", "invalid character '@' in domain"),
	    "two at signs");
	CHECK(env_fails("a@x..org", "empty label"), "empty label");
	CHECK(env_fails("a@x.org.", "empty label"), "trailing dot domain");
	CHECK(env_fails("a@-x.org", "starts or ends with '-'"),
	    "leading hyphen");
	CHECK(env_fails("a@x_y.org", "invalid character '_' in domain"),
	    "underscore");
	CHECK(env_fails("a@x y.org", "space in domain"), "space in domain");
	CHECK(env_fails("a@[1.2.3]", "malformed address literal"),
	    "short IPv4");
	CHECK(env_fails("a@[IPv6:zz::1]", "malformed address literal"),
	    "bad IPv6");
	CHECK(env_fails("a@[tag:xyz]", "malformed address literal"),
	    "general literal");
	CHECK(env_fails("a@[1.2.3.4", "malformed address literal"),
	    "unterminated literal");
	CHECK(env_fails("\"ab@x.org", "unterminated quoted string"),
	    "unterminated quote");
	CHECK(env_fails("\"\"@x.org", "empty local part"), "empty quotes");
	CHECK(env_fails("\"a\"b@x.org", "invalid character 'b'"),
	    "text after quotes");
	CHECK(env_fails("j\xf6rg@x.org", "invalid UTF-8"), "latin-1");
	CHECK(strstr(err.msg, "\\xf6") != NULL, "bad byte shown escaped: %s",
	    err.msg);
	CHECK(env_fails("a@x\xc3.org", "invalid UTF-8"), "broken UTF-8 domain");
	CHECK(env_fails("a(c)@x.org", "invalid character '('"),
	    "no comments in envelope");
	CHECK(env_fails("<@a.org x@y.org>", "malformed source route"),
	    "route without colon");
	CHECK(env_fails("<@a.org:>", "empty address"), "route, no address");
	CHECK(env_fails("<@,@b:x@y>", "malformed source route"),
	    "empty route element");
	CHECK(env_fails("a@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxx.org", "label longer than 63"), "long label");
	{
		char	buf[400];

		memset(buf, 'a', 251);
		memcpy(buf + 251, "@x.o", 5);
		CHECK(env_fails(buf, "longer than 254 bytes"), "255 bytes");
		memcpy(buf + 250, "@x.o", 5);
		CHECK_STR(envelope(buf, 0), buf, "254 bytes");
		memset(buf, 'a', sizeof(buf) - 1);
		buf[sizeof(buf) - 1] = '\0';
		CHECK(env_fails(buf, "longer than") &&
		    strstr(err.msg, "...") != NULL && strlen(err.msg) < 160,
		    "long address shown truncated: %s", err.msg);
	}
	CHECK(addr_envelope(NULL, 1, &err) == NULL, "NULL");
}

static void
test_helpers(void)
{
	CHECK_STR(addr_domain("bob@example.org"), "example.org", "domain");
	CHECK(addr_domain("bob") == NULL, "no domain");
	CHECK(addr_domain("\"a@b\"") == NULL, "at sign in quotes");
	CHECK_STR(addr_domain("\"a@b\"@c.org"), "c.org", "after quotes");
	CHECK_STR(addr_domain("\"a\\\"@b\"@c.org"), "c.org", "escaped quote");
	CHECK_STR(addr_domain("a@[x@y]"), "[x@y]", "at sign in a literal");
	CHECK(addr_domain(NULL) == NULL, "NULL");
	CHECK(addr_is_utf8("jörg@x") == 1, "utf8");
	CHECK(addr_is_utf8("joerg@x") == 0, "ascii");
	CHECK(addr_is_utf8("") == 0, "empty");
}

int
main(void)
{
	test_simple();
	test_display_names();
	test_comments();
	test_quoted_local();
	test_groups();
	test_routes();
	test_empty_members();
	test_folding();
	test_literals();
	test_offsets();
	test_rejects();
	test_limits();
	test_qualify();
	test_envelope();
	test_helpers();
	free(qualified);
	free(env);
	return tap_done();
}
