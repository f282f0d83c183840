#!/bin/bash
# t_smtp_stall_command: the server takes MAIL FROM and never answers; with
# timeout_command 2s and submit_timeout 5s the call returns, exit 0, the
# message stays queued.  (Bounded by a generous timeout, no tighter timing
# assertion.)
. "$SRCDIR/tests/lib.sh"
start_smtpd --stall mail
write_conf timeout_command 2s submit_timeout 5s
RUN_TIMEOUT=40
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_saw '^STALL mail'
check_log 'to=<bob@example\.org>, .*status=deferred'
