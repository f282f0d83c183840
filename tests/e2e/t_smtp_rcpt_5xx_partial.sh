#!/bin/bash
# t_smtp_rcpt_5xx_partial: one recipient refused with 550, the other
# accepted: the message goes to the good one, exit 67 with the refusal on
# stderr, nothing left queued.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'rcpt:bad@example.org=550 5.1.1 bad: no such user'
write_conf
simple_msg | posthorn_run bad@example.org good@example.org
check_exit 67
check_queue_count 0
check_peer_count 1
check_eq "envelope recipients" "good@example.org" "$(peer_env 1 rcpt_tos)"
check_stderr 'bad@example\.org'
check_stderr '550 5\.1\.1 bad: no such user'
check_stderr_not 'good@example\.org.*(550|reject|fail)'
check_log 'to=<good@example\.org>, .*status=sent'
check_log 'to=<bad@example\.org>, .*550 5\.1\.1 bad: no such user'
