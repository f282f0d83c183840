#!/bin/bash
# t_queue_user_isolation: the queue is private (run as unprivileged test
# users: root ignores file modes).  User A queues a message; user B can
# neither list A's queue directory nor read the message, B's mailq does not
# show it, B's --show, --delete and -qI on A's id fail or do nothing, and
# B's "--delete all" leaves it; A's mailq shows it; root's mailq lists every
# user's queue, with the owner in --json.
. "$SRCDIR/tests/queue_lib.sh"
private_etc "$@"
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root"
ua=phqa$$ ub=phqb$$
test_user $ua; uida=$TU_UID
test_user $ub; uidb=$TU_UID
start_smtpd
root_sysconf
printf 'Subject: private to A\nTo: bob@example.org\n\nA secret body\n' |
    posthorn_as $ua -odq bob@example.org
check_exit 0
check_queue_count 1
id=$(queue_ids)
qa=$(queue_dir_of $uida) || fail "no queue owned by $ua"

# B cannot look inside
as_user $ub ls "$qa" >/dev/null 2>&1 && fail "$ub can list $qa"
as_user $ub cat "$qa/new/$id.msg" >/dev/null 2>&1 &&
    fail "$ub can read $ua's message"
# B's own commands do not reach A's queue
printf 'Subject: from B\n\nB\n' | posthorn_as $ub -odq carol@example.org
check_exit 0
posthorn_as $ub -bp
check_exit 0
grep -q "$id" "$OUT" && fail "$ub's mailq shows $ua's message: $(cat "$OUT")"
grep -q "Request\." "$OUT" || fail "$ub's mailq: $(cat "$OUT")"
posthorn_as $ub --show "$id"
[ "$RC" != 0 ] || fail "$ub's --show of $ua's message exited 0"
grep -q 'A secret body' "$OUT" && fail "$ub's --show printed $ua's message"
posthorn_as $ub --delete "$id"
[ "$RC" != 0 ] || fail "$ub's --delete of $ua's message exited 0"
posthorn_as $ub -qI"$id"
posthorn_as $ub --delete all
check_peer_not_saw 'Subject: private to A'
check_peer_count 0
[ -e "$qa/new/$id.env" ] && [ -e "$qa/new/$id.msg" ] ||
    fail "$ua's message is gone after $ub's commands"

# A sees it
posthorn_as $ua -bp
check_exit 0
grep -q "^$id" "$OUT" || fail "$ua's mailq does not show $id: $(cat "$OUT")"

# root sees every queue, with owners
printf 'Subject: from B again\n\nB\n' | posthorn_as $ub -odq carol@example.org
env -i PATH=/usr/bin:/bin HOME="$TESTTMP" "$POSTHORN" -bp --json \
    >"$OUT" 2>"$ERR" || fail "root's mailq --json failed: $(cat "$ERR")"
"$PYTHON" - "$OUT" "$id" "$uida" "$uidb" <<'PY' || fail "root's mailq --json: $(cat "$OUT")"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
owners = {o["queue_id"]: o["owner"] for o in objs}
assert owners.get(sys.argv[2]) == int(sys.argv[3]), owners
assert list(owners.values()).count(int(sys.argv[4])) == 1, owners
PY
env -i PATH=/usr/bin:/bin HOME="$TESTTMP" "$POSTHORN" -bp \
    >"$OUT" 2>"$ERR" || fail "root's mailq failed: $(cat "$ERR")"
grep -q "^$id" "$OUT" || fail "root's mailq does not show $id: $(cat "$OUT")"
tail -1 "$OUT" | grep -q 'in 2 Requests\.$' || fail "root's mailq: $(cat "$OUT")"
