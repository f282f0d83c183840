/*
 * check.c - posthorn --check, the first thing to run when mail does not
 * arrive: what configuration is in effect, and what the smarthost says
 * to us, step by step, with the likely fix for what fails.  It sends no
 * message.  Secrets never appear: only where they come from.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "conf.h"
#include "tls.h"
#include "smtp.h"
#include "deliver.h"
#include "resolve.h"
#include "check.h"

static const char *
tls_name(enum conf_tls t, int port)
{
	switch (t) {
	case CONF_TLS_STARTTLS:
		return "starttls";
	case CONF_TLS_IMPLICIT:
		return "implicit";
	case CONF_TLS_NONE:
		return "none";
	default:
		return port == 465 ? "implicit (default on port 465)" :
		    "starttls (default)";
	}
}

static void
print_relay(const char *indent, const struct conf_relay *r)
{
	size_t	i;

	if (r->nhosts == 0)
		printf("%ssmarthost: none (direct delivery to MX hosts)\n",
		    indent);
	for (i = 0; i < r->nhosts; i++)
		printf("%ssmarthost: %s:%d, tls %s\n", indent, r->hosts[i].name,
		    r->hosts[i].port ? r->hosts[i].port : r->tls ==
		    CONF_TLS_IMPLICIT ? 465 : 25, tls_name(r->tls,
		    r->hosts[i].port));
	if (r->tls_ca_file != NULL)
		printf("%stls_ca_file: %s\n", indent, r->tls_ca_file);
	if (r->has_fingerprint)
		printf("%stls_fingerprint: set (the certificate is pinned)\n",
		    indent);
	if (r->tls_cert != NULL)
		printf("%stls_cert: %s, tls_key: %s\n", indent, r->tls_cert,
		    r->tls_key != NULL ? r->tls_key : r->tls_cert);
	printf("%stls_min_version: TLSv1.%d\n", indent,
	    r->tls_min_version == 13 ? 3 : 2);
	if (r->auth_user != NULL) {
		printf("%sauth_user: %s\n", indent, r->auth_user);
		if (r->auth_password != NULL)
			printf("%sauth_password: ******** (in the "
			    "configuration file)\n", indent);
		else if (r->auth_password_file != NULL)
			printf("%sauth_password_file: %s\n", indent,
			    r->auth_password_file);
		else if (r->auth_password_command != NULL)
			printf("%sauth_password_command: set (not shown)\n",
			    indent);
		if (r->auth_mechanism != NULL)
			printf("%sauth_mechanism: %s\n", indent,
			    r->auth_mechanism);
		printf("%sauth_plaintext: %s\n", indent,
		    r->auth_plaintext == 1 ? "yes" : "no");
	}
	if (r->from != NULL)
		printf("%sfrom: %s%s\n", indent, r->from, r->from_rewrite == 1 ?
		    " (from_rewrite yes)" : "");
}

/* The likely fix for a failure, from what went wrong and where. */
static const char *
hint(const char *msg, enum smtp_tls mode, int port)
{
	if (strstr(msg, "wrong version number") != NULL ||
	    strstr(msg, "packet length too long") != NULL ||
	    strstr(msg, "unexpected eof") != NULL)
		return mode == SMTP_TLS_IMPLICIT ? "the server speaks "
		    "plaintext first: use tls starttls (usually port 587)" :
		    NULL;
	if ((strstr(msg, "timeout") != NULL || strstr(msg, "malformed") !=
	    NULL || strstr(msg, "closed") != NULL) && port == 465 &&
	    mode != SMTP_TLS_IMPLICIT)
		return "port 465 expects TLS from the first byte: set tls "
		    "implicit";
	if (strstr(msg, "local issuer") != NULL ||
	    strstr(msg, "self-signed") != NULL ||
	    strstr(msg, "self signed") != NULL)
		return "the server's certificate authority is not trusted: "
		    "set tls_ca_file to its CA, or pin it with tls_fingerprint";
	if (strstr(msg, "hostname mismatch") != NULL)
		return "the certificate is for another name: use the name it "
		    "was issued for in smarthost";
	if (strstr(msg, "does not offer STARTTLS") != NULL)
		return "use tls implicit if this is port 465, or tls none "
		    "only for a relay on loopback or a trusted network";
	if (strstr(msg, "offers no AUTH before TLS") != NULL ||
	    strstr(msg, "without TLS") != NULL)
		return "AUTH is offered only after STARTTLS: set tls starttls";
	if (strstr(msg, "Connection refused") != NULL)
		return "nothing listens there: check the host and port";
	if (strstr(msg, "in reply to AUTH") != NULL)
		return "the server refused the login: check auth_user and "
		    "the password";
	if (strstr(msg, "Permission denied") != NULL &&
	    strstr(msg, "auth_password_file") != NULL)
		return "only root can read the password file: root's "
		    "sendmail -q delivers such mail";
	return NULL;
}

