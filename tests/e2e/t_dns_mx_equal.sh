#!/bin/bash
# t_dns_mx_equal: MX hosts of equal preference are tried in random order
# (RFC 5321 5.1): over 50 look-ups each of the two preference-10 hosts
# comes first at least once, and the preference-20 host is always last.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
dns_start <<'EOF_DNS'
equal.test. MX 10 a.equal.test.
equal.test. MX 10 b.equal.test.
equal.test. MX 20 c.equal.test.
EOF_DNS
dns_probe -q -n 50 mx equal.test >/dev/null
check_probe_rc 0
check_eq "look-ups" 50 "$(wc -l <"$TESTTMP/probe.out")"
check_eq "orders other than the two allowed" 0 \
    "$(grep -Evc '^(a\.equal\.test b\.equal\.test|b\.equal\.test a\.equal\.test) c\.equal\.test$' "$TESTTMP/probe.out")"
na=$(grep -c '^a\.' "$TESTTMP/probe.out")
nb=$(grep -c '^b\.' "$TESTTMP/probe.out")
echo "a first $na times, b first $nb times"
# each has probability 2^-50 of never coming first
if [ "$na" -eq 0 ] || [ "$nb" -eq 0 ]; then
	fail "equal preferences not shuffled (a $na, b $nb)"
fi
