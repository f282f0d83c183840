#!/bin/bash
# t_smtp_helo_fallback: a server that refuses EHLO (502) gets HELO, then a
# MAIL FROM without ESMTP parameters, and the message is delivered.
. "$SRCDIR/tests/lib.sh"
start_smtpd --no-ehlo
write_conf
printf 'Subject: helo\n\nh\xc3\xa9llo\n' | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^C: EHLO '
check_peer_saw '^C: HELO test\.example$'
check_peer_saw '^C: MAIL FROM:<[^>]*>$'
check_eq "ESMTP session" false "$(peer_env 1 esmtp)"
check_eq "MAIL parameters" "" "$(peer_env 1 mail_options)"
# No 8BITMIME without EHLO: the 8-bit body must arrive 7-bit.
check_eq "8-bit bytes on the wire" false "$(peer_env 1 eightbit)"