static int
check_host(const struct conf *c, const struct conf_relay *r, size_t h,
    const char *helo, const char *pass)
{
	struct smtp_params	 p;
	struct tls_conn		*conn;
	struct smtp		*s;
	struct timespec		 dl;
	struct perr		 e;
	enum smtp_tls		 mode;
	char			 ip[64], desc[1024];
	const char		*why;
	struct smtp_why		 fail;
	int			 port;

	deliver_smarthost(c, r, h, helo, &p);
	mode = p.tls_mode;
	port = p.port;
	printf("\n== %s:%d\n", r->hosts[h].name, port);
	fflush(stdout);
	tls_deadline(&dl, c->timeout_connect_s * 1000);
	conn = tls_connect(r->hosts[h].name, port,
	    conf_family(c),
	    c->bind_address, &dl, ip, sizeof(ip), &e);
	if (conn == NULL)
		goto fail;
	printf("connected to %s[%s]:%d\n", r->hosts[h].name, ip, port);
	p.ip = ip;
	p.pass = pass;
	if (p.timeout_cmd_ms == 0)
		p.timeout_cmd_ms = 30000;	/* a test need not wait 5 min */
	p.verbose = 1;		/* the dialogue, AUTH hidden, on stderr */
	fflush(stdout);
	if ((s = smtp_open(conn, &p, &fail, &e)) == NULL)
		goto fail;
	printf("EHLO extensions:");
	{
		const char	*k = smtp_ehlo_text(s);

		for (; *k != '\0'; k++)
			putchar(*k == '\n' ? ' ' : *k);
		putchar('\n');
	}
	if (smtp_tls_version(s) != NULL) {
		tls_describe(smtp_conn(s), desc, sizeof(desc));
		printf("TLS: %s, %s\ncertificate: %s\n", smtp_tls_version(s),
		    tls_cipher(smtp_conn(s)), desc);
		if (r->has_fingerprint)
			printf("certificate pinned by tls_fingerprint: "
			    "matches\n");
	} else
		printf("TLS: none (plaintext)\n");
	if (r->auth_user != NULL)
		printf("AUTH: accepted for %s\n", r->auth_user);
	smtp_close(s);
	printf("result: ok\n");
	return 0;
fail:
	printf("result: FAILED: %s\n", e.msg);
	if ((why = hint(e.msg, mode, port)) != NULL)
		printf("hint: %s\n", why);
	return -1;
}

/*
 * --check DOMAIN: the domain's MX hosts as direct delivery sees them,
 * each host's addresses, and for the first address that answers, its
 * greeting, EHLO and what STARTTLS gives (opportunistic: any
 * certificate, so the certificate is shown, not judged).
 */
static int
check_domain(const struct conf *c, const char *domain, const char *helo)
{
	struct resolver		*res;
	struct resolve_mxset	 mx;
	struct resolve_addrset	 as;
	struct smtp_params	 p;
	struct tls_conn		*conn;
	struct smtp		*s;
	struct timespec		 dl;
	struct perr		 e;
	char			 ip[64], desc[1024];
	size_t			 h, a;
	struct smtp_why		 why;
	int			 ok = 0;

	printf("\n== %s\n", domain);
	if ((res = resolve_open(c->resolver, &e)) == NULL) {
		printf("resolver: FAILED: %s\n", e.msg);
		return -1;
	}
	printf("resolver: %s%s\n", c->resolver != NULL ? c->resolver :
	    "/etc/resolv.conf", resolve_trusts_ad(res) ? " (AD bit trusted)" :
	    "");
	if (resolve_mx(res, domain, &mx, &e) == -1) {
		printf("MX: FAILED: %s%s\n", e.msg, mx.status ==
		    RESOLVE_NULLMX ? " (null MX: the domain takes no mail)" :
		    "");
		resolve_close(res);
		return -1;
	}
	for (h = 0; h < mx.n; h++) {
		printf("MX %u %s%s\n", mx.mx[h].pref, mx.mx[h].host,
		    mx.implicit ? " (no MX records: the domain itself)" : "");
		if (resolve_addrs(res, mx.mx[h].host, conf_family(c), 25, &as,
		    &e) == -1) {
			printf("    addresses: FAILED: %s\n", e.msg);
			continue;
		}
		for (a = 0; a < as.n; a++) {
			if (getnameinfo((struct sockaddr *)&as.addr[a],
			    as.addr[a].ss_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in), ip, sizeof(ip), NULL, 0,
			    NI_NUMERICHOST) != 0)
				(void)strlcpy(ip, "?", sizeof(ip));
			printf("    %s", ip);
			if (ok) {
				printf("\n");
				continue;
			}
			tls_deadline(&dl, c->timeout_connect_s * 1000);
			conn = tls_connect_addr((struct sockaddr *)&as.addr[a],
			    as.addr[a].ss_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in), c->bind_address, &dl,
			    &e);
			if (conn == NULL) {
				printf(": %s\n", e.msg);
				continue;
			}
			memset(&p, 0, sizeof(p));
			p.host = mx.mx[h].host;
			p.ip = ip;
			p.port = 25;
			p.tls_mode = SMTP_TLS_MAY;
			p.tls.verify = TLS_VERIFY_NONE;
			p.tls.servername = mx.mx[h].host;
			p.tls.min_version = 10;
			p.helo = helo;
			p.timeout_cmd_ms = 30000;
			fflush(stdout);
			if ((s = smtp_open(conn, &p, &why, &e)) == NULL) {
				printf(": %s\n", e.msg);
				continue;
			}
			printf(": ok, %s\n", smtp_tls_version(s) != NULL ?
			    smtp_tls_version(s) : "no TLS offered "
			    "(plaintext)");
			if (smtp_tls_version(s) != NULL) {
				tls_describe(smtp_conn(s), desc, sizeof(desc));
				printf("      cipher %s; certificate: %s\n",
				    tls_cipher(smtp_conn(s)), desc);
			}
			smtp_close(s);
			ok = 1;
		}
	}
	resolve_close(res);
	printf("result: %s\n", ok ? "ok" : "FAILED: no MX host answered");
	return ok ? 0 : -1;
}

