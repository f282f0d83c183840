#!/bin/bash
# t_layout: the module picture of README.md ("Layout") holds: each file
# includes only the posthorn headers of the modules it may call, calls go
# one way, and only sendmail.c knows sysexits.h (STYLE 1 and 2).
set -u
cd "$SRCDIR" || exit 1
declare -A may=(
	[log]=""
	[addr]="log"
	[conf]="log"
	[mime]="log"
	[ossl]="log"
	[auth]="log mime ossl"
	[tls]="log ossl"
	[spool]="log"
	[resolve]="log"
	[server]="log"
	[aliases]="log addr"
	[msg]="log addr mime"
	[bounce]="log msg spool"
	[smtp]="log addr auth mime tls"
	[deliver]="log conf spool bounce tls smtp addr resolve"
	[check]="log conf tls smtp deliver resolve"
	[sendmail]="log addr conf mime msg spool tls deliver check server aliases resolve"
)
bad=0
for f in *.c *.h; do
	mod=${f%.*}
	if [ -z "${may[$mod]+set}" ]; then
		echo "FAIL: $f is a module the picture does not know"
		bad=1
		continue
	fi
	for inc in $(sed -n 's/^#include "\([a-z]*\)\.h"$/\1/p' "$f"); do
		[ "$inc" = "$mod" ] && continue
		case " ${may[$mod]} " in
		*" $inc "*) ;;
		*) echo "FAIL: $f includes $inc.h, an edge the picture lacks"
		   bad=1 ;;
		esac
	done
	if [ "$mod" != sendmail ] && grep -q '<sysexits.h>' "$f"; then
		echo "FAIL: $f includes sysexits.h (only sendmail.c may)"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "every include follows the picture"
exit $bad
