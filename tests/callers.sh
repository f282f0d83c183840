# tests/callers.sh - helpers for the real-caller tests (tests/e2e/t_caller_*.sh),
# sourced after tests/lib.sh.  The callers are real programs from Debian
# packages; they run posthorn by its path (never /usr/sbin/sendmail).
#
#   need_prog PROG PACKAGE  fail (a missing caller is a failure, not a skip)
#                       when PROG is not on PATH
#   make_wrapper        $TESTTMP/bin/sendmail, a script that records its
#                       arguments in $ARGVLOG (one line per call, each
#                       argument in [brackets]) and execs
#                       $POSTHORN -C $CONF "$@"; sets SENDMAIL.  Its name
#                       keeps posthorn's sendmail personality.
#   caller_home         a fresh HOME ($TESTTMP/home) and no config from the
#                       real one: sets HOME, XDG_CONFIG_HOME; unsets MAIL*
#   caller_run CMD...   CMD bounded by $CALLER_TIMEOUT (default 60 s),
#                       stdin passed through; sets CRC, stdout in
#                       $TESTTMP/caller.out, stderr in $TESTTMP/caller.err
#   check_caller_exit N   CRC is N (shows the caller's stderr if not)
#   wait_peer_count N [SECS]  wait (bounded, default 10 s) until the peer
#                       saved N messages, then fail unless it is exactly N
#   peer_find KEY VALUE   the N of the one message whose env KEY (a list
#                       printed by peer_env) has a line equal to VALUE
#   check_rcpts N ADDR...  message N's envelope recipients are exactly
#                       ADDR... (order ignored)
#   check_sender N ADDR   message N's envelope sender is ADDR
#   msg_header N NAME   the (unfolded) values of header NAME in message N,
#                       one a line
#   check_header N NAME RE  message N has exactly one NAME header, and its
#                       unfolded value matches RE
#   check_no_header N NAME  message N has no NAME header
#   check_header_count N NAME COUNT
#   check_body N RE / check_body_not N RE  a body line (CR removed) matches
#   check_argv RE       one recorded wrapper call matches RE
#   check_clean_wire    the peer saw no protocol error and no 50x reply
#   guard_system_sendmail "$@"  call first (right after sourcing): re-runs
#                       the test in a private mount namespace where
#                       /usr/sbin/sendmail, /usr/lib/sendmail and
#                       /usr/sbin/postdrop are a script that records the
#                       call and exits 75, so a caller that ignores its
#                       setting and falls back to the system MTA fails the
#                       test instead of queueing mail there (without
#                       namespaces: a warning, and check_no_system_sendmail
#                       can only see nothing)
#   check_no_system_sendmail  the guard recorded no call

ARGVLOG=$TESTTMP/argv.log
CALLER_OUT=$TESTTMP/caller.out
CALLER_ERR=$TESTTMP/caller.err
CRC=

need_prog() {	# prog package
	command -v "$1" >/dev/null 2>&1 ||
	    fail "$1 is not installed (Debian package $2; scripts/deps.sh check)"
}

make_wrapper() {
	[ -x "$POSTHORN" ] || fail "no binary at $POSTHORN (make posthorn)"
	[ -f "$CONF" ] || write_conf
	mkdir -p "$TESTTMP/bin"
	SENDMAIL=$TESTTMP/bin/sendmail
	cat >"$SENDMAIL" <<EOF_W
#!/bin/sh
{ printf 'CALL'; for a in "\$@"; do printf ' [%s]' "\$a"; done; echo; } \\
    >>'$ARGVLOG'
exec '$POSTHORN' -C '$CONF' "\$@"
EOF_W
	chmod 755 "$SENDMAIL"
}

caller_home() {
	export HOME=$TESTTMP/home
	export XDG_CONFIG_HOME=$HOME/.config
	mkdir -p "$HOME" "$XDG_CONFIG_HOME"
	unset MAIL MAILRC MAILCAPS EMAIL REPLYTO NAME MBOX
	export LC_ALL=C.UTF-8 TZ=UTC
}

caller_run() {
	timeout -k 5 "${CALLER_TIMEOUT:-60}" "$@" >"$CALLER_OUT" 2>"$CALLER_ERR"
	CRC=$?
	if [ $CRC -eq 124 ] || [ $CRC -eq 137 ]; then
		echo "$1 did not finish within ${CALLER_TIMEOUT:-60} s" \
		    >>"$CALLER_ERR"
	fi
	return 0
}

check_caller_exit() {
	[ "$CRC" = "$1" ] && return 0
	_lib_tail "caller stderr" "$CALLER_ERR" 10 >&2
	_lib_tail "wrapper calls" "$ARGVLOG" 4 >&2
	fail "caller exit status: expected $1, got $CRC"
}

