#!/bin/bash
# t_smtp_odq: -odq only queues: exit 0, one message queued, the server
# never contacted.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
simple_msg | posthorn_run -odq bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^CONNECT'
