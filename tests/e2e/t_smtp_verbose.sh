#!/bin/bash
# t_smtp_verbose: -v prints the SMTP dialogue on stderr, ">>> " before what
# posthorn sends and "<<< " before the replies, and never the password nor
# its base64 forms (AUTH PLAIN, then AUTH LOGIN).
. "$SRCDIR/tests/lib.sh"
make_certs
pw='V3ry-S3cret-pw'
for mech in PLAIN LOGIN; do
	start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
	    --auth-user alice --auth-password "$pw" --auth-mechs $mech
	write_conf smarthost "localhost:$PORT" tls starttls \
	    tls_ca_file "$CA_FILE" auth_user alice auth_password "$pw"
	simple_msg | posthorn_run -v bob@example.org
	check_exit 0
	check_peer_count 1
	check_peer_saw "^AUTH-OK $mech alice\$"
	check_stderr '^<<< 220[ -]'
	check_stderr '^>>> EHLO test\.example'$'\r''?$'
	check_stderr '^<<< 250[ -]'
	check_stderr '^>>> STARTTLS'
	check_stderr "^>>> AUTH $mech"
	check_stderr '^<<< 235 '
	check_stderr '^>>> MAIL FROM:<'
	check_stderr '^>>> RCPT TO:<bob@example\.org>'
	check_stderr '^>>> DATA'
	check_stderr '^<<< 354 '
	check_stderr '^>>> QUIT'
	check_no_secret "stderr of -v (AUTH $mech)" "$ERR" alice "$pw"
	check_no_secret "maillog (AUTH $mech)" "$MAILLOG" alice "$pw"
	stop_peers
done
