/*
 * t_conf.c - conf.c: every key, comments, overrides, routes, errors,
 * permissions.  Each case writes a real file under /tmp, since the checks
 * that matter (mode, owner, file type) are made on the open descriptor.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "tap.h"

static char	made[512][64];	/* files to remove at the end */
static size_t	nmade;

/* Write text to a new temporary file with mode; the path is static. */
static const char *
tmpconf_len(const char *text, size_t len, mode_t mode)
{
	char	*path;
	int	 fd;

	if (nmade == sizeof(made) / sizeof(made[0])) {
		fprintf(stderr, "too many temporary files\n");
		exit(2);
	}
	path = made[nmade++];
	if (strlcpy(path, "/tmp/t_conf.XXXXXX", sizeof(made[0])) >=
	    sizeof(made[0]))
		exit(2);
	if ((fd = mkstemp(path)) == -1) {
		perror("mkstemp");
		exit(2);
	}
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) == -1) {
		perror(path);
		exit(2);
	}
	close(fd);
	return path;
}

static const char *
tmpconf(const char *text, mode_t mode)
{
	return tmpconf_len(text, strlen(text), mode);
}

/* Load text (mode 0600) into a fresh c; the return value of conf_load. */
static int
load1(struct conf *c, const char *text, struct perr *e, const char **pathp)
{
	const char	*path = tmpconf(text, 0600);

	if (pathp != NULL)
		*pathp = path;
	conf_init(c);
	memset(e, 0, sizeof(*e));
	return conf_load(c, path, 0, e);
}

/* Expect text to fail with "PATH:" + want. */
static void
expect_err(const char *text, const char *want, const char *name)
{
	struct conf	 c;
	struct perr	 e;
	const char	*path;
	char		 full[600];
	int		 rc;

	rc = load1(&c, text, &e, &path);
	(void)snprintf(full, sizeof(full), "%s:%s", path, want);
	CHECK(rc == -1, "%s: refused", name);
	CHECK_STR(e.msg, full, "%s: message", name);
	CHECK(e.temp == 0, "%s: not temporary", name);
	conf_free(&c);
}

/* Expect text to load, then return one string of the loaded conf. */
static void
expect_ok(const char *text, const char *name)
{
	struct conf	c;
	struct perr	e;
	int		rc;

	rc = load1(&c, text, &e, NULL);
	CHECK(rc == 0, "%s: accepted", name);
	if (rc != 0)
		printf("#   %s\n", e.msg);
	conf_free(&c);
}

static void
t_defaults(void)
{
	struct conf		c;
	struct conf_relay	r;

	conf_init(&c);
	CHECK(c.relay.nhosts == 0, "default: direct delivery");
	CHECK(c.relay.tls == CONF_TLS_DEFAULT, "default: tls by port");
	CHECK(c.relay.tls_min_version == 12, "default: TLSv1.2");
	CHECK(c.relay.auth_plaintext == 0, "default: no plaintext auth");
	CHECK(c.relay.from_rewrite == 0, "default: no from rewrite");
	CHECK(c.relay.has_fingerprint == 0, "default: no pin");
	CHECK(c.relay.auth_user == NULL && c.relay.auth_password == NULL,
	    "default: no credentials");
	CHECK_STR(c.aliases, "/etc/aliases", "default aliases");
	CHECK_STR(c.spool_dir, "/var/spool/posthorn", "default spool_dir");
	CHECK(c.hostname == NULL && c.domain == NULL && c.log_file == NULL &&
	    c.resolver == NULL && c.bind_address == NULL &&
	    c.admin_address == NULL, "default: unset strings are NULL");
	CHECK(c.inet_protocols == CONF_INET_ALL, "default inet_protocols");
	CHECK(c.retry_min_s == 300, "default retry_min 5m");
	CHECK(c.retry_max_s == 14400, "default retry_max 4h");
	CHECK(c.queue_lifetime_s == 5 * 86400, "default queue_lifetime 5d");
	CHECK(c.failed_lifetime_s == 30 * 86400, "default failed_lifetime");
	CHECK(c.timeout_connect_s == 30, "default timeout_connect 30s");
	CHECK(c.timeout_command_s == 0, "default timeout_command unset");
	CHECK(c.submit_timeout_s == 30, "default submit_timeout 30s");
	CHECK(c.nroutes == 0 && c.ndkim == 0 && c.nfiles == 0,
	    "default: no routes, dkim or files");
	CHECK(conf_route(&c, "a@b.c", &r) == 0 && r.nhosts == 0 &&
	    r.tls_min_version == 12, "default: route is global");
	conf_free(&c);
	conf_free(&c);
	CHECK(c.aliases == NULL, "conf_free twice is harmless");
}

static void
t_duration(void)
{
	CHECK(conf_duration("30s") == 30, "30s");
	CHECK(conf_duration("5m") == 300, "5m");
	CHECK(conf_duration("4h") == 14400, "4h");
	CHECK(conf_duration("5d") == 432000, "5d");
	CHECK(conf_duration("45") == 45, "plain number is seconds");
	CHECK(conf_duration("0") == 0, "0");
	CHECK(conf_duration("0s") == 0, "0s");
	CHECK(conf_duration("007m") == 420, "leading zeros");
	CHECK(conf_duration("3650d") == 3650L * 86400, "3650d, the maximum");
	CHECK(conf_duration("3651d") == -1, "3651d is too long");
	CHECK(conf_duration("315360001") == -1, "too many seconds");
	CHECK(conf_duration("99999999999") == -1, "11 digits");
	CHECK(conf_duration("9999999999d") == -1, "no overflow");
	CHECK(conf_duration("") == -1, "empty");
	CHECK(conf_duration(NULL) == -1, "NULL");
	CHECK(conf_duration("5x") == -1, "bad unit");
	CHECK(conf_duration("m") == -1, "unit alone");
	CHECK(conf_duration("-5") == -1, "negative");
	CHECK(conf_duration("+5") == -1, "plus sign");
	CHECK(conf_duration(" 5") == -1, "leading blank");
	CHECK(conf_duration("5 m") == -1, "blank before unit");
	CHECK(conf_duration("5mm") == -1, "two units");
	CHECK(conf_duration("5M") == -1, "upper-case unit");
	CHECK(conf_duration("1.5h") == -1, "fraction");
}

