#!/bin/bash
# t_smtp_greeting_4xx: a 421 greeting defers: exit 0, the message stays
# queued, the server's reply is in the maillog, nothing is sent.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'greeting=421 4.3.2 greeting busy, come back later'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: MAIL'
check_log '421 4\.3\.2 greeting busy, come back later'
check_log 'to=<bob@example\.org>, .*status=deferred'
# the server's own enhanced status code is kept (SPEC 5), not a generic one
check_log 'to=<bob@example\.org>, .*dsn=4\.3\.2, status=deferred'
