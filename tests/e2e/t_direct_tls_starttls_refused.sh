#!/bin/bash
# t_direct_tls_starttls_refused: an MX host offers STARTTLS but answers
# the command with "454 4.7.0 TLS not available" (a common broken set-up).
# Opportunistic TLS as Postfix's "may" level (SPEC 5) then goes on without
# TLS -- Postfix's smtp_proto.c: "Else try to continue in plain-text
# mode" -- so the message is delivered in plaintext (on that session or a
# new one, which must not send STARTTLS again), not deferred; tls=none.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/dns.sh"
. "$SRCDIR/tests/direct_lib.sh"
make_certs
dns_start <<EOF_DNS
no-tls.test. MX 10 mx.no-tls.test.
mx.no-tls.test. A $NET.2
EOF_DNS
mx_peer p $NET.2 --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --reply 'starttls=454 4.7.0 TLS not available due to local problem'
direct_conf
simple_msg "starttls 454" | posthorn_run -f alice@example.org bob@no-tls.test
check_exit 0
check_peer_saw '^C: STARTTLS$'
check_queue_count 0
check_count_at "$p" 1
check_eq "TLS at the peer" false "$(env_at "$p" 1 tls)"
check_log "to=<bob@no-tls\.test>, relay=mx\.no-tls\.test\[${NET//./\\.}\.2\]:25, .*tls=none, .*status=sent"