static const char every_key[] =
    "# posthorn.conf with every key\n"
    "\n"
    "   # an indented comment\n"
    "smarthost\tmail.example.net:587  [2001:db8::1]:2525 [::1] relay\n"
    "tls starttls\n"
    "tls_ca_file /etc/ssl/ca.pem\n"
    "tls_fingerprint sha256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
    "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff\n"
    "tls_cert /etc/ssl/client.pem\n"
    "tls_key /etc/ssl/client.key\n"
    "tls_min_version TLSv1.3\n"
    "auth_user  bob@example.net  \n"
    "auth_password_file /etc/posthorn.secret\n"
    "auth_password   p#ss w0rd #not a comment  \n"
    "auth_plaintext yes\n"
    "auth_mechanism CRAM-MD5\n"
    "hostname host1.example.net\n"
    "domain example.net\n"
    "from noreply@example.net\n"
    "from_rewrite yes\n"
    "admin_address root\n"
    "aliases /etc/mail/aliases\n"
    "spool_dir /var/spool/ph\n"
    "retry_min 1m\n"
    "retry_max 2h\n"
    "queue_lifetime 3d\n"
    "timeout_connect 10s\n"
    "timeout_command 45\n"
    "submit_timeout 1m\n"
    "failed_lifetime 7d\n"
    "inet_protocols ipv6\n"
    "bind_address 192.0.2.1\n"
    "dkim_sign example.net sel1 /etc/dkim/rsa.key\n"
    "dkim_sign example.net sel2 /etc/dkim/ed key.pem\n"
    "log_file /var/log/posthorn.log\r\n"
    "resolver [::1]:5353\n"
    "route *@example.org\n"
    "smarthost smtp.example.org\n"
    "auth_user org\n"
    "auth_password org#secret\n";

static void
t_every_key(void)
{
	static const unsigned char want_fpr[32] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
	};
	struct conf		 c;
	struct perr		 e;
	const char		*path;
	const struct conf_relay	*g = &c.relay;
	int			 rc;

	rc = load1(&c, every_key, &e, &path);
	CHECK(rc == 0, "every key: loads");
	if (rc != 0) {
		printf("#   %s\n", e.msg);
		conf_free(&c);
		return;
	}
	CHECK(g->nhosts == 4, "smarthost: four hosts");
	CHECK_STR(g->hosts[0].name, "mail.example.net", "host 1 name");
	CHECK(g->hosts[0].port == 587, "host 1 port");
	CHECK_STR(g->hosts[1].name, "2001:db8::1", "host 2: IPv6 unbracketed");
	CHECK(g->hosts[1].port == 2525, "host 2 port");
	CHECK_STR(g->hosts[2].name, "::1", "host 3: bare [::1]");
	CHECK(g->hosts[2].port == 0, "host 3: default port");
	CHECK_STR(g->hosts[3].name, "relay", "host 4");
	CHECK(g->hosts[3].port == 0, "host 4: default port");
	CHECK(g->tls == CONF_TLS_STARTTLS, "tls starttls");
	CHECK_STR(g->tls_ca_file, "/etc/ssl/ca.pem", "tls_ca_file");
	CHECK(g->has_fingerprint &&
	    memcmp(g->tls_fingerprint, want_fpr, 32) == 0,
	    "tls_fingerprint with colons, mixed case");
	CHECK_STR(g->tls_cert, "/etc/ssl/client.pem", "tls_cert");
	CHECK_STR(g->tls_key, "/etc/ssl/client.key", "tls_key");
	CHECK(g->tls_min_version == 13, "tls_min_version TLSv1.3");
	CHECK_STR(g->auth_user, "bob@example.net", "auth_user trimmed");
	CHECK_STR(g->auth_password, "p#ss w0rd #not a comment",
	    "auth_password keeps '#' and inner blanks");
	CHECK(g->auth_password_file == NULL,
	    "a later auth_password replaces auth_password_file");
	CHECK(g->auth_plaintext == 1, "auth_plaintext yes");
	CHECK_STR(g->auth_mechanism, "cram-md5", "auth_mechanism lower-cased");
	CHECK_STR(c.hostname, "host1.example.net", "hostname");
	CHECK_STR(c.domain, "example.net", "domain");
	CHECK_STR(g->from, "noreply@example.net", "from");
	CHECK(g->from_rewrite == 1, "from_rewrite yes");
	CHECK_STR(c.admin_address, "root", "admin_address bare local part");
	CHECK_STR(c.aliases, "/etc/mail/aliases", "aliases");
	CHECK_STR(c.spool_dir, "/var/spool/ph", "spool_dir");
	CHECK(c.retry_min_s == 60, "retry_min");
	CHECK(c.retry_max_s == 7200, "retry_max");
	CHECK(c.queue_lifetime_s == 3 * 86400, "queue_lifetime");
	CHECK(c.timeout_connect_s == 10, "timeout_connect");
	CHECK(c.timeout_command_s == 45, "timeout_command");
	CHECK(c.submit_timeout_s == 60, "submit_timeout");
	CHECK(c.failed_lifetime_s == 7 * 86400, "failed_lifetime");
	CHECK(c.inet_protocols == CONF_INET_IPV6, "inet_protocols ipv6");
	CHECK_STR(c.bind_address, "192.0.2.1", "bind_address");
	CHECK(c.ndkim == 2, "two dkim_sign lines");
	if (c.ndkim == 2) {
		CHECK_STR(c.dkim[0].domain, "example.net", "dkim 1 domain");
		CHECK_STR(c.dkim[0].selector, "sel1", "dkim 1 selector");
		CHECK_STR(c.dkim[0].keyfile, "/etc/dkim/rsa.key",
		    "dkim 1 keyfile");
		CHECK_STR(c.dkim[1].selector, "sel2", "dkim 2 selector");
		CHECK_STR(c.dkim[1].keyfile, "/etc/dkim/ed key.pem",
		    "dkim keyfile may hold a blank");
	}
	CHECK_STR(c.log_file, "/var/log/posthorn.log", "log_file, CRLF line");
	CHECK_STR(c.resolver, "[::1]:5353", "resolver");
	CHECK(c.nroutes == 1, "one route");
	if (c.nroutes == 1) {
		char src[128];

		CHECK_STR(c.routes[0].pattern, "*@example.org",
		    "route pattern");
		(void)snprintf(src, sizeof(src), "%s:36", path);
		CHECK_STR(c.routes[0].relay.source, src, "route source");
		CHECK_STR(c.routes[0].relay.auth_password, "org#secret",
		    "route auth_password");
	}
	CHECK(c.nfiles == 1, "one file recorded");
	CHECK_STR(c.files[0], path, "files[0]");
	conf_free(&c);
}

