#!/bin/bash
# t_smtp_multiline: every reply is multi-line with enhanced status codes
# (greeting, EHLO, MAIL, RCPT, DATA, end of data, QUIT): parsed as one reply
# each, delivered, the log line carries dsn=2.0.0.
. "$SRCDIR/tests/lib.sh"
start_smtpd --multiline
write_conf
simple_msg | posthorn_run one@example.org two@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_not_saw '^S: 50[0-4] '	# a command the server did not understand
check_log 'to=<one@example\.org>, .*dsn=2\.0\.0, status=sent \(250 2\.0\.0 Ok: queued as PEER0001'
