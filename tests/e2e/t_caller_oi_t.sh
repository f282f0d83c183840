#!/bin/bash
# t_caller_oi_t: the "sendmail -oi -t" style of system reporters such as
# unattended-upgrades (a python3 subprocess writing an email.mime message:
# "sendmail -oi -t") and logwatch (its default mailer "sendmail -t", a
# bare "From: Logwatch").  The programs themselves are not installed (each
# would enable a daily job on the machine); their invocation and message
# shapes are reproduced: python3's email package builds the first message
# and pipes it the way unattended-upgrades does.
#
# Asserted: 1) -oi -t: exit 0; recipients exactly those of To and Cc, with
# display names, a quoted name holding a comma, a comment and a folded Cc;
# the envelope sender is the login at domain; From kept; the UTF-8
# (base64) body decodes to what was written, a lone "." included.
# 2) -t without -i: the bare "From: Logwatch" leaves qualified as
# "Logwatch@example.org"; a line holding only "." ends the message (no
# -i), so what follows it is not sent.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
guard_system_sendmail "$@"

start_smtpd
write_conf
make_wrapper
caller_home
me=$(id -un)

# 1. unattended-upgrades' way
timeout -k 5 90 "$PYTHON" - "$SENDMAIL" >"$CALLER_OUT" 2>"$CALLER_ERR" <<'EOF_PY'
import subprocess, sys
from email.mime.text import MIMEText
body = ("Unattended upgrade result: All upgrades installed\n\n"
        "Packages that were upgraded:\n libssl3 openssl\n.\n"
        "Größe des Downloads: 3 MB\n")
msg = MIMEText(body, "plain", "utf-8")
msg["Subject"] = "unattended-upgrades result for web1.example.org: SUCCESS"
msg["From"] = "root@web1.example.org"
msg["To"] = 'Admins <admin@example.org>, "Ops, Team" <ops@example.org>'
msg["Cc"] = "backup@example.org (Backup box),\n audit@example.org"
msg["Auto-Submitted"] = "auto-generated"
p = subprocess.Popen([sys.argv[1], "-oi", "-t"], stdin=subprocess.PIPE,
                     universal_newlines=True)
p.stdin.write(msg.as_string())
p.stdin.close()
sys.exit(p.wait(timeout=60))
EOF_PY
CRC=$?
check_caller_exit 0
wait_peer_count 1
check_argv '^CALL \[-oi\] \[-t\]$'
check_sender 1 "$me@example.org"
check_rcpts 1 admin@example.org ops@example.org backup@example.org \
    audit@example.org
check_header 1 From '^root@web1\.example\.org$'
check_header 1 To '^Admins <admin@example\.org>, "Ops, Team" <ops@example\.org>$'
check_header 1 Cc '^backup@example\.org \(Backup box\),[ \t]+audit@example\.org$'
check_header 1 Auto-Submitted '^auto-generated$'
check_header 1 Content-Transfer-Encoding '^base64$'
"$PYTHON" - "$(peer_msg 1)" <<'EOF_PY' || fail "the body is not what was sent"
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                   policy=email.policy.default)
t = m.get_content()
assert t == ("Unattended upgrade result: All upgrades installed\n\n"
             "Packages that were upgraded:\n libssl3 openssl\n.\n"
             "Größe des Downloads: 3 MB\n"), repr(t)
EOF_PY

# 2. logwatch's way
printf '%s\n' 'From: Logwatch' 'To: reports@example.org' \
    'Subject: Logwatch for web1 (Linux)' 'Auto-Submitted: auto-generated' \
    'MIME-Version: 1.0' 'Content-Transfer-Encoding: 7bit' \
    'Content-Type: text/plain; charset="us-ascii"' '' \
    ' ################### Logwatch 7.7 ####################' \
    '        Processing Initiated: Mon May  6 06:25:01 2024' \
    '.' 'not part of the message' |
    caller_run "$SENDMAIL" -t
check_caller_exit 0
wait_peer_count 2
check_argv '^CALL \[-t\]$'
n=$(peer_find rcpt_tos reports@example.org)
check_sender $n "$me@example.org"
check_rcpts $n reports@example.org
check_header $n From '^Logwatch@example\.org$'
check_header $n Subject '^Logwatch for web1 \(Linux\)$'
check_body $n 'Logwatch 7\.7'
check_body $n 'Processing Initiated'
check_body_not $n 'not part of the message'
check_clean_wire
check_queue_count 0
check_no_system_sendmail