wait_peer_count() {	# n [secs]
	local i n
	for i in $(seq $((${2:-10} * 10))); do
		[ "$(peer_count)" -ge "$1" ] && break
		sleep 0.1
	done
	sleep 0.2	# anything more than N would show now
	check_peer_count "$1"
}

peer_find() {	# key value
	local f n found=
	for f in "$PEERDIR"/msg-*.env; do
		[ -e "$f" ] || continue
		n=${f##*/msg-}
		n=${n%.env}
		if peer_env "$n" "$1" | grep -qxF -- "$2"; then
			[ -z "$found" ] || fail "two messages with $1 $2"
			found=$n
		fi
	done
	[ -n "$found" ] || fail "no message received with $1 $2"
	echo "$found"
}

check_rcpts() {	# n addr...
	local n=$1 want got
	shift
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	got=$(peer_env "$n" rcpt_tos | sort | tr '\n' ' ')
	check_eq "envelope recipients of message $n" "$want" "$got"
}

check_sender() {	# n addr
	check_eq "envelope sender of message $1" "$2" "$(peer_env "$1" mail_from)"
}

msg_header() {	# n name
	awk -v want="$2" '
		{ sub(/\r$/, "") }
		/^$/ { exit }
		/^[ \t]/ { if (cur != "") cur = cur $0; next }
		{ if (cur != "") emit(); cur = $0 }
		function emit(  name, i) {
			i = index(cur, ":")
			name = substr(cur, 1, i - 1)
			if (tolower(name) == tolower(want)) {
				v = substr(cur, i + 1)
				sub(/^[ \t]+/, "", v)
				print v
			}
			cur = ""
		}
		END { if (cur != "") emit() }
	' "$PEERDIR/msg-$1.eml"
}

check_header_count() {	# n name count
	local got
	got=$(msg_header "$1" "$2" | wc -l)
	check_eq "number of $2 headers in message $1" "$3" "$got"
}

check_header() {	# n name re
	local v
	check_header_count "$1" "$2" 1
	v=$(msg_header "$1" "$2")
	printf '%s\n' "$v" | grep -Eq -- "$3" ||
	    fail "header $2 of message $1: expected /$3/, got '$v'"
}

check_no_header() {	# n name
	local v
	v=$(msg_header "$1" "$2")
	[ -z "$v" ] || fail "message $1 has a $2 header: '$v'"
}

_cl_body() {	# n
	awk 'b { sub(/\r$/, ""); print } /^\r?$/ { b = 1 }' "$PEERDIR/msg-$1.eml"
}

check_body() {	# n re
	_cl_body "$1" | grep -Eq -- "$2" ||
	    fail "body of message $1: expected a line matching /$2/, found none"
}

check_body_not() {	# n re
	if _cl_body "$1" | grep -Eq -- "$2"; then
		fail "body of message $1: expected no line matching /$2/," \
		    "found: $(_cl_body "$1" | grep -E -m1 -- "$2")"
	fi
	return 0
}

check_argv() {	# re
	_lib_grep 1 "arguments the caller passed ($ARGVLOG)" "$ARGVLOG" "$1"
}

check_clean_wire() {
	check_peer_not_saw '^PROTOCOL-ERROR'
	check_peer_not_saw '^S: 50[0-4] '
}

SYSTEM_SENDMAIL_LOG=$TESTTMP/system-sendmail.log

guard_system_sendmail() {
	local g p
	if [ -z "${_CL_NS:-}" ]; then
		if unshare --mount --propagation private true 2>/dev/null; then
			export _CL_NS=1
			exec unshare --mount --propagation private bash "$0" "$@"
		fi
		echo "no private mount namespace: the system sendmail is" \
		    "not guarded" >&2
		return 0
	fi
	unset _CL_NS
	g=$TESTTMP/.system-sendmail
	cat >"$g" <<EOF_G
#!/bin/sh
echo "\$0 \$*" >>'$SYSTEM_SENDMAIL_LOG'
echo "posthorn test: the system sendmail was called: \$0 \$*" >&2
exit 75
EOF_G
	chmod 755 "$g"
	for p in /usr/sbin/sendmail /usr/lib/sendmail /usr/sbin/postdrop; do
		[ -e "$p" ] || continue
		mount --bind "$g" "$p" ||
		    fail "cannot cover $p in the private namespace"
	done
}

check_no_system_sendmail() {
	[ -s "$SYSTEM_SENDMAIL_LOG" ] || return 0
	fail "the caller ran the system sendmail: $(head -3 "$SYSTEM_SENDMAIL_LOG")"
}
