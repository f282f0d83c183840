#!/bin/bash
# t_direct_dual_stack: an MX host with both an AAAA (::1) and an A record:
# its addresses are tried in turn, IPv6 first.  While nothing listens on
# [::1]:25 the IPv4 address gets the message; once a server does, the
# IPv6 one does; with "inet_protocols ipv4" the IPv4 address again.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
dual.test. MX 10 mx.dual.test.
mx.dual.test. AAAA ::1
mx.dual.test. A $NET.2
EOF_DNS
mx_peer p4 $NET.2
direct_conf

simple_msg "v6 down" | posthorn_run -f alice@example.org bob@dual.test
check_exit 0
check_queue_count 0
check_count_at "$p4" 1
check_log "to=<bob@dual\.test>, relay=mx\.dual\.test\[${NET//./\\.}\.2\]:25, .*status=sent"

mx_peer p6 ::1
simple_msg "v6 up" | posthorn_run -f alice@example.org carol@dual.test
check_exit 0
check_queue_count 0
check_count_at "$p6" 1
check_count_at "$p4" 1
check_log 'to=<carol@dual\.test>, relay=mx\.dual\.test\[::1\]:25, .*status=sent'

direct_conf inet_protocols ipv4
simple_msg "ipv4 only" | posthorn_run -f alice@example.org dave@dual.test
check_exit 0
check_queue_count 0
check_count_at "$p4" 2
check_count_at "$p6" 1
check_log "to=<dave@dual\.test>, relay=mx\.dual\.test\[${NET//./\\.}\.2\]:25, .*status=sent"
