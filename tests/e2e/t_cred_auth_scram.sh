#!/bin/bash
# t_cred_auth_scram: the server offers SCRAM-SHA-256 besides PLAIN, LOGIN
# and CRAM-MD5 and verifies the client's proof (tests/peer/smtpd.py,
# RFC 5802/7677): posthorn prefers SCRAM-SHA-256, proves the password,
# accepts the server's signature (v=, answered with an empty line) and
# delivers: exit 0, nothing queued, the server saw the user authenticated.
# Twice: user "alice", then a user name holding ',' and '=' (sent escaped
# as =2C and =3D, RFC 5802 5.1).
. "$SRCDIR/tests/lib.sh"
make_certs
pw='Scr4m-p4ss,=word'
for user in alice 'ops=mail,relay'; do
	start_smtpd --starttls --require-tls --tls-cert "$CERT" \
	    --tls-key "$KEY" --auth-user "$user" --auth-password "$pw" \
	    --auth-mechs PLAIN,LOGIN,CRAM-MD5,SCRAM-SHA-256
	write_conf smarthost "localhost:$PORT" tls starttls \
	    tls_ca_file "$CA_FILE" auth_user "$user" auth_password "$pw"
	simple_msg | posthorn_run bob@example.org
	check_exit 0
	check_queue_count 0
	check_peer_count 1
	check_peer_saw '^C: AUTH SCRAM-SHA-256 '
	check_peer_not_saw '^C: AUTH (PLAIN|LOGIN|CRAM-MD5)'
	check_peer_saw "^AUTH-OK SCRAM-SHA-256 $user\$"
	check_peer_not_saw '^AUTH-(FAILED|ABORTED)'
	check_eq "authenticated user" "$user" "$(peer_env 1 auth)"
	stop_peers
done
