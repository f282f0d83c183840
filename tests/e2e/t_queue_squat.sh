#!/bin/bash
# t_queue_squat: user B creates a directory named after user A's uid in the
# 1777 spool before A ever sends mail (anyone can).  That denies A nothing:
# A's submission exits 0 and goes into a queue of A's own named
# <uid>.<random> (0700, owned by A), with a warning in the log, and nothing
# lands in B's directory; A's next message reuses that queue; A's mailq
# lists both; root's -q delivers them (its flush finds a queue by owner,
# not by name), and so does A's own -q.  A third user C, whose name B
# squats with a plain file, is not denied either.
. "$SRCDIR/tests/queue_lib.sh"
private_etc "$@"
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root"
ua=phqa$$ ub=phqb$$
test_user $ua; uida=$TU_UID
test_user $ub; uidb=$TU_UID
uc=phqc$$
test_user $uc; uidc=$TU_UID
start_smtpd
root_sysconf
as_user $ub mkdir -m 0777 "$SPOOL/$uida" || fail "$ub cannot squat"
check_eq "squatter" "$uidb" "$(stat -c %u "$SPOOL/$uida")"
as_user $ub sh -c "echo squat >'$SPOOL/$uidc'" || fail "$ub cannot squat"

printf 'Subject: squat 1\nTo: bob@example.org\n\nx\n' |
    posthorn_as $ua -odq bob@example.org
check_exit 0
printf 'Subject: squat 2\nTo: bob@example.org\n\nx\n' |
    posthorn_as $ua -odq carol@example.org
check_exit 0
dirs=$(find "$SPOOL" -mindepth 1 -maxdepth 1 -user $uida)
check_eq "queues owned by $ua" 1 "$(echo "$dirs" | grep -c .)"
case ${dirs##*/} in
"$uida".*) ;;
*) fail "$ua's queue is named ${dirs##*/}, expected $uida.<random>" ;;
esac
check_eq "$ua's queue mode" 700 "$(stat -c %a "$dirs")"
check_eq "files in the squatted directory" "" "$(ls -A "$SPOOL/$uida")"
check_eq "messages in $ua's queue" 2 "$(ls "$dirs"/new/*.env | wc -l)"
check_log "$SPOOL/$uida.*not ours|warning.*$uida"
posthorn_as $ua -bp
check_exit 0
tail -1 "$OUT" | grep -q 'in 2 Requests\.$' || fail "$ua's mailq: $(cat "$OUT")"
id2=$(ls "$dirs"/new/*.env | xargs grep -l '^rcpt pending carol@' | head -1)
id2=${id2##*/}; id2=${id2%.env}

# B's own mail still works too (its queue is its own directory), and C's
printf 'Subject: from B\n\nx\n' | posthorn_as $ub -odq dave@example.org
check_exit 0
printf 'Subject: from C\n\nx\n' | posthorn_as $uc -odq erin@example.org
check_exit 0
qc=$(queue_dir_of $uidc) || fail "no queue owned by $uc"
case ${qc##*/} in
"$uidc".*) ;;
*) fail "$uc's queue is named ${qc##*/}, expected $uidc.<random>" ;;
esac
check_eq "the squatting file" squat "$(cat "$SPOOL/$uidc")"

# A's own forced flush delivers the second message
posthorn_as $ua -qI"$id2"
check_exit 0
check_peer_count 1
check_msg 1 '^Subject: squat 2'
# root's flush delivers the rest (A's first, B's, C's)
root_flush
check_exit 0
check_peer_count 4
check_queue_count 0
got=$(for n in 1 2 3 4; do peer_env $n rcpt_tos; done | sort | tr '\n' ' ')
check_eq "recipients" \
    "bob@example.org carol@example.org dave@example.org erin@example.org " \
    "$got"
check_eq "files in the squatted directory" "" "$(ls -A "$SPOOL/$uida")"
