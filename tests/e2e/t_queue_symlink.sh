#!/bin/bash
# t_queue_symlink: symlinks planted in the spool are never followed.
# 1. User B plants a symlink named after user A's uid, pointing to a
#    directory of B's that anyone may write: A's submission does not use it
#    (A gets <uid>.<random>, nothing appears in B's directory).
# 2. In A's own queue, A plants envelopes whose data file (or the envelope
#    itself) is a symlink: to a root-only file, to a world-readable file,
#    to an envelope elsewhere (and a control with the same envelope and
#    plain files, which must be delivered).  Root's -q (whose child runs as A) delivers
#    A's real message but none of the planted ones, no target's content
#    reaches the server, and the targets are untouched.
. "$SRCDIR/tests/queue_lib.sh"
private_etc "$@"
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root"
ua=phqa$$ ub=phqb$$
test_user $ua; uida=$TU_UID gida=$TU_GID
test_user $ub; uidb=$TU_UID gidb=$TU_GID
start_smtpd
root_sysconf

# 1. the squat by symlink
mkdir -m 0777 "$TESTTMP/bdir" && chown $uidb:$gidb "$TESTTMP/bdir"
as_user $ub ln -s "$TESTTMP/bdir" "$SPOOL/$uida" || fail "$ub cannot plant"
printf 'Subject: real message of A\nTo: bob@example.org\n\nx\n' |
    posthorn_as $ua -odq bob@example.org
check_exit 0
[ -L "$SPOOL/$uida" ] || fail "the planted symlink was replaced"
check_eq "files in B's directory" "" "$(ls -A "$TESTTMP/bdir")"
qa=$(queue_dir_of $uida) || fail "no queue owned by $ua"
case ${qa##*/} in
"$uida".*) ;;
*) fail "$ua's queue is ${qa##*/}, expected $uida.<random>" ;;
esac
check_eq "$ua's queue mode" 700 "$(stat -c %a "$qa")"

# 2. planted symlinks inside A's queue
echo "ROOT-ONLY-CONTENT-$$" >"$TESTTMP/rootonly"
chmod 0600 "$TESTTMP/rootonly"
printf 'Subject: world readable\n\nWORLD-READABLE-CONTENT-%s\n' $$ \
    >"$TESTTMP/world"
chmod 0644 "$TESTTMP/world"
sum_root=$(sha256sum <"$TESTTMP/rootonly")
sum_world=$(sha256sum <"$TESTTMP/world")
now=$(date +%s)
plant_env() {	# id rcpt
	printf '%s\n' "version 1" "id $1" "uid $uida" "created $now" \
	    "sender $ua@example.org" "conf system" "size 100" "lines 3" \
	    "body 7bit" "smtputf8 0" "onerror p" "bounce 0" "attempts 0" \
	    "next_retry 0" "rcpt pending $2"
}
mkdir -m 0700 "$TESTTMP/adir" && chown $uida:$gida "$TESTTMP/adir"
A1=AAAA00000001 A2=AAAA00000002 A3=AAAA00000003 A4=AAAA00000004
as_user $ua sh -c "
	umask 077
	cd '$qa/new' &&
	printf '%s\n' \"\$1\" >$A1.env && ln -s '$TESTTMP/rootonly' $A1.msg &&
	printf '%s\n' \"\$2\" >$A2.env && ln -s '$TESTTMP/world' $A2.msg &&
	printf '%s\n' \"\$3\" >'$TESTTMP/adir/a3.env' &&
	ln -s '$TESTTMP/adir/a3.env' $A3.env &&
	cp '$TESTTMP/world' $A3.msg &&
	printf '%s\n' \"\$4\" >$A4.env &&
	printf 'Subject: planted control\n\nplain files\n' >$A4.msg
" sh "$(plant_env $A1 planted1@example.org)" \
    "$(plant_env $A2 planted2@example.org)" \
    "$(plant_env $A3 planted3@example.org)" \
    "$(plant_env $A4 control@example.org)" ||
    fail "$ua cannot plant files in its queue"
ls -l "$qa/new"

root_flush
check_exit 0
# A's real message and the control (the same envelope as the planted ones,
# with plain files: so the others stay because of their symlinks)
check_peer_count 2
got=$(for n in 1 2; do peer_env $n rcpt_tos; done | sort | tr '\n' ' ')
check_eq "recipients" "bob@example.org control@example.org " "$got"
check_peer_saw 'SAVED'
grep -q 'Subject: real message of A' "$PEERDIR"/msg-*.eml ||
    fail "A's real message did not arrive"
check_peer_not_saw 'planted[0-9]@'
grep -rq "ROOT-ONLY-CONTENT-$$" "$PEERDIR" && fail "the root-only file reached the server"
grep -rq "WORLD-READABLE-CONTENT-$$" "$PEERDIR" &&
    fail "the symlinked file reached the server"
check_eq "root-only target" "$sum_root" "$(sha256sum <"$TESTTMP/rootonly")"
check_eq "world-readable target" "$sum_world" "$(sha256sum <"$TESTTMP/world")"
check_eq "root-only target owner and mode" "0 600" \
    "$(stat -c '%u %a' "$TESTTMP/rootonly")"
check_eq "files in B's directory" "" "$(ls -A "$TESTTMP/bdir")"

# forced, as A itself: still nothing of the planted ones
posthorn_as $ua -qR@
check_peer_count 2
check_peer_not_saw 'planted[0-9]@'
