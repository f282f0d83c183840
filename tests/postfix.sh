# tests/postfix.sh - a private Postfix instance as the receiving MTA of a test.
#
# Source it from a test script (bash), then:
#
#   postfix_start [LINE...]  start Postfix on 127.0.0.1:$PF_PORT, delivering
#                            every message for example.org, example.com and
#                            example.net into the maildir $PF_MAILDIR; its log
#                            (maillog_file = /dev/stdout) goes to $PF_LOG;
#                            each LINE is added to its main.cf (overrides)
#   postfix_wait_mail N [S]  wait (at most S seconds, default 20) until
#                            $PF_MAILDIR/new holds N or more files
#   postfix_stop             stop it (also run by the EXIT trap that
#                            postfix_start installs)
#   postfix_compare ...      compare a delivered file with the submitted
#                            input (see the function for the rules)
#
# Everything lives under $PF_DIR (default $TESTTMP/postfix): main.cf and
# master.cf in etc/, queue/, data/, mail/ (the maildir base) and postfix.log.
#
# Facts this file relies on (Postfix 3.7, Debian 12):
# - "postfix -c DIR" wants the default /etc/postfix/main.cf to exist and to
#   list DIR in alternate_config_directories (Postfix's set-gid commands
#   insist; as root, 3.7.11's start-fg and stop were seen to work without
#   it, but nothing promises that).  Test directories have random
#   names, so DIR is one of a few fixed slot names, /tmp/posthorn-postfix.N,
#   each a symbolic link to the test's own etc/; the slots are added to
#   /etc/postfix/main.cf once (edited with postconf -e, never duplicated).
#   With the package installed as "No configuration" that file is missing:
#   a minimal one is created.
# - Without a syslog daemon Postfix's messages vanish: maillog_file =
#   /dev/stdout and "postfix start-fg" in the background, stdout to $PF_LOG.
# - smtpd_forbid_bare_newline = reject works in 3.7.11 (postconf -d shows
#   "no"), but smtpd_forbid_bare_newline_exclusions defaults to $mynetworks,
#   which holds 127.0.0.1: it is emptied, or loopback clients are exempt.
# - Postfix itself must not change what it receives (so that the test sees
#   what posthorn sent): local_header_rewrite_clients is empty (no header
#   rewriting, no added From/Date/Message-ID/To), no canonical maps.
#
# Tests run one after another; a slot left by a crashed run is reused once
# its master process is gone.

PF_POSTFIX=${PF_POSTFIX:-/usr/sbin/postfix}
PF_POSTCONF=${PF_POSTCONF:-/usr/sbin/postconf}
PF_PYTHON=${PF_PYTHON:-/usr/bin/python3}
PF_SLOTS=8
PF_HOSTNAME=mx.postfix.test
PF_DIR=${PF_DIR:-}
PF_PORT=""
PF_MAILDIR=""
PF_LOG=""
PF_CONF=""		# the slot link handed to postfix -c
PF_JOB=""		# pid of the background "postfix start-fg"

pf_say() {
	echo "postfix.sh: $*" >&2
}

# pf_free_port: print a free TCP port on 127.0.0.1, below the ephemeral range
pf_free_port() {
	local i p
	for i in $(seq 1 50); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
		if "$PF_PYTHON" -c '
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
' "$p" 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	pf_say "no free port found"
	return 1
}

# pf_system_conf: make /etc/postfix/main.cf exist and list every slot
pf_system_conf() {
	local main=/etc/postfix/main.cf cur want n s
	if [ ! -f "$main" ]; then
		mkdir -p /etc/postfix || return 1
		{
			echo "# Created by posthorn's tests/postfix.sh: this Postfix is"
			echo "# not configured; the tests run private instances only"
			echo "# (postfix -c DIR, DIR listed below)."
			echo "compatibility_level = 3.6"
		} >"$main.posthorn.$$" && mv "$main.posthorn.$$" "$main" ||
			return 1
	fi
	cur=$("$PF_POSTCONF" -c /etc/postfix -h alternate_config_directories 2>/dev/null)
	want=$cur
	n=0
	while [ $n -lt $PF_SLOTS ]; do
		s=/tmp/posthorn-postfix.$n
		case " $(echo "$want" | tr ',' ' ') " in
		*" $s "*) ;;
		*) want="${want:+$want, }$s" ;;
		esac
		n=$((n + 1))
	done
	if [ "$want" != "$cur" ]; then
		"$PF_POSTCONF" -c /etc/postfix -e \
		    "alternate_config_directories = $want" || return 1
	fi
}

