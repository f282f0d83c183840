#!/bin/bash
# t_smtp_multiline_4xx: a multi-line 451 to RCPT defers: exit 0, queued,
# the last line's text in the maillog (SPEC 5: the reply text is kept).
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'rcpt=451 4.7.1 first line of the refusal\n4.7.1 greylisted, come back in 5 minutes'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_log 'to=<bob@example\.org>, .*status=deferred'
check_log 'greylisted, come back in 5 minutes'
