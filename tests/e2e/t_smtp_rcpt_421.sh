#!/bin/bash
# t_smtp_rcpt_421: the server answers RCPT with 421 and closes the
# connection: deferred, exit 0, queued, the reply in the maillog.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'rcpt=421 4.4.2 closing connection now'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_log '421 4\.4\.2 closing connection now'
check_log 'to=<bob@example\.org>, .*status=deferred'
