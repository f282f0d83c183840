#!/bin/bash
# t_dns_tlsa: TLSA records of _25._tcp.HOST (RFC 6698, 7672) come back
# whole (usage, selector, matching type, data), with "authentic" set only
# when the RRset was DNSSEC-validated: from a signed zone that the
# resolver validates, not from plain local data.  A host without TLSA
# records is "none", not an error.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
hash1=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
hash2=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
cat >"$TESTTMP/sec.zone" <<EOF_ZONE
\$ORIGIN sec.test.
\$TTL 300
@		SOA	ns.sec.test. hostmaster.sec.test. 1 3600 600 86400 300
@		NS	ns
ns		A	127.0.0.1
@		MX	10 mx
mx		A	192.0.2.40
_25._tcp.mx	TLSA	3 1 1 $hash1
_25._tcp.mx	TLSA	2 0 1 $hash2
_465._tcp.mx	TLSA	3 0 0 308201
EOF_ZONE
dns_start <<EOF_DNS
signed-zone sec.test. $TESTTMP/sec.zone
_25._tcp.mx.plain.test. TLSA 3 1 1 $hash1
mx.plain.test. A 192.0.2.41
EOF_DNS

dns_probe tlsa mx.sec.test
check_probe_rc 0
check_probe '^status=FOUND authentic=1 trust_ad=1 name=_25\._tcp\.mx\.sec\.test$'
check_probe "^tlsa 3 1 1 $hash1\$"
check_probe "^tlsa 2 0 1 $hash2\$"
check_eq "records" 2 "$(grep -c '^tlsa ' "$TESTTMP/probe.out")"

# another port
dns_probe -p 465 tlsa mx.sec.test
check_probe '^tlsa 3 0 0 308201$'

# the MX RRset of the signed zone is authenticated too
dns_probe mx sec.test
check_probe '^status=FOUND authentic=1 '

# validated absence: no such name, no such type (the AD bit of a
# negative answer is read too)
dns_probe -p 587 tlsa mx.sec.test
check_probe_rc 0
check_probe '^status=NXDOMAIN authentic=1 '
check_probe_not '^tlsa '
dns_probe txt mx.sec.test
check_probe_rc 0
check_probe '^status=NODATA authentic=1 '

# unsigned data: the records, but not authentic
dns_probe tlsa mx.plain.test
check_probe_rc 0
check_probe '^status=FOUND authentic=0 '
check_probe "^tlsa 3 1 1 $hash1\$"

# no TLSA at all: none, not an error
dns_probe tlsa mx.nowhere.plain.test
check_probe_rc 0
check_probe_not '^tlsa '
dns_probe tlsa mx.sec.test.
check_probe_rc 0
