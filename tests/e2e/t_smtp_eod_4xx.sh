#!/bin/bash
# t_smtp_eod_4xx: 451 after the final dot defers: exit 0, queued, reply in
# the maillog.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'eod=451 4.3.0 eod: queue file write error'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_log '451 4\.3\.0 eod: queue file write error'
check_log 'to=<bob@example\.org>, .*status=deferred'
