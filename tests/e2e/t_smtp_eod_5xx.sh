#!/bin/bash
# t_smtp_eod_5xx: 554 after the final dot rejects the message: exit 69,
# reply on stderr, nothing queued.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'eod=554 5.7.1 eod: message content rejected'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 69
check_queue_count 0
check_failed_count 0
check_peer_count 0
check_stderr '554 5\.7\.1 eod: message content rejected'
check_log '554 5\.7\.1 eod: message content rejected'
