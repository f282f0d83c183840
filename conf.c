/*
 * conf.c - posthorn.conf: reading, checking, defaults and per-sender routes.
 *
 * The format (SPEC 6) is one "key value" per line; a line whose first
 * non-blank byte is '#' is a comment, and a '#' anywhere else belongs to the
 * value, so passwords may hold one.  conf_load() is called once per file, in
 * order, on the same struct conf: later keys override earlier ones, except
 * dkim_sign and route, which accumulate.  "route PATTERN" opens a section
 * that ends at the next route line or at the end of the file; only the keys
 * of struct conf_relay may appear in it.
 *
 * Invariants:
 * - Every value is checked here, so the other modules can trust the struct:
 *   durations are in range, hosts and addresses are well formed, file keys
 *   hold absolute paths and no value holds a control byte (a CR in a
 *   hostname would reach the SMTP dialogue).
 * - A secret is only ever sent to the smarthost of the file and route that
 *   names it (SPEC 4).  A file or route that names its own smarthost takes
 *   none of the keys that belong to another server: tls, tls_fingerprint,
 *   tls_cert, tls_key and the auth_* keys.  The credentials (auth_user and
 *   the three password sources) travel as one group.
 * - A file that holds auth_password itself must be the caller's and mode
 *   0600, checked on the open descriptor (SPEC 6, 8).  Symbolic links are
 *   followed: admins link /etc files, and the check is on what was opened.
 * - auth_password values are wiped before their memory is freed, and so is
 *   the buffer the file was read into.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

#define CONF_LINE_MAX	8192		/* bytes per line, without the LF */
#define CONF_FILE_MAX	(1024 * 1024)	/* bytes per file */
#define CONF_MAX_ROUTES	256
#define CONF_MAX_DKIM	32
#define CONF_MAX_FILES	(sizeof(((struct conf *)0)->files) / \
			    sizeof(((struct conf *)0)->files[0]))
/* Ten years: far beyond any sane lifetime, and no overflow in callers. */
#define CONF_DURATION_MAX	(3650L * 86400L)
#define CONF_ECHO_MAX	64		/* bytes of a bad value quoted back */

/*
 * Defaults that are strings.  They are static so that conf_init() cannot
 * fail; conf_free() and the setters never free them.
 */
static char	conf_default_aliases[] = "/etc/aliases";
static char	conf_default_spool[] = "/var/spool/posthorn";

enum conf_kind {
	K_HOSTS,	/* smarthost */
	K_TLS,
	K_PATH,		/* an absolute path */
	K_FPR,
	K_TLSVER,
	K_STR,		/* any text */
	K_SECRET,	/* auth_password */
	K_PWFILE,	/* auth_password_file: a path and a password source */
	K_PWCMD,	/* auth_password_command */
	K_BOOL,
	K_MECH,
	K_ADDR,		/* local@domain */
	K_LOCALADDR,	/* local@domain or a bare local part */
	K_NAME,		/* a host or domain name */
	K_DURATION,
	K_DURATION0,	/* a duration, 0 allowed */
	K_INET,
	K_IP,		/* bind_address */
	K_RESOLVER,
	K_DKIM,
	K_ROUTE,
	K_LOGFILE
};

/* The relay keys, as bits: which ones one file set in the global section. */
#define B_SMARTHOST	0x0001u
#define B_TLS		0x0002u
#define B_CA		0x0004u
#define B_FPR		0x0008u
#define B_CERT		0x0010u
#define B_KEY		0x0020u
#define B_TLSVER	0x0040u
#define B_USER		0x0080u
#define B_PW		0x0100u
#define B_PWFILE	0x0200u
#define B_PWCMD		0x0400u
#define B_MECH		0x0800u
#define B_PLAIN		0x1000u
#define B_FROM		0x2000u
#define B_REWRITE	0x4000u
#define B_CREDS		(B_USER | B_PW | B_PWFILE | B_PWCMD)

struct conf_key {
	const char	*name;
	enum conf_kind	 kind;
	size_t		 off;	/* in struct conf_relay if bit, else conf */
	unsigned	 bit;	/* 0: a global-only key */
};

#define R(f)	offsetof(struct conf_relay, f)
#define G(f)	offsetof(struct conf, f)
static const struct conf_key conf_keys[] = {
	{ "smarthost", K_HOSTS, 0, B_SMARTHOST },
	{ "tls", K_TLS, R(tls), B_TLS },
	{ "tls_ca_file", K_PATH, R(tls_ca_file), B_CA },
	{ "tls_fingerprint", K_FPR, 0, B_FPR },
	{ "tls_cert", K_PATH, R(tls_cert), B_CERT },
	{ "tls_key", K_PATH, R(tls_key), B_KEY },
	{ "tls_min_version", K_TLSVER, R(tls_min_version), B_TLSVER },
	{ "auth_user", K_STR, R(auth_user), B_USER },
	{ "auth_password", K_SECRET, R(auth_password), B_PW },
	{ "auth_password_file", K_PWFILE, R(auth_password_file), B_PWFILE },
	{ "auth_password_command", K_PWCMD, R(auth_password_command), B_PWCMD },
	{ "auth_mechanism", K_MECH, R(auth_mechanism), B_MECH },
	{ "auth_plaintext", K_BOOL, R(auth_plaintext), B_PLAIN },
	{ "from", K_ADDR, R(from), B_FROM },
	{ "from_rewrite", K_BOOL, R(from_rewrite), B_REWRITE },
	{ "hostname", K_NAME, G(hostname), 0 },
	{ "domain", K_NAME, G(domain), 0 },
	{ "admin_address", K_LOCALADDR, G(admin_address), 0 },
	{ "aliases", K_PATH, G(aliases), 0 },
	{ "spool_dir", K_PATH, G(spool_dir), 0 },
	{ "log_file", K_LOGFILE, G(log_file), 0 },
	{ "resolver", K_RESOLVER, G(resolver), 0 },
	{ "bind_address", K_IP, G(bind_address), 0 },
	{ "inet_protocols", K_INET, G(inet_protocols), 0 },
	{ "retry_min", K_DURATION, G(retry_min_s), 0 },
	{ "retry_max", K_DURATION, G(retry_max_s), 0 },
	{ "queue_lifetime", K_DURATION, G(queue_lifetime_s), 0 },
	{ "failed_lifetime", K_DURATION, G(failed_lifetime_s), 0 },
	{ "timeout_connect", K_DURATION, G(timeout_connect_s), 0 },
	{ "timeout_command", K_DURATION0, G(timeout_command_s), 0 },
	{ "submit_timeout", K_DURATION, G(submit_timeout_s), 0 },
	{ "dkim_sign", K_DKIM, 0, 0 },
	{ "route", K_ROUTE, 0, 0 },
};
#undef R
#undef G

