#!/bin/bash
# t_postfix_size.sh - SIZE against a real Postfix with message_size_limit
# 100000 (SPEC 3): posthorn declares SIZE=, so a 300 kB message fails
# before DATA - Postfix logs no DATA command for it - with exit 69
# (EX_UNAVAILABLE, -oep default) and a reason on stderr; nothing is
# delivered and nothing is kept in the queue (new/ and failed/ empty);
# a message under the limit in the same set-up is delivered.
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start "message_size_limit = 100000" || exit 1
postfix_posthorn_conf || exit 1
fail=0

{
	printf 'Subject: too big for this server\nTo: bob@example.org\n\n'
	awk 'BEGIN { for (i = 0; i < 4000; i++)
		printf "%05d over-size body line ........................................\n", i }'
} >big.eml

timeout 60 "$POSTHORN" -C "$PH_CONF" -i -f alice@example.org bob@example.org \
    <big.eml >out.txt 2>err.txt
rc=$?
if [ $rc -eq 69 ]; then
	echo "ok   over-size message: exit 69"
else
	echo "FAIL over-size message: expected exit 69 (EX_UNAVAILABLE), got $rc"
	fail=1
fi
if [ -s err.txt ]; then
	echo "ok   stderr: $(head -1 err.txt)"
else
	echo "FAIL over-size message: nothing on stderr"
	fail=1
fi
sleep 0.5
n=$(pf_count_new)
[ "$n" -eq 0 ] || { echo "FAIL over-size message: $n deliveries"; fail=1; }
if grep -Eq 'data=[0-9]' "$PF_LOG"; then
	echo "FAIL posthorn reached DATA with an over-size message (SIZE= not declared?):"
	grep -E 'disconnect from' "$PF_LOG" | sed 's/^/    /'
	fail=1
else
	echo "ok   no DATA sent for the over-size message"
fi
left=$(find "$PH_SPOOL" -path '*/new/*' -o -path '*/failed/*' | grep -v '/$' || true)
left=$(for p in $left; do [ -f "$p" ] && echo "$p"; done)
if [ -n "$left" ]; then
	echo "FAIL the rejected message was kept (-oep: the caller owns it):"
	echo "$left" | sed 's/^/    /'
	fail=1
else
	echo "ok   nothing kept in the queue"
fi

printf 'Subject: small enough\nTo: bob@example.org\n\nfits\n' >small.eml
if out=$(postfix_case small.eml --sender alice@example.org --rcpt bob@example.org \
    -- -i -f alice@example.org bob@example.org 2>&1); then
	echo "ok   a message under the limit is delivered"
else
	echo "FAIL a message under the limit"
	printf '%s\n' "$out"
	fail=1
fi
exit $fail
