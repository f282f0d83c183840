#!/bin/bash
# t_queue_backoff: each temporary failure pushes the next retry further:
# retry_min after the first attempt, then doubling, capped at retry_max
# (retry_min 1m, retry_max 3m: +60, +120, +180, +180 s), as mailq --json's
# next_retry shows; the attempts are counted in the envelope.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
start_smtpd --reply 'rcpt=451 4.3.2 not now'
write_conf retry_min 1m retry_max 3m
t=$(date +%s)
simple_msg backoff | posthorn_run bob@example.org
check_exit 0
id=$(queue_ids)
for want in 60 120 180 180; do
	if [ $want != 60 ]; then
		t=$(date +%s)
		posthorn_run -qI"$id"
		check_exit 0
	fi
	posthorn_run -bp --json
	nr=$("$PYTHON" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["next_retry"])' "$OUT")
	d=$((nr - t))
	[ $d -ge $want ] && [ $d -le $((want + 2)) ] ||
	    fail "next retry $d s after the attempt, expected about $want"
done
check_eq "attempts" "attempts 4" "$(grep '^attempts ' "$SPOOL"/*/new/"$id".env)"
check_peer_count 0
check_queue_count 1