/* What one conf_load() call is working on. */
struct conf_ctx {
	struct conf	*c;
	const char	*path;
	size_t		 lineno;
	long		 route;		/* -1: the global section */
	unsigned	 mask;		/* B_* set in this file's global part */
	struct perr	*e;
};

static int	conf_err(struct conf_ctx *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));

static int
conf_err(struct conf_ctx *x, const char *fmt, ...)
{
	char	buf[400];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return perr_set(x->e, 0, "%s:%zu: %s", x->path, x->lineno, buf);
}

static int
conf_nomem(struct conf_ctx *x)
{
	return perr_set(x->e, 1, "%s:%zu: out of memory", x->path, x->lineno);
}

/* A value quoted back in an error: short, and safe for a terminal. */
static const char *
conf_echo(char *buf, size_t bufsz, const char *v)
{
	log_sanitize(buf, bufsz, v);
	return buf;
}

static int
conf_isblank(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' ||
	    ch == '\v';
}

static int
conf_is_static(const char *p)
{
	return p == conf_default_aliases || p == conf_default_spool;
}

static void
conf_freestr(char **p)
{
	if (*p != NULL && !conf_is_static(*p))
		free(*p);
	*p = NULL;
}

/* For values that may be secret: wipe before the memory goes back. */
static void
conf_wipestr(char **p)
{
	if (*p != NULL) {
		explicit_bzero(*p, strlen(*p));
		free(*p);
	}
	*p = NULL;
}

static int
conf_setstr(char **slot, const char *v, int secret)
{
	char	*n;

	if ((n = strdup(v)) == NULL)
		return -1;
	if (secret)
		conf_wipestr(slot);
	else
		conf_freestr(slot);
	*slot = n;
	return 0;
}

static void
relay_clear_hosts(struct conf_relay *r)
{
	size_t	i;

	for (i = 0; i < r->nhosts; i++) {
		free(r->hosts[i].name);
		r->hosts[i].name = NULL;
		r->hosts[i].port = 0;
	}
	r->nhosts = 0;
}

static void
relay_clear_creds(struct conf_relay *r)
{
	conf_freestr(&r->auth_user);
	conf_wipestr(&r->auth_password);
	conf_freestr(&r->auth_password_file);
	/* A command may be "echo secret": treat it as one. */
	conf_wipestr(&r->auth_password_command);
}

static void
relay_clear_fpr(struct conf_relay *r)
{
	memset(r->tls_fingerprint, 0, sizeof(r->tls_fingerprint));
	r->has_fingerprint = 0;
}

static void
relay_free(struct conf_relay *r)
{
	relay_clear_hosts(r);
	relay_clear_creds(r);
	conf_freestr(&r->tls_ca_file);
	conf_freestr(&r->tls_cert);
	conf_freestr(&r->tls_key);
	conf_freestr(&r->auth_mechanism);
	conf_freestr(&r->from);
	conf_freestr(&r->source);
}

/* A route's relay starts with every key unset. */
static void
relay_unset(struct conf_relay *r)
{
	memset(r, 0, sizeof(*r));
	r->tls = CONF_TLS_DEFAULT;
	r->tls_min_version = 0;
	r->auth_plaintext = -1;
	r->from_rewrite = -1;
}

static int
relay_has_creds(const struct conf_relay *r)
{
	return r->auth_user != NULL || r->auth_password != NULL ||
	    r->auth_password_file != NULL || r->auth_password_command != NULL;
}

static int
dupstr(char **dst, const char *src)
{
	if (src == NULL)
		return 0;
	return (*dst = strdup(src)) == NULL ? -1 : 0;
}

void
conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	relay_unset(&c->relay);
	c->relay.tls_min_version = 12;
	c->relay.auth_plaintext = 0;
	c->relay.from_rewrite = 0;
	c->aliases = conf_default_aliases;
	c->spool_dir = conf_default_spool;
	c->inet_protocols = CONF_INET_ALL;
	c->retry_min_s = 5 * 60;
	c->retry_max_s = 4 * 3600;
	c->queue_lifetime_s = 5 * 86400;
	c->failed_lifetime_s = 30 * 86400;
	c->timeout_connect_s = 30;
	c->timeout_command_s = 0;
	c->submit_timeout_s = 30;
}

