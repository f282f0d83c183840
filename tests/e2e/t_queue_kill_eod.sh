#!/bin/bash
# t_queue_kill_eod: posthorn killed with SIGKILL after the final dot, before
# the server's reply (the peer stalls at the end of data). The message was
# spooled before delivery began, so it is in new/, complete; the dead
# process's lock blocks nothing: a forced flush (-qI<id>) delivers it, at
# least once and at most twice in all, and empties the queue; a further
# flush sends nothing more.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --stall eod --faulty-connections 1
write_conf timeout_command 30s submit_timeout 60s
kill_in_delivery eod "killed at eod"
posthorn_run -qI"$KILLED_ID"
check_exit 0
check_redelivered "killed at eod"
check_log "$KILLED_ID: to=<bob@example\.org>, .*status=sent"
before=$(peer_total)
posthorn_run -q
posthorn_run -qR@
check_eq "messages received after more flushes" "$before" "$(peer_total)"
