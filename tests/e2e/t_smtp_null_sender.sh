#!/bin/bash
# t_smtp_null_sender: -f '' and -f '<>' send MAIL FROM:<>.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
simple_msg | posthorn_run -f '' bob@example.org
check_exit 0
check_peer_count 1
check_eq "envelope sender" "" "$(peer_env 1 mail_from)"
simple_msg | posthorn_run -f '<>' bob@example.org
check_exit 0
check_peer_count 2
check_eq "envelope sender (<>)" "" "$(peer_env 2 mail_from)"
n=$(grep -c '^C: MAIL FROM:<>' "$PEERDIR/session.log")
check_eq "MAIL FROM:<> commands" 2 "$n"