void
conf_free(struct conf *c)
{
	size_t	i;

	relay_free(&c->relay);
	for (i = 0; i < c->nroutes; i++) {
		free(c->routes[i].pattern);
		relay_free(&c->routes[i].relay);
	}
	free(c->routes);
	for (i = 0; i < c->ndkim; i++) {
		free(c->dkim[i].domain);
		free(c->dkim[i].selector);
		free(c->dkim[i].keyfile);
	}
	free(c->dkim);
	conf_freestr(&c->hostname);
	conf_freestr(&c->domain);
	conf_freestr(&c->admin_address);
	conf_freestr(&c->aliases);
	conf_freestr(&c->spool_dir);
	conf_freestr(&c->log_file);
	conf_freestr(&c->resolver);
	conf_freestr(&c->bind_address);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	/* Leaves no dangling pointer: a second conf_free() is harmless. */
	memset(c, 0, sizeof(*c));
}

long
conf_duration(const char *s)
{
	long	 n = 0, mult;
	size_t	 digits = 0;

	if (s == NULL)
		return -1;
	/*
	 * Digits by hand: strtonum would take "-5", " 5" and "+5".  Nine
	 * digits cover the maximum and cannot overflow a 32-bit long.
	 */
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > 9)
			return -1;
		n = n * 10 + (*s - '0');
	}
	if (digits == 0)
		return -1;
	switch (*s) {
	case '\0':
		return n <= CONF_DURATION_MAX ? n : -1;
	case 's':
		mult = 1;
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'd':
		mult = 86400;
		break;
	default:
		return -1;
	}
	if (s[1] != '\0' || n > CONF_DURATION_MAX / mult)
		return -1;
	return n * mult;
}

/*
 * A host or domain name: letters, digits, '-', '_' and '.', no empty
 * label, no leading '-'.  Also takes dotted IPv4 addresses.  utf8_ok lets
 * bytes >= 0x80 through, for the domain of an SMTPUTF8 address.
 */
static int
conf_valid_name(const char *s, size_t len, int utf8_ok)
{
	size_t	i, label = 0;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '.') {
			/* A trailing dot (root) is fine, an empty label not. */
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum(ch) && ch != '-' && ch != '_' &&
		    !(utf8_ok && ch >= 0x80))
			return 0;
		if (label == 0 && ch == '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}

/* An IPv6 address, with an optional %zone for link-local addresses. */
static int
conf_valid_ip6(const char *s, size_t len)
{
	char		 buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	struct in6_addr	 a6;
	char		*zone;
	size_t		 i;

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((zone = strchr(buf, '%')) != NULL) {
		*zone++ = '\0';
		if (*zone == '\0' || strlen(zone) >= IF_NAMESIZE)
			return 0;
		for (i = 0; zone[i] != '\0'; i++)
			if (!isalnum((unsigned char)zone[i]) &&
			    strchr("._-", zone[i]) == NULL)
				return 0;
	}
	return inet_pton(AF_INET6, buf, &a6) == 1;
}

static int
conf_valid_ip4(const char *s, size_t len)
{
	char		buf[INET_ADDRSTRLEN];
	struct in_addr	a4;

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &a4) == 1;
}

/* ":port" or nothing; 0 in *port when there is none. */
static int
conf_port(const char *s, int *port)
{
	const char	*errstr;
	long long	 n;

	*port = 0;
	if (*s == '\0')
		return 0;
	if (*s != ':' || s[1] < '0' || s[1] > '9')
		return -1;
	n = strtonum(s + 1, 1, 65535, &errstr);
	if (errstr != NULL)
		return -1;
	*port = (int)n;
	return 0;
}

/*
 * "name", "name:port", "[IPv6]", "[IPv6]:port" (and "[IPv4]" for
 * symmetry).  On success h->name is allocated, without brackets.
 */
static int
conf_parse_host(const char *tok, size_t len, struct conf_host *h,
    int *nomem)
{
	char		 buf[300];
	const char	*name, *rest, *colon;
	size_t		 nlen;

	*nomem = 0;
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	if (buf[0] == '[') {
		if ((rest = strchr(buf, ']')) == NULL)
			return -1;
		name = buf + 1;
		nlen = (size_t)(rest - name);
		if (!conf_valid_ip6(name, nlen) && !conf_valid_ip4(name, nlen))
			return -1;
		rest++;
	} else {
		name = buf;
		if ((colon = strchr(buf, ':')) != NULL &&
		    strchr(colon + 1, ':') != NULL)
			return -1;	/* an IPv6 address needs brackets */
		nlen = colon != NULL ? (size_t)(colon - buf) : len;
		if (!conf_valid_name(name, nlen, 0))
			return -1;
		rest = buf + nlen;
	}
	if (conf_port(rest, &h->port) == -1)
		return -1;
	if ((h->name = strndup(name, nlen)) == NULL) {
		*nomem = 1;
		return -1;
	}
	return 0;
}

static int
conf_set_hosts(struct conf_ctx *x, struct conf_relay *r, const char *v)
{
	struct conf_host hosts[CONF_MAX_HOSTS];
	char		 echo[CONF_ECHO_MAX + 1];
	size_t		 n = 0, i, len;
	int		 nomem;
	static const char sep[] = " \t,";

	memset(hosts, 0, sizeof(hosts));
	while (*v != '\0') {
		v += strspn(v, sep);
		if (*v == '\0')
			break;
		len = strcspn(v, sep);
		if (n == CONF_MAX_HOSTS) {
			conf_err(x, "too many hosts for smarthost (at most %d)",
			    CONF_MAX_HOSTS);
			goto fail;
		}
		if (conf_parse_host(v, len, &hosts[n], &nomem) == -1) {
			if (nomem)
				conf_nomem(x);
			else {
				char tok[CONF_ECHO_MAX + 1];

				if (len > CONF_ECHO_MAX)
					len = CONF_ECHO_MAX;
				memcpy(tok, v, len);
				tok[len] = '\0';
				conf_err(x, "bad host \"%s\" for smarthost "
				    "(use name[:port] or [IPv6]:port)",
				    conf_echo(echo, sizeof(echo), tok));
			}
			goto fail;
		}
		n++;
		v += len;
	}
	relay_clear_hosts(r);
	memcpy(r->hosts, hosts, sizeof(hosts));
	r->nhosts = n;
	return 0;
fail:
	for (i = 0; i < n; i++)
		free(hosts[i].name);
	return -1;
}

