#!/bin/bash
# demo.sh - send one message through posthorn to a local SMTP sink and show
# what arrived, the log lines and the (empty) queue.  Everything lives in a
# temporary directory; the sink is stopped by its PID on the way out.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/posthorn-demo.XXXXXX)
sink_pid=""
cleanup() {
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 -u -m aiosmtpd -n -c aiosmtpd.handlers.Debugging stdout \
	-l "127.0.0.1:$port" >"$dir/sink.out" 2>&1 &
sink_pid=$!
for _ in $(seq 50); do
	/usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break
	sleep 0.1
done

cat >"$dir/posthorn.conf" <<CONF
# the sink on loopback is our smarthost; plaintext is fine on loopback
smarthost 127.0.0.1:$port
tls none
spool_dir $dir/spool
log_file $dir/maillog
hostname demo.example
domain example.org
CONF
mkdir -p "$dir/spool"

echo "== sending: printf 'Subject: hello from posthorn ...' | posthorn -C posthorn.conf -v alice@example.org"
printf 'Subject: hello from posthorn\n\nIt works.\n' |
	"$top/posthorn" -C "$dir/posthorn.conf" -v alice@example.org
echo "== exit status: $?"
sleep 0.3
echo
echo "== what the sink received:"
cat "$dir/sink.out"
echo
echo "== the log (log_file):"
cat "$dir/maillog"
echo
echo "== the queue (posthorn -bp):"
"$top/posthorn" -C "$dir/posthorn.conf" -bp
