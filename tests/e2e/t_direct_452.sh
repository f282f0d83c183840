#!/bin/bash
# t_direct_452: the MX host accepts at most 2 recipients per transaction
# and answers "452 4.5.3 too many recipients" to the rest (RFC 5321
# 4.5.3.1.10): all 5 recipients are delivered, in further transactions
# (2 + 2 + 1), each exactly once; nothing queued; 5 sent lines.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
many.test. MX 10 mx.many.test.
mx.many.test. A $NET.2
EOF_DNS
mx_peer p $NET.2 --max-rcpt 2
direct_conf
simple_msg "452" | posthorn_run -f alice@example.org \
    r1@many.test r2@many.test r3@many.test r4@many.test r5@many.test
check_exit 0
check_queue_count 0
check_failed_count 0
check_peer_saw '^S: 452 '
check_count_at "$p" 3
check_eq "recipients delivered" "r1@many.test
r2@many.test
r3@many.test
r4@many.test
r5@many.test" "$(rcpts_of "$p")"
for n in 1 2 3; do
	[ "$(env_at "$p" $n rcpt_tos | wc -l)" -le 2 ] ||
	    fail "message $n carried more than 2 recipients"
done
for i in 1 2 3 4 5; do
	check_eq "sent lines for r$i" 1 "$(grep -Ec "to=<r$i@many\.test>, .*status=sent" "$MAILLOG")"
done
check_log_not 'status=(deferred|bounced)'
