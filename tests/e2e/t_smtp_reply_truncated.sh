#!/bin/bash
# t_smtp_reply_truncated: a reply to RCPT cut short (continuation line,
# then the connection closes): temporary failure, exit 0, queued, no crash.
. "$SRCDIR/tests/lib.sh"
start_smtpd --raw-reply 'rcpt=250-2.1.5 part one\r\n' --drop data
write_conf timeout_command 3s
RUN_TIMEOUT=40
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
