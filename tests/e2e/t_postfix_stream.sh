#!/bin/bash
# t_postfix_stream.sh - streaming edge cases at volume, against a real
# Postfix, so that every read-buffer boundary falls somewhere awkward:
#  1. 16 MB of CRLF input with line lengths varying from 0 to 210, lines
#     starting with "." and "..", lone dots (-i), and a bare CR now and then:
#     arrives with every line intact (a CR at the end of one read and its LF
#     at the start of the next is still one line end; dot-stuffing never
#     splits or loses a dot).
#  2. 4 MB whose lines vary from 0 to 6,000 octets, many over 998, with
#     "=", trailing spaces and tabs: arrives quoted-printable (lines of at
#     most 76, trailing white space encoded) and decodes to the input.
# Each: exit 0, one delivery, byte-for-byte comparison, empty queue.
# Afterwards Postfix's log shows no warning, rejection or broken session.
set -u
. "$SRCDIR/tests/postfix.sh"

postfix_start || exit 1
postfix_posthorn_conf || exit 1
fail=0

{
	printf 'Subject: 16 MB of CRLF lines of varying length\r\nTo: bob@example.org\r\n\r\n'
	awk 'BEGIN {
		s = "abcdefghijklmnopqrstuvwxyz0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ.";
		while (length(s) < 400) s = s s;
		total = 0;
		for (i = 0; total < 16000000; i++) {
			n = (i * 7919) % 211;
			l = substr(s, 1, n);
			if (i % 13 == 0) l = "." l;
			else if (i % 17 == 0) l = ".." l;
			else if (i % 5001 == 0) l = ".";
			if (i % 997 == 0) l = l "\r" "after a bare CR";
			printf "%s\r\n", l;
			total += length(l) + 2;
		}
	}'
} >crlf.eml
if out=$(postfix_case crlf.eml --sender alice@example.org --rcpt bob@example.org \
    -- -i -f alice@example.org bob@example.org 2>&1); then
	echo "ok   16 MB CRLF, varying lengths, dots, bare CRs ($(stat -c %s crlf.eml) bytes)"
else
	echo "FAIL 16 MB CRLF, varying lengths, dots, bare CRs"
	printf '%s\n' "$out"
	fail=1
fi
rm -f crlf.eml

{
	printf 'Subject: 4 MB with many lines over 998 octets\nTo: bob@example.org\n\n'
	awk 'BEGIN {
		s = "The quick brown fox = jumps over the lazy dog; 0123456789 == ";
		while (length(s) < 7000) s = s s;
		total = 0;
		for (i = 0; total < 4000000; i++) {
			n = (i * 104729) % 6001;
			l = substr(s, 1 + i % 50, n);
			if (i % 7 == 0) l = l " ";
			if (i % 11 == 0) l = l "\t";
			if (i % 19 == 0) l = "." l;
			printf "%s\n", l;
			total += length(l) + 1;
		}
	}'
} >long.eml
if out=$(postfix_case long.eml --sender alice@example.org --rcpt bob@example.org \
    -- -i -f alice@example.org bob@example.org 2>&1); then
	echo "ok   4 MB of long lines, quoted-printable ($(stat -c %s long.eml) bytes)"
else
	echo "FAIL 4 MB of long lines"
	printf '%s\n' "$out"
	fail=1
fi
rm -f long.eml
postfix_stop
postfix_log_clean || fail=1
exit $fail
