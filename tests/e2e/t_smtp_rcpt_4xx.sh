#!/bin/bash
# t_smtp_rcpt_4xx: 450 to RCPT TO defers: exit 0, queued, reply in log.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'rcpt=450 4.2.0 mailbox busy, try later'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_saw '^C: RCPT TO:<bob@example\.org>'
check_log '450 4\.2\.0 mailbox busy, try later'
check_log 'to=<bob@example\.org>, .*status=deferred'
