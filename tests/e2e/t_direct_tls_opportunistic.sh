#!/bin/bash
# t_direct_tls_opportunistic: an MX host that offers STARTTLS gets the
# message inside TLS although its certificate is from an unknown CA and
# names another host (opportunistic TLS: any certificate); the peer saw
# TLS, and the log line says which version (TLSv1.3 by default, TLSv1.2
# from a host that offers no more).  A host that does not offer STARTTLS
# still gets its message, in plaintext, logged as tls=none.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
make_certs
dns_start <<EOF_DNS
tls.test. MX 10 mx.tls.test.
mx.tls.test. A $NET.2
tls12.test. MX 10 mx.tls12.test.
mx.tls12.test. A $NET.3
plain.test. MX 10 mx.plain.test.
mx.plain.test. A $NET.4
EOF_DNS
mx_peer p13 $NET.2 --starttls --tls-cert "$BAD_CERT" --tls-key "$BAD_KEY"
mx_peer p12 $NET.3 --starttls --tls-cert "$BAD_CERT" --tls-key "$BAD_KEY" --tls-max 1.2
mx_peer pplain $NET.4
direct_conf

simple_msg "tls" | posthorn_run -f alice@example.org bob@tls.test
check_exit 0
check_queue_count 0
check_count_at "$p13" 1
PEERDIR=$p13 check_peer_saw '^C: STARTTLS$'
PEERDIR=$p13 check_peer_saw '^TLS TLSv1\.3 '
PEERDIR=$p13 check_peer_not_saw '^TLS-FAILED'
check_eq "TLS at the peer" true "$(env_at "$p13" 1 tls)"
check_eq "TLS version at the peer" TLSv1.3 "$(env_at "$p13" 1 tls_version)"
check_eq "connections" 1 "$(connects_of "$p13")"
check_log "to=<bob@tls\.test>, relay=mx\.tls\.test\[${NET//./\\.}\.2\]:25, .*tls=TLSv1\.3, .*status=sent"

simple_msg "tls 1.2" | posthorn_run -f alice@example.org carol@tls12.test
check_exit 0
check_queue_count 0
check_count_at "$p12" 1
check_eq "TLS version at the peer" TLSv1.2 "$(env_at "$p12" 1 tls_version)"
check_log "to=<carol@tls12\.test>, relay=mx\.tls12\.test\[${NET//./\\.}\.3\]:25, .*tls=TLSv1\.2, .*status=sent"

simple_msg "no tls offered" | posthorn_run -f alice@example.org dave@plain.test
check_exit 0
check_queue_count 0
check_count_at "$pplain" 1
PEERDIR=$pplain check_peer_not_saw '^C: STARTTLS'
check_eq "TLS at the peer" false "$(env_at "$pplain" 1 tls)"
check_log "to=<dave@plain\.test>, relay=mx\.plain\.test\[${NET//./\\.}\.4\]:25, .*tls=none, .*status=sent"
