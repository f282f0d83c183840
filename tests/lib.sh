# tests/lib.sh - sourced by every end-to-end test (bash).
#
# tests/run.sh runs each test in its own empty directory $TESTTMP with
# $POSTHORN (the binary) and $SRCDIR (the repository root) set; a test exits
# 0 for a pass.  This file gives:
#
#   start_smtpd [smtpd.py options]   start the scripted SMTP peer on
#                       127.0.0.1, wait for it; sets PORT, PEERDIR, PEERPID
#                       (a second call starts a second peer, peer2/, ...)
#   stop_peers          stop every peer this test started (also on exit)
#   at_exit CMD         run CMD when the test exits (do not set an EXIT trap)
#   make_certs          a test CA and certificates; sets CA_FILE, CERT, KEY
#                       (for localhost and 127.0.0.1), WRONG_CERT/WRONG_KEY
#                       (same CA, name wrong.example), BAD_CA_FILE, BAD_CERT,
#                       BAD_KEY (another CA, right names), CERT_SHA256 and
#                       BAD_SHA256 (hex SHA-256 of the DER certificates)
#   write_conf [KEY VALUE]...  write $CONF (mode 0600): spool_dir, log_file,
#                       hostname test.example, domain example.org, smarthost
#                       127.0.0.1:$PORT, tls none, then the pairs given; a
#                       pair for one of those keys replaces it ("" drops it)
#   conf_add KEY VALUE  append a line to $CONF
#   posthorn_run ARGS   $POSTHORN -C $CONF ARGS, stdin passed through,
#                       bounded by timeout ($RUN_TIMEOUT, default 60 s);
#                       sets RC, stdout in $TESTTMP/out, stderr in $TESTTMP/err
#   simple_msg [SUBJECT]  print a small message on stdout
#   check_exit N, check_queue_count N, check_failed_count N,
#   check_peer_count N, check_peer_saw RE, check_peer_not_saw RE,
#   check_log RE, check_log_not RE, check_stderr RE, check_stderr_not RE,
#   check_msg N RE, check_msg_not N RE, check_eq WHAT EXPECTED GOT
#                       assertions: on a mismatch they print what they
#                       expected and what they got, then fail
#   peer_env N KEY      print KEY of the peer's msg-N.env (lists one item a
#                       line, booleans true/false, null as nothing)
#   peer_msg N          the path of the peer's msg-N.eml
#   check_no_secret WHAT FILE USER PASSWORD  FILE holds neither PASSWORD
#                       nor its base64 forms (AUTH LOGIN, AUTH PLAIN)
#   fail MSG            print the context (stderr, maillog, session.log),
#                       then "FAIL: MSG", and exit 1
#
# Regular expressions are grep -E.

set -u
# "printf ... | posthorn_run ..." runs posthorn_run in this shell, so RC is
# kept (needs job control off, as in any script).
shopt -s lastpipe

: "${TESTTMP:?TESTTMP is not set (run the tests with tests/run.sh)}"
: "${POSTHORN:?POSTHORN is not set}"
: "${SRCDIR:?SRCDIR is not set}"

PYTHON=/usr/bin/python3
SMTPD=$SRCDIR/tests/peer/smtpd.py
CONF=$TESTTMP/posthorn.conf
SPOOL=$TESTTMP/spool
# the queue directory exists, as "make install" leaves it (1777)
mkdir -p "$SPOOL" && chmod 1777 "$SPOOL"
MAILLOG=$TESTTMP/maillog
OUT=$TESTTMP/out
ERR=$TESTTMP/err

EX_OK=0 EX_USAGE=64 EX_DATAERR=65 EX_NOUSER=67 EX_UNAVAILABLE=69
EX_SOFTWARE=70 EX_CANTCREAT=73 EX_IOERR=74 EX_TEMPFAIL=75 EX_NOPERM=77
EX_CONFIG=78

RC=
PORT=
PEERDIR=
PEERPID=
_lib_npeers=0
_lib_pids=()
_lib_cleanup=()

cd "$TESTTMP" || exit 1

at_exit() {
	_lib_cleanup+=("$*")
}

