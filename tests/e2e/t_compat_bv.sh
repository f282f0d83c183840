#!/bin/bash
# t_compat_bv: "sendmail -bv addr..." through a smarthost (SPEC 2): one
# routing report per address, sending nothing.
#
# Asserted:
# - "ADDR: deliverable via HOST:PORT (tls=POLICY)" for each final address;
#   an address that changes (alias expansion, qualification of a bare
#   name, @localhost, admin_address) first gets "ADDR -> a, b"; an address
#   in another domain is reported as it is, with no "->" line;
# - exit 0 when all are deliverable; 67 when one is not (an unparsable
#   address: "ADDR: undeliverable: REASON"), the others still reported;
# - the TLS policy shown follows the configuration: tls none, starttls
#   (explicit, and the default on a port other than 465), implicit
#   (explicit, and the default on port 465), with the port;
# - no address at all: exit 64;
# - nothing is sent: the smarthost peer sees no connection, the queue
#   stays empty (no message is read or spooled).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
. "$SRCDIR/tests/compat_lib.sh"

start_smtpd
write_aliases <<'EOF_A'
root: alice@example.net, bob@example.net
joe: joe@elsewhere.example
EOF_A
write_conf aliases "$ALIASES"
via="deliverable via 127.0.0.1:$PORT (tls=none)"

posthorn_run -bv root bob@example.com joe+tag@localhost zed </dev/null
check_exit 0
check_out_line "root -> alice@example.net, bob@example.net"
check_out_line "alice@example.net: $via"
check_out_line "bob@example.net: $via"
check_out_line "bob@example.com: $via"
check_out_not '^bob@example\.com ->'
check_out_line "joe+tag@localhost -> joe@elsewhere.example"
check_out_line "joe@elsewhere.example: $via"
check_out_line "zed -> zed@example.org"
check_out_line "zed@example.org: $via"

conf_add admin_address ops-admin@example.org
posthorn_run -bv zed nobody@test.example </dev/null
check_exit 0
check_out_line "zed -> ops-admin@example.org"
check_out_line "nobody@test.example -> ops-admin@example.org"
check_out_line "ops-admin@example.org: $via"

posthorn_run -bv carol@example.com '<<bad' dave@example.com </dev/null
check_exit 67
check_out '^<<bad: undeliverable: .+'
check_out_line "carol@example.com: $via"
check_out_line "dave@example.com: $via"

posthorn_run -bv </dev/null
check_exit 64

# TLS policies: relay.invalid is never looked up nor connected to
write_conf aliases "$ALIASES" smarthost relay.invalid tls starttls
posthorn_run -bv carol@example.com </dev/null
check_exit 0
check_out '^carol@example\.com: deliverable via relay\.invalid(:25)? \(tls=starttls\)$'
write_conf aliases "$ALIASES" smarthost relay.invalid:587 tls ""
posthorn_run -bv carol@example.com </dev/null
check_exit 0
check_out_line "carol@example.com: deliverable via relay.invalid:587 (tls=starttls)"
write_conf aliases "$ALIASES" smarthost relay.invalid:465 tls ""
posthorn_run -bv carol@example.com </dev/null
check_exit 0
check_out_line "carol@example.com: deliverable via relay.invalid:465 (tls=implicit)"
write_conf aliases "$ALIASES" smarthost relay.invalid tls implicit
posthorn_run -bv carol@example.com </dev/null
check_exit 0
check_out '^carol@example\.com: deliverable via relay\.invalid(:465)? \(tls=implicit\)$'

check_nothing_sent
check_queue_count 0
check_failed_count 0
