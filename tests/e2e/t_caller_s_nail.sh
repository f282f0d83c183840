#!/bin/bash
# t_caller_s_nail: s-nail (Debian's mailx) with -S mta=posthorn.
#
# s-nail runs "MTA -i [-F NAME] -f ADDR -- RCPT..." (To, Cc and Bcc as
# arguments, -F and -f from -r), the message with LF line ends; it encodes
# a UTF-8 Subject (RFC 2047) and builds multipart/mixed for -a.
#
# Asserted: s-nail exits 0; the exact argv; envelope sender from -r;
# recipients To + Cc + Bcc; the Bcc address nowhere in what arrives (no Bcc
# header); the headers s-nail wrote (From with display name, To, Cc, the
# encoded Subject decoding to the original, its Message-ID kept, once);
# the text part with its 8-bit UTF-8 line and a lone "." (-i), and the
# attachment, as a mail reader sees them; the system sendmail never ran.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
guard_system_sendmail "$@"
need_prog s-nail s-nail

start_smtpd
write_conf
make_wrapper
caller_home

printf 'line one\nline two\n' >"$TESTTMP/report.txt"
printf 'Hello Bob,\nvoilà le rapport.\n.\nbye\n' |
    caller_run s-nail -:/ -S mta="$SENDMAIL" -S sendwait \
    -s 'Rapport de sécurité' -r 'Alice Example <alice@example.org>' \
    -c carol@example.org -b dave@example.org -a "$TESTTMP/report.txt" \
    bob@example.org
check_caller_exit 0
wait_peer_count 1
check_no_system_sendmail

check_argv '^CALL \[-i\] \[-F\] \[Alice Example\] \[-f\] \[alice@example\.org\] \[--\] \[bob@example\.org\] \[carol@example\.org\] \[dave@example\.org\]$'
check_clean_wire
check_queue_count 0
check_sender 1 alice@example.org
check_rcpts 1 bob@example.org carol@example.org dave@example.org
check_header 1 From '^Alice Example <alice@example\.org>$'
check_header 1 To '^bob@example\.org$'
check_header 1 Cc '^carol@example\.org$'
check_header 1 Subject '=\?[Uu][Tt][Ff]-8\?[Qq]\?'
check_header 1 User-Agent '^s-nail '
check_header 1 Message-ID '^<[^<>]+@example\.org>$'
check_header_count 1 Date 1
check_no_header 1 Bcc
check_msg_not 1 'dave@example\.org'

"$PYTHON" - "$(peer_msg 1)" <<'EOF_PY' || fail "the message is not what s-nail sent"
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                   policy=email.policy.default)
assert str(m["Subject"]) == "Rapport de sécurité", repr(str(m["Subject"]))
assert m.get_content_type() == "multipart/mixed", m.get_content_type()
parts = list(m.iter_parts())
assert len(parts) == 2, [p.get_content_type() for p in parts]
text = parts[0].get_content()
assert text.startswith("Hello Bob,\nvoilà le rapport.\n.\nbye"), repr(text)
assert parts[1].get_filename() == "report.txt", parts[1].get_filename()
assert parts[1].get_content() == "line one\nline two\n", \
    repr(parts[1].get_content())
EOF_PY
