#!/bin/bash
# t_smtp_connect_refused: nothing listens on the smarthost's port: exit 0,
# the message stays queued, the maillog says deferred.
. "$SRCDIR/tests/lib.sh"
start_smtpd
stop_peers			# nothing listens on $PORT any more
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_log 'to=<bob@example\.org>, .*status=deferred'
