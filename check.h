/* check.h - posthorn --check: the effective configuration and a live test */
#ifndef POSTHORN_CHECK_H
#define POSTHORN_CHECK_H

struct conf;

/*
 * Print the effective configuration (secrets masked) on stdout, then
 * connect to each smarthost (greeting, EHLO, TLS, AUTH; no message) and
 * report what was found, with a hint at the likely fix for each failure.
 * domain: test that domain's MX hosts instead (direct delivery).
 * sender (-f, or NULL): test the route that sender's mail takes.
 * Returns 0 when everything worked, -1 otherwise.
 */
int	check_run(const struct conf *c, const char *domain, const char *helo,
	    const char *maildomain, const char *sender);

#endif
