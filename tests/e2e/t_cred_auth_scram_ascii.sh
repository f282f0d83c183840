#!/bin/bash
# t_cred_auth_scram_ascii: SCRAM-SHA-256 takes ASCII passwords only
# (SASLprep needs Unicode tables posthorn does not carry) and says so
# (issue 6).  A server offering SCRAM-SHA-256 and PLAIN, a UTF-8 password:
# no SCRAM exchange with a wrongly prepared password - either posthorn says
# why (the maillog and -v name ASCII and auth_mechanism) and the message
# stays queued, or it authenticates otherwise; never a failed AUTH at the
# server.  With auth_mechanism plain the same password works.
. "$SRCDIR/tests/lib.sh"
make_certs
pw='pässwörd-ÜTF8'
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password "$pw" --auth-mechs SCRAM-SHA-256,PLAIN
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password "$pw"
simple_msg | posthorn_run -v bob@example.org
check_exit 0
check_peer_not_saw '^AUTH-FAILED'
check_peer_not_saw '^C: AUTH SCRAM-SHA-256'
if [ "$(peer_count)" = 0 ]; then
	check_queue_count 1
	check_log 'SCRAM-SHA-256.*ASCII.*auth_mechanism'
	check_stderr 'ASCII'
fi
rm -rf "${SPOOL:?}"/*
conf_add auth_mechanism plain
simple_msg | posthorn_run bob@example.org
check_exit 0
check_queue_count 0
check_peer_saw '^AUTH-OK PLAIN alice$'
