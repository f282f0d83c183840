#!/bin/bash
# t_queue_tempfail_down: the smarthost is down (connection refused): exit 0,
# the message is queued, mailq shows why and the recipient; with
# retry_min 1s the message is due a second later and, once a server listens
# on that port again, a plain -q delivers it exactly once; queue empty.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
# find a free port: start a peer, note its port, stop it
start_smtpd
port=$PORT
stop_peers
write_conf smarthost "127.0.0.1:$port" retry_min 1s retry_max 2s
simple_msg "server down" | posthorn_run -f alice@example.org bob@example.org
check_exit 0
check_queue_count 1
id=$(queue_ids)
check_log "$id: to=<bob@example\.org>, .*status=deferred"

posthorn_run -bp
check_exit 0
grep -q "^$id" "$OUT" || fail "mailq does not list $id: $(cat "$OUT")"
grep -Eqi '^\(.*(refused|connect).*\)$' "$OUT" ||
    fail "mailq does not show why (connection refused): $(cat "$OUT")"
grep -Eq '^ +bob@example\.org$' "$OUT" ||
    fail "mailq does not show the recipient: $(cat "$OUT")"
posthorn_run -bp --json
"$PYTHON" -c '
import json, sys, time
o = json.loads(open(sys.argv[1]).readline())
assert o["next_retry"] <= time.time() + 5, o
r = o["recipients"][0]
assert r["address"] == "bob@example.org" and r["delay_reason"], o
' "$OUT" || fail "mailq --json: $(cat "$OUT")"

# the server comes back on the same port; the message becomes due
start_smtpd --port "$port"
check_eq "peer port" "$port" "$PORT"
sleep 1.2
posthorn_run -q
check_exit 0
check_queue_count 0
check_peer_count 1
check_eq "envelope recipients" bob@example.org "$(peer_env 1 rcpt_tos)"
check_msg 1 '^Subject: server down'
posthorn_run -q
posthorn_run -qI"$id"
check_peer_count 1
posthorn_run -bp
grep -q 'Mail queue is empty' "$OUT" || fail "mailq: $(cat "$OUT")"
check_new_empty
