# tests/queue_lib.sh - helpers for the queue tests (tests/e2e/t_queue_*.sh),
# sourced after tests/lib.sh, except by tests that run root's flush: they
# source it first and call private_etc before lib.sh.
#
#   private_etc "$@"    re-run the test in a private mount namespace where
#                       /etc is an overlay (tmpfs upper layer): the test's
#                       /etc/posthorn.conf and test users exist only there,
#                       so a real /etc/posthorn.conf is never touched and
#                       root's flushes in other, concurrent test runs never
#                       see this test's queues (nor this one theirs).  Where
#                       namespaces or overlayfs are not available the test
#                       runs as is, and sysconf_install saves and restores.
#
#   wait_until SECS CMD...   run CMD every 0.1 s until it succeeds; fail
#                       after SECS seconds (every wait in a test is bounded)
#   queue_ids [SPOOLDIR]     the ids in */new/ of the spool, one a line
#   tmp_count [SPOOLDIR]     files (any name) in */tmp/ of the spool
#   check_new_empty [SPOOLDIR]  no file of any kind in */new/
#   peer_total [PEERDIR]     messages the peer saved (msg-*.env)
#   peer_subject_counts [PEERDIR]  "COUNT SUBJECT" for each Subject received
#   check_dsn FILE RCPT SENDER STATUS_RE ACTION_RE
#                       FILE is an RFC 3464 report (multipart/report,
#                       report-type=delivery-status) from MAILER-DAEMON with
#                       a message/delivery-status part whose per-recipient
#                       fields name RCPT (Final-Recipient) with an Action
#                       and a Status matching the regexes, and with the
#                       original headers (text/rfc822-headers or
#                       message/rfc822); To: SENDER
#   kill9_wait PID      SIGKILL a process we started and reap it
#   sysconf_install FILE  make FILE /etc/posthorn.conf (mode 0644) for this
#                       test: a real one is saved and restored at exit,
#                       and ours removed if there was none; a lock keeps
#                       two such tests (from parallel runs) apart
#   test_user NAME      create a system user (no home, nologin, group
#                       "users"), removed at exit; sets TU_UID, TU_GID
#   as_user NAME CMD... run CMD as NAME (uid, gid, no supplementary
#                       groups), with HOME=/nonexistent unless HOME_AS is set
#   posthorn_as NAME ARGS  $POSTHORN ARGS as NAME (stdin passed through),
#                       bounded; sets RC, $OUT, $ERR like posthorn_run
#   root_sysconf [KEY VALUE]...  /etc/posthorn.conf: the test's spool, a
#                       log every user can append to, the peer, the pairs
#   root_flush [ARGS]   root's "posthorn -q" as cron runs it (no -C)
#   queue_dir_of UID    the queue directory owned by UID, whatever its name
#   kill_in_delivery STEP SUBJECT  SIGKILL a -odi submission while the
#                       peer stalls at STEP; sets KILLED_ID
#   check_redelivered SUBJECT  received once or twice, nothing queued

