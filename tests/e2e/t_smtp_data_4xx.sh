#!/bin/bash
# t_smtp_data_4xx: 451 to DATA defers: exit 0, queued, reply in log.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'data=451 4.3.0 data: system busy'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_saw '^C: DATA$'
check_log '451 4\.3\.0 data: system busy'
check_log 'to=<bob@example\.org>, .*status=deferred'
