#!/bin/bash
# t_cred_password_file_mode: auth_password_file names a file readable by
# group and others (0644).  SPEC 6: "every password or key file must not
# be readable by group or others"; bad or insecure configuration is 78
# (SPEC 2), and issue 6 asks for "mode 0644 password file -> 78 with the
# fix in the message".  So: exit 78, stderr names the file and the fix
# (chmod 600 FILE), nothing queued (78 means not accepted), no connection
# to the server, the password not echoed.  The same file at 0640 (group-
# readable) is refused the same way.
. "$SRCDIR/tests/lib.sh"
make_certs
pw='L00se-m0de-pw'
printf '%s\n' "$pw" >"$TESTTMP/pw"
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password "$pw" --auth-mechs PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password_file "$TESTTMP/pw"
for mode in 644 640; do
	chmod $mode "$TESTTMP/pw"
	simple_msg | posthorn_run bob@example.org
	check_peer_not_saw '^C: AUTH'
	check_no_secret_in alice "$pw" "$ERR" "$MAILLOG" "$SPOOL"
	check_exit 78
	check_stderr "$TESTTMP/pw"
	check_stderr "chmod (600|0600|go-rwx) $TESTTMP/pw"
	check_queue_count 0
	check_peer_not_saw '^CONNECT'
done
