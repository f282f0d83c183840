#!/bin/bash
# t_smtp_mail_4xx: 451 to MAIL FROM defers: exit 0, queued, reply in log.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'mail=451 4.3.0 sender check unavailable'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_log '451 4\.3\.0 sender check unavailable'
check_log 'to=<bob@example\.org>, .*status=deferred'