# pf_slot_busy LINK: true when LINK points at an instance whose master
# runs, or was made less than 30 s ago (its master may be starting)
pf_slot_busy() {
	local target pid made
	target=$(readlink "$1") || return 1
	[ -f "$target/main.cf" ] || return 1
	made=$(stat -c %Y "$1" 2>/dev/null) || return 1
	[ $(($(date +%s) - made)) -lt 30 ] && return 0
	pid=$(sed -n '1{s/ //g;p;}' "$target/../queue/pid/master.pid" 2>/dev/null)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# pf_take_slot ETCDIR: point a free slot at ETCDIR, set PF_CONF
pf_take_slot() {
	local n=0 link
	while [ $n -lt $PF_SLOTS ]; do
		link=/tmp/posthorn-postfix.$n
		if ln -s "$1" "$link" 2>/dev/null; then
			PF_CONF=$link
			return 0
		fi
		if [ -L "$link" ] && ! pf_slot_busy "$link"; then
			rm -f "$link"
			if ln -s "$1" "$link" 2>/dev/null; then
				PF_CONF=$link
				return 0
			fi
		fi
		n=$((n + 1))
	done
	pf_say "all $PF_SLOTS slots /tmp/posthorn-postfix.N are in use"
	return 1
}

# pf_as_postfix CMD...: run CMD as the postfix user
pf_as_postfix() {
	setpriv --reuid=postfix --regid=postfix --clear-groups "$@" 2>/dev/null
}

# pf_write_conf: main.cf and master.cf for this instance
pf_write_conf() {
	local uid gid
	uid=$(id -u postfix) && gid=$(id -g postfix) || {
		pf_say "no user postfix: is the postfix package installed?"
		return 1
	}
	# Debian 12's 3.7.11 has it ("reject": a bare LF gets 550 5.5.2);
	# an older Postfix would ignore it silently, so refuse to go on.
	case $("$PF_POSTCONF" -d smtpd_forbid_bare_newline 2>/dev/null) in
	"smtpd_forbid_bare_newline = "*) ;;
	*)
		pf_say "this Postfix has no smtpd_forbid_bare_newline"
		return 1
		;;
	esac
	cat >"$PF_DIR/etc/main.cf" <<EOF
# A private receiving MTA for posthorn's tests (tests/postfix.sh).
compatibility_level = 3.6
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = /dev/stdout
myhostname = $PF_HOSTNAME
mydomain = postfix.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
biff = no
append_dot_mydomain = no
alias_maps =
alias_database =
local_recipient_maps =

# Nothing leaves this instance: every domain not below is an error.
relayhost =
default_transport = error:5.7.1 the test MTA delivers nowhere else
relay_transport = error:5.7.1 the test MTA delivers nowhere else
local_transport = error:5.1.1 no local delivery on the test MTA

# Every message into one maildir: $PF_DIR/mail/box/
virtual_mailbox_domains = example.org, example.com, example.net
virtual_mailbox_base = $PF_DIR/mail
virtual_mailbox_maps = static:box/
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
virtual_minimum_uid = $uid
virtual_mailbox_limit = 0
mailbox_size_limit = 0
message_size_limit = 209715200

# Receive exactly what the client sent: no header rewriting, no headers
# added (From, Date, Message-ID, To) on Postfix's side.
local_header_rewrite_clients =
remote_header_rewrite_domain =
always_add_missing_headers = no
undisclosed_recipients_header =

# Strict: the checks posthorn must pass.
smtpd_forbid_bare_newline = reject
smtpd_forbid_bare_newline_exclusions =
strict_rfc821_envelopes = yes
strict_mime_encoding_domain = yes
smtpd_reject_unlisted_recipient = yes
smtpd_helo_required = yes
smtpd_helo_restrictions = reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname
smtpd_sender_restrictions = reject_non_fqdn_sender
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = reject_non_fqdn_recipient, reject_unlisted_recipient
smtpd_data_restrictions = reject_unauth_pipelining
disable_vrfy_command = yes

# Fast: no tarpit between errors, no flow-control delay.
smtpd_error_sleep_time = 0
in_flow_delay = 0
delay_warning_time = 0
EOF
	cat >"$PF_DIR/etc/master.cf" <<EOF
