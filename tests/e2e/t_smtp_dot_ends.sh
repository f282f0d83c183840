#!/bin/bash
# t_smtp_dot_ends: without -i a line holding a single '.' ends the message
# (sendmail, Postfix): what follows it does not arrive.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
printf 'Subject: dot\n\nbefore the dot\n.\nafter the dot\n' |
    posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_msg 1 '^before the dot'
check_msg_not 1 'after the dot'
check_msg_not 1 '^\.'$'\r''?$'
