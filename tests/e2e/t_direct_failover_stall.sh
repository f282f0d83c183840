#!/bin/bash
# t_direct_failover_stall: the primary MX accepts the connection and never
# greets; with timeout_command 2s posthorn gives up on it and the
# secondary gets the message, well within submit_timeout (20s).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
slow.test. MX 10 mx1.slow.test.
slow.test. MX 20 mx2.slow.test.
mx1.slow.test. A $NET.2
mx2.slow.test. A $NET.3
EOF_DNS
mx_peer first $NET.2 --stall greeting
mx_peer second $NET.3
direct_conf timeout_command 2s submit_timeout 20s
RUN_TIMEOUT=40
start=$(date +%s)
simple_msg stalled | posthorn_run -f alice@example.org bob@slow.test
check_exit 0
check_took_at_most 10 "$start"
check_queue_count 0
check_count_at "$second" 1
check_count_at "$first" 0
PEERDIR=$first check_peer_saw '^STALL greeting'
check_log "to=<bob@slow\.test>, relay=mx2\.slow\.test\[${NET//./\\.}\.3\]:25, .*status=sent"
