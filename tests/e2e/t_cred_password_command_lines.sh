#!/bin/bash
# t_cred_password_command_lines: "its first output line is the secret"
# (SPEC 6, as msmtp's passwordeval): a command that prints the password,
# then - a moment later - more lines (as "pass show" prints a password
# and its notes) and exits 0 works: delivered with the first line as the
# password, exit 0, nothing queued.  The later lines must not make the
# command fail (e.g. by closing the pipe on it, so its writes fail with
# EPIPE - posthorn ignores SIGPIPE, and an ignored signal stays ignored
# across exec - and then counting its exit status as a failure).
. "$SRCDIR/tests/lib.sh"
make_certs
pw='F1rst-line-only'
start_smtpd --starttls --require-tls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password "$pw" --auth-mechs PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice \
    auth_password_command "echo '$pw'; sleep 0.5; echo 'URL: https://mail.example'; echo 'login: alice'"
simple_msg | posthorn_run -v bob@example.org
check_exit 0
check_queue_count 0
check_peer_count 1
check_peer_saw '^AUTH-OK PLAIN alice$'
check_stderr_not 'auth_password_command'
