#!/bin/bash
# t_queue_odb_lock: -odb returns at once (exit 0) and delivers in a
# background child, which holds the message's lock: while that child is
# stuck in DATA (the peer stalls), a forced flush (-qI<id>) does not touch
# the message (no second connection) and --delete refuses; when the child
# gives up (timeout_command) the message is still queued, and the next
# forced flush delivers it exactly once.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --stall middata --faulty-connections 1
write_conf timeout_command 3s retry_min 10m submit_timeout 20s
t0=$(date +%s)
simple_msg "background" | posthorn_run -odb -f alice@example.org bob@example.org
check_exit 0
[ $(($(date +%s) - t0)) -le 2 ] || fail "-odb did not return at once"
check_queue_count 1
id=$(queue_ids)
wait_until 10 grep -q '^STALL middata' "$PEERDIR/session.log"

posthorn_run -qI"$id"
check_exit 0
check_eq "connections while the background child delivers" 1 \
    "$(grep -c '^CONNECT' "$PEERDIR/session.log")"
posthorn_run --delete "$id"
[ "$RC" != 0 ] || fail "--delete of a message being delivered exited 0"
check_queue_count 1

# the child times out and leaves it queued
wait_until 20 grep -q "$id: to=<bob@example\\.org>, .*status=deferred" "$MAILLOG"
check_queue_count 1
check_peer_count 0
posthorn_run -qI"$id"
check_exit 0
check_peer_count 1
check_queue_count 0
check_msg 1 '^Subject: background'
posthorn_run -qR@
check_peer_count 1
