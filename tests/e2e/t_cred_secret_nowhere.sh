#!/bin/bash
# t_cred_secret_nowhere: for each AUTH mechanism (PLAIN, LOGIN, CRAM-MD5,
# SCRAM-SHA-256, XOAUTH2 forced), against a server that verifies it, a
# submission with -v that authenticates, delivers to one recipient and
# leaves another queued (451 at its RCPT), then a forced flush with -v
# (-qR) and mailq / --show of the queued message: the secret appears
# nowhere - not in the -v dialogue (stderr), the log_file, stdout, nor any
# file of the queue - neither as itself nor in its base64 forms (AUTH
# LOGIN's, AUTH PLAIN's blob, the XOAUTH2 blob).
. "$SRCDIR/tests/lib.sh"
make_certs
pw='N0where-S3cret-Zq9'
for mech in PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256 XOAUTH2; do
	rm -rf "$SPOOL" "$MAILLOG" && mkdir -p "$SPOOL" && chmod 1777 "$SPOOL"
	start_smtpd --starttls --require-tls --tls-cert "$CERT" \
	    --tls-key "$KEY" --auth-user alice --auth-password "$pw" \
	    --auth-mechs "$mech" \
	    --reply 'rcpt:carol@example.org=451 4.3.0 carol later'
	write_conf smarthost "localhost:$PORT" tls starttls \
	    tls_ca_file "$CA_FILE" auth_user alice auth_password "$pw"
	[ $mech = XOAUTH2 ] && conf_add auth_mechanism xoauth2
	simple_msg "$mech" | posthorn_run -v bob@example.org carol@example.org
	check_exit 0
	check_peer_count 1
	check_peer_saw "^AUTH-OK $mech alice\$"
	check_queue_count 1
	check_stderr "^>>> AUTH $mech"
	id=$(basename "$(ls "$SPOOL"/*/new/*.env)" .env)
	check_no_secret_in alice "$pw" "$ERR" "$OUT" "$MAILLOG" "$SPOOL"

	posthorn_run -v -qRcarol
	check_exit 0
	check_stderr "^>>> AUTH $mech"
	check_no_secret_in alice "$pw" "$ERR" "$OUT" "$MAILLOG" "$SPOOL"
	check_queue_count 1
	posthorn_run -bp
	check_no_secret_in alice "$pw" "$ERR" "$OUT"
	posthorn_run --show "$id"
	check_exit 0
	check_no_secret_in alice "$pw" "$ERR" "$OUT"
	stop_peers
done
