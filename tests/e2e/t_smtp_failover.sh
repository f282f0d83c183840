#!/bin/bash
# t_smtp_failover: smarthost lists two hosts; the first greets with 421:
# the second gets the message (SPEC 6: tried in order): exit 0, nothing
# queued.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'greeting=421 4.3.2 first host busy'
first=$PEERDIR port1=$PORT
start_smtpd
write_conf smarthost "127.0.0.1:$port1 127.0.0.1:$PORT"
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 0 "$first"
check_peer_count 1
check_log "to=<bob@example\.org>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:$PORT, .*status=sent"
