#!/bin/bash
# t_postfix_7bit.sh - a real Postfix that offers no 8BITMIME
# (smtpd_discard_ehlo_keywords = 8bitmime): posthorn makes every 8-bit part
# 7-bit with quoted-printable (SPEC 3, RFC 6152 3) - the UTF-8 body of a
# single-part message, only the 8-bit leaf of a multipart (the others, the
# multipart headers, preamble and epilogue byte for byte; Postfix's
# strict_mime_encoding_domain refuses an encoded multipart) - and the
# decoded text equals the input.  A 7-bit message passes unchanged.
# Afterwards Postfix's log shows no warning, rejection or broken session.
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start "smtpd_discard_ehlo_keywords = 8bitmime" || exit 1
postfix_posthorn_conf || exit 1

fail=0
for name in utf8-body multipart-8bit lone-dot long-line; do
	f=$SRCDIR/tests/corpus/$name.eml
	if out=$(postfix_case "$f" --seven-bit --sender alice@example.org \
	    --rcpt bob@example.org -- -i -f alice@example.org bob@example.org 2>&1)
	then
		echo "ok   $name.eml without 8BITMIME"
	else
		echo "FAIL $name.eml without 8BITMIME"
		printf '%s\n' "$out"
		fail=1
	fi
done
if ! grep -q 'discarding EHLO keywords: 8BITMIME' "$PF_LOG"; then
	echo "FAIL Postfix never hid 8BITMIME: the test proves nothing"
	fail=1
fi
postfix_stop
postfix_log_clean || fail=1
exit $fail
