#!/bin/bash
# t_smtp_long_line: a body line of 3000 octets is never sent over-long: the
# body arrives re-encoded (quoted-printable), with no line over 998 octets,
# and decodes back to the original text.
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
long=$(head -c 3000 /dev/zero | tr '\0' 'x')
printf 'Subject: long\n\nshort line\n%s\nend\n' "$long" | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_not_saw '^PROTOCOL-ERROR'
max=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$(peer_msg 1)")
[ "$max" -le 999 ] || fail "a line of $max octets arrived (limit 998 + CR)"
got=$("$PYTHON" - "$(peer_msg 1)" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                   policy=email.policy.default)
sys.stdout.write(m.get_payload(decode=True).decode().replace("\r\n", "\n"))
PY
)
check_eq "decoded body" "short line
$long
end" "$(printf '%s' "$got" | sed '$!b' )"
