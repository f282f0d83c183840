#!/bin/bash
# t_smtp_failover_stall: the first smarthost accepts the connection and
# never greets; timeout_command 2s gives up on it and the second host gets
# the message within submit_timeout (10s): exit 0, nothing queued.
. "$SRCDIR/tests/lib.sh"
start_smtpd --stall greeting
port1=$PORT
start_smtpd
write_conf smarthost "127.0.0.1:$port1 127.0.0.1:$PORT" \
    timeout_command 2s submit_timeout 10s
RUN_TIMEOUT=40
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
