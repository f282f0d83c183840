#!/bin/bash
# t_smtp_f_flag: -f sets MAIL FROM (and so does -r).
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
simple_msg | posthorn_run -f bounces@example.net bob@example.org
check_exit 0
check_peer_count 1
check_peer_saw '^C: MAIL FROM:<bounces@example\.net>'
check_eq "envelope sender" bounces@example.net "$(peer_env 1 mail_from)"
simple_msg | posthorn_run -r other@example.net bob@example.org
check_exit 0
check_peer_count 2
check_eq "envelope sender (-r)" other@example.net "$(peer_env 2 mail_from)"
