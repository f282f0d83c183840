#!/bin/bash
# t_queue_bounce_5xx: with -oem, one recipient accepted and one rejected
# with 550: exit 0, and a bounce reaches the test server from the null
# sender <> to the envelope sender: an RFC 3464 report (multipart/report,
# message/delivery-status naming the rejected recipient with Action:
# failed and a 5.x.x Status, the original headers included).  Nothing
# stays queued, nothing in failed/.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'rcpt:nobody@example.org=550 5.1.1 nobody: no such user here'
write_conf
simple_msg "will partly bounce" | posthorn_run -oem -f alice@example.org \
    good@example.org nobody@example.org
check_exit 0
check_peer_count 2
check_queue_count 0
check_failed_count 0
# which saved message is which
orig= bounce=
for n in 1 2; do
	if [ -z "$(peer_env $n mail_from)" ]; then bounce=$n; else orig=$n; fi
done
[ -n "$orig" ] && [ -n "$bounce" ] ||
    fail "expected the original and a bounce from <>"
check_eq "original: recipients" good@example.org "$(peer_env $orig rcpt_tos)"
check_eq "bounce: recipients" alice@example.org "$(peer_env $bounce rcpt_tos)"
check_peer_saw '^C: MAIL FROM:<>'
check_dsn "$(peer_msg $bounce)" nobody@example.org alice@example.org \
    '5\.[0-9]{1,3}\.[0-9]{1,3}' '(?i)failed'
check_msg $bounce 'Subject: will partly bounce'
check_msg $bounce '550 5\.1\.1 nobody: no such user here'
# the bounce does not list the recipient that was delivered as failed
check_msg_not $bounce 'Final-Recipient: rfc822; ?<?good@example\.org'
check_log 'to=<nobody@example\.org>, .*status=bounced'
