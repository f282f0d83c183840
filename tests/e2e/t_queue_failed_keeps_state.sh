#!/bin/bash
# t_queue_failed_keeps_state: a message from the null sender (-oem) to two
# recipients, one accepted (250) and one rejected (550): it cannot be
# bounced and goes to failed/, which must keep the per-recipient state
# (SPEC 4): mailq lists only the rejected recipient, with the server's
# reply; after --requeue (the server now accepts) the flush sends it to the
# rejected recipient only: the delivered one never gets a second copy.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'rcpt:bad@example.org=550 5.1.1 bad: no such user' \
    --faulty-connections 1
write_conf
simple_msg "partial from nobody" | posthorn_run -oem -f '' good@example.org \
    bad@example.org
check_exit 0
check_failed_count 1
check_peer_count 1
check_eq "first delivery" good@example.org "$(peer_env 1 rcpt_tos)"
f=$(ls "$SPOOL"/*/failed/*.env)
id=${f##*/}; id=${id%.env}
posthorn_run -bp
cp "$OUT" "$TESTTMP/mailq.txt"
posthorn_run -bp --json
cp "$OUT" "$TESTTMP/mailq.json"
echo "failed/ envelope:"; cat "$f"
grep -Eq '^ +good@example\.org$' "$TESTTMP/mailq.txt" &&
    fail "mailq lists the delivered recipient: $(cat "$TESTTMP/mailq.txt")"
grep -q '550 5\.1\.1 bad: no such user' "$TESTTMP/mailq.txt" \
    "$TESTTMP/mailq.json" ||
    fail "mailq does not say why: $(cat "$TESTTMP/mailq.txt" "$TESTTMP/mailq.json")"

posthorn_run --requeue "$id"
check_exit 0
posthorn_run -qI"$id"
check_exit 0
check_queue_count 0
check_failed_count 0
check_peer_count 2
check_eq "after --requeue: recipients" bad@example.org "$(peer_env 2 rcpt_tos)"
