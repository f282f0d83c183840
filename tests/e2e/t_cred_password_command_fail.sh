#!/bin/bash
# t_cred_password_command_fail: auth_password_command gives no secret -
# it exits 3 (after printing a line), or it prints nothing and exits 0.
# Either way no AUTH is tried with a bogus password: the message stays
# queued (exit 0), and the maillog and -v say why (the command failed /
# printed nothing), naming auth_password_command.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'real-pw' --auth-mechs PLAIN
for cmd in 'echo half-a-pw; exit 3' 'true'; do
	rm -f "$MAILLOG"
	write_conf smarthost "localhost:$PORT" tls starttls \
	    tls_ca_file "$CA_FILE" auth_user alice auth_password_command "$cmd"
	simple_msg | posthorn_run -v bob@example.org
	check_exit 0
	check_peer_not_saw '^C: AUTH'
	check_peer_count 0
	check_log 'to=<bob@example\.org>, .*status=deferred \(.*auth_password_command'
	check_stderr 'auth_password_command'
	case $cmd in
	*exit*)	check_log 'auth_password_command.*(exit|status).*3'
		check_no_secret_in alice half-a-pw "$ERR" "$MAILLOG" "$SPOOL" ;;
	*)	check_log 'auth_password_command.*(nothing|empty|no output)' ;;
	esac
done
check_queue_count 2
