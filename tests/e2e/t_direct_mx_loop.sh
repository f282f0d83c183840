#!/bin/bash
# t_direct_mx_loop: the best MX host of the recipient domain is this host
# (its name is our "hostname", test.example): the mail would loop back to
# us, a permanent failure (DSN 5.4.6, as Postfix's "mail for ... loops
# back to myself"): no connection to any host (not to the lower-
# preference one either, as Postfix drops every MX not better than
# ourselves), under -oep exit 69 and the reason on stderr, nothing queued.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
loop.test. MX 10 test.example.
loop.test. MX 20 mx2.loop.test.
test.example. A $NET.2
mx2.loop.test. A $NET.3
EOF_DNS
mx_peer self $NET.2
mx_peer other $NET.3
direct_conf hostname test.example
simple_msg "loop" | posthorn_run -f alice@example.org bob@loop.test
check_exit $EX_UNAVAILABLE
check_stderr 'bob@loop\.test'
check_stderr 'loops back'
check_queue_count 0
check_failed_count 0
check_no_connect "$self"
check_no_connect "$other"
check_log 'to=<bob@loop\.test>, .*dsn=5\.4\.6, status=bounced'
