#!/bin/bash
# t_direct_mx_order_reverse: MX hosts are tried by preference, not by the
# order of the records or of their addresses: the most preferred host (5)
# has the highest address and is listed last, and gets every one of five
# messages; the hosts of preference 50 and 100 are never contacted.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
rev.test. MX 100 mx3.rev.test.
rev.test. MX 50 mx2.rev.test.
rev.test. MX 5 mx1.rev.test.
mx1.rev.test. A $NET.4
mx2.rev.test. A $NET.3
mx3.rev.test. A $NET.2
EOF_DNS
mx_peer best $NET.4
mx_peer mid $NET.3
mx_peer worst $NET.2
direct_conf
for i in 1 2 3 4 5; do
	simple_msg "order $i" | posthorn_run -f alice@example.org bob@rev.test
	check_exit 0
done
check_queue_count 0
check_count_at "$best" 5
check_no_connect "$mid"
check_no_connect "$worst"
check_eq "sent lines via mx1" 5 "$(grep -Ec 'to=<bob@rev\.test>, relay=mx1\.rev\.test\['"${NET//./\\.}"'\.4\]:25, .*status=sent' "$MAILLOG")"
