#!/bin/bash
# t_dns_null_mx: "MX 0 ." (RFC 7505) is a permanent failure flagged as a
# null MX (DSN 5.1.10), not an implicit MX and not a host named "".  A
# "." target beside real MX hosts is skipped, the real ones are used.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
dns_start <<'EOF_DNS'
nullmx.test. MX 0 .
nullmx.test. A 192.0.2.1
mixed.test. MX 0 .
mixed.test. MX 10 mx.mixed.test.
EOF_DNS
dns_probe mx nullmx.test
check_probe_rc 1
check_probe '^status=NULLMX '
check_probe '^error: nullmx\.test accepts no mail \(null MX, RFC 7505\)$'
check_probe '^temp=0$'
check_probe_not '^mx '

dns_probe mx mixed.test
check_probe_rc 0
check_eq "MX list" "mx 10 mx.mixed.test" "$(grep '^mx ' "$TESTTMP/probe.out")"