static int
conf_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* "sha256:" and 64 hex digits, any case, colons anywhere after the tag. */
static int
conf_parse_fpr(const char *v, unsigned char out[32])
{
	size_t	n = 0;
	int	hi = -1, d;

	if (strncasecmp(v, "sha256:", 7) != 0)
		return -1;
	for (v += 7; *v != '\0'; v++) {
		if (*v == ':')
			continue;
		if ((d = conf_hexval((unsigned char)*v)) == -1 || n == 32)
			return -1;
		if (hi == -1)
			hi = d;
		else {
			out[n++] = (unsigned char)(hi << 4 | d);
			hi = -1;
		}
	}
	return n == 32 && hi == -1 ? 0 : -1;
}

/* local@domain; with local_ok a bare local part ("root") too. */
static int
conf_valid_addr(const char *v, int local_ok)
{
	const char	*at;
	size_t		 i;

	for (i = 0; v[i] != '\0'; i++)
		if (conf_isblank((unsigned char)v[i]) ||
		    strchr("<>,;\"", v[i]) != NULL)
			return 0;
	if ((at = strrchr(v, '@')) == NULL)
		return local_ok && *v != '\0';
	return at != v && conf_valid_name(at + 1, strlen(at + 1), 1);
}

/* "ip", "ip:port", "[IPv6]", "[IPv6]:port" or a bare IPv6 address. */
static int
conf_valid_resolver(const char *v)
{
	const char	*end, *colon;
	int		 port;

	if (v[0] == '[') {
		if ((end = strchr(v, ']')) == NULL ||
		    !conf_valid_ip6(v + 1, (size_t)(end - v - 1)))
			return 0;
		return conf_port(end + 1, &port) == 0;
	}
	if (conf_valid_ip6(v, strlen(v)))
		return 1;
	if ((colon = strchr(v, ':')) == NULL)
		return conf_valid_ip4(v, strlen(v));
	return conf_valid_ip4(v, (size_t)(colon - v)) &&
	    conf_port(colon, &port) == 0;
}

/*
 * "*", "*@domain", "local@*", "local@domain" (and "*@*").  Partial
 * wildcards such as "app*@x" are not patterns we promise to match, so they
 * are refused rather than taken literally.
 */
static int
conf_valid_pattern(const char *p)
{
	const char	*at, *dom;
	size_t		 i;

	if (strcmp(p, "*") == 0)
		return 1;
	if ((at = strrchr(p, '@')) == NULL || at == p)
		return 0;
	for (i = 0; p + i < at; i++)
		if (conf_isblank((unsigned char)p[i]) ||
		    strchr("<>,;\"", p[i]) != NULL ||
		    (p[i] == '*' && !(i == 0 && at == p + 1)))
			return 0;
	dom = at + 1;
	return strcmp(dom, "*") == 0 || conf_valid_name(dom, strlen(dom), 1);
}

static int
conf_add_route(struct conf_ctx *x, const char *v)
{
	struct conf		*c = x->c;
	struct conf_route	*nr, *rt;
	char			 echo[CONF_ECHO_MAX + 1];
	char			 src[PATH_MAX + 32];
	size_t			 i;
	int			 n;

	for (i = 0; v[i] != '\0'; i++)
		if (conf_isblank((unsigned char)v[i]))
			break;
	if (v[i] != '\0' || !conf_valid_pattern(v))
		return conf_err(x, "bad route pattern \"%s\" (use *@domain, "
		    "user@*, user@domain or *)",
		    conf_echo(echo, sizeof(echo), v));
	if (c->nroutes == CONF_MAX_ROUTES)
		return conf_err(x, "too many route sections (at most %d)",
		    CONF_MAX_ROUTES);
	if ((nr = reallocarray(c->routes, c->nroutes + 1,
	    sizeof(*c->routes))) == NULL)
		return conf_nomem(x);
	c->routes = nr;
	rt = &c->routes[c->nroutes];
	memset(rt, 0, sizeof(*rt));
	relay_unset(&rt->relay);
	n = snprintf(src, sizeof(src), "%s:%zu", x->path, x->lineno);
	if (n < 0 || (size_t)n >= sizeof(src))
		return conf_err(x, "file name too long");
	if ((rt->pattern = strdup(v)) == NULL ||
	    (rt->relay.source = strdup(src)) == NULL) {
		free(rt->pattern);
		return conf_nomem(x);
	}
	x->route = (long)c->nroutes++;
	return 0;
}

