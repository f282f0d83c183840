#!/bin/bash
# t_cred_password_command: auth_password_command runs through /bin/sh -c
# (shell syntax works: a pipeline, quoting, a variable) as the invoking
# user, and its output line (without the line end) is the password:
# delivered with AUTH (the server checks it), exit 0, nothing queued; the
# command's output not in the log, stderr or queue; the command ran once,
# with the caller's uid.  (Output of several lines: see
# t_cred_password_command_lines.)
. "$SRCDIR/tests/lib.sh"
make_certs
pw='Cmd-0utput-s3cret'
printf '%s\n' "$pw" | rev >"$TESTTMP/pw.rev"
chmod 600 "$TESTTMP/pw.rev"
start_smtpd --starttls --require-tls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password "$pw" --auth-mechs PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice \
    auth_password_command "id -u >>'$TESTTMP/ran'; f='$TESTTMP/pw.rev'; rev \"\$f\" | cat"
simple_msg | posthorn_run -v bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^AUTH-OK PLAIN alice$'
check_eq "runs of the command" 1 "$(wc -l <"$TESTTMP/ran")"
check_eq "uid of the command" "$(id -u)" "$(cat "$TESTTMP/ran")"
check_no_secret_in alice "$pw" "$ERR" "$MAILLOG" "$SPOOL"
