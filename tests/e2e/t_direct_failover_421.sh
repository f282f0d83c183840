#!/bin/bash
# t_direct_failover_421: the primary MX answers the connection with
# "421 ... busy": the secondary gets the message; the primary never sees
# MAIL.  The same with a 4xx greeting other than 421 (450).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
busy.test. MX 10 mx1.busy.test.
busy.test. MX 20 mx2.busy.test.
mx1.busy.test. A $NET.2
mx2.busy.test. A $NET.3
grey.test. MX 10 mx1.grey.test.
grey.test. MX 20 mx2.grey.test.
mx1.grey.test. A $NET.4
mx2.grey.test. A $NET.3
EOF_DNS
mx_peer first $NET.2 --reply 'greeting=421 4.3.2 mx1 is too busy'
mx_peer grey $NET.4 --reply 'greeting=450 4.7.1 come back later'
mx_peer second $NET.3
direct_conf
simple_msg "after 421" | posthorn_run -f alice@example.org bob@busy.test
check_exit 0
check_queue_count 0
check_count_at "$second" 1
check_count_at "$first" 0
grep -q '^CONNECT' "$first/session.log" ||
    fail "the primary was never tried"
PEERDIR=$first check_peer_not_saw '^C: MAIL'
check_log "to=<bob@busy\.test>, relay=mx2\.busy\.test\[${NET//./\\.}\.3\]:25, .*status=sent"

simple_msg "after 450" | posthorn_run -f alice@example.org carol@grey.test
check_exit 0
check_queue_count 0
check_count_at "$second" 2
check_count_at "$grey" 0
grep -q '^CONNECT' "$grey/session.log" || fail "mx1.grey.test was never tried"
check_log "to=<carol@grey\.test>, relay=mx2\.grey\.test\[${NET//./\\.}\.3\]:25, .*status=sent"
