#!/bin/bash
# t_smtp_data_5xx: 554 to DATA rejects the message: exit 69, reply on
# stderr, nothing queued.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'data=554 5.7.1 data: transaction refused'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 69
check_queue_count 0
check_failed_count 0
check_peer_count 0
check_stderr '554 5\.7\.1 data: transaction refused'
check_log '554 5\.7\.1 data: transaction refused'
