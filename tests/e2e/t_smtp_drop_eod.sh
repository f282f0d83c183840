#!/bin/bash
# t_smtp_drop_eod: the server closes the connection after the final dot
# without a reply: the outcome is unknown, so the message stays queued (a
# duplicate is better than a loss), exit 0.
. "$SRCDIR/tests/lib.sh"
start_smtpd --drop eod
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_saw '^DROP eod'
check_log 'to=<bob@example\.org>, .*status=deferred'
