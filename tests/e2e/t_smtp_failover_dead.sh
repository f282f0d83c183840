#!/bin/bash
# t_smtp_failover_dead: the first smarthost refuses connections (nothing
# listens): the second gets the message: exit 0, nothing queued.
. "$SRCDIR/tests/lib.sh"
start_smtpd
dead=$PORT
stop_peers			# nothing listens on $dead any more
start_smtpd
write_conf smarthost "127.0.0.1:$dead 127.0.0.1:$PORT"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
