#!/bin/bash
# t_postfix_flush.sh - the queue against a real Postfix (SPEC 2 -odq/-odb,
# SPEC 4): three messages submitted with -odq are spooled (an .env and a
# .msg each in new/) and nothing connects to Postfix; one "posthorn -q"
# then delivers all three intact over ONE connection (Postfix's disconnect
# line: mail=3, data=3; its strict smtpd accepts posthorn's PIPELINING) and
# empties new/; a message submitted with -odb exits 0 at once and is
# delivered by the background child, leaving new/ empty.
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start || exit 1
postfix_posthorn_conf || exit 1
fail=0
q=$PH_SPOOL/$(id -u)/new

for i in 1 2 3; do
	printf 'Subject: queued message %d\nTo: bob@example.org\n\nbody of message %d\n' $i $i >m$i.eml
	postfix_submit m$i.eml -odq -i -f alice@example.org bob@example.org || fail=1
done
nenv=$(ls "$q"/*.env 2>/dev/null | wc -l)
nmsg=$(ls "$q"/*.msg 2>/dev/null | wc -l)
if [ "$nenv" -eq 3 ] && [ "$nmsg" -eq 3 ]; then
	echo "ok   -odq: three messages spooled"
else
	echo "FAIL -odq: expected 3 .env and 3 .msg files in $q, found $nenv and $nmsg:"
	ls -la "$q" 2>&1 | sed 's/^/    /'
	fail=1
fi
sleep 0.5
if [ "$(pf_count_new)" -ne 0 ] || grep -q 'client=' "$PF_LOG"; then
	echo "FAIL -odq: something was delivered before the flush"
	fail=1
fi
before=$(grep -c 'disconnect from' "$PF_LOG")

timeout 60 "$POSTHORN" -C "$PH_CONF" -q >q.out 2>q.err
rc=$?
if [ $rc -ne 0 ]; then
	echo "FAIL -q: expected exit 0, got $rc"
	sed 's/^/    stderr: /' q.err
	fail=1
fi
if postfix_wait_mail 3; then
	sleep 0.3
	mkdir -p "$PF_DIR/seen"
	for f in "$PF_MAILDIR"/new/*; do
		i=$(sed -n 's/^Subject: queued message //p' "$f")
		if [ -z "$i" ] || [ ! -f "m$i.eml" ]; then
			echo "FAIL -q: unexpected message $f"
			fail=1
			continue
		fi
		if out=$(postfix_compare "m$i.eml" "$f" --sender alice@example.org --rcpt bob@example.org); then
			echo "ok   -q: message $i intact"
		else
			echo "FAIL -q: message $i"
			printf '%s\n' "$out"
			fail=1
		fi
		mv "$f" "$PF_DIR/seen/"
	done
else
	fail=1
fi
postfix_queue_empty || fail=1
sleep 0.5	# the disconnect line follows the last delivery
sessions=$(tail -n +$((before + 1)) <(grep 'disconnect from' "$PF_LOG"))
nsess=$(printf '%s\n' "$sessions" | grep -c .)
if [ "$nsess" -eq 1 ] && printf '%s\n' "$sessions" | grep -q 'mail=3 .*data=3'; then
	echo "ok   -q: one connection for three messages"
else
	echo "FAIL -q: expected one session with mail=3 and data=3, Postfix logged $nsess:"
	printf '%s\n' "$sessions" | sed 's/^/    /'
	fail=1
fi

printf 'Subject: background delivery\nTo: bob@example.org\n\n-odb\n' >b.eml
t0=$(date +%s)
postfix_submit b.eml -odb -i -f alice@example.org bob@example.org || fail=1
if f=$(postfix_take_one); then
	if out=$(postfix_compare b.eml "$f" --sender alice@example.org --rcpt bob@example.org); then
		echo "ok   -odb: delivered in the background"
	else
		echo "FAIL -odb: message"
		printf '%s\n' "$out"
		fail=1
	fi
else
	fail=1
fi
for i in $(seq 1 100); do	# the child removes its queue files last
	[ -z "$(ls "$q" 2>/dev/null)" ] && break
	sleep 0.1
done
postfix_queue_empty || fail=1
postfix_stop
postfix_log_clean || fail=1
exit $fail
