#!/bin/bash
# t_cred_auth_scram_iterations: a SCRAM-SHA-256 server that asks for an
# absurd iteration count (i=50000000: minutes of PBKDF2, a way to stall or
# burn a client) is refused at once: posthorn aborts the exchange, the
# message stays queued (exit 0) within a few seconds, no MAIL sent.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'It3r-pw' --auth-mechs SCRAM-SHA-256 \
    --scram-iterations 50000000
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE" \
    auth_user alice auth_password 'It3r-pw'
start=$(date +%s)
simple_msg | RUN_TIMEOUT=60 posthorn_run bob@example.org
took=$(($(date +%s) - start))
check_exit 0
[ $took -le 10 ] || fail "posthorn took ${took}s on a huge iteration count"
check_queue_count 1
check_peer_count 0
check_peer_not_saw '^AUTH-OK'
check_peer_not_saw '^C: MAIL'
check_log '[Ii]teration'
