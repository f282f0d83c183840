#!/bin/bash
# t_direct_mx_loop_secondary: this host (hostname test.example) is listed
# among the MX hosts of the recipient domain, as a backup MX is.  RFC 5321
# 5.1: a client listed as an MX host must drop every MX record of a
# preference equal to or larger than its own (Postfix truncates the list
# there; mail loops only when nothing better is left).  So:
#  - a lower-preference self with the primary down: deferred (temporary,
#    queued, exit 0), not bounced as a loop, and the host listed after
#    ourselves never contacted; once the primary is up, a flush delivers;
#  - a self of equal preference to the only other host: always the loop
#    error (5.4.6), never a delivery to the other host (8 tries, so a
#    random order among equal preferences cannot hide it).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
backup.test. MX 10 mx1.backup.test.
backup.test. MX 20 test.example.
backup.test. MX 30 mx3.backup.test.
mx1.backup.test. A $NET.2
test.example. A $NET.3
mx3.backup.test. A $NET.4
equal.test. MX 10 test.example.
equal.test. MX 10 mx.equal.test.
mx.equal.test. A $NET.5
EOF_DNS
mx_peer self $NET.3
mx_peer third $NET.4
mx_peer eq $NET.5
direct_conf hostname test.example

# the primary is down: deferred, not a loop
simple_msg "primary down" | posthorn_run -f alice@example.org bob@backup.test
check_exit 0
check_stderr_not 'bob@backup\.test'
check_queue_count 1
check_failed_count 0
check_log 'to=<bob@backup\.test>, .*status=deferred'
check_log_not 'dsn=5\.4\.6'
check_no_connect "$self"
check_no_connect "$third"

# the primary is up: it gets the queued message
mx_peer first $NET.2
posthorn_run -qI"$(direct_ids)"
check_exit 0
check_queue_count 0
check_count_at "$first" 1
check_log "to=<bob@backup\.test>, relay=mx1\.backup\.test\[${NET//./\\.}\.2\]:25, .*status=sent"
check_no_connect "$self"
check_no_connect "$third"

# ourselves at the same preference as the only other host
for i in 1 2 3 4 5 6 7 8; do
	simple_msg "equal $i" | posthorn_run -f alice@example.org "carol$i@equal.test"
	check_exit $EX_UNAVAILABLE
	check_stderr 'loops back'
	check_log "to=<carol$i@equal\.test>, .*dsn=5\.4\.6, status=bounced"
done
check_no_connect "$eq"
check_queue_count 0
