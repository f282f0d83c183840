#!/bin/bash
# t_compat_bv_dns: "sendmail -bv" with no smarthost (direct delivery) asks
# DNS, through the resolver key, what each domain's mail would go to, and
# sends nothing (SPEC 2, 5).
#
# Served: good.test (MX 10 mx1, MX 20 mx2, both on a peer's address),
# nullmx.test ("MX 0 .", RFC 7505), and nothing else under test. (so
# nx.test is NXDOMAIN).
# Asserted:
# - good.test: "ADDR: deliverable via mx1.good.test:25, mx2.good.test:25
#   (tls=...)" (the MX hosts, by preference), exit 0;
# - a local name qualified with domain good.test, and an alias to good.test,
#   are reported after their "ADDR -> ..." line, exit 0;
# - null MX and NXDOMAIN: "ADDR: undeliverable: REASON" (null MX named as
#   such), exit 67, each alone and mixed with a good address (which is
#   still reported deliverable);
# - an alias whose expansion holds an undeliverable address: exit 67;
# - nothing is sent: the peer on the MX hosts' address sees no
#   connection, the queue stays empty.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

dns_start <<EOF_DNS
good.test. MX 10 mx1.good.test.
good.test. MX 20 mx2.good.test.
mx1.good.test. A $NET.2
mx2.good.test. A $NET.2
nullmx.test. MX 0 .
nullmx.test. A $NET.2
EOF_DNS
mx=
mx_peer mx "$NET.2"
write_aliases <<'EOF_A'
root: sysadmin@good.test
mixed: one@good.test, two@nx.test
EOF_A
direct_conf domain good.test aliases "$ALIASES"
goodvia='deliverable via mx1\.good\.test:25, ?mx2\.good\.test:25 \(tls=[a-z]+\)$'

posthorn_run -bv bob@good.test </dev/null
check_exit 0
check_out "^bob@good\.test: $goodvia"
check_out_count 1

posthorn_run -bv root zed </dev/null
check_exit 0
check_out_line "root -> sysadmin@good.test"
check_out "^sysadmin@good\.test: $goodvia"
check_out_line "zed -> zed@good.test"
check_out "^zed@good\.test: $goodvia"

posthorn_run -bv bob@nullmx.test </dev/null
check_exit 67
check_out '^bob@nullmx\.test: undeliverable: .*null MX'

posthorn_run -bv bob@nx.test </dev/null
check_exit 67
check_out '^bob@nx\.test: undeliverable: .+'

posthorn_run -bv bob@good.test bob@nx.test bob@nullmx.test </dev/null
check_exit 67
check_out "^bob@good\.test: $goodvia"
check_out '^bob@nx\.test: undeliverable: '
check_out '^bob@nullmx\.test: undeliverable: '

posthorn_run -bv mixed </dev/null
check_exit 67
check_out_line "mixed -> one@good.test, two@nx.test"
check_out "^one@good\.test: $goodvia"
check_out '^two@nx\.test: undeliverable: '

check_no_connect "$mx"
check_queue_count 0
