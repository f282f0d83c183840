#!/bin/bash
# t_direct_tls_fallback: an MX host offers STARTTLS but the handshake fails
# (its only certificate has a DSA key, which its TLS stack cannot use with
# any cipher it allows: "no shared cipher", every time).  As Postfix's
# "may" level, posthorn tries that host again without TLS: the message is
# delivered in plaintext on a second connection that does not send
# STARTTLS, the log says the handshake failed and that it retried in
# plaintext, and the recipient's line says tls=none, status=sent.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
mkdir -p certs
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 \
    -out certs/dsa-param.pem 2>certs/openssl.log &&
openssl genpkey -paramfile certs/dsa-param.pem -out certs/dsa.key \
    2>>certs/openssl.log &&
openssl req -x509 -new -key certs/dsa.key -subj /CN=mx.fb.test -days 2 \
    -out certs/dsa.crt 2>>certs/openssl.log ||
    fail "cannot make a DSA certificate: $(cat certs/openssl.log)"
dns_start <<EOF_DNS
fb.test. MX 10 mx.fb.test.
mx.fb.test. A $NET.2
EOF_DNS
mx_peer p $NET.2 --starttls --tls-cert certs/dsa.crt --tls-key certs/dsa.key
direct_conf timeout_command 5s
start=$(date +%s)
simple_msg "tls fallback" | posthorn_run -f alice@example.org bob@fb.test
check_exit 0
check_took_at_most 15 "$start"
check_queue_count 0
check_count_at "$p" 1
check_peer_saw '^TLS-FAILED '
check_eq "connections" 2 "$(connects_of "$p")"
check_eq "STARTTLS commands" 1 "$(grep -c '^C: STARTTLS' "$p/session.log")"
# the STARTTLS was on the first connection, the message on the second
sed -n '/^CONNECT 2 /,$p' "$p/session.log" | grep -q '^C: STARTTLS' &&
    fail "the retry sent STARTTLS again"
sed -n '/^CONNECT 2 /,$p' "$p/session.log" | grep -q '^SAVED msg-1' ||
    fail "the message did not come on the second connection"
check_eq "TLS at the peer" false "$(env_at "$p" 1 tls)"
PEERDIR=$p check_msg 1 '^Subject: tls fallback'
check_log "mx\.fb\.test\[${NET//./\\.}\.2\]:25: TLS handshake failed .*retrying in plaintext"
check_log "to=<bob@fb\.test>, relay=mx\.fb\.test\[${NET//./\\.}\.2\]:25, .*tls=none, .*status=sent"