# service            type  private unpriv chroot wakeup maxproc command
127.0.0.1:$PF_PORT   inet  n       -      n      -      -       smtpd
cleanup              unix  n       -      n      -      0       cleanup
qmgr                 unix  n       -      n      300    1       qmgr
rewrite              unix  -       -      n      -      -       trivial-rewrite
bounce               unix  -       -      n      -      0       bounce
defer                unix  -       -      n      -      0       bounce
trace                unix  -       -      n      -      0       bounce
verify               unix  -       -      n      -      1       verify
flush                unix  n       -      n      1000?  0       flush
proxymap             unix  -       -      n      -      -       proxymap
showq                unix  n       -      n      -      -       showq
error                unix  -       -      n      -      -       error
retry                unix  -       -      n      -      -       error
discard              unix  -       -      n      -      -       discard
virtual              unix  -       n      n      -      -       virtual
anvil                unix  -       -      n      -      1       anvil
scache               unix  -       -      n      -      1       scache
postlog              unix-dgram n  -      n      -      1       postlogd
EOF
}

# pf_listening: true when an SMTP server greets on PF_PORT (then QUIT,
# so that the log shows no lost connection)
pf_listening() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$PF_PORT" || exit 1
		IFS= read -r -t 2 line <&3 || exit 1
		printf 'QUIT\r\n' >&3
		IFS= read -r -t 2 _ <&3
		case $line in 220*) exit 0 ;; esac
		exit 1
	) 2>/dev/null
}

# pf_master_pid: the master's pid from its pid file, or nothing
pf_master_pid() {
	sed -n '1{s/ //g;p;}' "$PF_DIR/queue/pid/master.pid" 2>/dev/null
}

# pf_chain_trap SIGNAL CMD: run CMD first, then what SIGNAL's trap did
pf_chain_trap() {
	local sig=$1 cmd=$2 old
	old=$(trap -p "$sig")
	if [ -z "$old" ]; then
		trap -- "$cmd" "$sig"
		return
	fi
	case $old in *"$cmd"*) return ;; esac
	eval "set -- $old"	# trap -- 'OLD' SIGNAL
	trap -- "$cmd; $3" "$sig"
}

