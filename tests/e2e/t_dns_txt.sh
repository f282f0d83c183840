#!/bin/bash
# t_dns_txt: TXT records (the _mta-sts record of RFC 8461 3.1) come back
# one per record with their strings joined, as many as there are; an
# answer too big for UDP still arrives (glibc retries over TCP).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
long=$(printf 'x%.0s' $(seq 250))
{
	echo '_mta-sts.sts.test. TXT "v=STSv1; id=20240101T000000;"'
	echo 'split.test. TXT "v=STSv1; " "id=abc" ""'
	echo 'two.test. TXT "first"'
	echo 'two.test. TXT "second"'
	for i in 1 2 3 4 5 6 7 8; do
		echo "big.test. TXT \"$i$long\" \"$long\""
	done
} >"$TESTTMP/records"
dns_start "$TESTTMP/records"

dns_probe txt _mta-sts.sts.test
check_probe_rc 0
check_probe '^status=FOUND authentic=0 trust_ad=1 name=_mta-sts\.sts\.test$'
check_eq "TXT" "txt v=STSv1; id=20240101T000000;" "$(grep '^txt ' "$TESTTMP/probe.out")"

dns_probe txt split.test
check_eq "joined strings" "txt v=STSv1; id=abc" "$(grep '^txt ' "$TESTTMP/probe.out")"

dns_probe txt two.test
check_eq "records" 2 "$(grep -c '^txt ' "$TESTTMP/probe.out")"
check_probe '^txt first$'
check_probe '^txt second$'

# about 4 KB of answer: more than EDNS0's 1200 bytes, so TCP
dns_probe txt big.test
check_probe_rc 0
check_eq "records" 8 "$(grep -c '^txt ' "$TESTTMP/probe.out")"
check_probe "^txt 8$long$long\$"

# none
dns_probe txt _mta-sts.two.test
check_probe_rc 0
check_probe '^status=NXDOMAIN '
dns_probe txt sts.test
check_probe_rc 0
check_probe '^status=NODATA '
