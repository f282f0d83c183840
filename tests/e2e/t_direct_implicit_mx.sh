#!/bin/bash
# t_direct_implicit_mx: a domain with no MX records is its own mail
# exchanger (RFC 5321 5.1): with an A record only, the message goes to
# port 25 of that IPv4 address; with an AAAA record only, to [::1]:25.
# The log names the domain itself as the relay.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
v4only.test. A $NET.2
v6only.test. AAAA ::1
v6only.test. TXT "not an MX"
EOF_DNS
mx_peer p4 $NET.2
mx_peer p6 ::1
direct_conf

simple_msg "A only" | posthorn_run -f alice@example.org bob@v4only.test
check_exit 0
check_queue_count 0
check_count_at "$p4" 1
check_eq "recipients at the A host" bob@v4only.test "$(rcpts_of "$p4")"
check_log "to=<bob@v4only\.test>, relay=v4only\.test\[${NET//./\\.}\.2\]:25, .*status=sent"

simple_msg "AAAA only" | posthorn_run -f alice@example.org carol@v6only.test
check_exit 0
check_queue_count 0
check_count_at "$p6" 1
check_count_at "$p4" 1
check_eq "recipients at ::1" carol@v6only.test "$(rcpts_of "$p6")"
grep -q '^CONNECT 1 ::1:' "$p6/session.log" ||
    fail "the ::1 peer saw no IPv6 connection"
check_log 'to=<carol@v6only\.test>, relay=v6only\.test\[::1\]:25, .*status=sent'
