#!/bin/bash
# t_smtp_flush_one_connection: three messages queued with -odq, then one
# flush (-q): all three go over a single SMTP connection (SPEC 4), nothing
# left queued.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
for i in 1 2 3; do
	simple_msg "queued $i" | posthorn_run -odq "rcpt$i@example.org"
	check_exit 0
done
check_queue_count 3
check_peer_not_saw '^CONNECT'
posthorn_run -q
check_exit 0
check_queue_count 0
check_peer_count 3
n=$(grep -c '^CONNECT' "$PEERDIR/session.log")
check_eq "connections for three messages to one smarthost" 1 "$n"
got=$(for i in 1 2 3; do peer_env $i rcpt_tos; done | sort | tr '\n' ' ')
check_eq "recipients" "rcpt1@example.org rcpt2@example.org rcpt3@example.org " "$got"
