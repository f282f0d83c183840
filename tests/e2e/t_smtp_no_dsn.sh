#!/bin/bash
# t_smtp_no_dsn: the server does not offer DSN: no DSN parameters are sent
# (the peer would refuse them with 555), the message is delivered.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
simple_msg | posthorn_run -N failure,delay -R hdrs -V env-id-42 bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_not_saw 'NOTIFY=|RET=|ENVID='
