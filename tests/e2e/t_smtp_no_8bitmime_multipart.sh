#!/bin/bash
# t_smtp_no_8bitmime_multipart: a multipart message with two 8-bit text
# parts and a base64 attachment, to a server without 8BITMIME: it arrives
# 7-bit, each text part re-encoded (quoted-printable) and every part decodes
# back to the original.
. "$SRCDIR/tests/lib.sh"
start_smtpd --no-8bitmime
write_conf
cat >msg <<'MSG'
Subject: multipart 8bit
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BOUNDARY-1"

preamble
--BOUNDARY-1
Content-Type: multipart/alternative; boundary="BOUNDARY-2"

--BOUNDARY-2
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

plain: Grüße aus Köln = ok
--BOUNDARY-2
Content-Type: text/html; charset=utf-8

<p>html: Grüße — €</p>
--BOUNDARY-2--
--BOUNDARY-1
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

AAECAwQFBgcICQoLDA0ODw==
--BOUNDARY-1--
epilogue
MSG
posthorn_run bob@example.org <msg
check_exit 0
check_peer_count 1
check_peer_not_saw '^PROTOCOL-ERROR'
check_eq "8-bit bytes on the wire" false "$(peer_env 1 eightbit)"
got=$("$PYTHON" - "$(peer_msg 1)" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                   policy=email.policy.default)
for part in m.walk():
    if part.is_multipart():
        continue
    data = part.get_payload(decode=True)
    if part.get_content_maintype() == "text":
        print(part.get_content_type(), data.decode("utf-8").strip())
    else:
        print(part.get_content_type(), data.hex())
PY
)
check_eq "decoded parts" "text/plain plain: Grüße aus Köln = ok
text/html <p>html: Grüße — €</p>
application/octet-stream 000102030405060708090a0b0c0d0e0f" "$got"
