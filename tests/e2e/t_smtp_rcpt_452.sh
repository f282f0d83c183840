#!/bin/bash
# t_smtp_rcpt_452: the server takes at most 2 recipients per transaction
# (452 4.5.3 after that): the rest go in further transactions (RFC 5321
# 4.5.3.1.10), every recipient gets the message once, exit 0, nothing left
# queued.
. "$SRCDIR/tests/lib.sh"
start_smtpd --max-rcpt 2
write_conf
simple_msg | posthorn_run r1@example.org r2@example.org r3@example.org \
    r4@example.org r5@example.org
check_exit 0
check_queue_count 0
n=$(peer_count)
[ "$n" -ge 3 ] || fail "expected at least 3 transactions, got $n"
got=$(for i in $(seq 1 "$n"); do peer_env "$i" rcpt_tos; done | sort | tr '\n' ' ')
check_eq "recipients over all transactions" \
    "r1@example.org r2@example.org r3@example.org r4@example.org r5@example.org " "$got"
check_log_not 'status=(bounced|deferred)'
