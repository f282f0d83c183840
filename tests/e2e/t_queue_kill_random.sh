#!/bin/bash
# t_queue_kill_random: 40 submissions (-odi, 40 KB each, to a working
# server), each killed with SIGKILL after a random 0-40 ms, so the kills
# land at every step: reading, spooling, renaming, delivering.  Afterwards
# every file pair in new/ is a complete message, a forced flush delivers
# them, and then: no message reaches the server more than twice, every
# submission that exited 0 before its kill was delivered, every delivered
# copy is complete, and (once their mtime is two hours old) no leftover
# stays in new/ or tmp/ after a later run.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/queue_lib.sh"
N=40
start_smtpd
write_conf
body() {	# tag
	printf 'Subject: %s\nTo: bob@example.org\n\n' "$1"
	for i in $(seq 500); do
		printf 'line %03d of message %s, padding padding padding\n' \
		    $i "$1"
	done
	printf 'END-OF-%s\n' "$1"
}
for k in $(seq $N); do
	tag=$(printf 'rk%02d' $k)
	body $tag >"$TESTTMP/$tag.in"
	"$POSTHORN" -C "$CONF" -f alice@example.org bob@example.org \
	    <"$TESTTMP/$tag.in" >/dev/null 2>>"$TESTTMP/kill.err" &
	pid=$!
	sleep "0.0$(printf '%02d' $((RANDOM % 41)))"
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "$tag $?" >>"$TESTTMP/results"
done
echo "exits: $(cut -d' ' -f2 "$TESTTMP/results" | sort | uniq -c | tr '\n' ' ')"

# what is in new/: complete pairs only (a lone .msg is debris, allowed)
for env in "$SPOOL"/*/new/*.env; do
	[ -e "$env" ] || continue
	msg=${env%.env}.msg
	[ -f "$msg" ] || fail "$env has no data file"
	grep -q '^version 1$' "$env" || fail "$env is incomplete: $(cat "$env")"
	grep -q '^rcpt ' "$env" || fail "$env is incomplete: $(cat "$env")"
	grep -q '^END-OF-rk' "$msg" || fail "$msg is truncated"
done
echo "queued after the kills: $(queue_count)"

posthorn_run -qR@
check_exit 0
check_queue_count 0
counts=$(peer_subject_counts)
while read -r tag rc; do
	n=$(echo "$counts" | awk -v s="$tag" '$2 == s { print $1 }')
	n=${n:-0}
	[ "$n" -le 2 ] || fail "$tag delivered $n times"
	if [ "$rc" = 0 ] && [ "$n" -lt 1 ]; then
		fail "$tag: the submission exited 0 but it was never delivered"
	fi
done <"$TESTTMP/results"
for f in "$PEERDIR"/msg-*.eml; do
	[ -e "$f" ] || continue
	tag=$(sed -n 's/^Subject: \(rk[0-9]*\).*/\1/p' "$f" | head -1)
	grep -q "^END-OF-$tag" "$f" || fail "$f ($tag) arrived truncated"
done
echo "delivered: $(peer_total) copies of $(echo "$counts" | grep -c .) messages"

before=$(peer_total)
find "$SPOOL" -mindepth 3 \( -path '*/tmp/*' -o -path '*/new/*' \) \
    -exec touch -h -d '-2 hours' {} +
posthorn_run -q
check_exit 0
check_eq "deliveries by a later run" "$before" "$(peer_total)"
check_new_empty
check_eq "files left in tmp/" 0 "$(tmp_count)"
