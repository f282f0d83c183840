#!/bin/bash
# t_queue_bounce_of_bounce: -oem, the recipient is rejected (550) and so is
# the sender's own address: the bounce cannot be delivered, and a bounce
# is never bounced: the server sees exactly two transactions (the message,
# then the bounce from <>), and the bounce is kept in failed/, listed by
# mailq with "!".
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'rcpt:nobody@example.org=550 5.1.1 nobody: no such user' \
    --reply 'rcpt:alice@example.org=550 5.1.1 alice: gone too'
write_conf
simple_msg "double bounce" | posthorn_run -oem -f alice@example.org \
    nobody@example.org
check_exit 0
check_peer_count 0
check_eq "MAIL commands" "MAIL FROM:<alice@example.org> MAIL FROM:<> " \
    "$(sed -n 's/^C: \(MAIL FROM:<[^>]*>\).*/\1/p' "$PEERDIR/session.log" |
    tr '\n' ' ')"
check_queue_count 0
check_failed_count 1
posthorn_run -bp
grep -Eq '^[0-9A-F]{12,}!' "$OUT" || fail "mailq: $(cat "$OUT")"
grep -q 'MAILER-DAEMON' "$OUT" || fail "mailq: $(cat "$OUT")"
grep -Eq '^ +alice@example\.org$' "$OUT" || fail "mailq: $(cat "$OUT")"
# later flushes do not retry or bounce it
posthorn_run -q
posthorn_run -qR@
check_eq "MAIL commands after more flushes" 2 \
    "$(grep -c '^C: MAIL' "$PEERDIR/session.log")"
check_failed_count 1
