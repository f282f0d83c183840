# tests/compat_lib.sh - helpers for the sendmail-compatibility tests
# (tests/e2e/t_compat_*.sh), sourced after tests/lib.sh and tests/callers.sh.
#
#   ALIASES             $TESTTMP/aliases, the aliases file the tests write
#   write_aliases       the aliases file from stdin (mode 0644)
#   check_out RE / check_out_not RE
#                       posthorn's stdout ($OUT) has / has no line matching RE
#   check_out_line LINE posthorn's stdout has exactly this line (fixed string)
#   check_out_count N   posthorn's stdout has N lines
#   check_no_file PATH [WHY]  PATH does not exist (e.g. what a command or
#                       file alias target would have made); WHY for the message
#   check_nothing_sent  the peer saw no connection and saved no message
#   compat_user NAME    a throw-away system user (no home, no login shell),
#                       removed when the test exits; sets CU_UID, CU_GID
#   as_uid UID GID CMD...  run CMD with those real and effective ids and
#                       no supplementary groups (setpriv), bounded by
#                       $RUN_TIMEOUT; sets RC, output in $OUT and $ERR
#   link_as NAME        $TESTTMP/bin/NAME, a symbolic link to $POSTHORN
#                       (posthorn takes its personality from basename(argv[0]));
#                       prints its path
#   run_as_link NAME ARGS  that link run with ARGS (and stdin), bounded as
#                       posthorn_run; sets RC, output in $OUT and $ERR

ALIASES=$TESTTMP/aliases

write_aliases() {
	cat >"$ALIASES" || fail "cannot write $ALIASES"
	chmod 644 "$ALIASES"
}

check_out() { _lib_grep 1 "posthorn stdout" "$OUT" "$1"; }
check_out_not() { _lib_grep 0 "posthorn stdout" "$OUT" "$1"; }

check_out_line() {	# exact line
	grep -qxF -- "$1" "$OUT" && return 0
	_lib_tail "posthorn stdout" "$OUT" 12 >&2
	fail "posthorn stdout: expected the line '$1'"
}

check_out_count() {
	local n
	n=$(wc -l <"$OUT")
	[ "$n" = "$1" ] && return 0
	_lib_tail "posthorn stdout" "$OUT" 12 >&2
	fail "posthorn stdout: expected $1 lines, got $n"
}

check_no_file() {
	[ -e "$1" ] || [ -L "$1" ] || return 0
	fail "$1 exists: ${2:-an ignored alias target was acted upon}"
}

check_nothing_sent() {
	check_peer_not_saw '^CONNECT '
	check_peer_count 0
}

_cu_users=()
_cu_remove_users() {
	local u
	for u in "${_cu_users[@]}"; do
		userdel "$u" >/dev/null 2>&1
	done
}

compat_user() {	# name
	[ ${#_cu_users[@]} -eq 0 ] && at_exit _cu_remove_users
	# useradd waits for the passwd lock itself; retry a busy moment too
	for _ in 1 2 3 4 5; do
		useradd -M -N -s /usr/sbin/nologin "$1" 2>>"$TESTTMP/useradd.err" &&
		    break
		sleep 1
	done
	id -u "$1" >/dev/null 2>&1 ||
	    fail "useradd $1 failed: $(tail -1 "$TESTTMP/useradd.err")"
	_cu_users+=("$1")
	CU_UID=$(id -u "$1")
	CU_GID=$(id -g "$1")
}

as_uid() {	# uid gid cmd...
	local u=$1 g=$2
	shift 2
	timeout -k 5 "${RUN_TIMEOUT:-60}" setpriv --reuid="$u" --regid="$g" \
	    --clear-groups "$@" >"$OUT" 2>"$ERR"
	RC=$?
	echo $RC >"$TESTTMP/.rc"
}

link_as() {	# name
	mkdir -p "$TESTTMP/bin"
	ln -sfn "$POSTHORN" "$TESTTMP/bin/$1" || fail "cannot link $1"
	echo "$TESTTMP/bin/$1"
}

run_as_link() {	# name args...
	local l
	l=$(link_as "$1")
	shift
	[ -f "$CONF" ] || write_conf
	timeout -k 5 "${RUN_TIMEOUT:-60}" "$l" -C "$CONF" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	echo $RC >"$TESTTMP/.rc"
	if [ $RC -eq 124 ] || [ $RC -eq 137 ]; then
		echo "$l $* did not finish within ${RUN_TIMEOUT:-60} s" >>"$ERR"
	fi
	return 0
}
