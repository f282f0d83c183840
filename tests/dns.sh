# tests/dns.sh - a private unbound on loopback for the DNS tests (bash,
# sourced after tests/lib.sh or on its own).
#
#   dns_start [FILE]    start "unbound -d" on 127.0.0.1 (also ::1 when
#                       DNS_IPV6=1; or the addresses in DNS_ADDRS) on a free
#                       high port (or DNS_FIXED_PORT), serving what FILE
#                       (or stdin) describes; waits, at most 10 s, until it
#                       answers.  Sets DNS_PORT, DNS_PID, DNS_DIR (its
#                       configuration, log and keys, under $TESTTMP) and
#                       DNS_RESOLVER (the resolver key's value, for the
#                       first address).  It is stopped when the test exits:
#                       through at_exit when tests/lib.sh is loaded, else
#                       by an EXIT trap chained with the one already set.
#   dns_stop            stop it (by PID), at most 3 s, then SIGKILL
#   dns_probe_build     compile tests/dns_probe.c with resolve.c and log.c
#                       (ASan+UBSan unless DNS_PROBE_CFLAGS says otherwise)
#                       into $TESTTMP/dns_probe; sets DNS_PROBE
#   dns_probe ARGS      $DNS_PROBE -r $DNS_RESOLVER ARGS (no -r when
#                       DNS_RESOLVER is empty: resolv.conf), output in
#                       $TESTTMP/probe.out and on stdout; sets PROBE_RC
#   check_probe RE, check_probe_not RE, check_probe_rc N
#                       assertions on the last dns_probe (grep -E)
#
# What to serve, one item a line ('#' comments and blank lines ignored):
#   NAME TYPE DATA          a record (unbound local-data), e.g.
#                             a.test. MX 10 mx1.a.test.
#                             _mta-sts.a.test. TXT "v=STSv1; id=1"
#                           Zone "test." is static: any other name under
#                           test. is NXDOMAIN, a name without the type asked
#                           for is NODATA.  local-data answers a CNAME alone
#                           (unbound does not follow it there).
#   zone ZONE FILE          serve ZONE from a zone file (an auth-zone read by
#                           the iterator): CNAMEs are followed, so an answer
#                           holds the CNAME and the target's records
#   signed-zone ZONE FILE   the same, signed when the server starts
#                           (ldns-keygen, ldns-signzone) with the key as
#                           trust anchor: answers are validated and carry AD
#   servfail ZONE           every name at or below ZONE answers SERVFAIL at
#                           once: a stub zone whose only server is a closed
#                           TCP port on loopback (stub-tcp-upstream), so
#                           unbound gets a reset, not a time-out
#   KEY: VALUE              any other unbound server: option, verbatim
#
# Example:
#   dns_start <<'EOF'
#   a.test. MX 10 mx1.a.test.
#   mx1.a.test. A 127.0.0.1
#   servfail broken.test.
#   EOF

# shellcheck disable=SC2034  # DNS_* are for the tests that source this

# "... | dns_start" must run dns_start in this shell, not a subshell
# whose exit would stop the server at once (as in tests/lib.sh).
shopt -s lastpipe

DNS_PORT=
DNS_PID=
DNS_DIR=
DNS_RESOLVER=
DNS_PROBE=
PROBE_RC=
_dns_hooked=0
_dns_prev_exit=

_dns_die() {
	if declare -F fail >/dev/null; then
		fail "$*"
	fi
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

# A TCP port on loopback where nothing listens (connecting is refused).
_dns_closed_port() {
	local p
	for p in 1 9 4 6 8; do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

_dns_fqdn() {	# name with a final dot
	case $1 in
	*.) printf '%s' "$1" ;;
	*) printf '%s.' "$1" ;;
	esac
}

# The EXIT hook: lib.sh's at_exit if it is there, else our own trap that
# also runs whatever EXIT trap was set before.
_dns_hook_exit() {
	[ "$_dns_hooked" = 1 ] && return 0
	_dns_hooked=1
	if declare -F at_exit >/dev/null; then
		at_exit dns_stop
		return 0
	fi
	eval "_dns_grab $(trap -p EXIT)"
	trap '_dns_on_exit' EXIT
}

# "trap -p EXIT" prints: trap -- 'CMD' EXIT
_dns_grab() {
	_dns_prev_exit=${3-}
}

_dns_on_exit() {
	local rc=$?
	dns_stop
	if [ -n "$_dns_prev_exit" ]; then
		(exit $rc)
		eval "$_dns_prev_exit"
	fi
	exit $rc
}

