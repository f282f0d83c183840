#!/bin/bash
# t_smtp_no_8bitmime: the server does not offer 8BITMIME: no BODY= on MAIL,
# the 8-bit body arrives 7-bit as quoted-printable and decodes back to the
# original text (RFC 6152 3).
. "$SRCDIR/tests/lib.sh"
start_smtpd --no-8bitmime
write_conf
text=$'Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln, = sign and \xe2\x82\xac.\nsecond line'
printf 'Subject: 8bit\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n' "$text" |
    posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_not_saw 'BODY='
check_eq "8-bit bytes on the wire" false "$(peer_env 1 eightbit)"
check_msg 1 '^[Cc]ontent-[Tt]ransfer-[Ee]ncoding: *[Qq]uoted-[Pp]rintable'$'\r''?$'
check_msg_not 1 '^[Cc]ontent-[Tt]ransfer-[Ee]ncoding: *8bit'
got=$("$PYTHON" - "$(peer_msg 1)" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                   policy=email.policy.default)
body = m.get_payload(decode=True).decode("utf-8")
sys.stdout.write(body.replace("\r\n", "\n").rstrip("\n"))
PY
)
check_eq "decoded body" "$text" "$got"