_lib_on_exit() {
	local rc=$? c
	trap - EXIT
	stop_peers
	for c in "${_lib_cleanup[@]}"; do
		eval "$c" || true
	done
	exit $rc
}
trap _lib_on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

_lib_tail() {	# title file lines
	[ -s "$2" ] || return 0
	printf -- '--- %s (last %d lines)\n' "$1" "$3"
	tail -n "$3" "$2" | cut -c1-200
}

fail() {
	{
		# run.sh shows the last 40 lines: keep this under that.
		_lib_tail "posthorn stderr" "$ERR" 8
		_lib_tail "maillog" "$MAILLOG" 6
		[ -n "$PEERDIR" ] &&
		    _lib_tail "peer session.log" "$PEERDIR/session.log" 12
		[ -n "$PEERDIR" ] &&
		    _lib_tail "peer server.err" "$PEERDIR/server.err" 3
		printf 'FAIL: %s\n' "$*"
	} >&2
	exit 1
}

# --- peers ----------------------------------------------------------------

start_smtpd() {
	local dir pid i
	_lib_npeers=$((_lib_npeers + 1))
	if [ $_lib_npeers -eq 1 ]; then
		dir=$TESTTMP/peer
	else
		dir=$TESTTMP/peer$_lib_npeers
	fi
	mkdir -p "$dir" || fail "cannot create $dir"
	[ -f "$SMTPD" ] || fail "missing $SMTPD"
	"$PYTHON" "$SMTPD" --host 127.0.0.1 --port 0 --port-file "$dir/port" \
	    --pid-file "$dir/pid" --dir "$dir" "$@" \
	    </dev/null >>"$dir/server.err" 2>&1 &
	pid=$!
	_lib_pids+=("$pid")
	PEERDIR=$dir
	PEERPID=$pid
	for i in $(seq 100); do		# at most 10 s
		[ -s "$dir/port" ] && break
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$dir/server.err" >&2
			fail "the SMTP peer (smtpd.py $*) exited at start"
		fi
		sleep 0.1
	done
	[ -s "$dir/port" ] || fail "the SMTP peer did not start within 10 s"
	PORT=$(cat "$dir/port")
}

