#!/bin/bash
# t_direct_failover_4xx: a temporary failure later in the session moves on
# to the next MX host too (SPEC 5: "a 4xx ... moves on to the next"; as
# Postfix, which tries the next server before deferring): the primary
# answers 451 to MAIL for one domain and 450 to RCPT for another; the
# secondary gets both messages, each recipient once.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
m.test. MX 10 mx1.m.test.
m.test. MX 20 mx2.m.test.
mx1.m.test. A $NET.2
mx2.m.test. A $NET.3
r.test. MX 10 mx1.r.test.
r.test. MX 20 mx2.m.test.
mx1.r.test. A $NET.4
EOF_DNS
mx_peer mailfail $NET.2 --reply 'mail=451 4.3.0 local problem, try later'
mx_peer rcptfail $NET.4 --reply 'rcpt=450 4.2.1 mailbox busy'
mx_peer second $NET.3
direct_conf
simple_msg "mail 451" | posthorn_run -f alice@example.org bob@m.test
check_exit 0
check_queue_count 0
PEERDIR=$mailfail check_peer_saw '^C: MAIL'
check_count_at "$second" 1
check_log "to=<bob@m\.test>, relay=mx2\.m\.test\[${NET//./\\.}\.3\]:25, .*status=sent"

simple_msg "rcpt 450" | posthorn_run -f alice@example.org carol@r.test dave@r.test
check_exit 0
check_queue_count 0
PEERDIR=$rcptfail check_peer_saw '^C: RCPT'
check_count_at "$rcptfail" 0
check_count_at "$second" 2
check_eq "recipients at mx2" "bob@m.test
carol@r.test
dave@r.test" "$(rcpts_of "$second")"
