#!/bin/bash
# t_smtp_starttls_inject: the server sends a forged reply in clear right
# after "220 Ready to start TLS" (CVE-2011-0411 style).  posthorn must not
# read those bytes as a reply inside TLS (-v shows no "<<< ...injected"):
# it either drops them and delivers, or gives up and keeps the message
# queued; never a loss.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --starttls-inject '250-injected.example\r\n250 AUTH PLAIN injected\r\n'
write_conf smarthost "localhost:$PORT" tls starttls tls_ca_file "$CA_FILE"
simple_msg | posthorn_run -v bob@example.org
check_exit 0
check_peer_saw '^INJECTED'
check_stderr_not '^<<< .*injected'
q=$(queue_count) d=$(peer_count)
check_eq "queued + delivered" 1 $((q + d))
if [ "$d" = 1 ]; then
	check_log 'to=<bob@example\.org>, .*tls=TLSv1\.[23], .*status=sent \(250 2\.0\.0 Ok: queued as PEER0001\)'
fi