wait_until() {	# secs cmd...
	local secs=$1 i
	shift
	for i in $(seq $((secs * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	"$@" && return 0
	fail "waited ${secs}s for: $*"
}

queue_ids() {
	local f
	for f in "${1:-$SPOOL}"/*/new/*.env; do
		[ -e "$f" ] || continue
		f=${f##*/}
		echo "${f%.env}"
	done
}

tmp_count() {	# (the spool itself is under /tmp: anchor the pattern)
	local d=${1:-$SPOOL}
	find "$d" -mindepth 3 -maxdepth 3 -path "$d/*/tmp/*" 2>/dev/null |
	    wc -l
}

check_new_empty() {
	local left
	left=$(find "${1:-$SPOOL}" -mindepth 3 -maxdepth 3 -path '*/new/*' \
	    2>/dev/null)
	[ -z "$left" ] || fail "files left in new/: $(echo $left)"
}

peer_total() {
	_lib_count "${1:-$PEERDIR}/msg-*.env"
}

peer_subject_counts() {
	"$PYTHON" - "${1:-$PEERDIR}" <<'EOF'
import email, glob, os, sys, collections
c = collections.Counter()
for env in glob.glob(os.path.join(sys.argv[1], "msg-*.env")):
    with open(env[:-4] + ".eml", "rb") as f:
        m = email.message_from_binary_file(f)
    c[str(m.get("Subject", ""))] += 1
for s, n in sorted(c.items()):
    print(n, s)
EOF
}

check_dsn() {	# file rcpt sender status_re action_re
	local out
	out=$("$PYTHON" - "$@" <<'EOF'
import email, email.policy, re, sys
path, rcpt, sender, status_re, action_re = sys.argv[1:6]
with open(path, "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.compat32)
problems = []
if m.get_content_type() != "multipart/report":
    problems.append("Content-Type is %s, not multipart/report"
                    % m.get_content_type())
if (m.get_param("report-type") or "").lower() != "delivery-status":
    problems.append("report-type is %r" % m.get_param("report-type"))
if "mailer-daemon@" not in str(m.get("From", "")).lower():
    problems.append("From is %r, not MAILER-DAEMON" % m.get("From"))
if sender.lower() not in str(m.get("To", "")).lower():
    problems.append("To is %r, not the sender %s" % (m.get("To"), sender))
parts = m.get_payload() if m.is_multipart() else []
if len(parts) < 2:
    problems.append("%d MIME parts, a report has at least 2" % len(parts))
types = [p.get_content_type() for p in parts]
if len(parts) >= 2 and types[1] != "message/delivery-status":
    problems.append("second part is %s" % types[1])
ds = [p for p in parts if p.get_content_type() == "message/delivery-status"]
if ds:
    # compat32 parses message/delivery-status into a list of header blocks:
    # the per-message fields, then one block per recipient
    blocks = ds[0].get_payload()
    if not isinstance(blocks, list) or len(blocks) < 2:
        problems.append("delivery-status has no per-recipient block")
    else:
        found = False
        for b in blocks[1:]:
            fr = str(b.get("Final-Recipient", ""))
            if not re.fullmatch(r"(?i)rfc822;\s*<?" + re.escape(rcpt) + ">?",
                                fr.strip()):
                continue
            found = True
            act = str(b.get("Action", "")).strip()
            st = str(b.get("Status", "")).strip()
            if not re.fullmatch(action_re, act):
                problems.append("Action %r does not match %s"
                                % (act, action_re))
            if not re.fullmatch(status_re, st):
                problems.append("Status %r does not match %s"
                                % (st, status_re))
        if not found:
            problems.append("no Final-Recipient: rfc822; %s among %r" % (
                rcpt, [str(b.get("Final-Recipient")) for b in blocks[1:]]))
orig = [p for p in parts[2:] if p.get_content_type() in
        ("text/rfc822-headers", "message/rfc822")]
if len(parts) >= 3 and not orig:
    problems.append("third part is %s, not the original" % types[2])
if len(parts) < 3:
    problems.append("no part with the original headers")
for p in problems:
    print(p)
print("OK" if not problems else "BAD")
EOF
	)
	case $out in
	*OK) return 0 ;;
	esac
	fail "$1 is not a proper DSN for $2: $(echo "$out" | grep -v '^BAD$' |
	    tr '\n' ';')"
}

kill9_wait() {
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# --- the system configuration and test users ------------------------------

SYSCONF=/etc/posthorn.conf
QL_PRIVATE_ETC=

private_etc() {
	local d
	if [ -z "${_QL_NS:-}" ]; then
		if unshare --mount --propagation private true 2>/dev/null; then
			export _QL_NS=1
			exec unshare --mount --propagation private bash "$0" "$@"
		fi
		return 0
	fi
	unset _QL_NS
	d=$TESTTMP/.etc-overlay
	mkdir -p "$d" &&
	    mount -t tmpfs -o mode=0700 tmpfs "$d" &&
	    mkdir "$d/upper" "$d/work" &&
	    mount -t overlay overlay \
	    -o "lowerdir=/etc,upperdir=$d/upper,workdir=$d/work" /etc ||
	    { echo "no private /etc: using the real one" >&2; return 0; }
	QL_PRIVATE_ETC=1
}

_ql_restore_sysconf() {
	if [ -e "$TESTTMP/.sysconf.saved" ]; then
		cp -p "$TESTTMP/.sysconf.saved" "$SYSCONF"
	else
		rm -f "$SYSCONF"
	fi
}

sysconf_install() {	# file
	if [ -n "$QL_PRIVATE_ETC" ]; then
		install -m 0644 -o root -g root "$1" "$SYSCONF" ||
		    fail "cannot install $SYSCONF (private /etc)"
		return 0
	fi
	if [ -z "${_ql_sysconf_done:-}" ]; then
		_ql_sysconf_done=1
		# one test at a time owns /etc/posthorn.conf (the lock is
		# released when the test's shell exits)
		exec {_ql_lockfd}>/run/lock/posthorn-tests-sysconf.lock ||
		    fail "cannot open the /etc/posthorn.conf test lock"
		flock -w 200 $_ql_lockfd ||
		    fail "another test holds /etc/posthorn.conf for 200 s"
		if [ -e "$SYSCONF" ]; then
			cp -p "$SYSCONF" "$TESTTMP/.sysconf.saved" ||
			    fail "cannot save $SYSCONF"
		fi
		at_exit _ql_restore_sysconf
	fi
	install -m 0644 -o root -g root "$1" "$SYSCONF" ||
	    fail "cannot install $SYSCONF"
}

_ql_users=()
_ql_remove_users() {
	local u
	for u in "${_ql_users[@]}"; do
		# kill nothing: every process we ran as u was bounded and waited for
		userdel "$u" >/dev/null 2>&1
	done
}

test_user() {	# name
	if [ ${#_ql_users[@]} -eq 0 ]; then
		at_exit _ql_remove_users
	fi
	useradd -M -N -s /usr/sbin/nologin "$1" ||
	    fail "useradd $1 failed"
	_ql_users+=("$1")
	TU_UID=$(id -u "$1") TU_GID=$(id -g "$1")
}

as_user() {	# name cmd...
	local u=$1
	shift
	setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" \
	    --clear-groups env -i PATH=/usr/bin:/bin \
	    HOME="${HOME_AS:-/nonexistent}" "$@"
}

posthorn_as() {	# name args...
	local u=$1
	shift
	as_user "$u" timeout -k 5 "${RUN_TIMEOUT:-60}" "$POSTHORN" "$@" \
	    >"$OUT" 2>"$ERR"
	RC=$?
	echo $RC >"$TESTTMP/.rc"
	return 0
}

# kill_in_delivery STEP SUBJECT: with a peer started with --stall STEP
# --faulty-connections 1, submit a message (default -odi) and SIGKILL
# posthorn once the peer logs "STALL STEP"; sets KILLED_ID (the id left
# in new/, which must hold exactly one complete message)
kill_in_delivery() {	# step subject
	local ph
	simple_msg "$2" | "$POSTHORN" -C "$CONF" -f alice@example.org \
	    bob@example.org >"$OUT" 2>"$ERR" &
	ph=$!
	at_exit "kill -KILL $ph 2>/dev/null"
	wait_until 20 grep -q "^STALL $1" "$PEERDIR/session.log"
	kill -0 $ph 2>/dev/null ||
	    fail "posthorn did not wait at the stalled $1: $(cat "$ERR")"
	kill9_wait $ph
	check_queue_count 1
	KILLED_ID=$(queue_ids)
	[ -s "$(echo "$SPOOL"/*/new/"$KILLED_ID".msg)" ] ||
	    fail "new/ holds an envelope without its data file"
}

# check_redelivered SUBJECT: after a crash, a forced flush delivered the
# message at least once and at most twice in all, and nothing is queued
check_redelivered() {	# subject
	local n
	n=$(peer_subject_counts | awk -v s="$1" \
	    '{ c = $1; $1 = ""; sub(/^ /, ""); if ($0 == s) print c }')
	case ${n:-0} in
	1|2) ;;
	*) fail "'$1' received ${n:-0} times, expected 1 or 2" ;;
	esac
	check_queue_count 0
	check_new_empty
}

# root_sysconf [KEY VALUE]...: /etc/posthorn.conf for this test (see
# sysconf_install) with the test's spool, a log file every user may append
# to, the peer as smarthost, then the pairs given
root_sysconf() {
	local f=$TESTTMP/system.conf
	: >>"$MAILLOG"
	chmod 0666 "$MAILLOG"
	{
		printf '%s\n' "spool_dir $SPOOL" "log_file $MAILLOG" \
		    "hostname test.example" "domain example.org" \
		    "smarthost 127.0.0.1:$PORT" "tls none"
		while [ $# -ge 2 ]; do
			printf '%s %s\n' "$1" "$2"
			shift 2
		done
	} >"$f"
	sysconf_install "$f"
}

# root_flush [ARGS]: root's "sendmail -q" as cron runs it: no -C, the
# system configuration, HOME without a user configuration; bounded; sets
# RC, $OUT, $ERR
root_flush() {
	mkdir -p "$TESTTMP/roothome"
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$TESTTMP/roothome" \
	    timeout -k 5 "${RUN_TIMEOUT:-60}" "$POSTHORN" -q "$@" \
	    >"$OUT" 2>"$ERR"
	RC=$?
	echo $RC >"$TESTTMP/.rc"
	return 0
}

# queue_dir_of UID: the queue directory owned by UID in $SPOOL (by owner,
# whatever its name)
queue_dir_of() {
	local d
	for d in "$SPOOL"/*/; do
		d=${d%/}
		[ -L "$d" ] && continue
		[ "$(stat -c %u "$d")" = "$1" ] && { echo "$d"; return 0; }
	done
	return 1
}