static void
t_values(void)
{
	struct conf	c;
	struct perr	e;

	/* Accepted spellings. */
	CHECK(load1(&c, "tls implicit\n", &e, NULL) == 0 &&
	    c.relay.tls == CONF_TLS_IMPLICIT, "tls implicit");
	conf_free(&c);
	CHECK(load1(&c, "tls none\n", &e, NULL) == 0 &&
	    c.relay.tls == CONF_TLS_NONE, "tls none");
	conf_free(&c);
	CHECK(load1(&c, "tls_min_version TLSv1.2\n", &e, NULL) == 0 &&
	    c.relay.tls_min_version == 12, "TLSv1.2 is 12");
	conf_free(&c);
	CHECK(load1(&c, "inet_protocols ipv4\n", &e, NULL) == 0 &&
	    c.inet_protocols == CONF_INET_IPV4, "ipv4");
	conf_free(&c);
	CHECK(load1(&c, "inet_protocols ipv6\ninet_protocols all\n", &e,
	    NULL) == 0 && c.inet_protocols == CONF_INET_ALL, "all, later wins");
	conf_free(&c);
	CHECK(load1(&c, "auth_plaintext yes\nauth_plaintext no\n", &e,
	    NULL) == 0 && c.relay.auth_plaintext == 0, "boolean no");
	conf_free(&c);
	CHECK(load1(&c, "timeout_command 0\n", &e, NULL) == 0 &&
	    c.timeout_command_s == 0, "timeout_command 0 means unset");
	conf_free(&c);
	CHECK(load1(&c, "log_file -\n", &e, NULL) == 0 &&
	    c.log_file != NULL && strcmp(c.log_file, "-") == 0,
	    "log_file - (stderr)");
	conf_free(&c);
	CHECK(load1(&c, "bind_address [2001:db8::5]\n", &e, NULL) == 0 &&
	    c.bind_address != NULL &&
	    strcmp(c.bind_address, "2001:db8::5") == 0,
	    "bind_address: brackets dropped");
	conf_free(&c);
	CHECK(load1(&c, "bind_address ::1\n", &e, NULL) == 0,
	    "bind_address: bare IPv6");
	conf_free(&c);
	CHECK(load1(&c, "auth_password_command pass show mail\n"
	    "auth_password_file /etc/pw\n", &e, NULL) == 0 &&
	    c.relay.auth_password_command == NULL &&
	    c.relay.auth_password_file != NULL,
	    "password sources: the last one named wins");
	conf_free(&c);
	CHECK(load1(&c, "auth_password x\nauth_password_command echo y\n",
	    &e, NULL) == 0 && c.relay.auth_password == NULL &&
	    c.relay.auth_password_command != NULL &&
	    strcmp(c.relay.auth_password_command, "echo y") == 0,
	    "auth_password_command replaces auth_password");
	conf_free(&c);

	expect_ok("auth_mechanism plain\n", "mechanism plain");
	expect_ok("auth_mechanism login\n", "mechanism login");
	expect_ok("auth_mechanism scram-sha-256\n", "mechanism scram");
	expect_ok("auth_mechanism XOAUTH2\n", "mechanism xoauth2");
	expect_ok("resolver 127.0.0.1\n", "resolver ipv4");
	expect_ok("resolver 127.0.0.1:5353\n", "resolver ipv4:port");
	expect_ok("resolver ::1\n", "resolver bare ipv6");
	expect_ok("resolver [::1]\n", "resolver [ipv6]");
	expect_ok("from bj\xc3\xb6rn@b\xc3\xbc" "cher.example\n",
	    "from: UTF-8 address");
	expect_ok("", "empty file");
	expect_ok("\n\n   \n\t\n", "blank lines only");
	expect_ok("# comment\n  # comment\n\t#\n", "comments only");
	expect_ok("hostname h.example\n# last line, no LF", "no final LF");
	expect_ok("route *\n", "route without keys");
	expect_ok("domain example.com.\n", "domain with trailing dot");
}

static void
t_hosts(void)
{
	struct conf	c;
	struct perr	e;
	int		rc;

	rc = load1(&c, "smarthost [fe80::1%eth0]:25 10.0.0.1:465 "
	    "[192.0.2.7]\n", &e, NULL);
	CHECK(rc == 0 && c.relay.nhosts == 3, "hosts: zone, IPv4, [IPv4]");
	if (rc == 0 && c.relay.nhosts == 3) {
		CHECK_STR(c.relay.hosts[0].name, "fe80::1%eth0", "zone kept");
		CHECK(c.relay.hosts[0].port == 25, "zone host port");
		CHECK_STR(c.relay.hosts[1].name, "10.0.0.1", "IPv4 name");
		CHECK(c.relay.hosts[1].port == 465, "IPv4 port");
		CHECK_STR(c.relay.hosts[2].name, "192.0.2.7", "[IPv4]");
	}
	conf_free(&c);

	rc = load1(&c, "smarthost a,b, c\n", &e, NULL);
	CHECK(rc == 0 && c.relay.nhosts == 3, "hosts: commas separate too");
	conf_free(&c);

	rc = load1(&c, "smarthost a b c d e f g h\n", &e, NULL);
	CHECK(rc == 0 && c.relay.nhosts == CONF_MAX_HOSTS, "eight hosts");
	conf_free(&c);

	rc = load1(&c, "smarthost a b\nsmarthost c:26\n", &e, NULL);
	CHECK(rc == 0 && c.relay.nhosts == 1 &&
	    strcmp(c.relay.hosts[0].name, "c") == 0 &&
	    c.relay.hosts[0].port == 26, "a later smarthost replaces the list");
	conf_free(&c);

	expect_err("smarthost a b c d e f g h i\n",
	    "1: too many hosts for smarthost (at most 8)", "nine hosts");
	expect_err("smarthost ::1\n", "1: bad host \"::1\" for smarthost "
	    "(use name[:port] or [IPv6]:port)", "IPv6 without brackets");
	expect_err("smarthost ok.example [::1\n", "1: bad host \"[::1\" for "
	    "smarthost (use name[:port] or [IPv6]:port)", "unclosed bracket");
	expect_err("smarthost h:0\n", "1: bad host \"h:0\" for smarthost (use "
	    "name[:port] or [IPv6]:port)", "port 0");
	expect_err("smarthost h:65536\n", "1: bad host \"h:65536\" for "
	    "smarthost (use name[:port] or [IPv6]:port)", "port 65536");
	expect_err("smarthost h:\n", "1: bad host \"h:\" for smarthost (use "
	    "name[:port] or [IPv6]:port)", "empty port");
	expect_err("smarthost h:+25\n", "1: bad host \"h:+25\" for smarthost "
	    "(use name[:port] or [IPv6]:port)", "signed port");
	expect_err("smarthost [::1]x\n", "1: bad host \"[::1]x\" for "
	    "smarthost (use name[:port] or [IPv6]:port)", "junk after ]");
	expect_err("smarthost [nothost]:25\n", "1: bad host \"[nothost]:25\" "
	    "for smarthost (use name[:port] or [IPv6]:port)",
	    "name in brackets");
	expect_err("smarthost a..b\n", "1: bad host \"a..b\" for smarthost "
	    "(use name[:port] or [IPv6]:port)", "empty label");
	expect_err("smarthost -a\n", "1: bad host \"-a\" for smarthost (use "
	    "name[:port] or [IPv6]:port)", "leading hyphen");
	expect_err("smarthost a/b\n", "1: bad host \"a/b\" for smarthost (use "
	    "name[:port] or [IPv6]:port)", "slash in name");
	expect_ok("smarthost mail_1.example\n", "underscore in name");
}

