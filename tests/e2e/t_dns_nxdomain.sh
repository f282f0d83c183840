#!/bin/bash
# t_dns_nxdomain: a domain that does not exist is a permanent failure for
# MX and address look-ups ("domain does not exist"), and simply "no
# records" for TLSA and TXT (no DANE, no MTA-STS).  An invalid name never
# reaches the server.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
dns_start <<'EOF_DNS'
exists.test. MX 10 mx.exists.test.
log-queries: yes
EOF_DNS
dns_probe mx nowhere.test
check_probe_rc 1
check_probe '^status=NXDOMAIN '
check_probe '^error: MX lookup for nowhere\.test: domain does not exist \(NXDOMAIN\)$'
check_probe '^temp=0$'

dns_probe addr mx.nowhere.test
check_probe_rc 1
check_probe '^status=NXDOMAIN '
check_probe '^error: host mx\.nowhere\.test does not exist'

dns_probe tlsa mx.nowhere.test
check_probe_rc 0
check_probe '^status=NXDOMAIN .* name=_25\._tcp\.mx\.nowhere\.test$'
check_probe_not '^tlsa '

dns_probe txt _mta-sts.nowhere.test
check_probe_rc 0
check_probe '^status=NXDOMAIN '

# not sent at all
dns_probe mx 'bad_name-.test'
check_probe_rc 1
check_probe '^status=BADNAME '
dns_probe mx 'a..test'
check_probe '^status=BADNAME '
check_probe '^error: empty label'
grep -q 'nowhere\.test\. MX' "$DNS_DIR/unbound.log" ||
    fail "unbound logs no queries: the check below would prove nothing"
grep -q 'a\.\.test\|bad_name-' "$DNS_DIR/unbound.log" && fail "an invalid name was queried"
exit 0
