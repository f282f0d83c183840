#!/bin/bash
# t_smtp_reply_garbage: the server answers MAIL FROM with a line that is
# no SMTP reply: a protocol error, a temporary failure: exit 0, queued,
# nothing delivered, no crash.
. "$SRCDIR/tests/lib.sh"
start_smtpd --raw-reply 'mail=HTTP/1.1 400 Bad Request\r\n'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_log 'to=<bob@example\.org>, .*status=deferred'