static void
t_fingerprint(void)
{
	static const char hex[] =
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct conf	c;
	struct perr	e;
	char		text[256];
	int		rc;

	(void)snprintf(text, sizeof(text), "tls_fingerprint SHA256:%s\n", hex);
	rc = load1(&c, text, &e, NULL);
	CHECK(rc == 0 && c.relay.has_fingerprint &&
	    c.relay.tls_fingerprint[0] == 0x01 &&
	    c.relay.tls_fingerprint[7] == 0xef &&
	    c.relay.tls_fingerprint[31] == 0xef,
	    "fingerprint: no colons, upper-case tag");
	conf_free(&c);

	expect_err("tls_fingerprint sha256:0011\n", "1: bad value "
	    "\"sha256:0011\" for tls_fingerprint (use sha256: and 64 hex "
	    "digits)", "fingerprint too short");
	(void)snprintf(text, sizeof(text), "tls_fingerprint %s\n", hex);
	expect_err(text, "1: bad value \"0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef\" for tls_fingerprint (use "
	    "sha256: and 64 hex digits)", "fingerprint without tag");
	(void)snprintf(text, sizeof(text), "tls_fingerprint sha1:%s\n", hex);
	CHECK(load1(&c, text, &e, NULL) == -1, "fingerprint: sha1 refused");
	conf_free(&c);
	(void)snprintf(text, sizeof(text), "tls_fingerprint sha256:%s00\n",
	    hex);
	CHECK(load1(&c, text, &e, NULL) == -1, "fingerprint: 66 digits");
	conf_free(&c);
	(void)snprintf(text, sizeof(text), "tls_fingerprint sha256:%.63sg\n",
	    hex);
	CHECK(load1(&c, text, &e, NULL) == -1, "fingerprint: non-hex digit");
	conf_free(&c);
	(void)snprintf(text, sizeof(text), "tls_fingerprint sha256:%.63s\n",
	    hex);
	CHECK(load1(&c, text, &e, NULL) == -1, "fingerprint: odd digits");
	conf_free(&c);
}

static void
t_errors(void)
{
	char	*big;
	size_t	 n;

	expect_err("hostname h\nfoo bar\n", "2: unknown key \"foo\"",
	    "unknown key");
	expect_err("Smarthost x\n", "1: unknown key \"Smarthost\"",
	    "keys are case-sensitive");
	expect_err("\n\nretry_min 5x\n", "3: bad duration \"5x\" for retry_min "
	    "(use 30s, 5m, 4h or 5d)", "bad duration");
	expect_err("queue_lifetime 0\n", "1: bad duration \"0\" for "
	    "queue_lifetime (use 30s, 5m, 4h or 5d)", "zero lifetime");
	expect_err("timeout_connect -1\n", "1: bad duration \"-1\" for "
	    "timeout_connect (use 30s, 5m, 4h or 5d)", "negative timeout");
	expect_err("auth_plaintext maybe\n", "1: bad value \"maybe\" for "
	    "auth_plaintext (use yes or no)", "bad boolean");
	expect_err("from_rewrite 1\n", "1: bad value \"1\" for from_rewrite "
	    "(use yes or no)", "boolean 1");
	expect_err("tls always\n", "1: bad value \"always\" for tls (use "
	    "starttls, implicit or none)", "bad tls");
	expect_err("tls_min_version TLSv1.1\n", "1: bad value \"TLSv1.1\" for "
	    "tls_min_version (use TLSv1.2 or TLSv1.3)", "TLSv1.1");
	expect_err("auth_mechanism digest-md5\n", "1: bad value \"digest-md5\" "
	    "for auth_mechanism (use plain, login, cram-md5, scram-sha-256 or "
	    "xoauth2)", "bad mechanism");
	expect_err("inet_protocols ipx\n", "1: bad value \"ipx\" for "
	    "inet_protocols (use all, ipv4 or ipv6)", "bad inet_protocols");
	expect_err("resolver 1.2.3\n", "1: bad value \"1.2.3\" for resolver "
	    "(use ip, ip:port or [IPv6]:port)", "bad resolver");
	expect_err("resolver ns.example:53\n", "1: bad value \"ns.example:53\" "
	    "for resolver (use ip, ip:port or [IPv6]:port)", "resolver name");
	expect_err("resolver [::1]:0\n", "1: bad value \"[::1]:0\" for "
	    "resolver (use ip, ip:port or [IPv6]:port)", "resolver port 0");
	expect_err("bind_address eth0\n", "1: bad address \"eth0\" for "
	    "bind_address (use an IPv4 or IPv6 address)", "bad bind_address");
	expect_err("bind_address [eth0]\n", "1: bad address \"[eth0]\" for "
	    "bind_address (use an IPv4 or IPv6 address)",
	    "bind_address: bad value echoed as written");
	expect_err("from bob\n", "1: bad address \"bob\" for from",
	    "from without domain");
	expect_err("from <bob@x.example>\n", "1: bad address "
	    "\"<bob@x.example>\" for from", "from with brackets");
	expect_err("from @x.example\n", "1: bad address \"@x.example\" for "
	    "from", "from without local part");
	expect_err("admin_address a b\n", "1: bad address \"a b\" for "
	    "admin_address", "admin_address with a blank");
	expect_err("hostname bad_host!\n", "1: bad name \"bad_host!\" for "
	    "hostname", "bad hostname");
	expect_err("domain .example\n", "1: bad name \".example\" for domain",
	    "bad domain");
	expect_err("tls_ca_file ca.pem\n", "1: tls_ca_file needs an absolute "
	    "path", "relative tls_ca_file");
	expect_err("auth_password_file ~/.pw\n", "1: auth_password_file needs "
	    "an absolute path", "~ is not expanded");
	expect_err("spool_dir spool\n", "1: spool_dir needs an absolute path",
	    "relative spool_dir");
	expect_err("log_file posthorn.log\n", "1: log_file needs an absolute "
	    "path or \"-\"", "relative log_file");
	expect_err("smarthost\n", "1: smarthost needs a value", "no value");
	expect_err("hostname   \t \n", "1: hostname needs a value",
	    "blank value");
	expect_err("route\n", "1: route needs a value",
	    "route without pattern");
	expect_err("route app*@x.example\n", "1: bad route pattern "
	    "\"app*@x.example\" (use *@domain, user@*, user@domain or *)",
	    "partial wildcard");
	expect_err("route example.com\n", "1: bad route pattern "
	    "\"example.com\" (use *@domain, user@*, user@domain or *)",
	    "pattern without @");
	expect_err("route a@b c@d\n", "1: bad route pattern \"a@b c@d\" (use "
	    "*@domain, user@*, user@domain or *)", "two patterns");
	expect_err("route @x.example\n", "1: bad route pattern \"@x.example\" "
	    "(use *@domain, user@*, user@domain or *)", "empty local part");
	expect_err("dkim_sign example.com sel\n", "1: dkim_sign needs DOMAIN "
	    "SELECTOR KEYFILE", "dkim_sign two fields");
	expect_err("dkim_sign example.com sel key.pem\n", "1: dkim_sign needs "
	    "an absolute path for KEYFILE", "dkim relative key");
	expect_err("dkim_sign ex!ample sel /k\n", "1: bad domain for "
	    "dkim_sign", "dkim bad domain");
	expect_err("dkim_sign example.com s/l /k\n", "1: bad selector for "
	    "dkim_sign", "dkim bad selector");
	expect_err("hostname a\rb\n", "1: control character in line",
	    "CR inside a value");
	expect_err("from a@b\x1b[2J.example\n", "1: control character in line",
	    "escape in a value");
	expect_err("foo\xff\x01 x\n", "1: control character in line",
	    "control bytes before the key");
	expect_err("bar\xc3\xa9 x\n", "1: unknown key \"bar??\"",
	    "unknown key is sanitised");
	expect_err("route *@a.example\nsmarthost x\nspool_dir /s\n",
	    "3: spool_dir is not allowed inside a route section",
	    "global key inside a route");
	expect_err("route *@a.example\ndkim_sign a.example s /k\n",
	    "2: dkim_sign is not allowed inside a route section",
	    "dkim_sign inside a route");
	expect_err("route *@a.example\nretry_min 5m\n",
	    "2: retry_min is not allowed inside a route section",
	    "retry_min inside a route");

	/* NUL byte, line too long, file too big: built by hand. */
	{
		struct conf	 c;
		struct perr	 e;
		const char	*path;
		char		 want[600];

		path = tmpconf_len("hostname a\nfrom a\0b@c\n", 22, 0600);
		conf_init(&c);
		CHECK(conf_load(&c, path, 0, &e) == -1, "NUL byte refused");
		(void)snprintf(want, sizeof(want), "%s:2: NUL byte in line",
		    path);
		CHECK_STR(e.msg, want, "NUL byte message");
		conf_free(&c);
	}
	n = 8193 + 20;
	if ((big = malloc(n + 1)) == NULL)
		exit(2);
	memcpy(big, "auth_user ", 10);
	memset(big + 10, 'x', n - 10);
	big[n - 1] = '\n';
	big[n] = '\0';
	expect_err(big, "1: line longer than 8192 bytes", "long line");
	/* Exactly 8192 bytes before the LF is fine. */
	big[8192] = '\n';
	big[8193] = '\0';
	expect_ok(big, "8192-byte line");
	free(big);

	n = 1024 * 1024 + 1;
	if ((big = malloc(n + 1)) == NULL)
		exit(2);
	memset(big, '\n', n);
	big[0] = '#';
	big[n] = '\0';
	{
		struct conf	 c;
		struct perr	 e;
		const char	*path;
		char		 want[600];

		path = tmpconf(big, 0600);
		conf_init(&c);
		CHECK(conf_load(&c, path, 0, &e) == -1, "1 MiB + 1 refused");
		(void)snprintf(want, sizeof(want), "%s: larger than 1048576 "
		    "bytes", path);
		CHECK_STR(e.msg, want, "file too big message");
		CHECK(c.nfiles == 0, "a refused file is not recorded");
		conf_free(&c);

		big[n - 1] = '\0';
		path = tmpconf(big, 0600);
		conf_init(&c);
		CHECK(conf_load(&c, path, 0, &e) == 0, "exactly 1 MiB loads");
		conf_free(&c);
	}
	free(big);
}

