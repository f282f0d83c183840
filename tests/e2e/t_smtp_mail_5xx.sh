#!/bin/bash
# t_smtp_mail_5xx: 553 to MAIL FROM rejects the message permanently: exit 69
# (EX_UNAVAILABLE, -oep), the reply on stderr, nothing kept in the queue.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'mail=553 5.7.1 sender rejected by policy'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 69
check_queue_count 0
check_failed_count 0
check_peer_count 0
check_stderr '553 5\.7\.1 sender rejected by policy'
check_log '553 5\.7\.1 sender rejected by policy'
