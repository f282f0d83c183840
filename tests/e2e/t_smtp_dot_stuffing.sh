#!/bin/bash
# t_smtp_dot_stuffing: body lines starting with dots arrive unchanged (the
# client stuffs, the server unstuffs), and input with CRLF, LF and a bare CR
# reaches the wire with CRLF only (no bare CR or LF: the peer refuses them).
. "$SRCDIR/tests/lib.sh"
start_smtpd
write_conf
printf 'Subject: dots\r\n\r\n..two\r\n.one\n...\nx\ry\n.\r.\n' |
    posthorn_run -i bob@example.org
check_exit 0
check_peer_count 1
check_peer_not_saw '^PROTOCOL-ERROR'
check_msg 1 '^\.\.two'$'\r''$'
check_msg 1 '^\.one'$'\r''$'
check_msg 1 '^\.\.\.'$'\r''$'
check_msg 1 '^x'$'\r''$'
check_msg 1 '^y'$'\r''$'
