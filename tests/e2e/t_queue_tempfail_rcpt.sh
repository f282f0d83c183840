#!/bin/bash
# t_queue_tempfail_rcpt: a 451 at RCPT is a temporary failure: exit 0, the
# message stays queued, mailq shows the server's reply text and the
# recipient, --json the next retry (retry_min after the attempt).  A plain
# -q before that time delivers nothing; once the server accepts, a forced
# flush (-qI<id>) delivers it exactly once and empties the queue (SPEC 4).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'rcpt=451 4.2.1 mailbox busy, try again later' \
    --faulty-connections 2
write_conf retry_min 10m retry_max 1h
t0=$(date +%s)
simple_msg "tempfail rcpt" | posthorn_run -f alice@example.org bob@example.org
check_exit 0
check_queue_count 1
check_peer_count 0
id=$(queue_ids)

posthorn_run -bp
check_exit 0
grep -q "^$id[ *!]" "$OUT" || fail "mailq does not list $id: $(cat "$OUT")"
grep -q '(451 4\.2\.1 mailbox busy, try again later)' "$OUT" ||
    fail "mailq does not show the reply text: $(cat "$OUT")"
grep -Eq '^ +bob@example\.org$' "$OUT" ||
    fail "mailq does not show the recipient: $(cat "$OUT")"
grep -q 'alice@example\.org' "$OUT" || fail "mailq does not show the sender"
tail -1 "$OUT" | grep -Eq '^-- [0-9]+ Kbytes in 1 Request\.$' ||
    fail "mailq summary line: $(tail -1 "$OUT")"

posthorn_run -bp --json
check_exit 0
"$PYTHON" - "$OUT" "$id" "$t0" <<'PY' || fail "mailq --json: $(cat "$OUT")"
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
assert len(lines) == 1, lines
o = json.loads(lines[0])
t0 = int(sys.argv[3])
assert o["queue_id"] == sys.argv[2], o
assert o["sender"] == "alice@example.org", o
# retry_min is 10 minutes: the next try is about that far away
assert t0 + 590 <= o["next_retry"] <= t0 + 630, (t0, o["next_retry"])
r = o["recipients"]
assert [x["address"] for x in r] == ["bob@example.org"], r
assert "451 4.2.1 mailbox busy" in r[0]["delay_reason"], r
PY

# not due yet: a plain -q leaves it alone (the server still says 451 for
# connection 2, so a wrong delivery attempt would show as a connection)
posthorn_run -q
check_exit 0
check_queue_count 1
n=$(grep -c '^CONNECT' "$PEERDIR/session.log")
check_eq "connections after a -q before the retry time" 1 "$n"

# the server is back (the scripted 451 is for the first two connections:
# use up the second one with a forced run that must defer again)
posthorn_run -qI"$id"
check_exit 0
check_queue_count 1
check_peer_count 0
posthorn_run -qI"$id"
check_exit 0
check_queue_count 0
check_peer_count 1
check_eq "envelope recipients" bob@example.org "$(peer_env 1 rcpt_tos)"
check_eq "envelope sender" alice@example.org "$(peer_env 1 mail_from)"
check_msg 1 '^Subject: tempfail rcpt'
check_log "$id: to=<bob@example\.org>, .*status=sent"

# exactly once: more flushes find nothing
posthorn_run -q
posthorn_run -qR@
check_peer_count 1
posthorn_run -bp
grep -q 'Mail queue is empty' "$OUT" || fail "mailq: $(cat "$OUT")"
check_new_empty
