#!/bin/bash
# t_direct_two_domains: one message to recipients in two domains with
# different MX hosts: one transaction at each domain's host, carrying
# only that domain's recipients, each recipient exactly once (the
# domain compared without regard to case); both logged as sent.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
one.test. MX 10 mx.one.test.
two.test. MX 10 mx.two.test.
mx.one.test. A $NET.2
mx.two.test. A $NET.3
EOF_DNS
mx_peer p1 $NET.2
mx_peer p2 $NET.3
direct_conf
printf 'Subject: two domains\nTo: bob@one.test, dave@two.test\nCc: carol@ONE.test\n\nhi\n' |
    posthorn_run -f alice@example.org -t
check_exit 0
check_queue_count 0
check_count_at "$p1" 1
check_count_at "$p2" 1
check_eq "recipients at one.test's MX" "bob@one.test
carol@ONE.test" "$(rcpts_of "$p1")"
check_eq "recipients at two.test's MX" dave@two.test "$(rcpts_of "$p2")"
check_eq "connections to one.test's MX" 1 "$(connects_of "$p1")"
check_eq "connections to two.test's MX" 1 "$(connects_of "$p2")"
check_eq "MAIL commands at one.test's MX" 1 "$(grep -c '^C: MAIL' "$p1/session.log")"
check_eq "MAIL commands at two.test's MX" 1 "$(grep -c '^C: MAIL' "$p2/session.log")"
PEERDIR=$p1 check_msg 1 '^Subject: two domains'
PEERDIR=$p2 check_msg 1 '^Subject: two domains'
check_log "to=<bob@one\.test>, relay=mx\.one\.test\[${NET//./\\.}\.2\]:25, .*status=sent"
check_log "to=<carol@ONE\.test>, relay=mx\.one\.test\[${NET//./\\.}\.2\]:25, .*status=sent"
check_log "to=<dave@two\.test>, relay=mx\.two\.test\[${NET//./\\.}\.3\]:25, .*status=sent"
check_eq "log lines per recipient" 3 "$(grep -c ' to=<' "$MAILLOG")"