static void
t_files(void)
{
	struct conf	 c;
	struct perr	 e;
	char		 dir[] = "/tmp/t_conf.dir.XXXXXX";
	char		 path[128], want[300];
	int		 rc;

	conf_init(&c);
	rc = conf_load(&c, "/nonexistent/posthorn.conf", 1, &e);
	CHECK(rc == 0 && c.nfiles == 0, "missing file with missing_ok");
	rc = conf_load(&c, "/etc/passwd/posthorn.conf", 1, &e);
	CHECK(rc == 0, "ENOTDIR with missing_ok counts as missing");
	rc = conf_load(&c, "/nonexistent/posthorn.conf", 0, &e);
	CHECK(rc == -1, "missing file without missing_ok");
	CHECK_STR(e.msg, "open /nonexistent/posthorn.conf: No such file or "
	    "directory", "missing file message");
	conf_free(&c);

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	conf_init(&c);
	rc = conf_load(&c, dir, 1, &e);
	(void)snprintf(want, sizeof(want), "%s: is a directory", dir);
	CHECK(rc == -1, "a directory is refused, even with missing_ok");
	CHECK_STR(e.msg, want, "directory message");
	conf_free(&c);

	(void)snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600) == -1) {
		perror("mkfifo");
		exit(2);
	}
	conf_init(&c);
	rc = conf_load(&c, path, 0, &e);
	(void)snprintf(want, sizeof(want), "%s: not a regular file", path);
	CHECK(rc == -1, "a FIFO is refused without blocking");
	CHECK_STR(e.msg, want, "FIFO message");
	conf_free(&c);
	unlink(path);

	conf_init(&c);
	rc = conf_load(&c, "/dev/null", 0, &e);
	CHECK(rc == -1, "a device is refused");
	CHECK_STR(e.msg, "/dev/null: not a regular file", "device message");
	conf_free(&c);

	/* Symbolic links are followed; the checks apply to the target. */
	{
		const char *secure = tmpconf("auth_password s\n", 0600);
		const char *open_ = tmpconf("auth_password s\n", 0644);

		(void)snprintf(path, sizeof(path), "%s/link", dir);
		if (symlink(secure, path) == -1)
			exit(2);
		conf_init(&c);
		rc = conf_load(&c, path, 0, &e);
		CHECK(rc == 0, "symlink to a 0600 file with a password loads");
		CHECK(c.nfiles == 1 && strcmp(c.files[0], path) == 0,
		    "the path as given is recorded");
		conf_free(&c);
		unlink(path);
		if (symlink(open_, path) == -1)
			exit(2);
		conf_init(&c);
		rc = conf_load(&c, path, 0, &e);
		CHECK(rc == -1,
		    "symlink to a 0644 file with a password refused");
		conf_free(&c);
		unlink(path);
	}

	/* Five files: c->files has room for four. */
	{
		const char *p = tmpconf("hostname a\n", 0600);
		int i;

		conf_init(&c);
		for (i = 0; i < 4; i++)
			if (conf_load(&c, p, 0, &e) == -1)
				break;
		CHECK(i == 4 && c.nfiles == 4, "four files load");
		rc = conf_load(&c, p, 0, &e);
		(void)snprintf(want, sizeof(want), "%s: too many configuration "
		    "files (at most 4)", p);
		CHECK(rc == -1, "a fifth file is refused");
		CHECK_STR(e.msg, want, "fifth file message");
		conf_free(&c);
	}
	rmdir(dir);
}

