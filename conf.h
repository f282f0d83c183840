/* conf.h - posthorn.conf: parsing, defaults, routes */
#ifndef POSTHORN_CONF_H
#define POSTHORN_CONF_H

#include <stddef.h>

struct perr;

enum conf_tls {
	CONF_TLS_DEFAULT = 0,	/* implicit on port 465, else starttls */
	CONF_TLS_STARTTLS,
	CONF_TLS_IMPLICIT,
	CONF_TLS_NONE
};

enum conf_inet {
	CONF_INET_ALL = 0,
	CONF_INET_IPV4,
	CONF_INET_IPV6
};

#define CONF_MAX_HOSTS	8

/* One relay host: name (without brackets for IPv6) and port (0: default) */
struct conf_host {
	char		*name;
	int		 port;
};

/*
 * The keys that may differ per sender.  The global keys form route 0; each
 * "route PATTERN" section starts as a copy of nothing (unset) and falls back
 * to the global value for every key it does not set (conf_route()).
 *
 * Except for what belongs to one server (SPEC 4: a secret only reaches the
 * smarthost of the file and route that names it).  A route or a later file
 * that names its own smarthost takes no tls, tls_fingerprint, tls_cert,
 * tls_key or auth_* key from the global section or an earlier file.  The
 * credentials (auth_user, auth_password, auth_password_file,
 * auth_password_command) go as one group: a route or file that sets one of
 * them takes none of the others from elsewhere, and of the three password
 * sources the last one named wins.  A route that holds credentials but no
 * smarthost is bound, when its file ends, to the global smarthost as that
 * file leaves it.  In a route's own relay "unset" is NULL, nhosts 0,
 * CONF_TLS_DEFAULT, has_fingerprint 0, tls_min_version 0 or -1; the relay
 * conf_route() returns has every key resolved.
 */
struct conf_relay {
	struct conf_host hosts[CONF_MAX_HOSTS];	/* smarthost list */
	size_t		 nhosts;		/* 0: direct delivery */
	enum conf_tls	 tls;
	char		*tls_ca_file;
	unsigned char	 tls_fingerprint[32];	/* SHA-256 of the leaf cert */
	int		 has_fingerprint;
	char		*tls_cert, *tls_key;
	int		 tls_min_version;	/* 12 or 13 */
	char		*auth_user;
	char		*auth_password;		/* may be NULL */
	char		*auth_password_file;
	char		*auth_password_command;
	char		*auth_mechanism;	/* NULL: the best offered */
	int		 auth_plaintext;	/* -1 unset, 0, 1 */
	char		*from;
	int		 from_rewrite;		/* -1 unset, 0, 1 */
	char		*source;		/* "file:line" of the route */
};

struct conf_route {
	char		*pattern;		/* "*@example.com", "app@*" */
	struct conf_relay relay;
};

struct conf_dkim {
	char		*domain, *selector, *keyfile;
};

struct conf {
	struct conf_relay relay;		/* the global keys */
	struct conf_route *routes;
	size_t		 nroutes;
	struct conf_dkim *dkim;
	size_t		 ndkim;

	char		*hostname;		/* NULL: from the system */
	char		*domain;		/* NULL: /etc/mailname or FQDN */
	char		*admin_address;
	char		*aliases;		/* default /etc/aliases */
	char		*spool_dir;		/* default /var/spool/posthorn */
	char		*log_file;		/* NULL: syslog; "-": stderr */
	char		*resolver;		/* "ip[:port]" or NULL */
	char		*bind_address;
	enum conf_inet	 inet_protocols;

	long		 retry_min_s;		/* 300 */
	long		 retry_max_s;		/* 14400 */
	long		 queue_lifetime_s;	/* 5 days */
	long		 failed_lifetime_s;	/* 30 days */
	long		 timeout_connect_s;	/* 30 */
	long		 timeout_command_s;	/* 0: RFC 5321 per-command values */
	long		 submit_timeout_s;	/* 30 */

	char		*files[4];		/* the files read, in order */
	size_t		 nfiles;
};

/* Set every default.  Never fails. */
void	conf_init(struct conf *c);

/*
 * Read one file into c, later keys overriding earlier ones.  missing_ok: a
 * file that does not exist is no error (returns 0).  On a syntax error, an
 * unknown key, a bad value or an insecure file (it holds auth_password and
 * is readable by group or others) fill e ("FILE:LINE: ...") and return -1.
 * An insecure file is also one that holds auth_password and belongs to
 * another uid.  Directories, devices and FIFOs, files over 1 MiB and lines
 * over 8 KiB are refused; symbolic links are followed.  e->temp is 1 only
 * for out of memory and I/O errors.  At most 4 files (c->files).  After
 * -1, c may hold part of the file: conf_free() it.
 */
int	conf_load(struct conf *c, const char *path, int missing_ok,
	    struct perr *e);

/*
 * The relay settings that apply to envelope sender from (NULL or "" for a
 * null sender: always the global keys), the first matching route's keys
 * with the global keys filling what it leaves unset.  *out is owned by c.
 * Returns the route index + 1, or 0 for the global keys.
 */
int	conf_route(const struct conf *c, const char *from,
	    struct conf_relay *out);

/* Parse "30s", "5m", "4h", "5d" (or plain seconds).  -1 on error. */
long	conf_duration(const char *s);

/* inet_protocols as an address family: AF_INET, AF_INET6 or AF_UNSPEC. */
int	conf_family(const struct conf *c);

/* Free everything c holds, wiping secrets first. */
void	conf_free(struct conf *c);

#endif
