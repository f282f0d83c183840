#!/bin/bash
# t_cred_client_cert: the server requires a TLS client certificate from
# the test CA (smtpd.py --client-ca); posthorn presents tls_cert/tls_key
# (key mode 0600): the handshake succeeds and the message is delivered,
# the server recorded the certificate's subject (CN=posthorn-client).
# Both with STARTTLS and with implicit TLS.
. "$SRCDIR/tests/lib.sh"
make_certs
make_client_cert
for mode in starttls implicit; do
	if [ $mode = starttls ]; then
		start_smtpd --starttls --require-tls --tls-cert "$CERT" \
		    --tls-key "$KEY" --client-ca "$CA_FILE"
	else
		start_smtpd --implicit-tls --tls-cert "$CERT" \
		    --tls-key "$KEY" --client-ca "$CA_FILE"
	fi
	write_conf smarthost "localhost:$PORT" tls $mode \
	    tls_ca_file "$CA_FILE" tls_cert "$CLIENT_CERT" \
	    tls_key "$CLIENT_KEY"
	simple_msg "$mode" | posthorn_run bob@example.org
	check_exit 0
	check_queue_count 0
	check_peer_count 1
	check_peer_saw '^TLS-CLIENT-CERT CN=posthorn-client$'
	check_eq "client certificate ($mode)" CN=posthorn-client \
	    "$(peer_env 1 client_cert)"
	check_eq "TLS ($mode)" true "$(peer_env 1 tls)"
	stop_peers
done