static void
t_permissions(void)
{
	struct conf	 c;
	struct perr	 e;
	const char	*path;
	char		 want[600];
	int		 rc;

	path = tmpconf("smarthost relay\nauth_user u\nauth_password s3cret\n",
	    0644);
	conf_init(&c);
	rc = conf_load(&c, path, 0, &e);
	(void)snprintf(want, sizeof(want), "%s: holds auth_password but is "
	    "readable by others; run: chmod 600 %s", path, path);
	CHECK(rc == -1, "0644 with auth_password refused");
	CHECK_STR(e.msg, want, "insecure file message");
	CHECK(e.temp == 0, "insecure file is permanent");
	CHECK(c.relay.auth_password == NULL, "nothing read from it");
	conf_free(&c);

	path = tmpconf("auth_password s3cret\n", 0640);
	conf_init(&c);
	CHECK(conf_load(&c, path, 0, &e) == -1, "0640 refused");
	conf_free(&c);

	path = tmpconf("auth_password s3cret\n", 0602);
	conf_init(&c);
	CHECK(conf_load(&c, path, 0, &e) == -1, "0602 (other write) refused");
	conf_free(&c);

	path = tmpconf("auth_password s3cret\n", 0400);
	conf_init(&c);
	CHECK(conf_load(&c, path, 0, &e) == 0, "0400 accepted");
	conf_free(&c);

	path = tmpconf("smarthost relay\nauth_user u\nauth_password s3cret\n",
	    0600);
	conf_init(&c);
	rc = conf_load(&c, path, 0, &e);
	CHECK(rc == 0, "0600 with auth_password accepted");
	CHECK_STR(c.relay.auth_password, "s3cret", "password read");
	conf_free(&c);

	path = tmpconf("smarthost relay\nauth_user u\n"
	    "auth_password_file /etc/posthorn.pw\n", 0644);
	conf_init(&c);
	CHECK(conf_load(&c, path, 0, &e) == 0,
	    "0644 with only auth_password_file accepted");
	conf_free(&c);

	path = tmpconf("route *@x.example\nsmarthost r\n"
	    "  auth_password s\n", 0644);
	conf_init(&c);
	CHECK(conf_load(&c, path, 0, &e) == -1,
	    "auth_password inside a route counts too");
	conf_free(&c);

	/* Found before a syntax error: the exposed secret matters more. */
	path = tmpconf("bogus key\nauth_password s\n", 0644);
	conf_init(&c);
	rc = conf_load(&c, path, 0, &e);
	CHECK(rc == -1 && strstr(e.msg, "chmod 600") != NULL,
	    "insecure file reported before a bad key");
	conf_free(&c);

	path = tmpconf("# auth_password s\nauth_passwords x\n", 0644);
	conf_init(&c);
	rc = conf_load(&c, path, 0, &e);
	CHECK(rc == -1 && strstr(e.msg, "unknown key") != NULL,
	    "commented auth_password and auth_passwords are not the key");
	conf_free(&c);

	if (geteuid() == 0) {
		int fd;

		path = tmpconf("auth_password s\n", 0600);
		if ((fd = open(path, O_RDONLY)) == -1 ||
		    fchown(fd, 65534, 65534) == -1)
			exit(2);
		close(fd);
		conf_init(&c);
		rc = conf_load(&c, path, 0, &e);
		(void)snprintf(want, sizeof(want), "%s: holds auth_password "
		    "but belongs to uid 65534, not to uid 0", path);
		CHECK(rc == -1, "someone else's file with a password refused");
		CHECK_STR(e.msg, want, "owner message");
		conf_free(&c);
	} else
		CHECK(1, "# SKIP owner check needs root");
}

static void
t_overrides(void)
{
	struct conf		 c;
	struct perr		 e;
	struct conf_relay	 r;
	const char		*sys, *usr;
	int			 rc;

	sys = tmpconf(
	    "smarthost sys.example:587\n"
	    "hostname sys\n"
	    "hostname sys2\n"
	    "retry_min 10m\n"
	    "from sys@example.com\n"
	    "auth_user sysuser\n"
	    "auth_password_file /etc/posthorn.pw\n"
	    "dkim_sign example.com s1 /etc/k1\n"
	    "route *@a.example\n"
	    "from a@a.example\n", 0644);
	usr = tmpconf(
	    "retry_min 20m\n"
	    "from me@example.com\n"
	    "dkim_sign example.com s2 /etc/k2\n"
	    "hostname usr\n"
	    "route *@b.example\n"
	    "from b@b.example\n", 0600);
	conf_init(&c);
	rc = conf_load(&c, sys, 0, &e);
	CHECK(rc == 0, "system file loads");
	CHECK_STR(c.hostname, "sys2", "within a file the later key wins");
	rc = conf_load(&c, usr, 0, &e);
	CHECK(rc == 0, "user file loads");
	CHECK_STR(c.hostname, "usr", "across files the later key wins");
	CHECK(c.retry_min_s == 1200, "retry_min from the user file");
	CHECK_STR(c.relay.from, "me@example.com", "from from the user file");
	CHECK(c.relay.nhosts == 1 &&
	    strcmp(c.relay.hosts[0].name, "sys.example") == 0,
	    "the system smarthost stays");
	CHECK_STR(c.relay.auth_user, "sysuser",
	    "system credentials stay with the system smarthost");
	CHECK(c.ndkim == 2 && strcmp(c.dkim[0].selector, "s1") == 0 &&
	    strcmp(c.dkim[1].selector, "s2") == 0,
	    "dkim_sign accumulates, system file first");
	CHECK(c.nroutes == 2 && strcmp(c.routes[0].pattern, "*@a.example") ==
	    0 && strcmp(c.routes[1].pattern, "*@b.example") == 0,
	    "routes accumulate, system file first");
	CHECK(c.nfiles == 2 && strcmp(c.files[0], sys) == 0 &&
	    strcmp(c.files[1], usr) == 0, "both files recorded in order");
	rc = conf_route(&c, "x@b.example", &r);
	CHECK(rc == 2, "the user's route matches");
	CHECK_STR(r.from, "b@b.example", "route from");
	CHECK(r.nhosts == 1 && strcmp(r.hosts[0].name, "sys.example") == 0,
	    "route inherits the global smarthost");
	conf_free(&c);

	/* A route section ends with its file: the next file starts global. */
	sys = tmpconf("route *@a.example\nsmarthost ra\n", 0600);
	usr = tmpconf("hostname h.example\nsmarthost g\n", 0600);
	conf_init(&c);
	rc = conf_load(&c, sys, 0, &e);
	rc |= conf_load(&c, usr, 0, &e);
	CHECK(rc == 0, "route, then a global file");
	CHECK(c.relay.nhosts == 1 && strcmp(c.relay.hosts[0].name, "g") == 0,
	    "smarthost of the second file is global");
	CHECK(c.routes[0].relay.nhosts == 1 &&
	    strcmp(c.routes[0].relay.hosts[0].name, "ra") == 0,
	    "the route keeps its own");
	conf_free(&c);

	/* The second file would fail inside a route: it does not. */
	usr = tmpconf("spool_dir /var/spool/x\n", 0600);
	conf_init(&c);
	rc = conf_load(&c, sys, 0, &e);
	rc |= conf_load(&c, usr, 0, &e);
	CHECK(rc == 0, "a global-only key after another file's route");
	conf_free(&c);
}

