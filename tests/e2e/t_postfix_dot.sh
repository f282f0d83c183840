#!/bin/bash
# t_postfix_dot.sh - the lone-dot rule (SPEC 2, -i) against a real Postfix:
# without -i (or -oi) a line holding a single "." ends the message (LF or
# CRLF input), the rest of the input is ignored, and posthorn exits 0; with
# -i / -oi the dot line is content and arrives intact (dot-stuffed on the
# wire); lines that merely start with dots are never a terminator.
# Afterwards Postfix's log shows no warning, rejection or broken session.
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start || exit 1
postfix_posthorn_conf || exit 1

C=$SRCDIR/tests/corpus
printf 'Subject: CRLF lone dot\r\nTo: bob@example.org\r\n\r\nbefore\r\n.\r\nafter the dot\r\n' >crlf-dot.eml
printf 'Subject: dot at the very end\nTo: bob@example.org\n\nlast line\n.\n' >end-dot.eml
printf 'Subject: dot at the end, no newline\nTo: bob@example.org\n\nlast line\n.' >end-dot-nonl.eml

fail=0
check() {	# label input compare-opts... -- posthorn-args...
	local label=$1 out
	shift
	if out=$(postfix_case "$@" 2>&1); then
		echo "ok   $label"
	else
		echo "FAIL $label"
		printf '%s\n' "$out"
		fail=$((fail + 1))
	fi
}
S=(--sender alice@example.org --rcpt bob@example.org)
P=(-f alice@example.org bob@example.org)
check "lone dot, no -i: ends at the dot" "$C/lone-dot.eml" "${S[@]}" --dot-end -- "${P[@]}"
check "lone dot, -i: kept" "$C/lone-dot.eml" "${S[@]}" -- -i "${P[@]}"
check "lone dot, -oi: kept" "$C/lone-dot.eml" "${S[@]}" -- -oi "${P[@]}"
check "CRLF lone dot, no -i: ends at the dot" crlf-dot.eml "${S[@]}" --dot-end -- "${P[@]}"
check "CRLF lone dot, -i: kept" crlf-dot.eml "${S[@]}" -- -i "${P[@]}"
check "dot lines, no -i: none ends the message" "$C/dots.eml" "${S[@]}" --dot-end -- "${P[@]}"
check "dot as the last line, no -i" end-dot.eml "${S[@]}" --dot-end -- "${P[@]}"
check "dot as the last line, -i: kept" end-dot.eml "${S[@]}" -- -i "${P[@]}"
check "dot as the last line without newline, no -i" end-dot-nonl.eml "${S[@]}" --dot-end -- "${P[@]}"
postfix_stop
postfix_log_clean || fail=1
[ $fail -eq 0 ]
