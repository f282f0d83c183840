#!/bin/bash
# t_smtp_odb: -odb spools, returns exit 0 and delivers from a background
# child: the message arrives within a few seconds and the queue empties.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
simple_msg | posthorn_run -odb bob@example.org
check_exit 0
for i in $(seq 100); do		# at most 10 s
	[ "$(peer_count)" = 1 ] && [ "$(queue_count)" = 0 ] && break
	sleep 0.1
done
check_peer_count 1
check_queue_count 0
