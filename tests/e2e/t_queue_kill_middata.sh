#!/bin/bash
# t_queue_kill_middata: posthorn killed with SIGKILL in the middle of DATA
# (the peer stalls after the first body line). The message was spooled
# before delivery began, so it is in new/, complete; the dead process's lock
# blocks nothing: a forced flush (-qI<id>) delivers it, at least once and at
# most twice in all, and empties the queue; a further flush sends nothing
# more.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --stall middata --faulty-connections 1
write_conf timeout_command 30s submit_timeout 60s
kill_in_delivery middata "killed at middata"
posthorn_run -qI"$KILLED_ID"
check_exit 0
check_redelivered "killed at middata"
check_log "$KILLED_ID: to=<bob@example\.org>, .*status=sent"
before=$(peer_total)
posthorn_run -q
posthorn_run -qR@
check_eq "messages received after more flushes" "$before" "$(peer_total)"
