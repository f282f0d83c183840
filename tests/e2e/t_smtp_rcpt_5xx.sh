#!/bin/bash
# t_smtp_rcpt_5xx: 550 to the only RCPT: exit 67 (EX_NOUSER), the server's
# reply on stderr, nothing queued, nothing delivered.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'rcpt=550 5.1.1 no such user here'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 67
check_queue_count 0
check_failed_count 0
check_peer_count 0
check_stderr 'bob@example\.org'
check_stderr '550 5\.1\.1 no such user here'
check_log 'to=<bob@example\.org>, .*550 5\.1\.1 no such user here'