static int
conf_add_dkim(struct conf_ctx *x, const char *v)
{
	struct conf	*c = x->c;
	struct conf_dkim *nd, d;
	size_t		 dlen, slen;
	const char	*sel, *key;

	dlen = strcspn(v, " \t");
	sel = v + dlen + strspn(v + dlen, " \t");
	slen = strcspn(sel, " \t");
	key = sel + slen + strspn(sel + slen, " \t");
	/* The key file is the rest of the line: its path may hold a blank. */
	if (slen == 0 || *key == '\0')
		return conf_err(x, "dkim_sign needs DOMAIN SELECTOR KEYFILE");
	if (!conf_valid_name(v, dlen, 0))
		return conf_err(x, "bad domain for dkim_sign");
	if (!conf_valid_name(sel, slen, 0))
		return conf_err(x, "bad selector for dkim_sign");
	if (*key != '/')
		return conf_err(x, "dkim_sign needs an absolute path for "
		    "KEYFILE");
	if (c->ndkim == CONF_MAX_DKIM)
		return conf_err(x, "too many dkim_sign lines (at most %d)",
		    CONF_MAX_DKIM);
	if ((nd = reallocarray(c->dkim, c->ndkim + 1, sizeof(*c->dkim))) ==
	    NULL)
		return conf_nomem(x);
	c->dkim = nd;
	d.domain = strndup(v, dlen);
	d.selector = strndup(sel, slen);
	d.keyfile = strdup(key);
	if (d.domain == NULL || d.selector == NULL || d.keyfile == NULL) {
		free(d.domain);
		free(d.selector);
		free(d.keyfile);
		return conf_nomem(x);
	}
	c->dkim[c->ndkim++] = d;
	return 0;
}

static const struct conf_key *
conf_lookup(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++)
		if (strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

static int
conf_apply(struct conf_ctx *x, const struct conf_key *k, const char *v)
{
	static const char *const mechs[] = {
		"plain", "login", "cram-md5", "scram-sha-256", "xoauth2"
	};
	struct conf		*c = x->c;
	struct conf_relay	*r;
	char			 echo[CONF_ECHO_MAX + 1];
	char			*base, **sp;
	long			 d;
	size_t			 i;
	int			 b;

	r = x->route >= 0 ? &c->routes[x->route].relay : &c->relay;
	base = k->bit != 0 ? (char *)r : (char *)c;
	sp = (char **)(void *)(base + k->off);

	switch (k->kind) {
	case K_HOSTS:
		return conf_set_hosts(x, r, v);
	case K_TLS:
		if (strcasecmp(v, "starttls") == 0)
			r->tls = CONF_TLS_STARTTLS;
		else if (strcasecmp(v, "implicit") == 0)
			r->tls = CONF_TLS_IMPLICIT;
		else if (strcasecmp(v, "none") == 0)
			r->tls = CONF_TLS_NONE;
		else
			return conf_err(x, "bad value \"%s\" for tls (use "
			    "starttls, implicit or none)",
			    conf_echo(echo, sizeof(echo), v));
		return 0;
	case K_PWFILE:
	case K_PATH:
		if (*v != '/')
			return conf_err(x, "%s needs an absolute path",
			    k->name);
		if (strlen(v) >= PATH_MAX)
			return conf_err(x, "path too long for %s", k->name);
		break;
	case K_LOGFILE:
		if (strcmp(v, "-") != 0 && *v != '/')
			return conf_err(x, "log_file needs an absolute path "
			    "or \"-\"");
		if (strlen(v) >= PATH_MAX)
			return conf_err(x, "path too long for %s", k->name);
		break;
	case K_FPR: {
		unsigned char fpr[32];

		if (conf_parse_fpr(v, fpr) == -1)
			return conf_err(x, "bad value \"%s\" for "
			    "tls_fingerprint (use sha256: and 64 hex digits)",
			    conf_echo(echo, sizeof(echo), v));
		memcpy(r->tls_fingerprint, fpr, sizeof(fpr));
		r->has_fingerprint = 1;
		return 0;
	}
	case K_TLSVER:
		if (strcasecmp(v, "TLSv1.2") == 0)
			r->tls_min_version = 12;
		else if (strcasecmp(v, "TLSv1.3") == 0)
			r->tls_min_version = 13;
		else
			return conf_err(x, "bad value \"%s\" for "
			    "tls_min_version (use TLSv1.2 or TLSv1.3)",
			    conf_echo(echo, sizeof(echo), v));
		return 0;
	case K_STR:
	case K_SECRET:
	case K_PWCMD:
		break;
	case K_BOOL:
		if (strcasecmp(v, "yes") == 0)
			b = 1;
		else if (strcasecmp(v, "no") == 0)
			b = 0;
		else
			return conf_err(x, "bad value \"%s\" for %s (use yes "
			    "or no)", conf_echo(echo, sizeof(echo), v),
			    k->name);
		*(int *)(void *)(base + k->off) = b;
		return 0;
	case K_MECH:
		for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
			if (strcasecmp(v, mechs[i]) == 0)
				break;
		if (i == sizeof(mechs) / sizeof(mechs[0]))
			return conf_err(x, "bad value \"%s\" for "
			    "auth_mechanism (use plain, login, cram-md5, "
			    "scram-sha-256 or xoauth2)",
			    conf_echo(echo, sizeof(echo), v));
		/* Stored in one spelling, so auth.c compares with strcmp. */
		v = mechs[i];
		break;
	case K_ADDR:
	case K_LOCALADDR:
		if (!conf_valid_addr(v, k->kind == K_LOCALADDR))
			return conf_err(x, "bad address \"%s\" for %s",
			    conf_echo(echo, sizeof(echo), v), k->name);
		break;
	case K_NAME:
		if (!conf_valid_name(v, strlen(v), 0))
			return conf_err(x, "bad name \"%s\" for %s",
			    conf_echo(echo, sizeof(echo), v), k->name);
		break;
	case K_DURATION:
	case K_DURATION0:
		d = conf_duration(v);
		if (d < 0 || (d == 0 && k->kind == K_DURATION))
			return conf_err(x, "bad duration \"%s\" for %s (use "
			    "30s, 5m, 4h or 5d)",
			    conf_echo(echo, sizeof(echo), v), k->name);
		*(long *)(void *)(base + k->off) = d;
		return 0;
	case K_INET:
		if (strcasecmp(v, "all") == 0)
			c->inet_protocols = CONF_INET_ALL;
		else if (strcasecmp(v, "ipv4") == 0)
			c->inet_protocols = CONF_INET_IPV4;
		else if (strcasecmp(v, "ipv6") == 0)
			c->inet_protocols = CONF_INET_IPV6;
		else
			return conf_err(x, "bad value \"%s\" for "
			    "inet_protocols (use all, ipv4 or ipv6)",
			    conf_echo(echo, sizeof(echo), v));
		return 0;
	case K_IP: {
		const char *a = v;
		size_t len = strlen(v);
		char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];

		/* Brackets are accepted, as around a host, and dropped. */
		if (len >= 2 && a[0] == '[' && a[len - 1] == ']') {
			a++;
			len -= 2;
		}
		if (!conf_valid_ip4(a, len) && !conf_valid_ip6(a, len))
			return conf_err(x, "bad address \"%s\" for "
			    "bind_address (use an IPv4 or IPv6 address)",
			    conf_echo(echo, sizeof(echo), v));
		memcpy(buf, a, len);	/* len < sizeof(buf): checked above */
		buf[len] = '\0';
		if (conf_setstr(sp, buf, 0) == -1)
			return conf_nomem(x);
		return 0;
	}
	case K_RESOLVER:
		if (!conf_valid_resolver(v))
			return conf_err(x, "bad value \"%s\" for resolver "
			    "(use ip, ip:port or [IPv6]:port)",
			    conf_echo(echo, sizeof(echo), v));
		break;
	case K_DKIM:
		return conf_add_dkim(x, v);
	case K_ROUTE:
		return conf_add_route(x, v);
	}

	/* The string kinds end here. */
	if (conf_setstr(sp, v, k->kind == K_SECRET || k->kind == K_PWCMD) ==
	    -1)
		return conf_nomem(x);
	/* The password sources exclude each other: the last one named wins. */
	if (k->kind == K_SECRET) {
		conf_freestr(&r->auth_password_file);
		conf_wipestr(&r->auth_password_command);
	} else if (k->kind == K_PWFILE) {
		conf_wipestr(&r->auth_password);
		conf_wipestr(&r->auth_password_command);
	} else if (k->kind == K_PWCMD) {
		conf_wipestr(&r->auth_password);
		conf_freestr(&r->auth_password_file);
	}
	return 0;
}

