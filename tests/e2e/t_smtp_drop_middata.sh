#!/bin/bash
# t_smtp_drop_middata: the server closes the connection after part of the
# message body: the message stays queued, exit 0.
. "$SRCDIR/tests/lib.sh"
start_smtpd --drop middata
write_conf
{ printf 'Subject: dropped\n\n'; seq 1 2000; } | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_saw '^DROP middata'
check_log 'to=<bob@example\.org>, .*status=deferred'
