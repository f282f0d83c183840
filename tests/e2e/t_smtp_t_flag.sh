#!/bin/bash
# t_smtp_t_flag: -t takes the recipients from To, Cc and Bcc: all of them
# are in the envelope, the Bcc header does not arrive.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
printf '%s\n' 'From: alice@example.org' 'To: Tom <to@example.org>' \
    'Cc: cc1@example.org, "C. Two" <cc2@example.org>' \
    'Bcc: hidden@example.org' 'Subject: -t' '' 'body' |
    posthorn_run -t
check_exit 0
check_queue_count 0
check_peer_count 1
got=$(peer_env 1 rcpt_tos | sort | tr '\n' ' ')
check_eq "envelope recipients" \
    "cc1@example.org cc2@example.org hidden@example.org to@example.org " "$got"
check_msg_not 1 '^[Bb][Cc][Cc]:'
check_msg_not 1 'hidden@example\.org'
check_msg 1 '^To: Tom <to@example\.org>'
check_msg 1 '^Cc: cc1@example\.org, "C\. Two" <cc2@example\.org>'
