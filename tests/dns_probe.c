/*
 * dns_probe.c - a test driver for resolve.c: look names up through a real
 * server and print what resolve.c made of the answer, one fact a line.
 *
 *   dns_probe [-r RESOLVER] [-f all|ipv4|ipv6] [-p PORT] [-n COUNT] [-q]
 *       mx|addr|tlsa|txt|name|literal|trust ARG
 *
 * Output: "status=S authentic=A trust_ad=T name=N [implicit=1]", then one
 * line per record ("mx PREF HOST", "addr IP PORT", "tlsa U S M HEX",
 * "txt TEXT"); on -1 also "error: MESSAGE" and "temp=0|1".  -q prints one
 * line per look-up: the MX hosts in order.  -n repeats the look-up.  Exit
 * 0 when every look-up returned 0, 1 on a permanent failure, 2 on a
 * temporary one, 64 on bad usage.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "resolve.h"

static const char *
probe_status(enum resolve_status st)
{
	switch (st) {
	case RESOLVE_FOUND:
		return "FOUND";
	case RESOLVE_NODATA:
		return "NODATA";
	case RESOLVE_NXDOMAIN:
		return "NXDOMAIN";
	case RESOLVE_NULLMX:
		return "NULLMX";
	case RESOLVE_TEMPFAIL:
		return "TEMPFAIL";
	case RESOLVE_BADNAME:
		return "BADNAME";
	case RESOLVE_CNAME:
		return "CNAME";
	}
	return "?";
}

static void
probe_head(const struct resolver *r, enum resolve_status st, int authentic,
    const char *name)
{
	printf("status=%s authentic=%d trust_ad=%d name=%s", probe_status(st),
	    authentic, r != NULL ? resolve_trusts_ad(r) : 0, name);
}

static int
probe_done(int rc, const struct perr *e)
{
	if (rc == 0)
		return 0;
	printf("error: %s\ntemp=%d\n", e->msg, e->temp);
	return e->temp ? 2 : 1;
}

static void
probe_addr(const struct sockaddr_storage *ss)
{
	char	 buf[INET6_ADDRSTRLEN];
	int	 port;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
		port = ntohs(sin->sin_port);
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
		port = ntohs(sin6->sin6_port);
	}
	printf("addr %s %d\n", buf, port);
}

static int
probe_one(struct resolver *r, const char *type, const char *arg, int family,
    int port, int quiet)
{
	struct resolve_mxset	 mx;
	struct resolve_addrset	 as;
	struct resolve_tlsaset	 ts;
	struct resolve_txtset	 xs;
	struct sockaddr_storage	 ss;
	struct perr		 e;
	char			 out[RESOLVE_NAME_MAX], safe[1024];
	size_t			 i, j;
	int			 rc;

	memset(&e, 0, sizeof(e));
	if (strcmp(type, "mx") == 0) {
		rc = resolve_mx(r, arg, &mx, &e);
		if (quiet) {
			for (i = 0; i < mx.n; i++)
				printf("%s%s", i > 0 ? " " : "", mx.mx[i].host);
			printf("\n");
			return probe_done(rc, &e);
		}
		probe_head(r, mx.status, mx.authentic, mx.name);
		printf("%s\n", mx.implicit ? " implicit=1" : "");
		for (i = 0; i < mx.n; i++)
			printf("mx %u %s\n", mx.mx[i].pref, mx.mx[i].host);
		return probe_done(rc, &e);
	}
	if (strcmp(type, "addr") == 0) {
		rc = resolve_addrs(r, arg, family, port, &as, &e);
		probe_head(r, as.status, as.authentic, as.name);
		printf("\n");
		for (i = 0; i < as.n; i++)
			probe_addr(&as.addr[i]);
		return probe_done(rc, &e);
	}
	if (strcmp(type, "tlsa") == 0) {
		rc = resolve_tlsa(r, arg, port, &ts, &e);
		probe_head(r, ts.status, ts.authentic, ts.name);
		printf("\n");
		for (i = 0; i < ts.n; i++) {
			printf("tlsa %u %u %u ", ts.v[i].usage,
			    ts.v[i].selector, ts.v[i].mtype);
			for (j = 0; j < ts.v[i].len; j++)
				printf("%02x", ts.v[i].data[j]);
			printf("\n");
		}
		resolve_tlsa_free(&ts);
		return probe_done(rc, &e);
	}
	if (strcmp(type, "txt") == 0) {
		rc = resolve_txt(r, arg, &xs, &e);
		probe_head(r, xs.status, xs.authentic, xs.name);
		printf("\n");
		for (i = 0; i < xs.n; i++) {
			log_sanitize(safe, sizeof(safe), xs.v[i].s);
			printf("txt %s\n", safe);
		}
		resolve_txt_free(&xs);
		return probe_done(rc, &e);
	}
	if (strcmp(type, "name") == 0) {
		if ((rc = resolve_name(arg, out, sizeof(out), &e)) == 0)
			printf("name %s\n", out);
		return probe_done(rc, &e);
	}
	if (strcmp(type, "literal") == 0) {
		if ((rc = resolve_literal(arg, port, &ss, &e)) == 0)
			probe_addr(&ss);
		return probe_done(rc, &e);
	}
	if (strcmp(type, "trust") == 0) {
		printf("trust_ad=%d\n", resolve_trusts_ad(r));
		return 0;
	}
	fprintf(stderr, "dns_probe: unknown look-up %s\n", type);
	return 64;
}

int
main(int argc, char *argv[])
{
	struct resolver	*r;
	struct perr	 e;
	const char	*server = NULL, *errstr;
	int		 ch, family = AF_UNSPEC, port = 25, count = 1, quiet = 0;
	int		 i, rc, worst = 0;

	while ((ch = getopt(argc, argv, "f:n:p:qr:")) != -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "ipv4") == 0)
				family = AF_INET;
			else if (strcmp(optarg, "ipv6") == 0)
				family = AF_INET6;
			else if (strcmp(optarg, "all") == 0)
				family = AF_UNSPEC;
			else
				return 64;
			break;
		case 'n':
			count = (int)strtonum(optarg, 1, 10000, &errstr);
			if (errstr != NULL)
				return 64;
			break;
		case 'p':
			port = (int)strtonum(optarg, 0, 65535, &errstr);
			if (errstr != NULL)
				return 64;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'r':
			server = optarg;
			break;
		default:
			return 64;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2) {
		fprintf(stderr, "usage: dns_probe [-r resolver] [-f family] "
		    "[-p port] [-n count] [-q] type arg\n");
		return 64;
	}
	log_init("-");
	if ((r = resolve_open(server, &e)) == NULL) {
		printf("error: %s\ntemp=%d\n", e.msg, e.temp);
		return e.temp ? 2 : 1;
	}
	for (i = 0; i < count; i++) {
		rc = probe_one(r, argv[0], argv[1], family, port, quiet);
		if (rc > worst)
			worst = rc;
	}
	resolve_close(r);
	return worst;
}
