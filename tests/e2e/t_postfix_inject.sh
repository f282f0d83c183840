#!/bin/bash
# t_postfix_inject.sh - nothing from the command line or a header can
# inject a header line or an SMTP command (SPEC 3, SPEC 2 exit codes), with
# a real Postfix as the would-be victim: -F, -f or a recipient holding CR
# or LF, and a NUL byte in a header, are refused with exit 65 (EX_DATAERR)
# and a message on stderr; nothing is queued, nothing reaches Postfix (its
# log shows no MAIL command).  A body full of smuggling attempts is covered
# by tests/corpus/smuggle.eml (t_postfix_corpus).
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start || exit 1
postfix_posthorn_conf || exit 1
fail=0
printf 'Subject: injection\nTo: bob@example.org\n\nhello\n' >m.eml
printf 'Subject: NUL \000 in a header\nTo: bob@example.org\n\nhello\n' >nul.eml

try() {	# label input arg...
	local label=$1 input=$2 rc
	shift 2
	timeout 30 "$POSTHORN" -C "$PH_CONF" "$@" <"$input" >out.txt 2>err.txt
	rc=$?
	if [ $rc -eq 65 ] && [ -s err.txt ]; then
		echo "ok   $label: exit 65 ($(head -1 err.txt))"
	else
		echo "FAIL $label: expected exit 65 and a reason on stderr, got exit $rc"
		sed 's/^/    stderr: /' err.txt
		fail=1
	fi
}
try "-F with LF" m.eml -i -f alice@example.org -F $'Eve\nBcc: mallory@example.com' bob@example.org
try "-F with CR" m.eml -i -f alice@example.org -F $'Eve\rBcc: mallory@example.com' bob@example.org
try "-f with CRLF" m.eml -i -f $'alice@example.org>\r\nRCPT TO:<mallory@example.com' bob@example.org
try "recipient with CRLF" m.eml -i -f alice@example.org $'bob@example.org>\r\nRCPT TO:<mallory@example.com'
try "recipient with LF" m.eml -i -f alice@example.org $'bob@example.org\nmallory@example.com'
try "NUL byte in a header" nul.eml -i -f alice@example.org bob@example.org

sleep 0.5
n=$(pf_count_new)
[ "$n" -eq 0 ] || { echo "FAIL $n message(s) delivered"; fail=1; }
if grep -Eq 'client=|mail=[0-9]' "$PF_LOG"; then
	echo "FAIL a refused submission reached Postfix:"
	grep -E 'client=|disconnect' "$PF_LOG" | sed 's/^/    /'
	fail=1
fi
left=$(find "$PH_SPOOL" -type f \( -path '*/new/*' -o -path '*/tmp/*' -o -path '*/failed/*' \) 2>/dev/null)
if [ -n "$left" ]; then
	echo "FAIL files left in the queue:"
	echo "$left" | sed 's/^/    /'
	fail=1
fi
postfix_stop
postfix_log_clean || fail=1
exit $fail
