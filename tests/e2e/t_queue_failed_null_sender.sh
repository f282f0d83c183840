#!/bin/bash
# t_queue_failed_null_sender: a message from the null sender rejected with
# 550 under -oem cannot be bounced (never a bounce to <>): it is kept in
# failed/, mailq lists it with "!" after the id, no bounce is sent; then
# --requeue puts it back (delivered once the server accepts), and a failed/
# entry older than failed_lifetime is removed by the next -q.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'rcpt=550 5.7.1 not from you' --faulty-connections 2
write_conf failed_lifetime 1h
simple_msg "from nobody" | posthorn_run -oem -f '' bob@example.org
check_exit 0
check_queue_count 0
check_failed_count 1
check_peer_count 0
check_peer_not_saw '^C: RCPT TO:<>'
n=$(grep -c '^C: MAIL' "$PEERDIR/session.log")
check_eq "MAIL commands (no bounce attempt)" 1 "$n"
f=$(ls "$SPOOL"/*/failed/*.env)
id=${f##*/}
id=${id%.env}
posthorn_run -bp
check_exit 0
grep -q "^$id!" "$OUT" || fail "mailq does not mark $id with '!': $(cat "$OUT")"
grep -Eq '^ +bob@example\.org$' "$OUT" || fail "mailq: $(cat "$OUT")"
posthorn_run -bp --json
grep -q "\"queue_id\": \"$id\"" "$OUT" || fail "mailq --json: $(cat "$OUT")"
posthorn_run --show "$id"
check_exit 0
grep -q '^Subject: from nobody' "$OUT" || fail "--show: $(head -5 "$OUT")"

# why it failed is kept (SPEC 4: mailq shows the last error): in the
# text layout or at least in --json's last_reply
posthorn_run -bp
cp "$OUT" "$TESTTMP/mailq.txt"
posthorn_run -bp --json
grep -q '550 5\.7\.1 not from you' "$TESTTMP/mailq.txt" "$OUT" ||
    fail "mailq does not say why $id failed: $(cat "$TESTTMP/mailq.txt" "$OUT")"

# a second such message (the server still rejects: connection 2), then
# requeue the first and flush: delivered once
simple_msg "from nobody 2" | posthorn_run -oem -f '' carol@example.org
check_failed_count 2
posthorn_run --requeue "$id"
check_exit 0
check_failed_count 1
check_queue_count 1
posthorn_run -qI"$id"
check_exit 0
check_queue_count 0
check_peer_count 1
check_msg 1 $'^Subject: from nobody\r?$'
check_eq "envelope sender" "" "$(peer_env 1 mail_from)"

# failed_lifetime: the remaining entry expires on the next run
write_conf failed_lifetime 1s
sleep 1.2
posthorn_run -q
check_exit 0
check_failed_count 0
check_peer_count 1
posthorn_run -bp
grep -q 'Mail queue is empty' "$OUT" || fail "mailq: $(cat "$OUT")"
