#!/bin/bash
# t_dns_trust_ad: the AD bit is believed only from the resolver key, from
# resolv.conf servers that are all on loopback, or with "options trust-ad"
# in resolv.conf (SPEC 5); RES_OPTIONS in the environment changes nothing
# (SPEC 8).  When it is not believed, records still come back, but never
# as authentic.
#
# resolv.conf has no port, so this runs in its own network and mount
# namespaces (unshare, as root): unbound on port 53 of 127.0.0.1, ::1 and
# 10.53.0.1 (a non-loopback address put on lo), and a private file bound
# over /etc/resolv.conf.
. "$SRCDIR/tests/lib.sh"
if [ "${DNS_TRUST_INNER:-0}" != 1 ]; then
	[ "$(id -u)" = 0 ] || fail "needs root (unshare, port 53)"
	command -v unshare >/dev/null || fail "unshare missing (util-linux)"
	command -v ip >/dev/null || fail "ip missing (iproute2)"
	trap - EXIT
	exec unshare --net --mount env DNS_TRUST_INNER=1 bash "$0"
fi
. "$SRCDIR/tests/dns.sh"

ip link set lo up || fail "ip link set lo up"
ip addr add 10.53.0.1/32 dev lo || fail "ip addr add"
RC=$TESTTMP/resolv.conf
: >"$RC"
mount --bind "$RC" /etc/resolv.conf || fail "mount --bind resolv.conf"

cat >"$TESTTMP/sec.zone" <<'EOF_ZONE'
$ORIGIN sec.test.
$TTL 300
@		SOA	ns.sec.test. hostmaster.sec.test. 1 3600 600 86400 300
@		NS	ns
ns		A	127.0.0.1
mx		A	192.0.2.50
_25._tcp.mx	TLSA	3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
EOF_ZONE
DNS_ADDRS="127.0.0.1 10.53.0.1 ::1" DNS_FIXED_PORT=53 \
    dns_start <<EOF_DNS
signed-zone sec.test. $TESTTMP/sec.zone
EOF_DNS

resolv() {	# lines of resolv.conf (the same inode: the bind mount stays)
	printf '%s\n' "$@" >"$RC"
}

expect() {	# trust authentic [resolver]
	DNS_RESOLVER=${3:-} dns_probe tlsa mx.sec.test
	check_probe_rc 0
	check_probe "^status=FOUND authentic=$2 trust_ad=$1 "
	check_probe '^tlsa 3 1 1 '
}

resolv "nameserver 127.0.0.1"
expect 1 1
resolv "nameserver ::1"
expect 1 1
resolv "nameserver 10.53.0.1"
expect 0 0
resolv "nameserver 10.53.0.1" "options ndots:2 trust-ad attempts:2"
expect 1 1
resolv "options edns0" "nameserver 10.53.0.1" "options trust-ad"
expect 1 1
resolv "nameserver 10.53.0.1" "#options trust-ad" "options trust-adx"
expect 0 0
resolv "nameserver 127.0.0.1" "nameserver 10.53.0.1"
expect 0 0
resolv "nameserver 10.53.0.1"
RES_OPTIONS=trust-ad expect 0 0
# no nameserver line: glibc's default, this host
resolv "# nothing"
expect 1 1
# the resolver key is trusted wherever it points; it replaces an IPv6
# server of resolv.conf (which glibc allocates: ASan checks the swap)
expect 1 1 10.53.0.1:53
expect 1 1 10.53.0.1
resolv "nameserver ::1" "nameserver 10.53.0.1" "nameserver 127.0.0.1"
expect 0 0
expect 1 1 10.53.0.1:53
expect 1 1 "[::1]:53"
