#!/bin/bash
# t_smtp_deliver_basic: a plain message to a plaintext smarthost is delivered
# at once (exit 0, queue empty), with a clean SMTP dialogue and the headers
# posthorn adds (From, Date, Message-ID, Received).
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
printf 'Subject: basic\nTo: bob@example.org\n\nfirst line\nsecond line\n' |
    posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_eq "envelope recipients" "bob@example.org" "$(peer_env 1 rcpt_tos)"
check_eq "envelope sender" "$(id -un)@example.org" "$(peer_env 1 mail_from)"
check_peer_saw '^C: EHLO test\.example$'
check_peer_saw '^C: MAIL FROM:<[^>]+>'
check_peer_saw '^C: QUIT$'
check_peer_not_saw '^C: MAIL.*SMTPUTF8'	# only when an address needs it
check_peer_not_saw '^PROTOCOL-ERROR'	# bare LF/CR, 8-bit, long lines
check_peer_not_saw '^S: 50[0-4] '	# a command the server did not understand
check_msg 1 '^Subject: basic'$'\r''$'
check_msg 1 '^From: .*@example\.org'
check_msg 1 '^Date: '
check_msg 1 '^Message-ID: <[^>]+@[^>]+>'
check_msg 1 '^Received: '
check_msg 1 '^first line'$'\r''$'
check_msg 1 '^second line'$'\r''$'