/*
 * After a file: the keys of an earlier file that belong to another server
 * are dropped when this file names its own smarthost, and credentials go as
 * one group (SPEC 4: a secret only reaches the smarthost of the file that
 * names it).
 */
static void
conf_rebind_global(struct conf *c, unsigned mask)
{
	struct conf_relay	*g = &c->relay;

	if (mask & B_SMARTHOST) {
		if (!(mask & B_TLS))
			g->tls = CONF_TLS_DEFAULT;
		if (!(mask & B_FPR))
			relay_clear_fpr(g);
		if (!(mask & (B_CERT | B_KEY))) {
			conf_freestr(&g->tls_cert);
			conf_freestr(&g->tls_key);
		}
		if (!(mask & B_MECH))
			conf_freestr(&g->auth_mechanism);
		if (!(mask & B_PLAIN))
			g->auth_plaintext = 0;
		if (!(mask & B_CREDS))
			relay_clear_creds(g);
	}
	if (mask & B_CREDS) {
		if (!(mask & B_USER))
			conf_freestr(&g->auth_user);
		if (!(mask & B_PW))
			conf_wipestr(&g->auth_password);
		if (!(mask & B_PWFILE))
			conf_freestr(&g->auth_password_file);
		if (!(mask & B_PWCMD))
			conf_wipestr(&g->auth_password_command);
	}
	/* A certificate and its key come from the same file. */
	if ((mask & B_CERT) && !(mask & B_KEY))
		conf_freestr(&g->tls_key);
	if ((mask & B_KEY) && !(mask & B_CERT))
		conf_freestr(&g->tls_cert);
}

/*
 * A route of this file that holds credentials but names no smarthost means
 * "the global smarthost as this file leaves it".  Copy that smarthost (and
 * what belongs to it) into the route now, so a later file that changes the
 * global smarthost cannot receive this route's secret.  With no smarthost
 * (direct delivery) the credentials could never be used: drop them.
 */
static int
conf_bind_route(struct conf_relay *r, const struct conf_relay *g)
{
	size_t	i;

	if (r->nhosts > 0 || !relay_has_creds(r))
		return 0;
	if (g->nhosts == 0) {
		relay_clear_creds(r);
		return 0;
	}
	for (i = 0; i < g->nhosts; i++) {
		if ((r->hosts[i].name = strdup(g->hosts[i].name)) == NULL)
			return -1;
		r->hosts[i].port = g->hosts[i].port;
		r->nhosts = i + 1;
	}
	if (r->tls == CONF_TLS_DEFAULT)
		r->tls = g->tls;
	if (!r->has_fingerprint && g->has_fingerprint) {
		memcpy(r->tls_fingerprint, g->tls_fingerprint,
		    sizeof(r->tls_fingerprint));
		r->has_fingerprint = 1;
	}
	if (r->tls_cert == NULL && r->tls_key == NULL &&
	    (dupstr(&r->tls_cert, g->tls_cert) == -1 ||
	    dupstr(&r->tls_key, g->tls_key) == -1))
		return -1;
	if (r->auth_mechanism == NULL &&
	    dupstr(&r->auth_mechanism, g->auth_mechanism) == -1)
		return -1;
	if (r->auth_plaintext == -1)
		r->auth_plaintext = g->auth_plaintext;
	return 0;
}