int
check_run(const struct conf *c, const char *domain, const char *helo,
    const char *maildomain, const char *sender)
{
	struct conf_relay	 r;
	struct perr		 e;
	char			 secret[1024];
	const char		*pass = NULL;
	size_t			 i;
	int			 bad = 0;

	printf("configuration files read:");
	for (i = 0; i < c->nfiles; i++)
		printf(" %s", c->files[i]);
	printf("%s\n", c->nfiles == 0 ? " none (built-in defaults)" : "");
	printf("hostname: %s\ndomain: %s\n", helo, maildomain);
	printf("spool_dir: %s\nlog_file: %s\n", c->spool_dir,
	    c->log_file != NULL ? c->log_file : "(syslog)");
	printf("submit_timeout: %lds, timeout_connect: %lds, "
	    "timeout_command: %s\n", c->submit_timeout_s,
	    c->timeout_connect_s, c->timeout_command_s > 0 ? "set" :
	    "RFC 5321 defaults");
	printf("retry: %lds doubling to %lds, queue_lifetime: %lds\n",
	    c->retry_min_s, c->retry_max_s, c->queue_lifetime_s);
	print_relay("", &c->relay);
	for (i = 0; i < c->nroutes; i++) {
		printf("route %s:\n", c->routes[i].pattern);
		print_relay("    ", &c->routes[i].relay);
	}
	for (i = 0; i < c->ndkim; i++)
		printf("dkim_sign: %s selector %s key %s\n", c->dkim[i].domain,
		    c->dkim[i].selector, c->dkim[i].keyfile);
	if (c->admin_address == NULL)
		printf("warning: admin_address is not set: mail to a local "
		    "name such as root (cron's) that %s does not alias goes "
		    "to root@%s\n", c->aliases, maildomain);
	else
		printf("admin_address: %s\n", c->admin_address);

	if (domain != NULL)
		return check_domain(c, domain, helo);
	r = c->relay;
	if (sender != NULL) {
		int route = conf_route(c, sender, &r);

		if (route > 0)
			printf("\nmail from <%s> takes route %s:\n", sender,
			    c->routes[route - 1].pattern);
		else
			printf("\nmail from <%s> takes no route: the global "
			    "keys\n", sender);
		print_relay("    ", &r);
	}
	if (r.nhosts == 0) {
		printf("\nno smarthost is set: mail goes straight to each "
		    "recipient domain's MX hosts; test one with --check "
		    "DOMAIN\n");
		return 0;
	}
	if (r.auth_user != NULL) {
		if (deliver_secret(&r, secret, sizeof(secret), &e) == -1) {
			printf("\nAUTH secret: FAILED: %s\n", e.msg);
			if (e.errnum == EACCES)
				printf("hint: only root can read it; run "
				    "--check as root, or let root's sendmail -q "
				    "deliver\n");
			return -1;
		}
		pass = secret;
	}
	for (i = 0; i < r.nhosts; i++)
		if (check_host(c, &r, i, helo, pass) == -1)
			bad = 1;
	explicit_bzero(secret, sizeof(secret));
	return bad ? -1 : 0;
}
