#!/bin/bash
# t_direct_null_mx: a domain publishing "MX 0 ." (RFC 7505) accepts no
# mail: no connection is made (not even to the domain's own A record, as
# an implicit MX would), the failure is permanent with DSN 5.1.10, and
# under the default -oep the caller is told: exit 69 (EX_UNAVAILABLE, the
# SPEC's row for null MX), the reason on stderr, nothing kept in the queue.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
nullmx.test. MX 0 .
nullmx.test. A $NET.2
EOF_DNS
mx_peer trap $NET.2
direct_conf
simple_msg "null mx" | posthorn_run -f alice@example.org bob@nullmx.test
check_exit $EX_UNAVAILABLE
check_stderr 'bob@nullmx\.test'
check_stderr '(null MX|accepts no mail)'
check_queue_count 0
check_failed_count 0
check_no_connect "$trap"
check_log 'to=<bob@nullmx\.test>, relay=none, .*dsn=5\.1\.10, status=bounced'
