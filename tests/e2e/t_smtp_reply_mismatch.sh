#!/bin/bash
# t_smtp_reply_mismatch: after the final dot the server sends a multi-line
# reply whose lines disagree ("250-" then "451 "), and did not keep the
# message.  It must never count as delivered: exit 0, the message stays
# queued.
. "$SRCDIR/tests/lib.sh"
start_smtpd --raw-reply 'eod=250-2.0.0 looks fine\r\n451 4.3.0 but it is not\r\n'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_log_not 'status=sent'
