#!/bin/bash
# t_postfix_corpus.sh - every message of tests/corpus/ goes through posthorn
# (-i) to a real Postfix; the file Postfix stores must equal the input byte
# for byte, apart from SPEC 3's transformations (tests/postfix.sh,
# postfix_compare): trace headers, posthorn's Received: and the Date,
# Message-ID and From it adds when missing (which must be well formed),
# bare CR as a line end, a final newline, no leading "From " line, a blank
# line before a body that follows no header, and quoted-printable for a
# part with a line over 998 octets.  After each delivery the queue's new/
# is empty.
# Afterwards Postfix's log shows no warning, rejection or broken session.
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start || exit 1
postfix_posthorn_conf || exit 1

fail=0 n=0
for f in "$SRCDIR"/tests/corpus/*.eml; do
	n=$((n + 1))
	name=${f##*/}
	if out=$(postfix_case "$f" --sender alice@example.org \
	    --rcpt bob@example.org -- -i -f alice@example.org bob@example.org 2>&1)
	then
		echo "ok   $name"
	else
		echo "FAIL $name"
		printf '%s\n' "$out"
		fail=$((fail + 1))
	fi
done
[ $n -ge 25 ] || { echo "FAIL only $n corpus files found"; fail=$((fail + 1)); }
echo "corpus: $((n - fail)) of $n delivered intact"
postfix_stop
postfix_log_clean || fail=1
[ $fail -eq 0 ]