stop_peers() {
	local pid i
	for pid in "${_lib_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || continue
		for i in $(seq 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	_lib_pids=()
}

# --- certificates ---------------------------------------------------------

_lib_cert() {	# name ca-prefix san
	local d=$TESTTMP/certs
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$d/$1.key" -out "$d/$1.csr" -subj "/CN=$1" \
	    2>>"$d/openssl.log" || fail "openssl: cannot make a CSR for $1"
	printf '%s\n' "subjectAltName=$3" "basicConstraints=critical,CA:FALSE" \
	    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
	    >"$d/$1.ext"
	openssl x509 -req -in "$d/$1.csr" -CA "$d/$2.crt" -CAkey "$d/$2.key" \
	    -CAcreateserial -days 2 -extfile "$d/$1.ext" -out "$d/$1.crt" \
	    2>>"$d/openssl.log" || fail "openssl: cannot sign $1"
}

_lib_ca() {	# name
	local d=$TESTTMP/certs
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$d/$1.key" -out "$d/$1.crt" -days 2 -subj "/CN=$1" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    2>>"$d/openssl.log" || fail "openssl: cannot make CA $1"
}

_lib_sha256() {
	openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1
}

make_certs() {
	local d=$TESTTMP/certs
	mkdir -p "$d"
	_lib_ca test-ca
	_lib_ca other-ca
	_lib_cert server test-ca "DNS:localhost,IP:127.0.0.1"
	_lib_cert wrongname test-ca "DNS:wrong.example"
	_lib_cert untrusted other-ca "DNS:localhost,IP:127.0.0.1"
	CA_FILE=$d/test-ca.crt
	CERT=$d/server.crt KEY=$d/server.key
	WRONG_CERT=$d/wrongname.crt WRONG_KEY=$d/wrongname.key
	BAD_CA_FILE=$d/other-ca.crt
	BAD_CERT=$d/untrusted.crt BAD_KEY=$d/untrusted.key
	CERT_SHA256=$(_lib_sha256 "$CERT")
	BAD_SHA256=$(_lib_sha256 "$BAD_CERT")
	[ ${#CERT_SHA256} -eq 64 ] || fail "cannot hash $CERT"
}

# --- configuration and running --------------------------------------------

write_conf() {
	local -A val=(
		[spool_dir]=$SPOOL
		[log_file]=$MAILLOG
		[hostname]=test.example
		[domain]=example.org
		[smarthost]=127.0.0.1:${PORT:-25}
		[tls]=none
	)
	local keys="spool_dir log_file hostname domain smarthost tls" k
	local extra=()
	while [ $# -ge 2 ]; do
		case " $keys " in
		*" $1 "*) val[$1]=$2 ;;
		*) extra+=("$1 $2") ;;
		esac
		shift 2
	done
	[ $# -eq 0 ] || fail "write_conf: a key without a value: $1"
	(
		umask 077
		for k in $keys; do
			[ -n "${val[$k]}" ] && printf '%s %s\n' "$k" "${val[$k]}"
		done
		for k in "${extra[@]}"; do
			printf '%s\n' "$k"
		done
	) >"$CONF" || fail "cannot write $CONF"
	chmod 600 "$CONF"
}

conf_add() {
	printf '%s %s\n' "$1" "$2" >>"$CONF"
}

posthorn_run() {
	[ -x "$POSTHORN" ] || fail "no binary at $POSTHORN (make posthorn)"
	[ -f "$CONF" ] || write_conf
	timeout -k 5 "${RUN_TIMEOUT:-60}" "$POSTHORN" -C "$CONF" "$@" \
	    >"$OUT" 2>"$ERR"
	RC=$?
	echo $RC >"$TESTTMP/.rc"
	if [ $RC -eq 124 ] || [ $RC -eq 137 ]; then
		echo "posthorn $* did not finish within ${RUN_TIMEOUT:-60} s" \
		    >>"$ERR"
	fi
	return 0
}

simple_msg() {
	printf 'Subject: %s\nTo: bob@example.org\n\nHello,\nthis is a test.\n' \
	    "${1:-test}"
}

# --- assertions -----------------------------------------------------------

_lib_count() {	# glob
	local n=0 f
	for f in $1; do
		[ -e "$f" ] && n=$((n + 1))
	done
	echo $n
}

check_eq() {	# what expected got
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

check_exit() {
	local why=""
	[ -f "$TESTTMP/.rc" ] && RC=$(cat "$TESTTMP/.rc")
	[ "$RC" = 124 ] && why=" (timed out)"
	[ "$RC" = "$1" ] || fail "exit status: expected $1, got $RC$why"
}

queue_count() {
	_lib_count "$SPOOL/*/new/*.env"
}

check_queue_count() {
	local n
	n=$(queue_count)
	[ "$n" = "$1" ] || fail "queued messages ($SPOOL/*/new/*.env):" \
	    "expected $1, got $n"
}

check_failed_count() {
	local n
	n=$(_lib_count "$SPOOL/*/failed/*.env")
	[ "$n" = "$1" ] || fail "failed messages ($SPOOL/*/failed/*.env):" \
	    "expected $1, got $n"
}

peer_count() {
	_lib_count "${1:-$PEERDIR}/msg-*.env"
}

check_peer_count() {	# N [peerdir]
	local n
	n=$(peer_count "${2:-$PEERDIR}")
	[ "$n" = "$1" ] || fail "messages received by the peer:" \
	    "expected $1, got $n"
}

_lib_grep() {	# must(1|0) what file regex
	local found=0 shown=${4//$'\r'/\\r}
	[ -f "$3" ] && grep -Eq -- "$4" "$3" && found=1
	if [ "$1" = 1 ] && [ $found = 0 ]; then
		fail "$2: expected a line matching /$shown/, found none"
	elif [ "$1" = 0 ] && [ $found = 1 ]; then
		fail "$2: expected no line matching /$shown/, found:" \
		    "$(grep -E -m1 -- "$4" "$3" | cut -c1-200 | tr -d '\r')"
	fi
	return 0
}

check_peer_saw() { _lib_grep 1 "peer session.log" "$PEERDIR/session.log" "$1"; }
check_peer_not_saw() { _lib_grep 0 "peer session.log" "$PEERDIR/session.log" "$1"; }
check_log() { _lib_grep 1 "maillog" "$MAILLOG" "$1"; }
check_log_not() { _lib_grep 0 "maillog" "$MAILLOG" "$1"; }
check_stderr() { _lib_grep 1 "posthorn stderr" "$ERR" "$1"; }
check_stderr_not() { _lib_grep 0 "posthorn stderr" "$ERR" "$1"; }
check_msg() { _lib_grep 1 "received message $1" "$PEERDIR/msg-$1.eml" "$2"; }
check_msg_not() { _lib_grep 0 "received message $1" "$PEERDIR/msg-$1.eml" "$2"; }

peer_msg() {
	echo "$PEERDIR/msg-$1.eml"
}

peer_env() {	# N KEY
	"$PYTHON" - "$PEERDIR/msg-$1.env" "$2" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1], encoding="utf-8")).get(sys.argv[2])
def show(x):
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, list):
        return " ".join(show(i) for i in x)
    return str(x)
if isinstance(v, list):
    for i in v:
        print(show(i))
else:
    print(show(v))
EOF
}

# The forms a password can take on the wire: itself, its base64 (AUTH
# LOGIN) and the base64 of the AUTH PLAIN blob, with or without authzid.
secret_forms() {	# user password
	"$PYTHON" - "$1" "$2" <<'EOF_PY'
import base64, sys
u, p = sys.argv[1].encode(), sys.argv[2].encode()
for f in (p, base64.b64encode(p), base64.b64encode(b"\0" + u + b"\0" + p),
          base64.b64encode(u + b"\0" + u + b"\0" + p)):
    print(f.decode())
EOF_PY
}

check_no_secret() {	# what file user password
	local f
	[ -f "$2" ] || return 0
	while IFS= read -r f; do
		if grep -qF -- "$f" "$2"; then
			fail "$1 holds the password (as '$f')"
		fi
	done <<EOF_S
$(secret_forms "$3" "$4")
EOF_S
}

# --- additions for the credential tests (t_cred_*) ---------------------------
#
#   make_client_cert    (after make_certs) a TLS client certificate from
#                       the test CA (extendedKeyUsage clientAuth, CN
#                       posthorn-client), key mode 0600; sets CLIENT_CERT,
#                       CLIENT_KEY
#   check_no_secret_in USER PASSWORD PATH...  no file under the PATHs
#                       (directories searched recursively) holds PASSWORD,
#                       its base64, the AUTH PLAIN blob's base64 or the
#                       XOAUTH2 blob's base64 (PASSWORD as the token)

make_client_cert() {
	local d=$TESTTMP/certs
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$d/client.key" -out "$d/client.csr" \
	    -subj "/CN=posthorn-client" 2>>"$d/openssl.log" ||
	    fail "openssl: cannot make the client CSR"
	printf '%s\n' "basicConstraints=critical,CA:FALSE" \
	    "keyUsage=critical,digitalSignature" "extendedKeyUsage=clientAuth" \
	    >"$d/client.ext"
	openssl x509 -req -in "$d/client.csr" -CA "$d/test-ca.crt" \
	    -CAkey "$d/test-ca.key" -CAcreateserial -days 2 \
	    -extfile "$d/client.ext" -out "$d/client.crt" \
	    2>>"$d/openssl.log" || fail "openssl: cannot sign the client cert"
	chmod 600 "$d/client.key"
	CLIENT_CERT=$d/client.crt CLIENT_KEY=$d/client.key
}

check_no_secret_in() {	# user password path...
	local u=$1 p=$2 forms f form
	shift 2
	forms=$(secret_forms "$u" "$p"
	    "$PYTHON" - "$u" "$p" <<'EOF_PY'
import base64, sys
u, p = sys.argv[1].encode(), sys.argv[2].encode()
print(base64.b64encode(b"user=" + u + b"\x01auth=Bearer " + p +
                       b"\x01\x01").decode())
EOF_PY
	)
	while IFS= read -r f; do
		while IFS= read -r form; do
			[ -n "$form" ] || continue
			if grep -qaF -- "$form" "$f"; then
				fail "$f holds the secret (as '$form')"
			fi
		done <<<"$forms"
	done < <(find "$@" -type f 2>/dev/null)
}
