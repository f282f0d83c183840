#!/bin/bash
# t_direct_mx_equal_spread: two MX hosts of equal preference (RFC 5321 5.1:
# random order among equal preferences) share the load across 50
# separate submissions: each gets at least one message (the chance that a
# fair shuffle sends all 50 to one host is 2^-49), every message arrives
# exactly once, and the preference-20 host is never contacted.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
dns_start <<EOF_DNS
equal.test. MX 10 a.equal.test.
equal.test. MX 10 b.equal.test.
equal.test. MX 20 c.equal.test.
a.equal.test. A $NET.2
b.equal.test. A $NET.3
c.equal.test. A $NET.4
EOF_DNS
mx_peer pa $NET.2
mx_peer pb $NET.3
mx_peer pc $NET.4
direct_conf
start=$(date +%s)
for i in $(seq 50); do
	simple_msg "spread $i" | posthorn_run -f alice@example.org bob@equal.test
	check_exit 0
done
check_took_at_most 30 "$start"
check_queue_count 0
na=$(peer_count "$pa") nb=$(peer_count "$pb")
echo "a.equal.test got $na, b.equal.test got $nb"
check_eq "messages received in all" 50 $((na + nb))
[ "$na" -ge 1 ] && [ "$nb" -ge 1 ] ||
    fail "equal preferences not spread: a got $na, b got $nb"
check_no_connect "$pc"
# each subject exactly once over the two hosts
dups=$(cat "$pa"/msg-*.eml "$pb"/msg-*.eml | grep -a '^Subject: spread ' |
    tr -d '\r' | sort | uniq -d)
[ -z "$dups" ] || fail "delivered twice: $dups"
check_eq "distinct subjects" 50 "$(cat "$pa"/msg-*.eml "$pb"/msg-*.eml |
    grep -a '^Subject: spread ' | sort -u | wc -l)"
