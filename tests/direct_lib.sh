# tests/direct_lib.sh - helpers for the direct-delivery tests
# (tests/e2e/t_direct_*.sh), sourced after tests/lib.sh and tests/dns.sh.
#
#   NET                 set when this file is sourced: a random 127.A.B
#                       (every 127/8 address is loopback on Linux), so
#                       that peers on port 25 of $NET.2, $NET.3, ... do not
#                       collide with another run of the tests at the same
#                       time; smtpd.py accepts any 127.x address
#   mx_peer VAR HOST [smtpd.py options]
#                       start_smtpd on port 25 of HOST (an IPv4 loopback
#                       address or ::1); VAR is set to its directory
#   direct_conf [KEY VALUE]...
#                       write_conf with no smarthost (direct delivery),
#                       resolver $DNS_RESOLVER, hostname test.example,
#                       then the pairs given
#   direct_ids          the queued ids, one a line
#   rcpts_of DIR        every envelope recipient DIR's peer received, over
#                       all its messages, one a line, sorted
#   connects_of DIR     the number of connections DIR's peer saw
#   env_at DIR N KEY    peer_env N KEY of DIR's peer
#   check_no_connect DIR  DIR's peer saw no connection at all
#   check_count_at DIR N  DIR's peer saved N messages
#   check_mailq RE      "mailq" (-bp) output has a line matching RE
#   check_took_at_most SECS START  $(date +%s) - START <= SECS

NET=127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))

mx_peer() {	# var host [options]
	local var=$1 host=$2
	shift 2
	start_smtpd --host "$host" --port 25 "$@"
	printf -v "$var" '%s' "$PEERDIR"
}

direct_conf() {
	[ -n "$DNS_RESOLVER" ] || fail "direct_conf: dns_start first"
	write_conf smarthost "" resolver "$DNS_RESOLVER" "$@"
}

direct_ids() {
	local f
	for f in "$SPOOL"/*/new/*.env; do
		[ -e "$f" ] || continue
		f=${f##*/}
		echo "${f%.env}"
	done
}

rcpts_of() {	# dir
	"$PYTHON" - "$1" <<'EOF_PY'
import glob, json, os, sys
out = []
for f in glob.glob(os.path.join(sys.argv[1], "msg-*.env")):
    with open(f, encoding="utf-8") as fp:
        out += json.load(fp)["rcpt_tos"]
for r in sorted(out):
    print(r)
EOF_PY
}

connects_of() {	# dir
	local n=0
	[ -f "$1/session.log" ] && n=$(grep -c '^CONNECT ' "$1/session.log")
	echo "$n"
}

env_at() {	# dir n key
	PEERDIR=$1 peer_env "$2" "$3"
}

check_no_connect() {	# dir
	local n
	n=$(connects_of "$1")
	[ "$n" = 0 ] || fail "the peer in $1 saw $n connection(s), expected none"
}

check_count_at() {	# dir n
	local n
	n=$(peer_count "$1")
	[ "$n" = "$2" ] || fail "messages received by the peer in $1:" \
	    "expected $2, got $n"
}

check_mailq() {	# re
	posthorn_run -bp
	grep -Eq -- "$1" "$OUT" ||
	    fail "mailq has no line matching /$1/: $(head -c 600 "$OUT")"
}

check_took_at_most() {	# secs start
	local took=$(($(date +%s) - $2))
	[ "$took" -le "$1" ] || fail "took ${took}s, expected at most $1s"
}
