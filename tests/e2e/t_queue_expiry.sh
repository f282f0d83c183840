#!/bin/bash
# t_queue_expiry: a recipient the server keeps deferring (451), with
# queue_lifetime 1s (another recipient of the message was delivered at
# once): after the lifetime a -q gives up on it, delivers a bounce (RFC
# 3464, Action: failed, naming only the expired recipient) from <> to the
# sender at once, and the message leaves the queue (not in new/, not in
# failed/).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'rcpt:slow@example.org=451 4.4.3 slow: try again later'
write_conf retry_min 1s retry_max 1s queue_lifetime 1s
simple_msg "will expire" | posthorn_run -f alice@example.org slow@example.org \
    fast@example.org
check_exit 0
check_queue_count 1
check_peer_count 1
check_eq "first delivery" fast@example.org "$(peer_env 1 rcpt_tos)"
id=$(queue_ids)
sleep 2.2
posthorn_run -q
check_exit 0
check_queue_count 0
check_failed_count 0
check_new_empty
check_peer_count 2
check_eq "bounce: envelope sender" "" "$(peer_env 2 mail_from)"
check_eq "bounce: recipients" alice@example.org "$(peer_env 2 rcpt_tos)"
check_dsn "$(peer_msg 2)" slow@example.org alice@example.org \
    '[45]\.[0-9]{1,3}\.[0-9]{1,3}' '(?i)failed'
check_msg 2 'Subject: will expire'
check_msg_not 2 'Final-Recipient: rfc822; ?<?fast@'
check_log "$id: to=<slow@example\.org>, .*status=(bounced|expired)"
posthorn_run -bp
grep -q 'Mail queue is empty' "$OUT" || fail "mailq: $(cat "$OUT")"
# no second bounce on a later run
posthorn_run -q
check_peer_count 2
