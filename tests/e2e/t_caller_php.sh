#!/bin/bash
# t_caller_php: PHP's mail() (php-cli) with sendmail_path = posthorn -t -i.
#
# PHP runs sendmail_path through /bin/sh with its fifth argument appended
# ("-fbounce@example.org"), writes "To:" and "Subject:" with LF, the extra
# headers joined with CRLF, a CRLF blank line, then the body as given (LF
# inside): mixed line ends, as real PHP sites send.  mail() returns true
# only when the command exits 0 (or 75).
#
# Asserted: mail() true; argv "-t -i -fbounce@example.org"; envelope sender
# from -f; recipients from To, Cc and Bcc (-t) with no Bcc header left;
# Subject, To, From, Cc and the extra header intact; CRLF everywhere on the
# wire (no protocol error at the peer); the body lines, including a lone
# "." (-i).  Then a recipient the server rejects: posthorn exits 67 and
# mail() returns false, so the web application knows.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
guard_system_sendmail "$@"
need_prog php php-cli

start_smtpd --reply 'rcpt:nobody@example.org=550 5.1.1 nobody: no such user'
write_conf
make_wrapper
caller_home

cat >"$TESTTMP/send.php" <<'EOF'
<?php
$to = $argv[1];
$headers = [
	"From" => "Alice Example <alice@example.org>",
	"Cc" => "Carol <carol@example.org>",
	"Bcc" => "dave@example.org",
	"Reply-To" => "support@example.org",
	"X-Order" => "4711",
];
if (($argv[2] ?? "") == "alone")
	$headers = ["From" => "Alice Example <alice@example.org>"];
$body = "Hello Bob,\nyour order 4711 has shipped.\n.\nRegards\n";
$ok = mail($to, "Your order 4711", $body, $headers, "-fbounce@example.org");
echo $ok ? "mail:true\n" : "mail:false\n";
exit($ok ? 0 : 3);
EOF
run_php() {	# to [alone]
	caller_run php -n -d "sendmail_path=$SENDMAIL -t -i" \
	    -d mail.add_x_header=1 "$TESTTMP/send.php" "$@"
}

run_php bob@example.org
check_caller_exit 0
grep -qx 'mail:true' "$CALLER_OUT" || fail "mail() did not return true"
wait_peer_count 1
check_argv '^CALL \[-t\] \[-i\] \[-fbounce@example\.org\]$'
check_clean_wire
check_queue_count 0
check_sender 1 bounce@example.org
check_rcpts 1 bob@example.org carol@example.org dave@example.org
check_header 1 To '^bob@example\.org$'
check_header 1 Subject '^Your order 4711$'
check_header 1 From '^Alice Example <alice@example\.org>$'
check_header 1 Cc '^Carol <carol@example\.org>$'
check_header 1 Reply-To '^support@example\.org$'
check_header 1 X-Order '^4711$'
check_header 1 X-PHP-Originating-Script 'send\.php'
check_no_header 1 Bcc
check_header 1 Message-ID '^<[^<>@]+@[^<>@]+>$'
check_header 1 Date '[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}'
check_body 1 '^Hello Bob,$'
check_body 1 '^your order 4711 has shipped\.$'
check_body 1 '^\.$'
check_body 1 '^Regards$'
check_msg_not 1 'dave@example\.org'	# the Bcc is nowhere in the message

# The only recipient rejected permanently: mail() must report it.
run_php nobody@example.org alone
[ "$CRC" = 3 ] || fail "php exit: expected 3 (mail() false), got $CRC"
grep -qx 'mail:false' "$CALLER_OUT" ||
    fail "mail() returned true for a rejected recipient"
check_argv '^CALL \[-t\] \[-i\] \[-fbounce@example\.org\]$'
check_peer_count 1
grep -q "nobody@example.org" "$CALLER_ERR" ||
    fail "posthorn did not name the rejected recipient on stderr"
check_peer_saw '^C: RCPT TO:<nobody@example\.org>'
check_queue_count 0	# -oep: the caller was told and owns it
check_no_system_sendmail