/* SPEC 4: a secret only ever reaches the smarthost of the file naming it. */
static void
t_secret_binding(void)
{
	struct conf		 c;
	struct perr		 e;
	struct conf_relay	 r;
	const char		*sys, *usr;
	int			 rc;

	sys = tmpconf(
	    "smarthost corp.example:587\n"
	    "tls starttls\n"
	    "auth_user corp\n"
	    "auth_password_file /etc/posthorn.pw\n"
	    "auth_mechanism plain\n"
	    "tls_fingerprint sha256:"
	    "0000000000000000000000000000000000000000000000000000000000000000\n"
	    "tls_ca_file /etc/ca.pem\n"
	    "route app@*\n"
	    "auth_user app\n"
	    "auth_password_command cat /etc/app.pw\n", 0644);

	/* The user names another smarthost: nothing of corp's follows it. */
	usr = tmpconf("smarthost mine.example:465\n", 0600);
	conf_init(&c);
	rc = conf_load(&c, sys, 0, &e);
	rc |= conf_load(&c, usr, 0, &e);
	CHECK(rc == 0, "binding: loads");
	CHECK(c.relay.auth_user == NULL &&
	    c.relay.auth_password_file == NULL,
	    "another file's smarthost drops the system credentials");
	CHECK(c.relay.has_fingerprint == 0, "and the system pin");
	CHECK(c.relay.tls == CONF_TLS_DEFAULT, "and the system tls mode");
	CHECK(c.relay.auth_mechanism == NULL, "and the system mechanism");
	CHECK_STR(c.relay.tls_ca_file, "/etc/ca.pem", "but keeps tls_ca_file");
	rc = conf_route(&c, "app@x.example", &r);
	CHECK(rc == 1, "binding: the system route matches");
	CHECK(r.nhosts == 1 && strcmp(r.hosts[0].name, "corp.example") == 0,
	    "the system route's secret stays bound to corp's smarthost");
	CHECK_STR(r.auth_password_command, "cat /etc/app.pw",
	    "route password command");
	CHECK(r.tls == CONF_TLS_STARTTLS && r.has_fingerprint,
	    "the route keeps corp's tls and pin");
	rc = conf_route(&c, "bob@x.example", &r);
	CHECK(rc == 0 && r.auth_user == NULL && r.nhosts == 1 &&
	    strcmp(r.hosts[0].name, "mine.example") == 0,
	    "other senders go to the user's smarthost without credentials");
	conf_free(&c);

	/* The user names credentials only: the system smarthost gets them. */
	usr = tmpconf("auth_user me\nauth_password mine\n", 0600);
	conf_init(&c);
	rc = conf_load(&c, sys, 0, &e);
	rc |= conf_load(&c, usr, 0, &e);
	CHECK(rc == 0, "user credentials: loads");
	CHECK_STR(c.relay.auth_user, "me", "user's auth_user");
	CHECK_STR(c.relay.auth_password, "mine", "user's password");
	CHECK(c.relay.auth_password_file == NULL,
	    "credentials go as a group: no system password file");
	CHECK(c.relay.nhosts == 1 &&
	    strcmp(c.relay.hosts[0].name, "corp.example") == 0,
	    "the system smarthost stays");
	CHECK(c.relay.has_fingerprint, "so does its pin");
	conf_free(&c);

	/* auth_user alone in a later file takes no earlier password. */
	usr = tmpconf("auth_user someone\n", 0600);
	conf_init(&c);
	rc = conf_load(&c, sys, 0, &e);
	rc |= conf_load(&c, usr, 0, &e);
	CHECK(rc == 0 && c.relay.auth_password_file == NULL &&
	    strcmp(c.relay.auth_user, "someone") == 0,
	    "a later auth_user does not pair with an earlier password");
	conf_free(&c);

	/* Direct delivery: a route's credentials have no server; dropped. */
	sys = tmpconf("route *@a.example\nauth_user u\n"
	    "auth_password_file /etc/pw\n", 0600);
	usr = tmpconf("smarthost evil.example\n", 0600);
	conf_init(&c);
	rc = conf_load(&c, sys, 0, &e);
	rc |= conf_load(&c, usr, 0, &e);
	CHECK(rc == 0, "route credentials without smarthost: loads");
	rc = conf_route(&c, "x@a.example", &r);
	CHECK(rc == 1 && r.auth_user == NULL && r.auth_password_file == NULL,
	    "they never reach a later file's smarthost");
	conf_free(&c);

	/* tls_cert and tls_key are a pair. */
	sys = tmpconf("tls_cert /etc/c.pem\ntls_key /etc/k.pem\n", 0600);
	usr = tmpconf("tls_cert /home/c.pem\n", 0600);
	conf_init(&c);
	rc = conf_load(&c, sys, 0, &e);
	rc |= conf_load(&c, usr, 0, &e);
	CHECK(rc == 0 && c.relay.tls_key == NULL &&
	    strcmp(c.relay.tls_cert, "/home/c.pem") == 0,
	    "a later tls_cert drops the earlier tls_key");
	conf_free(&c);
}

