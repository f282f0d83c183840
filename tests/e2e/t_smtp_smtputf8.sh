#!/bin/bash
# t_smtp_smtputf8: a recipient with a UTF-8 local part: MAIL FROM carries
# SMTPUTF8 (the server offers it) and the message is delivered.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
rcpt=$'j\xc3\xb6rg@example.org'
printf 'Subject: utf8\n\nhi\n' | posthorn_run "$rcpt"
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^C: MAIL FROM:<[^>]*>.* SMTPUTF8'
check_eq "envelope recipient" "$rcpt" "$(peer_env 1 rcpt_tos)"
