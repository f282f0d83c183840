#!/bin/bash
# t_smtp_greeting_5xx: a 554 greeting is the server refusing this client,
# not a verdict on the message: deferred as Postfix does (smtp_skip_5xx_
# greeting): exit 0, still queued, reply in the maillog, nothing sent.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'greeting=554 5.7.1 greeting refused for this client'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: MAIL'
check_log '554 5\.7\.1 greeting refused for this client'
# deferred, so its 5.x.x becomes 4.x.x, the detail kept
check_log 'to=<bob@example\.org>, .*dsn=4\.7\.1, status=deferred'
