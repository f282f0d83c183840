#!/bin/bash
# t_direct_address_literal: a recipient at an address literal is delivered
# to port 25 of that address, without DNS (RFC 5321 4.1.3, 5.1):
# bob@[127.A.B.2] and carol@[IPv6:::1]; the envelope recipient is sent as
# written.  The resolver key points at a port where no DNS server
# listens, so any look-up would only defer the message.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
mx_peer p4 $NET.2
mx_peer p6 ::1
DNS_RESOLVER=127.0.0.1:9
direct_conf timeout_command 5s
start=$(date +%s)
simple_msg "v4 literal" | posthorn_run -f alice@example.org "bob@[$NET.2]"
check_exit 0
check_queue_count 0
check_count_at "$p4" 1
check_eq "recipients at $NET.2" "bob@[$NET.2]" "$(rcpts_of "$p4")"
check_log "to=<bob@\[${NET//./\\.}\.2\]>, relay=[^ ]*\[${NET//./\\.}\.2\]:25, .*status=sent"

simple_msg "v6 literal" | posthorn_run -f alice@example.org 'carol@[IPv6:::1]'
check_exit 0
check_queue_count 0
check_count_at "$p6" 1
check_eq "recipients at ::1" 'carol@[IPv6:::1]' "$(rcpts_of "$p6")"
check_log 'to=<carol@\[IPv6:::1\]>, relay=[^ ]*\[::1\]:25, .*status=sent'
check_took_at_most 10 "$start"
