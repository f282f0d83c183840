#!/bin/bash
# t_smtp_dup_rcpt: the same recipient given twice on the command line, and
# again in To with -t: one RCPT TO, one copy (as Postfix removes duplicate
# recipients).
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
simple_msg | posthorn_run bob@example.org bob@example.org
check_exit 0
check_peer_count 1
check_eq "envelope recipients" bob@example.org "$(peer_env 1 rcpt_tos)"
printf 'To: bob@example.org, Bob <bob@example.org>\nCc: bob@example.org\nSubject: dup\n\nx\n' |
    posthorn_run -t bob@example.org
check_exit 0
check_peer_count 2
check_eq "envelope recipients (-t)" bob@example.org "$(peer_env 2 rcpt_tos)"
