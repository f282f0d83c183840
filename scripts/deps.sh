#!/bin/sh
# deps.sh build|check|bench - install the Debian packages a target needs.
# Run before make reads pkg-config output (STYLE 13).  As root, missing
# packages are installed with apt-get; otherwise the exact command is printed.
set -eu

build="gcc make pkg-config libc6-dev libssl-dev libbsd-dev"
check="$build clang libclang-rt-14-dev python3 python3-aiosmtpd postfix openssl mandoc swaks ca-certificates procps psmisc time unbound ldnsutils iproute2 php-cli git git-email libmailtools-perl mutt s-nail bsd-mailx"

case "${1:-build}" in
build) want=$build ;;
check|demo) want=$check ;;
*) echo "usage: deps.sh build|check" >&2; exit 64 ;;
esac

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "posthorn: missing packages; as root run:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
# Postfix asks how to configure itself; posthorn's tests run private
# instances only, so the system one stays unconfigured and stopped.
echo "postfix postfix/main_mailer_type select No configuration" |
	debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends $missing >/tmp/posthorn-deps.log 2>&1; then
	apt-get update >>/tmp/posthorn-deps.log 2>&1 || true
	apt-get install -y --no-install-recommends $missing >>/tmp/posthorn-deps.log 2>&1 || {
		tail -20 /tmp/posthorn-deps.log >&2
		exit 1
	}
fi
