#!/bin/bash
# t_cred_route_bv: -bv shows which route a sender takes (issue 6; SPEC 2:
# "ADDR: deliverable via HOST[:PORT] (tls=POLICY)"): with "route
# *@example.com" to port A, "route app@*" to port B and the global
# smarthost on port C, "-bv -f SENDER bob@example.org" names A, B or C
# according to SENDER - the sender given with -f, as a submission with
# the same -f would be routed; exit 0, nothing sent, nothing queued.
. "$SRCDIR/tests/lib.sh"
A=2501 B=2502 C=2503
write_conf smarthost "127.0.0.1:$C"
printf '%s\n' 'route *@example.com' "smarthost 127.0.0.1:$A" 'tls none' \
    'route app@*' "smarthost 127.0.0.1:$B" 'tls none' >>"$CONF"
while read -r sender port; do
	posthorn_run -bv -f "$sender" bob@example.org </dev/null
	check_exit 0
	grep -q "^bob@example\.org: deliverable via 127\.0\.0\.1:$port " "$OUT" ||
	    fail "-bv -f $sender: expected 'via 127.0.0.1:$port', got: $(cat "$OUT")"
done <<EOF_V
jane@example.com $A
app@other.net $B
someone@elsewhere.org $C
EOF_V
check_queue_count 0