/* Does any line of buf name auth_password as its key? */
static int
conf_holds_password(const char *buf, size_t len)
{
	static const char	 key[] = "auth_password";
	size_t			 klen = sizeof(key) - 1, off = 0, end, i;

	while (off < len) {
		end = off;
		while (end < len && buf[end] != '\n')
			end++;
		for (i = off; i < end && conf_isblank((unsigned char)buf[i]);
		    i++)
			;
		if (end - i >= klen && memcmp(buf + i, key, klen) == 0 &&
		    (end - i == klen ||
		    conf_isblank((unsigned char)buf[i + klen])))
			return 1;
		off = end + 1;
	}
	return 0;
}

/*
 * Read the whole of fd (a regular file) into a NUL-terminated buffer of
 * at most CONF_FILE_MAX bytes; *toobig says why NULL came back.
 */
static char *
conf_slurp(int fd, const struct stat *st, size_t *lenp, size_t *capp,
    int *toobig)
{
	char	*buf, *nb;
	size_t	 cap, ncap, len = 0;
	ssize_t	 n;

	*toobig = 0;
	if (st->st_size > CONF_FILE_MAX) {
		*toobig = 1;
		return NULL;
	}
	/*
	 * st_size is a hint only: the file may grow while we read it.  Room
	 * for one byte more than the limit tells "exactly the limit" from
	 * "too big", plus the NUL.
	 */
	cap = (size_t)st->st_size + 2;
	if (cap < 4096)
		cap = 4096;
	if ((buf = malloc(cap)) == NULL)
		return NULL;
	for (;;) {
		if (len + 1 == cap) {
			ncap = cap * 2;
			if (ncap > CONF_FILE_MAX + 2)
				ncap = CONF_FILE_MAX + 2;
			if ((nb = malloc(ncap)) == NULL) {
				freezero(buf, cap);
				return NULL;
			}
			/* Not realloc: the old block may hold a password. */
			memcpy(nb, buf, len);
			freezero(buf, cap);
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			freezero(buf, cap);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CONF_FILE_MAX) {
			freezero(buf, cap);
			*toobig = 1;
			return NULL;
		}
	}
	buf[len] = '\0';
	*lenp = len;
	*capp = cap;
	return buf;
}

static int
conf_parse(struct conf_ctx *x, const char *buf, size_t len)
{
	const struct conf_key	*k;
	const char		*p = buf, *end = buf + len, *nl;
	char			*line, *s, *key, *t;
	char			 echo[CONF_ECHO_MAX + 1];
	size_t			 llen;
	int			 rc = 0;

	if ((line = malloc(CONF_LINE_MAX + 1)) == NULL)
		return conf_nomem(x);
	while (p < end && rc == 0) {
		x->lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		llen = (size_t)(nl - p);
		if (llen > CONF_LINE_MAX) {
			rc = conf_err(x, "line longer than %d bytes",
			    CONF_LINE_MAX);
			break;
		}
		memcpy(line, p, llen);
		line[llen] = '\0';
		p = nl + 1;
		if (strlen(line) != llen) {
			rc = conf_err(x, "NUL byte in line");
			break;
		}

		for (s = line; conf_isblank((unsigned char)*s); s++)
			;
		if (*s == '\0' || *s == '#')
			continue;
		for (t = s + strlen(s); t > s &&
		    conf_isblank((unsigned char)t[-1]); t--)
			;
		*t = '\0';
		for (t = s; *t != '\0'; t++)
			if (((unsigned char)*t < 0x20 && *t != '\t') ||
			    (unsigned char)*t == 0x7f)
				break;
		if (*t != '\0') {
			rc = conf_err(x, "control character in line");
			break;
		}

		key = s;
		while (*s != '\0' && !conf_isblank((unsigned char)*s))
			s++;
		if (*s != '\0') {
			*s++ = '\0';
			while (conf_isblank((unsigned char)*s))
				s++;
		}
		if ((k = conf_lookup(key)) == NULL) {
			rc = conf_err(x, "unknown key \"%s\"",
			    conf_echo(echo, sizeof(echo), key));
			break;
		}
		if (x->route >= 0 && k->bit == 0 && k->kind != K_ROUTE) {
			rc = conf_err(x, "%s is not allowed inside a route "
			    "section", k->name);
			break;
		}
		if (*s == '\0') {
			rc = conf_err(x, "%s needs a value", k->name);
			break;
		}
		if ((rc = conf_apply(x, k, s)) == 0 && x->route < 0)
			x->mask |= k->bit;
	}
	freezero(line, CONF_LINE_MAX + 1);
	return rc;
}

