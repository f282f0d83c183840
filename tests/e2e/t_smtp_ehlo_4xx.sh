#!/bin/bash
# t_smtp_ehlo_4xx: 451 to EHLO (and to HELO, should the client fall back)
# defers: exit 0, queued, reply in the maillog, no MAIL sent.
. "$SRCDIR/tests/lib.sh"
start_smtpd --reply 'ehlo=451 4.3.0 ehlo says try later' \
    --reply 'helo=451 4.3.0 helo says try later'
write_conf
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^C: MAIL'
check_log '451 4\.3\.0 (ehlo|helo) says try later'
