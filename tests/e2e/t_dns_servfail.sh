#!/bin/bash
# t_dns_servfail: SERVFAIL is a temporary failure with the reason given,
# for every kind of look-up, and so is a resolver that cannot be reached;
# neither may look like "no such domain" or "no MX" (that would bounce
# mail or send it to the wrong host).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
dns_start <<'EOF_DNS'
servfail broken.test.
fine.test. MX 10 mx.fine.test.
EOF_DNS
dns_probe_build		# not inside the timed look-ups
for q in "mx broken.test" "mx sub.broken.test" "addr mx.broken.test" \
    "tlsa mx.broken.test" "txt _mta-sts.broken.test"; do
	start=$(date +%s)
	# shellcheck disable=SC2086
	dns_probe $q
	check_probe_rc 2
	check_probe '^status=TEMPFAIL '
	check_probe '^error: .*server failure \(SERVFAIL\)$'
	check_probe '^temp=1$'
	check_probe_not '^(mx|addr|tlsa|txt) '
	[ $(($(date +%s) - start)) -le 3 ] || fail "$q: SERVFAIL took too long"
done

# the same server still answers for other zones
dns_probe mx fine.test
check_probe_rc 0

# a resolver nobody listens on: temporary, and bounded in time
dns_stop
start=$(date +%s)
dns_probe mx fine.test
check_probe_rc 2
check_probe '^status=TEMPFAIL '
check_probe '^temp=1$'
[ $(($(date +%s) - start)) -le 12 ] || fail "a dead resolver took over 12 s"
