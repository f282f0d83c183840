#!/bin/bash
# t_smtp_drop_quit: the server closes the connection instead of answering
# QUIT: the message was accepted (250 after the dot), so it is delivered:
# exit 0, nothing queued, logged as sent.
. "$SRCDIR/tests/lib.sh"
start_smtpd --drop quit
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_log 'to=<bob@example\.org>, .*status=sent'