# Sign zone file $2 for zone $1; print the trust-anchor file's path.
_dns_sign() {
	local zone=$1 file=$2 key dir=$DNS_DIR/keys
	command -v ldns-signzone >/dev/null || _dns_die "ldns-signzone missing (package ldnsutils)"
	mkdir -p "$dir"
	key=$(cd "$dir" && ldns-keygen -a ECDSAP256SHA256 -k "$zone") ||
	    _dns_die "ldns-keygen $zone failed"
	# an inception a day back: a clock a little behind still validates
	ldns-signzone -i "$(date -u -d '1 day ago' +%Y%m%d%H%M%S)" \
	    -f "$DNS_DIR/${zone}signed" -o "$zone" "$file" "$dir/$key" \
	    >"$DNS_DIR/sign.log" 2>&1 || {
		cat "$DNS_DIR/sign.log" >&2
		_dns_die "ldns-signzone $zone failed"
	}
	printf '%s\n' "$dir/$key.key"
}

# Turn the description on stdin into the body of unbound.conf, on stdout
# as "S<tab>line" (server:) and "Z<tab>line" (clauses after it).
_dns_translate() {
	local line first zone file anchor closed validate=0
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line#"${line%%[![:space:]]*}"}
		line=${line%"${line##*[![:space:]]}"}
		[ -z "$line" ] && continue
		case $line in \#*) continue ;; esac
		first=${line%%[[:space:]]*}
		case $first in
		servfail)
			zone=$(_dns_fqdn "$(echo "$line" | awk '{print $2}')")
			closed=$(_dns_closed_port) || _dns_die "no closed port for servfail"
			printf 'S\tlocal-zone: "%s" transparent\n' "$zone"
			printf 'Z\tstub-zone:\n'
			printf 'Z\t\tname: "%s"\n' "$zone"
			printf 'Z\t\tstub-addr: 127.0.0.1@%s\n' "$closed"
			printf 'Z\t\tstub-tcp-upstream: yes\n'
			;;
		zone|signed-zone)
			zone=$(_dns_fqdn "$(echo "$line" | awk '{print $2}')")
			file=$(echo "$line" | awk '{print $3}')
			case $file in /*) ;; *) file=$PWD/$file ;; esac
			[ -f "$file" ] || _dns_die "zone file $file missing"
			if [ "$first" = signed-zone ]; then
				anchor=$(_dns_sign "$zone" "$file") || exit 1
				file=$DNS_DIR/${zone}signed
				printf 'S\ttrust-anchor-file: "%s"\n' "$anchor"
				validate=1
			fi
			printf 'S\tlocal-zone: "%s" transparent\n' "$zone"
			printf 'Z\tauth-zone:\n'
			printf 'Z\t\tname: "%s"\n' "$zone"
			printf 'Z\t\tzonefile: "%s"\n' "$file"
			printf 'Z\t\tfor-downstream: no\n'
			printf 'Z\t\tfor-upstream: yes\n'
			;;
		*:)
			printf 'S\t%s\n' "$line"
			;;
		*)
			case $line in
			*\"*\'*|*\'*\"*) _dns_die "record with both quote kinds: $line" ;;
			*\"*) printf "S\\tlocal-data: '%s'\\n" "$line" ;;
			*) printf 'S\tlocal-data: "%s"\n' "$line" ;;
			esac
			;;
		esac
	done
	if [ $validate = 1 ]; then
		printf 'S\tmodule-config: "validator iterator"\n'
	else
		printf 'S\tmodule-config: "iterator"\n'
	fi
}

_dns_addrs() {
	if [ -n "${DNS_ADDRS:-}" ]; then
		echo "$DNS_ADDRS"
	elif [ "${DNS_IPV6:-0}" = 1 ]; then
		echo "127.0.0.1 ::1"
	else
		echo 127.0.0.1
	fi
}

_dns_write_conf() {	# port body-file
	local port=$1 body=$2 a
	{
		printf 'server:\n'
		for a in $(_dns_addrs); do
			printf '\tinterface: %s@%s\n' "$a" "$port"
		done
		printf '\tport: %s\n' "$port"
		printf '\tdo-not-query-localhost: no\n'
		# it listens on the addresses above only
		printf '\taccess-control: 0.0.0.0/0 allow\n'
		printf '\taccess-control: ::/0 allow\n'
		printf '\tusername: ""\n'
		printf '\tchroot: ""\n'
		printf '\tdirectory: "%s"\n' "$DNS_DIR"
		printf '\tpidfile: "%s/unbound.pid"\n' "$DNS_DIR"
		printf '\tuse-syslog: no\n'
		printf '\tlogfile: ""\n'
		printf '\tverbosity: 1\n'
		printf '\tnum-threads: 1\n'
		printf '\tlocal-zone: "test." static\n'
		sed -n 's/^S\t/\t/p' "$body"
		printf 'remote-control:\n'
		printf '\tcontrol-enable: no\n'
		sed -n 's/^Z\t//p' "$body"
	} >"$DNS_DIR/unbound.conf"
}

dns_start() {
	local src=${1:-/dev/stdin} port i body first
	: "${TESTTMP:?TESTTMP is not set}"
	command -v unbound >/dev/null || _dns_die "unbound missing (package unbound)"
	command -v drill >/dev/null || _dns_die "drill missing (package ldnsutils)"
	[ -n "$DNS_PID" ] && dns_stop
	DNS_DIR=$TESTTMP/dns
	mkdir -p "$DNS_DIR" || _dns_die "cannot create $DNS_DIR"
	body=$DNS_DIR/body
	_dns_translate <"$src" >"$body" || _dns_die "bad DNS description"
	_dns_hook_exit
	for _ in 1 2 3 4 5; do
		port=${DNS_FIXED_PORT:-$((20000 + (RANDOM * 32768 + RANDOM) % 40000))}
		_dns_write_conf "$port" "$body"
		unbound-checkconf "$DNS_DIR/unbound.conf" >"$DNS_DIR/checkconf.log" 2>&1 || {
			cat "$DNS_DIR/checkconf.log" "$DNS_DIR/unbound.conf" >&2
			_dns_die "unbound-checkconf refused the configuration"
		}
		unbound -d -c "$DNS_DIR/unbound.conf" </dev/null \
		    >"$DNS_DIR/unbound.log" 2>&1 &
		DNS_PID=$!
		for i in $(seq 100); do
			if ! kill -0 "$DNS_PID" 2>/dev/null; then
				DNS_PID=
				break
			fi
			first=$(_dns_addrs | awk '{print $1}')
			if timeout 2 drill -t -Q -p "$port" "@$first" \
			    ready.test. A >/dev/null 2>&1; then
				DNS_PORT=$port
				case $first in
				*:*) DNS_RESOLVER="[$first]:$port" ;;
				*) DNS_RESOLVER=$first:$port ;;
				esac
				return 0
			fi
			sleep 0.1
		done
		if [ -n "$DNS_PID" ]; then
			dns_stop
			_dns_die "unbound did not answer within 10 s"
		fi
		# a port taken by someone else: try another one
		grep -q -i -e 'bind' -e 'address already in use' \
		    "$DNS_DIR/unbound.log" && continue
		cat "$DNS_DIR/unbound.log" >&2
		_dns_die "unbound exited at start"
	done
	_dns_die "unbound found no free port in 5 tries"
}

dns_stop() {
	[ -n "$DNS_PID" ] || return 0
	kill -TERM "$DNS_PID" 2>/dev/null
	for _ in $(seq 30); do
		kill -0 "$DNS_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$DNS_PID" 2>/dev/null
	wait "$DNS_PID" 2>/dev/null
	DNS_PID=
	return 0
}

dns_probe_build() {
	local cflags=${DNS_PROBE_CFLAGS--O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined}
	: "${SRCDIR:?SRCDIR is not set}"
	DNS_PROBE=$TESTTMP/dns_probe
	# shellcheck disable=SC2086,SC2046  # flag lists, split on purpose
	gcc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror \
	    $cflags $(pkg-config --cflags libbsd-overlay) -I"$SRCDIR" \
	    -o "$DNS_PROBE" "$SRCDIR/tests/dns_probe.c" "$SRCDIR/resolve.c" \
	    "$SRCDIR/log.c" $(pkg-config --libs libbsd-overlay) -lresolv \
	    >"$TESTTMP/probe-build.log" 2>&1 || {
		cat "$TESTTMP/probe-build.log" >&2
		_dns_die "cannot build tests/dns_probe.c"
	}
}

dns_probe() {
	[ -n "$DNS_PROBE" ] || dns_probe_build
	"$DNS_PROBE" ${DNS_RESOLVER:+-r "$DNS_RESOLVER"} "$@" \
	    >"$TESTTMP/probe.out" 2>&1
	PROBE_RC=$?
	cat "$TESTTMP/probe.out"
	return 0
}

# Assertions on the last dns_probe run.
_dns_show_probe() {
	printf -- '--- dns_probe output\n' >&2
	cut -c1-200 "$TESTTMP/probe.out" | head -40 >&2
}

check_probe() {		# RE: some line of the output matches
	grep -Eq -- "$1" "$TESTTMP/probe.out" && return 0
	_dns_show_probe
	_dns_die "dns_probe output has no line matching /$1/"
}

check_probe_not() {	# RE: no line matches
	grep -Eq -- "$1" "$TESTTMP/probe.out" || return 0
	_dns_show_probe
	_dns_die "dns_probe output has a line matching /$1/"
}

check_probe_rc() {	# N: dns_probe's exit status
	[ "$PROBE_RC" = "$1" ] && return 0
	_dns_show_probe
	_dns_die "dns_probe exited $PROBE_RC, expected $1"
}
