#!/bin/bash
# t_smtp_flush_after_4xx: a 451 at RCPT defers the message; a forced flush
# (-qR<recipient>) once the server accepts delivers it and empties the
# queue; the server gets the message once.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'rcpt=451 4.3.0 first attempt deferred' \
    --faulty-connections 1
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
posthorn_run -qRbob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_eq "envelope recipients" bob@example.org "$(peer_env 1 rcpt_tos)"
check_log 'to=<bob@example\.org>, .*status=sent'
