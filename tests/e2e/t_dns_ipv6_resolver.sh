#!/bin/bash
# t_dns_ipv6_resolver: the resolver key takes an IPv6 address with a port,
# "[::1]:PORT", and queries really go there (unbound listens on ::1 only).
# Bad resolver values are refused before any query.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
# shellcheck disable=SC2034  # read by dns_start
DNS_ADDRS=::1
dns_start <<'EOF_DNS'
six.test. MX 10 mx.six.test.
mx.six.test. AAAA 2001:db8::60
EOF_DNS
check_eq "resolver" "[::1]:$DNS_PORT" "$DNS_RESOLVER"
dns_probe mx six.test
check_probe_rc 0
check_probe '^mx 10 mx\.six\.test$'
dns_probe addr mx.six.test
check_probe '^addr 2001:db8::60 25$'

# the same server is not on 127.0.0.1: proves which address was used
DNS_RESOLVER=127.0.0.1:$DNS_PORT dns_probe mx six.test
check_probe_rc 2
check_probe '^status=TEMPFAIL '

for bad in '[::1' '[::1]:' '[::1]:0' '[::1]:70000' '[::1]x' '1.2.3.4:' \
    '1.2.3:53' 'localhost:53' '[1.2.3.4]:53'; do
	DNS_RESOLVER=$bad dns_probe mx six.test
	check_probe_rc 1
	check_probe '^error: resolver: bad address'
done
