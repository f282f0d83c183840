#!/bin/bash
# t_smtp_stall_submit_timeout: the server never answers the final dot and
# the per-command timeout is long (60s): submit_timeout 3s still bounds the
# whole attempt; exit 0, the message stays queued.
. "$SRCDIR/tests/lib.sh"
start_smtpd --stall eod
write_conf timeout_command 60s submit_timeout 3s
RUN_TIMEOUT=40
start=$(date +%s)
simple_msg | posthorn_run bob@example.org
took=$(($(date +%s) - start))
check_exit 0
check_queue_count 1
check_peer_saw '^STALL eod'
[ $took -lt 30 ] || fail "posthorn took ${took}s despite submit_timeout 3s"
