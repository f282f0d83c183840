#!/bin/bash
# t_cred_check_auth_after_tls: the server offers STARTTLS, and AUTH only
# after it; the configuration says tls none.  --check fails (exit
# non-zero) with a hint to use tls starttls - both without auth_plaintext
# (posthorn refuses AUTH in clear) and with auth_plaintext yes (the server
# offers no AUTH before TLS).  No AUTH command is sent in clear.
. "$SRCDIR/tests/lib.sh"
make_certs
start_smtpd --starttls --tls-cert "$CERT" --tls-key "$KEY" \
    --auth-user alice --auth-password 'Aft3r-tls-pw'
for plain in no yes; do
	write_conf smarthost "localhost:$PORT" tls none \
	    auth_user alice auth_password 'Aft3r-tls-pw' auth_plaintext $plain
	RUN_TIMEOUT=30 posthorn_run --check </dev/null
	[ "$RC" != 0 ] || fail "--check exited 0 (auth_plaintext $plain)"
	grep -q '^result: FAILED' "$OUT" ||
	    fail "no 'result: FAILED' (auth_plaintext $plain) in: $(cat "$OUT")"
	grep -Eq '^hint: .*tls starttls' "$OUT" ||
	    fail "no hint about tls starttls (auth_plaintext $plain) in:" \
	    "$(tail -3 "$OUT")"
	check_no_secret_in alice 'Aft3r-tls-pw' "$OUT" "$ERR"
done
check_peer_not_saw '^C: AUTH'