static void
t_routes(void)
{
	struct conf		 c;
	struct perr		 e;
	struct conf_relay	 r;
	int			 rc;

	rc = load1(&c,
	    "smarthost global.example\n"
	    "tls implicit\n"
	    "tls_min_version TLSv1.3\n"
	    "tls_ca_file /etc/ca.pem\n"
	    "tls_cert /etc/c.pem\n"
	    "tls_key /etc/k.pem\n"
	    "auth_user guser\n"
	    "auth_password gpass\n"
	    "auth_mechanism login\n"
	    "auth_plaintext yes\n"
	    "from g@example.com\n"
	    "tls_fingerprint sha256:"
	    "1111111111111111111111111111111111111111111111111111111111111111\n"
	    "route *@Example.ORG\n"			/* 1 */
	    "smarthost org.example:2525 [::1]\n"
	    "auth_user ouser\n"
	    "auth_password opass\n"
	    "from_rewrite yes\n"
	    "from o@example.org\n"
	    "route app@*\n"				/* 2 */
	    "from app@example.com\n"
	    "route exact@example.net\n"			/* 3 */
	    "tls none\n"
	    "auth_user exact\n"
	    "route ses@*\n"				/* 4 */
	    "smarthost ses.example\n"
	    "tls_min_version TLSv1.2\n"
	    "route *@example.org\n"			/* 5: shadowed */
	    "from never@example.org\n"
	    "route *\n"					/* 6 */
	    "auth_plaintext no\n", &e, NULL);
	CHECK(rc == 0, "routes: loads");
	if (rc != 0) {
		printf("#   %s\n", e.msg);
		conf_free(&c);
		return;
	}
	CHECK(c.nroutes == 6, "six routes");

	rc = conf_route(&c, "bob@example.org", &r);
	CHECK(rc == 1, "*@Example.ORG matches bob@example.org");
	CHECK(conf_route(&c, "bob@EXAMPLE.org", &r) == 1,
	    "domain match ignores case");
	CHECK(r.nhosts == 2 && strcmp(r.hosts[0].name, "org.example") == 0 &&
	    r.hosts[0].port == 2525 && strcmp(r.hosts[1].name, "::1") == 0,
	    "route 1 smarthosts");
	CHECK_STR(r.auth_user, "ouser", "route 1 auth_user");
	CHECK_STR(r.auth_password, "opass", "route 1 auth_password");
	CHECK(r.from_rewrite == 1, "route 1 from_rewrite");
	CHECK_STR(r.from, "o@example.org", "route 1 from");
	CHECK(r.tls == CONF_TLS_DEFAULT,
	    "own smarthost: the global tls mode is not inherited");
	CHECK(r.has_fingerprint == 0, "own smarthost: no global pin");
	CHECK(r.tls_cert == NULL && r.tls_key == NULL,
	    "own smarthost: no global client certificate");
	CHECK(r.auth_mechanism == NULL, "own smarthost: no global mechanism");
	CHECK(r.auth_plaintext == 0, "own smarthost: no plaintext auth");
	CHECK(r.tls_min_version == 13, "tls_min_version inherited");
	CHECK_STR(r.tls_ca_file, "/etc/ca.pem", "tls_ca_file inherited");
	CHECK(r.source != NULL && strstr(r.source, ":13") != NULL,
	    "route source names the line");
	CHECK(conf_route(&c, "bob@sub.example.org", &r) == 6,
	    "*@example.org does not match a subdomain");

	rc = conf_route(&c, "app@anything.example", &r);
	CHECK(rc == 2, "app@* matches");
	CHECK(r.nhosts == 1 && strcmp(r.hosts[0].name, "global.example") == 0,
	    "route 2 inherits the smarthost");
	CHECK(r.tls == CONF_TLS_IMPLICIT && r.has_fingerprint &&
	    r.tls_fingerprint[0] == 0x11, "and its tls mode and pin");
	CHECK_STR(r.auth_user, "guser", "and its credentials");
	CHECK_STR(r.auth_password, "gpass", "and its password");
	CHECK_STR(r.auth_mechanism, "login", "and its mechanism");
	CHECK(r.auth_plaintext == 1, "and auth_plaintext");
	CHECK_STR(r.tls_cert, "/etc/c.pem", "and the client certificate");
	CHECK_STR(r.from, "app@example.com", "route 2 from");
	CHECK(r.from_rewrite == 0, "from_rewrite from global");
	CHECK(conf_route(&c, "App@anything.example", &r) == 6,
	    "the local part is compared exactly");
	CHECK(conf_route(&c, "application@x.example", &r) == 6,
	    "app@* is not a prefix match");

	rc = conf_route(&c, "exact@example.net", &r);
	CHECK(rc == 3, "exact pattern matches");
	CHECK(r.tls == CONF_TLS_NONE, "route 3 tls none");
	CHECK_STR(r.auth_user, "exact", "route 3 auth_user");
	CHECK(r.auth_password == NULL,
	    "a route's auth_user takes no global password");
	CHECK(conf_route(&c, "exact@EXAMPLE.NET", &r) == 3,
	    "exact: domain without case");
	CHECK(conf_route(&c, "other@example.net", &r) == 6,
	    "exact: another user does not match");

	rc = conf_route(&c, "ses@example.com", &r);
	CHECK(rc == 4 && r.tls_min_version == 12,
	    "route tls_min_version TLSv1.2 overrides the global 1.3");
	CHECK(r.auth_user == NULL && r.auth_password == NULL,
	    "own smarthost: no global credentials");

	rc = conf_route(&c, "someone@example.com", &r);
	CHECK(rc == 6, "* catches the rest");
	CHECK(r.auth_plaintext == 0, "route 6 auth_plaintext no");
	CHECK_STR(r.auth_user, "guser", "route 6 inherits credentials");

	CHECK(conf_route(&c, "", &r) == 0, "null sender: global");
	CHECK(r.nhosts == 1 && strcmp(r.hosts[0].name, "global.example") ==
	    0 && r.source == NULL, "null sender gets the global keys");
	CHECK(conf_route(&c, NULL, &r) == 0, "NULL sender: global");
	CHECK(conf_route(&c, "nodomain", &r) == 6,
	    "a sender without @ matches only *");
	CHECK(conf_route(&c, "\"a@b\"@example.org", &r) == 1,
	    "the domain follows the last @");
	conf_free(&c);

	rc = load1(&c, "from g@example.com\nroute *@a.example\n"
	    "smarthost a\n", &e, NULL);
	CHECK(rc == 0 && conf_route(&c, "x@b.example", &r) == 0,
	    "no route matches: global");
	CHECK_STR(r.from, "g@example.com", "global from");
	conf_free(&c);

	/* 256 routes fit, the 257th does not. */
	{
		char	*text, *p;
		size_t	 i, sz = 300 * 32;

		if ((text = malloc(sz)) == NULL)
			exit(2);
		p = text;
		for (i = 0; i < 257; i++)
			p += snprintf(p, sz - (size_t)(p - text),
			    "route u%zu@*\n", i);
		rc = load1(&c, text, &e, NULL);
		CHECK(rc == -1 && strstr(e.msg, ":257: too many route sections "
		    "(at most 256)") != NULL, "route count is capped");
		conf_free(&c);
		free(text);
	}
}

int
main(void)
{
	size_t	i;

	t_defaults();
	t_duration();
	t_every_key();
	t_values();
	t_hosts();
	t_fingerprint();
	t_errors();
	t_files();
	t_permissions();
	t_overrides();
	t_secret_binding();
	t_routes();
	for (i = 0; i < nmade; i++)
		unlink(made[i]);
	return tap_done();
}
