#!/bin/bash
# t_postfix_smtputf8.sh - SMTPUTF8 only when an address needs it (SPEC 3),
# seen through Postfix's Received: header, whose protocol is "UTF8SMTP"
# (RFC 6531 3.7.4) when the client asked for SMTPUTF8, "ESMTP" otherwise:
#  1. an ASCII message, and one with raw UTF-8 in its headers but ASCII
#     addresses: delivered, "with ESMTP" (no SMTPUTF8);
#  2. a UTF-8 recipient (jürgen@example.org): delivered, Delivered-To is the
#     UTF-8 address, "with UTF8SMTP";
#  3. a Postfix that hides SMTPUTF8 (smtpd_discard_ehlo_keywords): the
#     UTF-8 recipient fails permanently - exit 69 (EX_UNAVAILABLE), a
#     reason naming SMTPUTF8 on stderr, nothing delivered or kept.
# Afterwards Postfix's log shows no warning, rejection or broken session.
set -u
. "$SRCDIR/tests/postfix.sh"

fail=0
proto() {	# FILE: the protocol in Postfix's Received: header
	sed -n '/^Received: from/,/^[^ \t]/p' "$1" | tr '\n' ' ' |
	    sed -n 's/.*(Postfix) with \([A-Z0-9]*\) .*/\1/p'
}
check() {	# label input expected-proto compare-opts -- posthorn-args
	local label=$1 input=$2 want=$3 f out p
	shift 3
	local copts=()
	while [ "$1" != -- ]; do copts+=("$1"); shift; done
	shift
	if ! postfix_submit "$input" "$@" || ! f=$(postfix_take_one); then
		echo "FAIL $label"
		fail=1
		return
	fi
	if out=$(postfix_compare "$input" "$f" "${copts[@]}"); then
		echo "ok   $label: intact"
	else
		echo "FAIL $label"
		printf '%s\n' "$out"
		fail=1
	fi
	p=$(proto "$f")
	if [ "$p" = "$want" ]; then
		echo "ok   $label: Postfix received it \"with $p\""
	else
		echo "FAIL $label: expected Postfix's Received: \"with $want\", got \"with $p\""
		fail=1
	fi
}

postfix_start || exit 1
postfix_posthorn_conf || exit 1
printf 'Subject: plain ASCII\nTo: bob@example.org\n\nhello\n' >ascii.eml
printf 'Subject: for J\303\274rgen\nTo: undisclosed-recipients:;\n\nhallo J\303\274rgen\n' >utf8rcpt.eml
check "ASCII message" ascii.eml ESMTP --sender alice@example.org --rcpt bob@example.org \
    -- -i -f alice@example.org bob@example.org
check "UTF-8 headers, ASCII addresses" "$SRCDIR/tests/corpus/utf8-header.eml" ESMTP \
    --sender alice@example.org --rcpt bob@example.org -- -i -f alice@example.org bob@example.org
check "UTF-8 recipient" utf8rcpt.eml UTF8SMTP --sender alice@example.org \
    --rcpt 'jürgen@example.org' -- -i -f alice@example.org 'jürgen@example.org'
postfix_stop
postfix_log_clean || fail=1

postfix_start "smtpd_discard_ehlo_keywords = smtputf8" || exit 1
postfix_posthorn_conf || exit 1
timeout 60 "$POSTHORN" -C "$PH_CONF" -i -f alice@example.org 'jürgen@example.org' \
    <utf8rcpt.eml >out.txt 2>err.txt
rc=$?
if [ $rc -eq 69 ] && grep -qi 'smtputf8' err.txt; then
	echo "ok   no SMTPUTF8 offered: exit 69 ($(head -1 err.txt))"
else
	echo "FAIL no SMTPUTF8 offered: expected exit 69 and a reason naming SMTPUTF8, got exit $rc"
	sed 's/^/    stderr: /' err.txt
	fail=1
fi
sleep 0.5
[ "$(pf_count_new)" -eq 0 ] || { echo "FAIL the message was delivered"; fail=1; }
left=$(find "$PH_SPOOL" -type f \( -path '*/new/*' -o -path '*/failed/*' \) 2>/dev/null)
if [ -n "$left" ]; then
	echo "FAIL the refused message was kept (-oep: the caller owns it):"
	echo "$left" | sed 's/^/    /'
	fail=1
fi
exit $fail
