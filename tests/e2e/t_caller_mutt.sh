#!/bin/bash
# t_caller_mutt: mutt in batch mode (stdin not a terminal) with
# "set sendmail=posthorn -oem -oi", as mutt users configure it.
#
# mutt runs "SENDMAIL -oem -oi [-f FROM] -- RCPT..." (To, Cc and Bcc as
# arguments; -f with use_envelope_from), the message with LF line ends.
# (Debian 12's mutt 2.2 leaves the Bcc header out of what it pipes even
# with write_bcc=yes; t_caller_mailx covers a caller that writes it.)
#
# Asserted: mutt exits 0; the exact argv; envelope sender from -f;
# recipients To + Cc + Bcc; no Bcc header, nor the Bcc address anywhere in
# the message; mutt's Date and Message-ID kept (once); the multipart/mixed
# message with its attachment and the 8-bit UTF-8 text intact
# (BODY=8BITMIME); a lone "." line kept (-oi).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
guard_system_sendmail "$@"
need_prog mutt mutt

start_smtpd
write_conf
make_wrapper
caller_home

printf 'first line of the attachment\nsecond line\n' >"$TESTTMP/notes.txt"
printf 'Hello Bob,\n\nGrüße aus Köln.\n.\nThe line above is a lone dot.\n' \
    >"$TESTTMP/body"
caller_run mutt -n -F /dev/null \
    -e "set sendmail=\"$SENDMAIL -oem -oi\"" \
    -e 'set from="Alice Example <alice@example.org>"' \
    -e 'set use_envelope_from=yes' \
    -e 'set record=""' -e 'set hostname=test.example' \
    -e 'set send_charset="us-ascii:utf-8"' \
    -s 'Notes from mutt' -c carol@example.org -b dave@example.org \
    -a "$TESTTMP/notes.txt" -- bob@example.org <"$TESTTMP/body"
check_caller_exit 0
wait_peer_count 1

check_argv '^CALL \[-oem\] \[-oi\] \[-f\] \[alice@example\.org\] \[--\] \[bob@example\.org\] \[carol@example\.org\] \[dave@example\.org\]$'
check_clean_wire
check_queue_count 0
check_sender 1 alice@example.org
check_rcpts 1 bob@example.org carol@example.org dave@example.org
check_header 1 From '^Alice Example <alice@example\.org>$'
check_header 1 To '^bob@example\.org$'
check_header 1 Cc '^carol@example\.org$'
check_header 1 Subject '^Notes from mutt$'
check_no_header 1 Bcc
check_msg_not 1 'dave@example\.org'
check_header 1 Message-ID '^<[^<>]+@test\.example>$'
check_header_count 1 Date 1
check_header 1 Content-Type '^multipart/mixed; boundary='
check_peer_saw '^C: MAIL FROM:<alice@example\.org> .*BODY=8BITMIME'

# the MIME structure as a mail reader sees it
"$PYTHON" - "$(peer_msg 1)" <<'EOF' || fail "the MIME structure is wrong"
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                   policy=email.policy.default)
parts = list(m.iter_parts())
assert len(parts) == 2, [p.get_content_type() for p in parts]
text = parts[0].get_content()
assert "Grüße aus Köln." in text, repr(text)
assert "\n.\nThe line above is a lone dot." in text, repr(text)
assert parts[1].get_filename() == "notes.txt", parts[1].get_filename()
assert parts[1].get_content() == \
    "first line of the attachment\nsecond line\n", repr(parts[1].get_content())
EOF
check_no_system_sendmail
