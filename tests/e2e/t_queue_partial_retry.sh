#!/bin/bash
# t_queue_partial_retry: one recipient accepted (250), one deferred (451):
# the message is delivered to the first, stays queued for the second only,
# and the retry sends it to the second alone (the peer sees only that RCPT
# the second time); then the queue is empty.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'rcpt:later@example.org=451 4.2.2 later: over quota' \
    --faulty-connections 1
write_conf
simple_msg "partial" | posthorn_run -f alice@example.org good@example.org \
    later@example.org
check_exit 0
check_queue_count 1
check_peer_count 1
check_eq "first delivery: recipients" good@example.org "$(peer_env 1 rcpt_tos)"
id=$(queue_ids)
env=$(echo "$SPOOL"/*/new/"$id".env)
grep -qx 'rcpt sent good@example.org' "$env" ||
    fail "envelope does not record good@ as sent: $(cat "$env")"
grep -qx 'rcpt pending later@example.org' "$env" ||
    fail "envelope does not keep later@ pending: $(cat "$env")"
posthorn_run -bp
grep -Eq '^ +later@example\.org$' "$OUT" || fail "mailq: $(cat "$OUT")"
grep -Eq 'good@example\.org' "$OUT" &&
    fail "mailq lists the delivered recipient: $(cat "$OUT")"
grep -q '(451 4\.2\.2 later: over quota)' "$OUT" || fail "mailq: $(cat "$OUT")"

posthorn_run -qI"$id"
check_exit 0
check_queue_count 0
check_peer_count 2
check_eq "retry: recipients" later@example.org "$(peer_env 2 rcpt_tos)"
check_msg 2 '^Subject: partial'
# on the second connection, RCPT named later@ only
rcpts=$(awk '/^CONNECT 2/{on=1} on && /^C: RCPT/' "$PEERDIR/session.log")
echo "$rcpts" | grep -q 'later@example\.org' || fail "no RCPT for later@ on retry"
echo "$rcpts" | grep -q 'good@example\.org' &&
    fail "the retry sent RCPT for good@ again: $rcpts"
posthorn_run -q
check_peer_count 2
check_new_empty
