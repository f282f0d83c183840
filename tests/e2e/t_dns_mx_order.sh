#!/bin/bash
# t_dns_mx_order: MX hosts come out sorted by preference whatever order the
# server lists them in (RFC 5321 5.1), each with its host name lower-cased,
# and every record of a set with distinct preferences is kept.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
dns_start <<'EOF_DNS'
order.test. MX 30 Mx3.Order.test.
order.test. MX 10 mx1.order.test.
order.test. MX 20 mx2.order.test.
order.test. MX 65535 last.order.test.
order.test. MX 0 first.order.test.
EOF_DNS
dns_probe mx order.test
check_probe_rc 0
check_probe '^status=FOUND authentic=0 trust_ad=1 name=order\.test$'
check_eq "MX list" "mx 0 first.order.test
mx 10 mx1.order.test
mx 20 mx2.order.test
mx 30 mx3.order.test
mx 65535 last.order.test" "$(grep '^mx ' "$TESTTMP/probe.out")"

# a final dot and upper case in the domain asked for change nothing
dns_probe mx ORDER.Test.
check_probe_rc 0
check_probe '^mx 0 first\.order\.test$'
