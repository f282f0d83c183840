#!/bin/bash
# t_direct_basic: no smarthost: mail for a.test goes to its most preferred
# MX host (127.0.0.2:25), found through a real DNS server (unbound).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
dns_start <<'DNS'
a.test. MX 20 mx2.a.test.
a.test. MX 10 mx1.a.test.
mx1.a.test. A 127.0.0.2
mx2.a.test. A 127.0.0.3
DNS
start_smtpd --host 127.0.0.2 --port 25
p1=$PEERDIR
start_smtpd --host 127.0.0.3 --port 25
p2=$PEERDIR
write_conf smarthost "" resolver "$DNS_RESOLVER"
simple_msg | posthorn_run bob@a.test
check_exit 0
check_queue_count 0
PEERDIR=$p1 check_peer_count 1
PEERDIR=$p2 check_peer_count 0
check_log 'to=<bob@a\.test>, relay=mx1\.a\.test\[127\.0\.0\.2\]:25, .*status=sent'
