#!/bin/bash
# t_smtp_stall_greeting: the server accepts the connection and never
# greets: timeout_command 2s ends the wait; exit 0, queued, nothing sent.
. "$SRCDIR/tests/lib.sh"
start_smtpd --stall greeting
write_conf timeout_command 2s submit_timeout 5s
RUN_TIMEOUT=40
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_not_saw '^C: '
