#!/bin/bash
# t_dns_cname: a CNAME'd domain is followed (RFC 5321 5.1: "the resulting
# name is processed as if it were the initial name"), both when the answer
# holds the chain and the target's records (a zone file: unbound follows
# it) and when it holds the CNAME alone (local-data), which takes a second
# query.  A CNAME loop is a temporary failure, not a hang.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
cat >"$TESTTMP/alias.zone" <<'EOF_ZONE'
$ORIGIN alias.test.
$TTL 300
@		SOA	ns.alias.test. hostmaster.alias.test. 1 3600 600 86400 300
@		NS	ns
ns		A	127.0.0.1
www		CNAME	step
step		CNAME	real
real		MX	10 mx.real
real		MX	20 mx2.real
mx.real		A	192.0.2.30
mx.real		AAAA	2001:db8::30
hostalias	CNAME	mx.real
tlsa-alias	CNAME	_25._tcp.mx.real
_25._tcp.mx.real TLSA	3 1 1 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
nomx		CNAME	real-nomx
real-nomx	A	192.0.2.31
EOF_ZONE
dns_start <<EOF_DNS
zone alias.test. $TESTTMP/alias.zone
lone.test. CNAME target.test.
target.test. MX 5 mx.target.test.
loop1.test. CNAME loop2.test.
loop2.test. CNAME loop1.test.
dangling.test. CNAME gone.test.
log-queries: yes
EOF_DNS

# chain and records in one answer
dns_probe mx www.alias.test
check_probe_rc 0
check_probe '^status=FOUND .* name=real\.alias\.test$'
check_eq "MX list" "mx 10 mx.real.alias.test
mx 20 mx2.real.alias.test" "$(grep '^mx ' "$TESTTMP/probe.out")"

# a lone CNAME: asked again for the target
dns_probe mx lone.test
check_probe_rc 0
check_probe '^status=FOUND .* name=target\.test$'
check_probe '^mx 5 mx\.target\.test$'
grep -q 'target\.test\. MX IN' "$DNS_DIR/unbound.log" ||
    fail "no second query for the CNAME target"

# addresses and TLSA through a CNAME
dns_probe addr hostalias.alias.test
check_probe_rc 0
check_probe '^status=FOUND .* name=mx\.real\.alias\.test$'
check_probe '^addr 2001:db8::30 25$'
check_probe '^addr 192\.0\.2\.30 25$'
dns_probe txt tlsa-alias.alias.test
check_probe_rc 0
check_probe '^status=NODATA '

# a CNAME to a name with no MX: the implicit MX is the target
dns_probe mx nomx.alias.test
check_probe_rc 0
check_probe '^status=NODATA .* name=real-nomx\.alias\.test implicit=1$'
check_probe '^mx 0 real-nomx\.alias\.test$'

# a CNAME to nothing
dns_probe mx dangling.test
check_probe_rc 1
check_probe '^status=NXDOMAIN '

# a loop ends
dns_probe mx loop1.test
check_probe_rc 2
check_probe '^status=TEMPFAIL '
check_probe '^error: MX lookup for .*: CNAME chain longer than 8'
