#!/bin/bash
# t_cred_route_match: routing by envelope sender (SPEC 6): "route
# *@Example.COM" sends to peer A, "route app@*" to peer B, the global
# smarthost is peer C.  Each sender's message arrives at exactly one peer:
#   jane@example.com       -> A  (domain pattern)
#   JOE@EXAMPLE.com        -> A  (domains compare without case)
#   app@other.net          -> B  (local-part pattern)
#   app@example.com        -> A  (both match: the first route wins)
#   x@sub.example.com      -> C  (a subdomain is another domain)
#   someone@elsewhere.org  -> C  (no route matches: the global keys)
#   <> (null sender)       -> C  (a bounce always uses the global keys)
. "$SRCDIR/tests/lib.sh"
start_smtpd; PA=$PEERDIR A=$PORT
start_smtpd; PB=$PEERDIR B=$PORT
start_smtpd; PC=$PEERDIR C=$PORT
write_conf smarthost "127.0.0.1:$C"
printf '%s\n' 'route *@Example.COM' "smarthost 127.0.0.1:$A" 'tls none' \
    'route app@*' "smarthost 127.0.0.1:$B" 'tls none' >>"$CONF"

n=0
while read -r sender want; do
	n=$((n + 1))
	printf 'Subject: route %d\nTo: bob@example.org\n\nx\n' $n |
	    posthorn_run -f "$sender" bob@example.org
	check_exit 0
	check_queue_count 0
	case $want in A) d=$PA ;; B) d=$PB ;; C) d=$PC ;; esac
	for p in "$PA" "$PB" "$PC"; do
		got=$(grep -l "^Subject: route $n"$'\r'"\?\$" "$p"/msg-*.eml \
		    2>/dev/null | wc -l)
		if [ "$p" = "$d" ]; then
			[ "$got" = 1 ] || fail "sender '$sender': not" \
			    "received by peer $want"
		else
			[ "$got" = 0 ] || fail "sender '$sender': received" \
			    "by ${p##*/} instead of peer $want"
		fi
	done
done <<'EOF_S'
jane@example.com A
JOE@EXAMPLE.com A
app@other.net B
app@example.com A
x@sub.example.com C
someone@elsewhere.org C
<> C
EOF_S

