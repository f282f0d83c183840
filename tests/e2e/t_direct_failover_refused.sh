#!/bin/bash
# t_direct_failover_refused: nothing listens on the primary MX host
# (connection refused): the secondary gets the message at once; exit 0,
# nothing queued, one sent line naming the secondary.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
fo.test. MX 10 mx1.fo.test.
fo.test. MX 20 mx2.fo.test.
mx1.fo.test. A $NET.2
mx2.fo.test. A $NET.3
EOF_DNS
mx_peer second $NET.3
direct_conf
start=$(date +%s)
simple_msg refused | posthorn_run -f alice@example.org bob@fo.test
check_exit 0
check_took_at_most 10 "$start"
check_queue_count 0
check_count_at "$second" 1
PEERDIR=$second check_msg 1 '^Subject: refused'
check_eq "envelope recipients" bob@fo.test "$(rcpts_of "$second")"
check_log "to=<bob@fo\.test>, relay=mx2\.fo\.test\[${NET//./\\.}\.3\]:25, .*status=sent"
check_eq "log lines for bob" 1 "$(grep -c 'to=<bob@fo\.test>' "$MAILLOG")"