postfix_start() {	# [main.cf line...]: extra settings, e.g. "message_size_limit = 100000"
	local i pid
	if [ -n "$PF_JOB" ]; then
		pf_say "postfix_start: already started"
		return 1
	fi
	if [ ! -x "$PF_POSTFIX" ] || [ ! -x /usr/lib/postfix/sbin/master ]; then
		pf_say "Postfix is not installed (sh scripts/deps.sh check)"
		return 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		pf_say "a private Postfix needs root"
		return 1
	fi
	: "${PF_DIR:=${TESTTMP:-$(mktemp -d /tmp/posthorn-pf.XXXXXX)}/postfix}"
	PF_LOG=$PF_DIR/postfix.log
	PF_MAILDIR=$PF_DIR/mail/box
	rm -rf "$PF_DIR"
	mkdir -p "$PF_DIR/etc" "$PF_DIR/queue" "$PF_DIR/data" "$PF_DIR/mail" ||
		return 1
	chmod 755 "$PF_DIR" "$PF_DIR/etc" "$PF_DIR/queue"
	chown postfix: "$PF_DIR/data" "$PF_DIR/mail" || return 1
	chmod 700 "$PF_DIR/data"
	chmod 755 "$PF_DIR/mail"
	# The postfix user must reach data/ and mail/ (mktemp -d makes 0700).
	if ! pf_as_postfix test -w "$PF_DIR/data"; then
		chmod o+x "$(dirname "$PF_DIR")" 2>/dev/null
		pf_as_postfix test -w "$PF_DIR/data" || {
			pf_say "user postfix cannot reach $PF_DIR: make its parents searchable (chmod o+x)"
			return 1
		}
	fi
	PF_PORT=$(pf_free_port) || return 1
	pf_write_conf || return 1
	if [ $# -gt 0 ]; then	# edited in place: a repeated name draws warnings
		"$PF_POSTCONF" -c "$PF_DIR/etc" -e "$@" || return 1
	fi
	: >"$PF_LOG"
	pf_system_conf || return 1
	pf_take_slot "$PF_DIR/etc" || return 1

	# Stop it whatever happens to the test; a signal becomes an exit.
	pf_chain_trap EXIT postfix_stop
	for i in INT TERM HUP; do
		[ -n "$(trap -p $i)" ] || trap "exit 129" $i
	done

	"$PF_POSTFIX" -c "$PF_CONF" start-fg </dev/null >>"$PF_LOG" 2>&1 &
	PF_JOB=$!
	# Up when the master runs and the smtpd port answers; at most 20 s.
	for i in $(seq 1 200); do
		if ! kill -0 "$PF_JOB" 2>/dev/null; then
			pf_say "postfix start-fg exited; its log:"
			sed 's/^/    /' "$PF_LOG" >&2
			PF_JOB=""
			pf_release_slot
			return 1
		fi
		pid=$(pf_master_pid)
		if [ -n "$pid" ] && pf_listening; then
			return 0
		fi
		sleep 0.1
	done
	pf_say "Postfix did not listen on 127.0.0.1:$PF_PORT within 20 s; log:"
	sed 's/^/    /' "$PF_LOG" >&2
	postfix_stop
	return 1
}

pf_release_slot() {
	if [ -n "$PF_CONF" ] && [ "$(readlink "$PF_CONF")" = "$PF_DIR/etc" ]; then
		rm -f "$PF_CONF"
	fi
	PF_CONF=""
}

# postfix_stop: "postfix stop", then the master and the start-fg job by pid
postfix_stop() {
	local i pid kids
	[ -n "$PF_JOB" ] || return 0
	pid=$(pf_master_pid)
	kids=""
	[ -n "$pid" ] && kids=$(pgrep -P "$pid" 2>/dev/null)
	if [ -n "$PF_CONF" ]; then
		timeout 20 "$PF_POSTFIX" -c "$PF_CONF" stop >>"$PF_LOG" 2>&1
	fi
	for i in $(seq 1 100); do
		{ [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; } &&
			! kill -0 "$PF_JOB" 2>/dev/null && break
		sleep 0.1
	done
	for i in $pid $PF_JOB; do
		kill -0 "$i" 2>/dev/null || continue
		pf_say "killing $i"
		kill -9 "$i" 2>/dev/null
	done
	wait "$PF_JOB" 2>/dev/null
	# The master's children (smtpd, qmgr, ...) seen before the stop
	# would leave by themselves within seconds; hurry them up.
	for i in $kids; do
		kill -0 "$i" 2>/dev/null && kill -TERM "$i" 2>/dev/null
	done
	for i in $(seq 1 50); do
		pf_any_alive $kids || break
		sleep 0.1
	done
	for i in $kids; do
		kill -0 "$i" 2>/dev/null && kill -9 "$i" 2>/dev/null
	done
	pf_release_slot
	PF_JOB=""
	return 0
}

pf_any_alive() {
	local p
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

# postfix_wait_mail N [SECONDS]: wait until N files are in $PF_MAILDIR/new
postfix_wait_mail() {
	local want=$1 limit=${2:-20} n i
	for i in $(seq 1 $((limit * 10))); do
		n=$(pf_count_new)
		[ "$n" -ge "$want" ] && return 0
		sleep 0.1
	done
	pf_say "waited ${limit}s for $want message(s) in $PF_MAILDIR/new, found $(pf_count_new); log tail:"
	tail -20 "$PF_LOG" | sed 's/^/    /' >&2
	return 1
}

pf_count_new() {
	local n=0 f
	for f in "$PF_MAILDIR"/new/*; do
		[ -f "$f" ] && n=$((n + 1))
	done
	echo $n
}

# ---- posthorn with this Postfix as its smarthost

# postfix_posthorn_conf: write posthorn's configuration $PH_CONF (smarthost
# this Postfix, no TLS, queue $PH_SPOOL, log $PH_LOGFILE); extra lines
# ("key value") may be given as arguments
postfix_posthorn_conf() {
	local l
	PH_CONF=$TESTTMP/posthorn.conf
	PH_SPOOL=$TESTTMP/spool
	PH_LOGFILE=$TESTTMP/posthorn.log
	mkdir -p "$PH_SPOOL" && chmod 1777 "$PH_SPOOL" || return 1
	{
		echo "smarthost 127.0.0.1:$PF_PORT"
		echo "tls none"
		echo "spool_dir $PH_SPOOL"
		echo "log_file $PH_LOGFILE"
		echo "hostname test.example"
		echo "domain example.org"
		for l in "$@"; do
			echo "$l"
		done
	} >"$PH_CONF"
}

# postfix_queue_empty: the caller's queue exists and its new/ is empty
postfix_queue_empty() {
	local d f found=0 n=0
	for d in "$PH_SPOOL/$(id -u)" "$PH_SPOOL/$(id -u)".*; do
		[ -d "$d/new" ] || continue
		found=1
		for f in "$d"/new/*; do
			[ -e "$f" ] || continue
			echo "  still queued after a successful delivery: $f"
			n=$((n + 1))
		done
	done
	if [ $found = 0 ]; then
		echo "  no queue directory $PH_SPOOL/$(id -u)/new: was the message spooled?"
		return 1
	fi
	[ $n -eq 0 ]
}

# postfix_submit INPUT ARG...: run posthorn -C $PH_CONF ARG... <INPUT;
# fail (printing stderr) unless it exits 0 within 60 s
postfix_submit() {
	local input=$1 rc
	shift
	timeout 60 "$POSTHORN" -C "$PH_CONF" "$@" <"$input" \
	    >"$TESTTMP/posthorn.out" 2>"$TESTTMP/posthorn.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "  posthorn $* <${input##*/}: expected exit 0, got $rc"
		sed 's/^/    stderr: /' "$TESTTMP/posthorn.err"
		return 1
	fi
}

# postfix_take_one: wait for exactly one new message, move it to
# $PF_DIR/seen/ and print its path there
postfix_take_one() {
	local f n
	postfix_wait_mail 1 >&2 || return 1
	sleep 0.2	# a second copy would show up by now
	n=$(pf_count_new)
	if [ "$n" -ne 1 ]; then
		echo "  expected one delivered message, found $n" >&2
		return 1
	fi
	mkdir -p "$PF_DIR/seen"
	for f in "$PF_MAILDIR"/new/*; do
		mv "$f" "$PF_DIR/seen/" || return 1
		echo "$PF_DIR/seen/${f##*/}"
	done
}

# postfix_case INPUT [compare option...] -- [posthorn argument...]: submit
# INPUT, expect exit 0, one delivery, an empty queue, and the stored file
# equal to INPUT under postfix_compare's rules
postfix_case() {
	local input=$1 copts=() f ok=0
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		copts+=("$1")
		shift
	done
	shift
	postfix_submit "$input" "$@" || return 1
	f=$(postfix_take_one) || return 1
	postfix_compare "$input" "$f" "${copts[@]}" || {
		echo "  (stored as $f)"
		ok=1
	}
	postfix_queue_empty || ok=1
	return $ok
}

# postfix_log_clean: Postfix logged no warning, rejection or broken session
# (but for cleanup's notes on this virtual machine's clock, which steps:
# "file system clock is N seconds ahead", "resetting file time stamps")
postfix_log_clean() {
	local bad
	bad=$(grep -E 'warning:|error:|fatal:|panic:|reject:|lost connection|timeout after|improper command pipelining|too many errors' "$PF_LOG" |
	    grep -vE 'postfix/cleanup\[[0-9]+\]: warning: (file system clock is [0-9]+ seconds? ahead of local clock|resetting file time stamps - this hurts performance)$')
	[ -z "$bad" ] && return 0
	echo "  Postfix's log shows problems:"
	printf '%s\n' "$bad" | sed 's/^/    /'
	return 1
}

# postfix_compare INPUT STORED [option...]: the file Postfix stored against
# the input given to posthorn.  Options:
#   --sender ADDR     the Return-Path must be <ADDR> (and an added From: ADDR)
#   --rcpt ADDR       Delivered-To and X-Original-To must be ADDR
#   --dot-end         the input was read without -i: it ends at a lone "."
#   --hostname NAME   posthorn's hostname (Message-ID: <...@NAME>)
#   --pf-host NAME    Postfix's myhostname (its Received: header)
#   --body-sha256     compare the bodies by SHA-256 only (big messages)
#   --seven-bit       the server offered no 8BITMIME: every part with 8-bit
#                     octets must arrive quoted-printable, and the whole
#                     file must be 7-bit
# The rules (SPEC 3): line ends normalised; a bare CR is a line end; a
# final newline added; a leading "From " line dropped; the body starts at
# the first line that is neither a header nor a continuation (a blank line
# is added before it); a leaf with a line over 998 octets whose encoding
# is 7bit, 8bit or absent arrives quoted-printable (MIME-Version: 1.0 may
# be added to a message that lacked it), a base64 or quoted-printable one
# arrives re-wrapped, each decoding to the input; a header line over 998
# octets arrives folded at white space; everything else byte for byte.
# Exit 0 when equal under the rules, else 1 with what differs on stdout.
postfix_compare() {
	"$PF_PYTHON" - --pf-host "$PF_HOSTNAME" "$@" <<'PYEOF'
import argparse, base64, email.utils, hashlib, quopri, re, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("input")
ap.add_argument("stored")
ap.add_argument("--sender")
ap.add_argument("--rcpt")
ap.add_argument("--dot-end", action="store_true")
ap.add_argument("--hostname", default="test.example")
ap.add_argument("--pf-host", default="mx.postfix.test")
ap.add_argument("--body-sha256", action="store_true")
ap.add_argument("--seven-bit", action="store_true")
a = ap.parse_args()

problems = []

def bad(msg):
    problems.append(msg)

def show(b, n=300):
    r = repr(b)
    return r if len(r) <= n else r[:n] + "...(%d bytes)" % len(b)

HDR = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")

def lines_of(data):
    """Split LF-terminated data into lines without their LF."""
    ls = data.split(b"\n")
    if ls and ls[-1] == b"":
        ls.pop()
    return ls

def split_message(data):
    """(headers, has_separator, body): headers as a list of raw fields
    (continuation lines joined with LF); Postfix's rule: the first line
    that is neither a header nor a continuation starts the body."""
    ls = lines_of(data)
    headers, i = [], 0
    while i < len(ls):
        l = ls[i]
        if HDR.match(l):
            headers.append(l)
        elif headers and l[:1] in (b" ", b"\t") and l.strip():
            headers[-1] += b"\n" + l
        else:
            break
        i += 1
    if i == len(ls):
        return headers, False, b""
    if ls[i] == b"":
        i += 1
    body = b"".join(l + b"\n" for l in ls[i:])
    return headers, True, body

def name_of(h):
    return h.split(b":", 1)[0].strip().lower()

def value_of(h):
    return h.split(b":", 1)[1].strip()

def unfold(b):
    """RFC 5322 unfolding: remove each line break that precedes WSP."""
    return re.sub(rb"\r?\n(?=[ \t])", b"", b)

# ---- what posthorn was given, and what should arrive
raw = open(a.input, "rb").read()
exp = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
if a.dot_end:
    out, rest = [], exp
    for l in lines_of(exp):
        if l == b".":
            break
        out.append(l + b"\n")
    else:
        # no lone dot: everything, including an unterminated last line
        out = None
    if out is not None:
        exp = b"".join(out)
if exp and not exp.endswith(b"\n"):
    exp += b"\n"
if exp.startswith(b"From "):
    exp = exp.split(b"\n", 1)[1]
ehdr, esep, ebody = split_message(exp)

# ---- what Postfix stored
got = open(a.stored, "rb").read()
if b"\r" in got.replace(b"\r\n", b""):
    bad("stored file holds a bare CR")
got = got.replace(b"\r\n", b"\n")
if a.seven_bit and any(c >= 0x80 for c in got):
    bad("the server offered no 8BITMIME, yet the stored file holds 8-bit octets")
for n, l in enumerate(lines_of(got), 1):
    if len(l) > 998:
        bad("stored line %d is %d octets long (over 998)" % (n, len(l)))
        break
ghdr, gsep, gbody = split_message(got)

# Postfix's own trace headers at the top
trace = {}
while ghdr and name_of(ghdr[0]) in (b"return-path", b"delivered-to", b"x-original-to"):
    h = ghdr.pop(0)
    if name_of(h) in trace:
        bad("two %s headers" % name_of(h).decode())
    trace[name_of(h)] = value_of(h)
if a.sender is not None:
    want = b"<" + a.sender.encode() + b">"
    if trace.get(b"return-path") != want:
        bad("Return-Path: expected %s, got %s" % (show(want), show(trace.get(b"return-path"))))
if a.rcpt is not None:
    for k in (b"delivered-to", b"x-original-to"):
        if trace.get(k) != a.rcpt.encode():
            bad("%s: expected %s, got %s" % (k.decode(), show(a.rcpt.encode()), show(trace.get(k))))

def check_date(what, v):
    v = unfold(v).decode("ascii", "replace").strip()
    m = re.fullmatch(r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
                     r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                     r"\d{4} \d\d:\d\d(?::\d\d)? [+-]\d{4}(?: \([^()]*\))?", v)
    if not m:
        bad("%s: %r is not an RFC 5322 date-time" % (what, v))
        return
    try:
        t = email.utils.parsedate_to_datetime(v).timestamp()
    except Exception as e:
        bad("%s: %r does not parse: %s" % (what, v, e))
        return
    if abs(t - time.time()) > 900:
        bad("%s: %r is %d s away from now (wrong zone offset?)" % (what, v, t - time.time()))

# Postfix's Received:, then the one posthorn prepends
if not ghdr or name_of(ghdr[0]) != b"received" or (b"by " + a.pf_host.encode()) not in ghdr[0]:
    bad("first header after the trace is not Postfix's Received: %s" % show(ghdr[0] if ghdr else None))
else:
    ghdr.pop(0)
if not ghdr or name_of(ghdr[0]) != b"received":
    bad("posthorn's Received: header is missing; headers start with %s" % show(ghdr[:2]))
else:
    r = ghdr.pop(0)
    if not re.search(rb"\b(?:uid|userid)[ =]\d+", r):
        bad("posthorn's Received: does not record the uid: %s" % show(r))
    if b";" not in r:
        bad("posthorn's Received: has no '; date-time': %s" % show(r))
    else:
        check_date("posthorn's Received date", r.rsplit(b";", 1)[1])

# Date, Message-ID, From: added exactly when missing
enames = [name_of(h) for h in ehdr]
for n in (b"date", b"message-id", b"from"):
    if n in enames:
        continue
    found = [h for h in ghdr if name_of(h) == n]
    if len(found) != 1:
        bad("input has no %s: header, expected posthorn to add one, found %d" % (n.decode(), len(found)))
        continue
    h = found[0]
    ghdr.remove(h)
    v = unfold(value_of(h))
    if n == b"date":
        check_date("added Date", v)
    elif n == b"message-id":
        if not re.fullmatch(rb"<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@" + re.escape(a.hostname.encode()) + rb">", v):
            bad("added Message-ID: %s is not <unique@%s>" % (show(v), a.hostname))
    else:
        addr = email.utils.parseaddr(v.decode("utf-8", "replace"))[1]
        if a.sender and addr != a.sender:
            bad("added From: %s does not carry the sender %s" % (show(v), a.sender))
        elif "@" not in addr:
            bad("added From: %s has no qualified address" % show(v))

# ---- compare what is left, part by part
def param(hdrs, name, key):
    for h in hdrs:
        if name_of(h) == name:
            v = unfold(value_of(h)).decode("latin-1")
            if key is None:
                return v.split(";")[0].strip().lower()
            m = re.search(r';\s*' + key + r'\s*=\s*(?:"([^"]*)"|([^\s;]+))', v, re.I)
            if m:
                return m.group(1) if m.group(1) is not None else m.group(2)
    return None

def long_lines(b):
    return any(len(l) > 998 for l in b.split(b"\n"))

def diff_headers(where, e, g):
    """Equal lists, except that a field with a line over 998 octets may
    arrive folded: then it must unfold (RFC 5322 2.2.3) to the input."""
    if e == g:
        return
    for i in range(max(len(e), len(g))):
        x = e[i] if i < len(e) else None
        y = g[i] if i < len(g) else None
        if x == y:
            continue
        if x is not None and y is not None and long_lines(x):
            if unfold(x) == unfold(y):
                continue
            bad("%s header %d, over 998 octets, must be folded at white space "
                "and unfold to the input: expected %s, got %s" % (where, i + 1, show(x), show(y)))
            return
        bad("%s header %d: expected %s, got %s" % (where, i + 1, show(x), show(y)))
        return

def diff_bytes(where, e, g):
    if e == g:
        return
    i = 0
    while i < min(len(e), len(g)) and e[i] == g[i]:
        i += 1
    bad("%s differs at byte %d (expected %d bytes, got %d): expected %s, got %s"
        % (where, i, len(e), len(g), show(e[max(0, i - 40):i + 80]), show(g[max(0, i - 40):i + 80])))

def needs_qp(body):
    return any(len(l) > 998 for l in lines_of(body))

def decode(cte, b):
    if cte == "base64":
        try:
            return base64.b64decode(re.sub(rb"[ \t\n]", b"", b), validate=True)
        except Exception as e:
            return b"(invalid base64: %s)" % str(e).encode()
    return quopri.decodestring(b)

def check_encoded(where, cte, b):
    """RFC 2045: encoded lines are at most 76 characters of printable
    US-ASCII; quoted-printable "=" starts a soft break or a hex pair."""
    for n, l in enumerate(lines_of(b), 1):
        if len(l) > 76:
            bad("%s: %s line %d is %d long (over 76)" % (where, cte, n, len(l)))
            return
        if re.search(rb"[^\t\x20-\x7e]", l):
            bad("%s: %s line %d holds octets outside printable US-ASCII: %s" % (where, cte, n, show(l)))
            return
        if cte == "quoted-printable" and re.search(rb"=(?![0-9A-F]{2}|$)", l):
            bad("%s: quoted-printable line %d has a bad '=' escape: %s" % (where, n, show(l)))
            return
        if cte == "quoted-printable" and l[-1:] in (b" ", b"\t"):
            bad("%s: quoted-printable line %d ends in white space (must be encoded): %s" % (where, n, show(l)))
            return
        if cte == "base64" and not re.fullmatch(rb"[A-Za-z0-9+/=]*", l):
            bad("%s: base64 line %d holds other characters: %s" % (where, n, show(l)))
            return

def split_multipart(body, boundary):
    """preamble, [parts], epilogue (bytes), or None if the closing
    delimiter is missing."""
    b = boundary.encode("latin-1")
    dash, close = b"--" + b, b"--" + b + b"--"
    chunks, cur, closed, pre = [], [], False, None
    for l in lines_of(body):
        s = l.rstrip(b" \t")
        if not closed and s in (dash, close):
            if pre is None:
                pre = cur
            else:
                chunks.append(cur)
            cur = []
            if s == close:
                closed = True
            continue
        cur.append(l)
    if pre is None or not closed:
        return None
    j = lambda ls: b"".join(l + b"\n" for l in ls)
    return j(pre), [j(c) for c in chunks], j(cur)

def compare(where, eh, es, eb, gh, gs, gb, top):
    ctype = param(eh, b"content-type", None) or ""
    bnd = param(eh, b"content-type", "boundary")
    if ctype.startswith("multipart/") and bnd:
        diff_headers(where, eh, gh)
        em, gm = split_multipart(eb, bnd), split_multipart(gb, bnd)
        if em is None:
            diff_bytes(where + " body", eb, gb)
            return
        if gm is None:
            bad("%s: stored multipart body has lost its structure" % where)
            return
        diff_bytes(where + " preamble", em[0], gm[0])
        if len(em[1]) != len(gm[1]):
            bad("%s: %d parts expected, got %d" % (where, len(em[1]), len(gm[1])))
            return
        for i, (ep, gp) in enumerate(zip(em[1], gm[1]), 1):
            compare("%s part %d" % (where, i), *split_message(ep), *split_message(gp), False)
        diff_bytes(where + " epilogue", em[2], gm[2])
        return
    if ctype == "message/rfc822" and needs_qp(eb):
        # RFC 2046 5.2.1: no encoding but 7bit, 8bit or binary here, so
        # the long lines must be dealt with inside the message it holds
        diff_headers(where, eh, gh)
        compare(where + " (message/rfc822)", *split_message(eb), *split_message(gb), True)
        return
    cte = (param(eh, b"content-transfer-encoding", None) or "7bit")
    gcte = param(gh, b"content-transfer-encoding", None)
    eight = any(c >= 0x80 for c in eb)
    if cte in ("base64", "quoted-printable") and needs_qp(eb):
        # re-wrapped, same encoding, same decoded bytes
        if gcte != cte:
            bad("%s (%s, lines over 998 octets) must stay %s, got %r" % (where, cte, cte, gcte))
        diff_headers(where, eh, gh)
        check_encoded(where, cte, gb)
        diff_bytes(where + " body after decoding", decode(cte, eb), decode(cte, gb))
        return
    why = None
    if cte in ("7bit", "8bit"):
        if needs_qp(eb):
            why = "holds a line over 998 octets"
        elif a.seven_bit and eight:
            why = "holds 8-bit octets and the server offers no 8BITMIME"
    if why:
        if gcte != "quoted-printable":
            bad("%s %s: expected Content-Transfer-Encoding: quoted-printable, got %r"
                % (where, why, gcte))
        strip = (b"content-transfer-encoding",)
        e2 = [h for h in eh if name_of(h) not in strip]
        g2 = [h for h in gh if name_of(h) not in strip]
        if top and b"mime-version" not in [name_of(h) for h in eh]:
            g2 = [h for h in g2 if not (name_of(h) == b"mime-version" and value_of(h) == b"1.0")]
        diff_headers(where + " (besides Content-Transfer-Encoding)", e2, g2)
        check_encoded(where, "quoted-printable", gb)
        diff_bytes(where + " body after quoted-printable decoding", eb, quopri.decodestring(gb))
        return
    diff_headers(where, eh, gh)
    if es != gs and not (not es and eb == b"" and gb == b""):
        bad("%s: header/body separator expected %s, got %s" % (where, es, gs))
    diff_bytes(where + " body", eb, gb)

if a.body_sha256:
    diff_headers("message", ehdr, ghdr)
    e, g = hashlib.sha256(ebody).hexdigest(), hashlib.sha256(gbody).hexdigest()
    if e != g:
        bad("body sha256: expected %s (%d bytes), got %s (%d bytes)" % (e, len(ebody), g, len(gbody)))
else:
    compare("message", ehdr, esep, ebody, ghdr, gsep, gbody, True)

if problems:
    for p in problems:
        print("  " + p)
    sys.exit(1)
PYEOF
}
