#!/bin/bash
# t_direct_cname: a recipient domain that is a CNAME is followed (RFC 5321
# 5.1) to the target's MX hosts, both when the server's answer holds the
# whole chain (a zone file: unbound follows alias -> real across two
# zones) and when it holds the CNAME alone (local-data: a second query);
# the envelope recipient is left as written (no CNAME rewriting).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
cat >alias.zone <<'EOF_ZONE'
$ORIGIN alias.test.
$TTL 300
@	SOA	ns.alias.test. hostmaster.alias.test. 1 3600 600 86400 300
@	NS	ns
ns	A	127.0.0.1
www	CNAME	step
step	CNAME	real.test.
EOF_ZONE
cat >real.zone <<EOF_ZONE
\$ORIGIN real.test.
\$TTL 300
@	SOA	ns.real.test. hostmaster.real.test. 1 3600 600 86400 300
@	NS	ns
ns	A	127.0.0.1
@	MX	10 mx
@	MX	20 mx2
mx	A	$NET.2
mx2	A	$NET.4
EOF_ZONE
dns_start <<EOF_DNS
zone alias.test. $TESTTMP/alias.zone
zone real.test. $TESTTMP/real.zone
lone.test. CNAME target.test.
target.test. MX 5 mx.target.test.
mx.target.test. A $NET.3
EOF_DNS
mx_peer real $NET.2
mx_peer target $NET.3
mx_peer worse $NET.4
direct_conf

# chain in one answer, two CNAMEs deep (the premise checked with drill)
timeout 5 drill -p "$DNS_PORT" @127.0.0.1 www.alias.test. MX >drill.out 2>&1
grep -Eq '^real\.test\.[[:space:]].*MX[[:space:]]+10 mx\.real\.test\.' drill.out ||
    fail "unbound did not answer with the whole chain: $(cat drill.out)"
simple_msg "cname chain" | posthorn_run -f alice@example.org bob@www.alias.test
check_exit 0
check_queue_count 0
check_count_at "$real" 1
check_eq "recipients at real.test's MX" bob@www.alias.test "$(rcpts_of "$real")"
check_log "to=<bob@www\.alias\.test>, relay=mx\.real\.test\[${NET//./\\.}\.2\]:25, .*status=sent"

# a CNAME alone in the answer
simple_msg "lone cname" | posthorn_run -f alice@example.org carol@lone.test
check_exit 0
check_queue_count 0
check_count_at "$target" 1
check_eq "recipients at target.test's MX" carol@lone.test "$(rcpts_of "$target")"
check_log "to=<carol@lone\.test>, relay=mx\.target\.test\[${NET//./\\.}\.3\]:25, .*status=sent"
check_no_connect "$worse"
