#!/bin/bash
# t_direct_failover_noaddr: the primary MX host's name does not exist
# (NXDOMAIN) and the next one has no address record (NODATA): both are
# skipped, and the third host gets the message; not a bounce.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
gone.test. MX 10 nowhere.test.
gone.test. MX 20 noaddr.gone.test.
gone.test. MX 30 mx3.gone.test.
noaddr.gone.test. TXT "no address here"
mx3.gone.test. A $NET.2
EOF_DNS
mx_peer third $NET.2
direct_conf
simple_msg noaddr | posthorn_run -f alice@example.org bob@gone.test
check_exit 0
check_queue_count 0
check_count_at "$third" 1
check_log "to=<bob@gone\.test>, relay=mx3\.gone\.test\[${NET//./\\.}\.2\]:25, .*status=sent"
