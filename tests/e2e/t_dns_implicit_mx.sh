#!/bin/bash
# t_dns_implicit_mx: a domain without MX records (NOERROR, no data) is its
# own MX with preference 0 (RFC 5321 5.1): with an A record only, with an
# AAAA record only.  The address look-up then honours the family
# preference (all, ipv4, ipv6), and a family the host lacks is a permanent
# failure.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
dns_start <<'EOF_DNS'
v4only.test. A 192.0.2.10
v4only.test. A 192.0.2.11
v6only.test. AAAA 2001:db8::10
both.test. A 192.0.2.20
both.test. AAAA 2001:db8::20
both.test. TXT "not an MX"
EOF_DNS

dns_probe mx v4only.test
check_probe_rc 0
check_probe '^status=NODATA .* name=v4only\.test implicit=1$'
check_eq "MX list" "mx 0 v4only.test" "$(grep '^mx ' "$TESTTMP/probe.out")"
dns_probe -p 25 addr v4only.test
check_probe_rc 0
check_probe '^addr 192\.0\.2\.10 25$'
check_probe '^addr 192\.0\.2\.11 25$'
check_probe_not '^addr .*:'

dns_probe mx v6only.test
check_probe_rc 0
check_probe '^status=NODATA .* implicit=1$'
check_probe '^mx 0 v6only\.test$'
dns_probe -p 2525 addr v6only.test
check_probe_rc 0
check_eq "addresses" "addr 2001:db8::10 2525" "$(grep '^addr ' "$TESTTMP/probe.out")"

# the family preference
dns_probe -f ipv4 addr v6only.test
check_probe_rc 1
check_probe '^status=NODATA '
check_probe '^error: host v6only\.test has no IPv4 address$'
dns_probe -f ipv6 addr v4only.test
check_probe_rc 1
check_probe '^error: host v4only\.test has no IPv6 address$'
dns_probe -f ipv6 addr both.test
check_eq "IPv6 only" "addr 2001:db8::20 25" "$(grep '^addr ' "$TESTTMP/probe.out")"
dns_probe -f ipv4 addr both.test
check_eq "IPv4 only" "addr 192.0.2.20 25" "$(grep '^addr ' "$TESTTMP/probe.out")"
dns_probe -f all addr both.test
check_eq "IPv6 first" "addr 2001:db8::20 25
addr 192.0.2.20 25" "$(grep '^addr ' "$TESTTMP/probe.out")"

# other records at the name do not make an MX
dns_probe mx both.test
check_probe '^status=NODATA .* implicit=1$'

# a name with no address at all: permanent
dns_probe addr empty.both.test
check_probe_rc 1
check_probe '^status=NXDOMAIN '
