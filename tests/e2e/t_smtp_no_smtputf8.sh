#!/bin/bash
# t_smtp_no_smtputf8: a UTF-8 recipient and a server without SMTPUTF8: a
# permanent failure with a clear message (SPEC 3): exit 69, nothing
# queued, nothing delivered, stderr says SMTPUTF8.
. "$SRCDIR/tests/lib.sh"
start_smtpd --no-smtputf8
write_conf
rcpt=$'j\xc3\xb6rg@example.org'
printf 'Subject: utf8\n\nhi\n' | posthorn_run "$rcpt"
check_exit 69
check_queue_count 0
check_failed_count 0
check_peer_count 0
check_stderr 'SMTPUTF8'
