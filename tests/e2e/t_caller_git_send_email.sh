#!/bin/bash
# t_caller_git_send_email: git send-email (git-email) with --sendmail-cmd.
#
# git send-email runs "CMD [-f SENDER] -i RCPT..." once per patch (-f only
# with --envelope-sender), the message on stdin with LF line ends, its own
# Date, Message-Id and, from the second patch of a series, In-Reply-To and
# References.
#
# Asserted: a two-patch series with --envelope-sender=auto: the exact argv,
# envelope sender alice@example.org, recipients To + Cc, the threading
# headers and git's Message-Id kept (no second one added), the patch text
# intact (the in-body From, a lone "." in the log message, the "-- "
# signature with its trailing space, the diff lines); then one patch without
# --envelope-sender: the envelope sender is the login qualified with
# domain (SPEC 3) while From stays Alice's.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/callers.sh"
guard_system_sendmail "$@"
need_prog git git
[ -x "$(git --exec-path)/git-send-email" ] || fail "git send-email is not installed (Debian package git-email)"
perl -MMail::Address -e1 2>/dev/null ||
    fail "git send-email needs Mail::Address (Debian package libmailtools-perl)"

start_smtpd
write_conf
make_wrapper
caller_home
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE='2024-05-01 12:00:00 +0000'
export GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
me=$(id -un)

repo=$TESTTMP/repo
git init -q -b main "$repo" || fail "git init"
cd "$repo" || fail "cd $repo"
git config user.name 'Alice Example'
git config user.email alice@example.org
printf 'hello\n' >README
git add README && git commit -qm 'Initial import' || fail "git commit"
printf 'hello\nworld\n' >README
git commit -qam 'Add the world' -m 'The world was missing.
.
A lone dot above, kept by -i.' || fail "git commit 2"
printf '.hidden\n' >.dotfile
git add .dotfile && git commit -qm 'Add a dot file' || fail "git commit 3"

send() {	# extra args...
	caller_run git send-email --sendmail-cmd="$SENDMAIL" \
	    --to bob@example.org --cc carol@example.org \
	    --from 'Alice <alice@example.org>' --confirm=never \
	    --suppress-cc=all --no-chain-reply-to --quiet "$@" </dev/null
}

send --envelope-sender=auto -2
check_caller_exit 0
wait_peer_count 2
send -1
check_caller_exit 0
wait_peer_count 3
cd "$TESTTMP" || fail "cd"

check_argv '^CALL \[-f\] \[alice@example\.org\] \[-i\] \[bob@example\.org\] \[carol@example\.org\]$'
check_argv '^CALL \[-i\] \[bob@example\.org\] \[carol@example\.org\]$'
check_clean_wire
check_queue_count 0

# the two patches of the series, told apart by their subject
p1= p2= p3=
for n in 1 2 3; do
	case $(msg_header $n Subject) in
	'[PATCH 1/2] Add the world') p1=$n ;;
	'[PATCH 2/2] Add a dot file') p2=$n ;;
	'[PATCH] Add a dot file') p3=$n ;;
	esac
done
[ -n "$p1" ] && [ -n "$p2" ] && [ -n "$p3" ] ||
    fail "patches missing: subjects $(for n in 1 2 3; do msg_header $n Subject; done | tr '\n' '|')"

for n in $p1 $p2; do
	check_sender $n alice@example.org
	check_rcpts $n bob@example.org carol@example.org
done
check_sender $p3 "$me@example.org"
check_rcpts $p3 bob@example.org carol@example.org

for n in $p1 $p2 $p3; do
	check_header $n From '^Alice <alice@example\.org>$'
	check_header $n To '^bob@example\.org$'
	check_header $n Cc '^carol@example\.org$'
	check_header $n Message-ID '^<[^<>]+-alice@example\.org>$'
	check_header $n X-Mailer '^git-send-email '
	check_header_count $n Date 1
	check_header_count $n Received 1
	check_body $n '^From: Alice Example <alice@example\.org>$'
	check_body $n '^-- $'
done
# threading: patch 2 answers patch 1
id1=$(msg_header $p1 Message-ID)
check_header $p2 In-Reply-To "^${id1//./\\.}\$"
check_header $p2 References "${id1//./\\.}"
# the content of patch 1: the log message and the diff
check_body $p1 '^The world was missing\.$'
check_body $p1 '^\.$'
check_body $p1 '^A lone dot above, kept by -i\.$'
check_body $p1 '^diff --git a/README b/README$'
check_body $p1 '^\+world$'
check_body $p2 '^\+\.hidden$'
check_body $p3 '^\+\.hidden$'
check_no_system_sendmail
