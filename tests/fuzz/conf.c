/*
 * tests/fuzz/conf.c - libFuzzer target for conf.c.
 *
 * conf_load() reads a path (its checks are on the open descriptor), so each
 * input is written to one temporary file per process, mode 0600, rewritten
 * in place every run.  The input is loaded twice into the same struct, as a
 * system file and a user file would be, to reach the cross-file rules, then
 * routed for a few senders.  Every string the result holds is read, so
 * AddressSanitizer sees a dangling or unterminated one.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	fuzz_path[] = "/tmp/fuzz_conf.XXXXXX";
static int	fuzz_fd = -1;

static void
fuzz_cleanup(void)
{
	if (fuzz_fd != -1)
		(void)unlink(fuzz_path);
}

static size_t
fuzz_touch(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

static size_t
fuzz_relay(const struct conf_relay *r)
{
	size_t	i, n = 0;

	if (r->nhosts > CONF_MAX_HOSTS)
		abort();
	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i].name == NULL || r->hosts[i].port < 0 ||
		    r->hosts[i].port > 65535)
			abort();
		n += fuzz_touch(r->hosts[i].name);
	}
	if (r->tls_min_version != 0 && r->tls_min_version != 12 &&
	    r->tls_min_version != 13)
		abort();
	n += fuzz_touch(r->tls_ca_file) + fuzz_touch(r->tls_cert) +
	    fuzz_touch(r->tls_key) + fuzz_touch(r->auth_user) +
	    fuzz_touch(r->auth_password) + fuzz_touch(r->auth_password_file) +
	    fuzz_touch(r->auth_password_command) +
	    fuzz_touch(r->auth_mechanism) + fuzz_touch(r->from) +
	    fuzz_touch(r->source);
	return n;
}

static size_t
fuzz_conf(const struct conf *c)
{
	size_t	i, n = 0;

	n += fuzz_relay(&c->relay);
	for (i = 0; i < c->nroutes; i++)
		n += fuzz_touch(c->routes[i].pattern) +
		    fuzz_relay(&c->routes[i].relay);
	for (i = 0; i < c->ndkim; i++)
		n += fuzz_touch(c->dkim[i].domain) +
		    fuzz_touch(c->dkim[i].selector) +
		    fuzz_touch(c->dkim[i].keyfile);
	n += fuzz_touch(c->hostname) + fuzz_touch(c->domain) +
	    fuzz_touch(c->admin_address) + fuzz_touch(c->aliases) +
	    fuzz_touch(c->spool_dir) + fuzz_touch(c->log_file) +
	    fuzz_touch(c->resolver) + fuzz_touch(c->bind_address);
	for (i = 0; i < c->nfiles; i++)
		n += fuzz_touch(c->files[i]);
	if (c->retry_min_s <= 0 || c->retry_max_s <= 0 ||
	    c->queue_lifetime_s <= 0 || c->failed_lifetime_s <= 0 ||
	    c->timeout_connect_s <= 0 || c->timeout_command_s < 0 ||
	    c->submit_timeout_s <= 0)
		abort();
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const senders[] = {
		NULL, "", "bob@example.com", "app@example.org",
		"App@EXAMPLE.COM", "root", "\"a@b\"@x.example", "x@y@z",
		"@", "a@"
	};
	struct conf		c;
	struct conf_relay	r;
	struct perr		e;
	char			d[32];
	size_t			i;
	volatile size_t		sink = 0;

	if (fuzz_fd == -1) {
		if ((fuzz_fd = mkstemp(fuzz_path)) == -1 ||
		    fchmod(fuzz_fd, 0600) == -1) {
			perror("fuzz_conf: mkstemp");
			abort();
		}
		atexit(fuzz_cleanup);
	}
	if (ftruncate(fuzz_fd, 0) == -1 ||
	    (size > 0 && pwrite(fuzz_fd, data, size, 0) != (ssize_t)size))
		abort();

	/* Short inputs double as durations. */
	if (size < sizeof(d)) {
		memcpy(d, data, size);
		d[size] = '\0';
		if (conf_duration(d) < -1)
			abort();
	}

	conf_init(&c);
	memset(&e, 0, sizeof(e));
	if (conf_load(&c, fuzz_path, 0, &e) == 0)
		(void)conf_load(&c, fuzz_path, 0, &e);
	if (memchr(e.msg, '\0', sizeof(e.msg)) == NULL)
		abort();
	sink += fuzz_conf(&c);
	for (i = 0; i < sizeof(senders) / sizeof(senders[0]); i++) {
		int rc = conf_route(&c, senders[i], &r);

		if (rc < 0 || (size_t)rc > c.nroutes)
			abort();
		if ((senders[i] == NULL || *senders[i] == '\0') && rc != 0)
			abort();
		sink += fuzz_relay(&r);
	}
	conf_free(&c);
	(void)sink;
	return 0;
}
