#!/bin/bash
# t_direct_nxdomain: a recipient domain that does not exist (NXDOMAIN) is
# a permanent failure (RFC 5321 5.1, SPEC 5): under -oep a non-zero
# exit (EX_NOUSER 67 or EX_UNAVAILABLE 69: the SPEC names neither for a
# missing domain), the reason on stderr, a 5.x.x DSN in the log, nothing
# kept in the queue.  In a message also addressed to a good domain, that
# recipient is still delivered, and the exit still reports the failure.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
good.test. MX 10 mx.good.test.
mx.good.test. A $NET.2
EOF_DNS
mx_peer good $NET.2
direct_conf
simple_msg "no such domain" | posthorn_run -f alice@example.org bob@nonexistent.test
case $RC in
67|69) ;;
*) fail "exit status: expected 67 or 69 for an NXDOMAIN recipient, got $RC" ;;
esac
check_stderr 'bob@nonexistent\.test'
check_queue_count 0
check_failed_count 0
check_log 'to=<bob@nonexistent\.test>, relay=none, .*dsn=5\.[0-9]+\.[0-9]+, status=bounced'
check_count_at "$good" 0

simple_msg "one good one bad" | posthorn_run -f alice@example.org carol@nonexistent.test dave@good.test
case $RC in
67|69) ;;
*) fail "exit status (mixed): expected 67 or 69, got $RC" ;;
esac
check_stderr 'carol@nonexistent\.test'
check_stderr_not 'dave@good\.test'
check_queue_count 0
check_count_at "$good" 1
check_eq "recipients at good.test" dave@good.test "$(rcpts_of "$good")"
