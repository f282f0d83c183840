#!/bin/bash
# t_smtp_flush_concurrent: two flushes (-q) run at the same time against a
# slow server (2 s before the end-of-data reply): the per-message lock
# lets only one deliver, so the server gets the message exactly once; both
# exit 0 and the queue ends empty.
. "$SRCDIR/tests/lib.sh"
start_smtpd --delay eod=2
write_conf
simple_msg | posthorn_run -odq bob@example.org
check_exit 0
check_queue_count 1
timeout 40 "$POSTHORN" -C "$CONF" -q >out2 2>err2 &
pid2=$!
posthorn_run -q
wait $pid2
rc2=$?
check_exit 0
check_eq "exit status of the second flush" 0 $rc2
check_peer_count 1
check_queue_count 0
n=$(grep -c '^C: MAIL' "$PEERDIR/session.log")
check_eq "MAIL commands" 1 "$n"