int
conf_load(struct conf *c, const char *path, int missing_ok, struct perr *e)
{
	struct conf_ctx	 x;
	struct stat	 st;
	char		*buf = NULL;
	size_t		 len = 0, cap = 0, first, i;
	int		 fd, toobig, rc = -1;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.path = path;
	x.route = -1;
	x.e = e;

	/*
	 * O_NONBLOCK: a FIFO planted at the path must not hang us in
	 * open(); fstat() below turns it away.  Symbolic links are followed
	 * on purpose: every check is on the descriptor.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		if (missing_ok && (errno == ENOENT || errno == ENOTDIR))
			return 0;
		return perr_set(e, errno == ENOMEM || errno == EIO ||
		    errno == EMFILE || errno == ENFILE, "open %s: %s", path,
		    strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		perr_set(e, 1, "fstat %s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		perr_set(e, 0, "%s: is a directory", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		perr_set(e, 0, "%s: not a regular file", path);
		goto out;
	}
	if ((buf = conf_slurp(fd, &st, &len, &cap, &toobig)) == NULL) {
		if (toobig)
			perr_set(e, 0, "%s: larger than %d bytes", path,
			    CONF_FILE_MAX);
		else
			perr_set(e, 1, "read %s: %s", path, strerror(errno));
		goto out;
	}
	/* Before any line is parsed: the secret matters more than a typo. */
	if (conf_holds_password(buf, len)) {
		if (st.st_uid != geteuid()) {
			perr_set(e, 0, "%s: holds auth_password but belongs to "
			    "uid %lu, not to uid %lu", path,
			    (unsigned long)st.st_uid,
			    (unsigned long)geteuid());
			goto out;
		}
		if (st.st_mode & (S_IRWXG | S_IRWXO)) {
			perr_set(e, 0, "%s: holds auth_password but is "
			    "readable by others; run: chmod 600 %s", path,
			    path);
			goto out;
		}
	}
	if (c->nfiles == CONF_MAX_FILES) {
		perr_set(e, 0, "%s: too many configuration files (at most "
		    "%zu)", path, CONF_MAX_FILES);
		goto out;
	}
	if ((c->files[c->nfiles] = strdup(path)) == NULL) {
		perr_set(e, 1, "%s: out of memory", path);
		goto out;
	}
	c->nfiles++;

	first = c->nroutes;
	if (conf_parse(&x, buf, len) == -1)
		goto out;
	conf_rebind_global(c, x.mask);
	for (i = first; i < c->nroutes; i++)
		if (conf_bind_route(&c->routes[i].relay, &c->relay) == -1) {
			perr_set(e, 1, "%s: out of memory", path);
			goto out;
		}
	rc = 0;
out:
	if (buf != NULL)
		freezero(buf, cap);
	close(fd);
	return rc;
}

/*
 * "*", "*@domain" (domain without case), "local@*", "local@domain".  The
 * sender's domain is what follows its last '@', as a quoted local part may
 * hold one.
 */
static int
conf_match(const char *pat, const char *from)
{
	const char	*pat_at, *at;
	size_t		 plen, flen;

	if (strcmp(pat, "*") == 0)
		return 1;
	if ((pat_at = strrchr(pat, '@')) == NULL ||
	    (at = strrchr(from, '@')) == NULL)
		return 0;
	plen = (size_t)(pat_at - pat);
	flen = (size_t)(at - from);
	if (!(plen == 1 && pat[0] == '*') &&
	    (plen != flen || memcmp(pat, from, plen) != 0))
		return 0;
	return strcmp(pat_at + 1, "*") == 0 ||
	    strcasecmp(pat_at + 1, at + 1) == 0;
}

/* out = route r with the global keys g filling what r leaves unset. */
static void
relay_fill(struct conf_relay *out, const struct conf_relay *r,
    const struct conf_relay *g)
{
	int	own_host = r->nhosts > 0;

	*out = *r;
	if (own_host) {
		/* Another server: nothing of the global one's but policy. */
		if (out->auth_plaintext == -1)
			out->auth_plaintext = 0;
	} else {
		memcpy(out->hosts, g->hosts, sizeof(out->hosts));
		out->nhosts = g->nhosts;
		if (out->tls == CONF_TLS_DEFAULT)
			out->tls = g->tls;
		if (!out->has_fingerprint) {
			memcpy(out->tls_fingerprint, g->tls_fingerprint,
			    sizeof(out->tls_fingerprint));
			out->has_fingerprint = g->has_fingerprint;
		}
		if (out->tls_cert == NULL && out->tls_key == NULL) {
			out->tls_cert = g->tls_cert;
			out->tls_key = g->tls_key;
		}
		if (!relay_has_creds(r)) {
			out->auth_user = g->auth_user;
			out->auth_password = g->auth_password;
			out->auth_password_file = g->auth_password_file;
			out->auth_password_command = g->auth_password_command;
		}
		if (out->auth_mechanism == NULL)
			out->auth_mechanism = g->auth_mechanism;
		if (out->auth_plaintext == -1)
			out->auth_plaintext = g->auth_plaintext;
	}
	if (out->tls_ca_file == NULL)
		out->tls_ca_file = g->tls_ca_file;
	if (out->tls_min_version == 0)
		out->tls_min_version = g->tls_min_version;
	if (out->from == NULL)
		out->from = g->from;
	if (out->from_rewrite == -1)
		out->from_rewrite = g->from_rewrite;
}

int
conf_route(const struct conf *c, const char *from, struct conf_relay *out)
{
	size_t	i;

	if (from != NULL && *from != '\0')
		for (i = 0; i < c->nroutes; i++)
			if (conf_match(c->routes[i].pattern, from)) {
				relay_fill(out, &c->routes[i].relay,
				    &c->relay);
				return (int)i + 1;
			}
	*out = c->relay;
	return 0;
}

int
conf_family(const struct conf *c)
{
	return c->inet_protocols == CONF_INET_IPV4 ? AF_INET :
	    c->inet_protocols == CONF_INET_IPV6 ? AF_INET6 : AF_UNSPEC;
}
