/*
 * sendmail.c - main(): the sendmail command line, the phases of a
 * submission, and the exit status (the only user of sysexits.h).
 *
 * Phases, kept visible so that a later sandboxing step has an obvious
 * home: process hygiene; flags; configuration; read and spool (fsynced
 * before anything else happens); deliver (bounded by submit_timeout);
 * decide the exit status once.  A message that was not durably spooled
 * never exits 0.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <grp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "addr.h"
#include "conf.h"
#include "mime.h"
#include "msg.h"
#include "spool.h"
#include "tls.h"
#include "deliver.h"
#include "check.h"
#include "server.h"
#include "aliases.h"
#include "resolve.h"

#define POSTHORN_VERSION	"0.1.0"
#define SYSTEM_CONF		"/etc/posthorn.conf"
#define MAX_RCPTS		10000
#define FLUSH_USER_MAX_S	3600	/* root's flush, per user queue */

enum mode {
	MODE_SUBMIT = 0,
	MODE_SMTP,		/* -bs */
	MODE_LIST,		/* -bp, mailq */
	MODE_VERIFY,		/* -bv */
	MODE_FLUSH,		/* -q */
	MODE_ALIASES,		/* -bi, newaliases */
	MODE_CHECK,		/* --check */
	MODE_DELETE,		/* --delete */
	MODE_SHOW,		/* --show */
	MODE_REQUEUE		/* --requeue */
};

struct opts {
	enum mode	 mode;
	int		 extract;	/* -t */
	int		 ignore_dots;	/* -i, -oi */
	int		 verbose;	/* -v */
	int		 deliver;	/* 'i', 'b' or 'q' (-od?) */
	int		 on_error;	/* 'p', 'm', 'q', 'w' (-oe?) */
	int		 json;		/* --json */
	const char	*from;		/* -f, -r */
	const char	*fullname;	/* -F */
	const char	*conf_file;	/* -C */
	const char	*notify;	/* -N */
	const char	*ret;		/* -R */
	const char	*envid;		/* -V */
	const char	*body;		/* -B */
	const char	*qselect;	/* -qI / -qR / -qS argument */
	int		 qkind;		/* 'I', 'R', 'S' or 0 */
	const char	*target;	/* --delete/--show/--requeue/--check */
	char		**rcpts;
	int		 nrcpts;
};

static void
usage(void)
{
	fprintf(stderr, "usage: sendmail [-tiv] [-f sender] [-F name] "
	    "[-C file] [-od{i,b,q}] [-oe{p,m,q,w}]\n"
	    "                [-N dsn] [-R full|hdrs] [-V envid] "
	    "[-B 7BIT|8BITMIME] [--] [recipient ...]\n"
	    "       sendmail -bp | -bs | -bv addr... | -q[I|R|S substr] | "
	    "-bi\n"
	    "       posthorn --check [domain] | --show ID | --delete ID|all "
	    "| --requeue ID|all | --help | --version\n");
	exit(EX_USAGE);
}

static void
help(void)
{
	printf("posthorn %s - a submission-only sendmail\n\n"
	    "Reads a message on standard input, queues it durably and "
	    "delivers it\nthrough the smarthost of /etc/posthorn.conf.\n\n"
	    "  -t          recipients from To, Cc, Bcc (plus the arguments)\n"
	    "  -i, -oi     a line with a single '.' does not end the message\n"
	    "  -f ADDR     envelope sender (-f '' is the null sender)\n"
	    "  -F NAME     full name for a generated From header\n"
	    "  -v          show the SMTP dialogue (secrets hidden)\n"
	    "  -odi|-odb|-odq  deliver now / in the background / only queue\n"
	    "  -oep|-oem|-oeq  on permanent failure: report / mail / "
	    "status only\n"
	    "  -C FILE     read only this configuration file\n"
	    "  -bp, mailq  list the queue;  -q  deliver what is due\n"
	    "  --check     show the configuration and test the smarthost\n\n"
	    "See posthorn(8) and posthorn.conf(5).\n", POSTHORN_VERSION);
	exit(EX_OK);
}

/* The argument of a flag: the rest of this word, or the next word. */
static const char *
flag_arg(int argc, char **argv, int *i, const char *rest, char flag)
{
	if (*rest != '\0')
		return rest;
	if (*i + 1 >= argc) {
		fprintf(stderr, "posthorn: option -%c requires an argument\n",
		    flag);
		usage();
	}
	return argv[++*i];
}

static void
parse_o(struct opts *o, const char *v)
{
	if (v[0] == 'i' && v[1] == '\0')
		o->ignore_dots = 1;
	else if (v[0] == 'd' && strchr("ibq", v[1]) != NULL && v[1] != '\0' &&
	    v[2] == '\0')
		o->deliver = v[1];
	else if (v[0] == 'd' && v[1] == 'b' )
		o->deliver = 'b';
	else if (v[0] == 'e' && v[1] != '\0' && strchr("pmqw", v[1]) != NULL)
		o->on_error = v[1];
	/* every other -o option is accepted and ignored (SPEC 2) */
}

static void
parse_args(struct opts *o, int argc, char **argv)
{
	const char	*a, *v;
	int		 i, done;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[1] == '-') {
			if (strcmp(a, "--help") == 0)
				help();
			else if (strcmp(a, "--version") == 0) {
				printf("posthorn %s\n", POSTHORN_VERSION);
				exit(EX_OK);
			} else if (strcmp(a, "--json") == 0)
				o->json = 1;
			else if (strcmp(a, "--check") == 0) {
				o->mode = MODE_CHECK;
				if (i + 1 < argc && argv[i + 1][0] != '-')
					o->target = argv[++i];
			} else if (strcmp(a, "--delete") == 0 ||
			    strcmp(a, "--show") == 0 ||
			    strcmp(a, "--requeue") == 0) {
				o->mode = a[2] == 'd' ? MODE_DELETE :
				    a[2] == 's' ? MODE_SHOW : MODE_REQUEUE;
				if (i + 1 >= argc)
					usage();
				o->target = argv[++i];
			} else {
				fprintf(stderr, "posthorn: unknown option "
				    "%s\n", a);
				usage();
			}
			continue;
		}
		for (a++, done = 0; *a != '\0' && !done; a++) {
			switch (*a) {
			case 't':
				o->extract = 1;
				break;
			case 'i':
				o->ignore_dots = 1;
				break;
			case 'v':
				o->verbose = 1;
				break;
			case 'I':
				o->mode = MODE_ALIASES;
				break;
			case 'n':
			case 'm':
			case 'U':
			case 'G':
				break;		/* accepted, ignored */
			case 'f':
			case 'r':
				o->from = flag_arg(argc, argv, &i, a + 1, *a);
				done = 1;
				break;
			case 'F':
				o->fullname = flag_arg(argc, argv, &i, a + 1,
				    *a);
				done = 1;
				break;
			case 'C':
				o->conf_file = flag_arg(argc, argv, &i, a + 1,
				    *a);
				done = 1;
				break;
			case 'N':
				o->notify = flag_arg(argc, argv, &i, a + 1, *a);
				done = 1;
				break;
			case 'R':
				o->ret = flag_arg(argc, argv, &i, a + 1, *a);
				done = 1;
				break;
			case 'V':
				o->envid = flag_arg(argc, argv, &i, a + 1, *a);
				done = 1;
				break;
			case 'B':
				o->body = flag_arg(argc, argv, &i, a + 1, *a);
				done = 1;
				break;
			case 'O':
			case 'L':
			case 'A':
			case 'X':
			case 'h':
				(void)flag_arg(argc, argv, &i, a + 1, *a);
				done = 1;
				break;
			case 'e':
			case 'd':
				done = 1;	/* -e?, -dX: ignored */
				break;
			case 'o':
				parse_o(o, flag_arg(argc, argv, &i, a + 1, *a));
				done = 1;
				break;
			case 'b':
				v = flag_arg(argc, argv, &i, a + 1, *a);
				done = 1;
				if (strcmp(v, "m") == 0)
					o->mode = MODE_SUBMIT;
				else if (strcmp(v, "s") == 0)
					o->mode = MODE_SMTP;
				else if (strcmp(v, "p") == 0)
					o->mode = MODE_LIST;
				else if (strcmp(v, "v") == 0)
					o->mode = MODE_VERIFY;
				else if (strcmp(v, "i") == 0)
					o->mode = MODE_ALIASES;
				else if (strcmp(v, "d") == 0 ||
				    strcmp(v, "D") == 0) {
					fprintf(stderr, "posthorn: runs no "
					    "daemon; flush the queue from cron "
					    "or a timer with 'sendmail -q'\n");
					exit(EX_USAGE);
				} else {
					fprintf(stderr, "posthorn: unknown "
					    "mode -b%s\n", v);
					usage();
				}
				break;
			case 'q':
				done = 1;
				o->mode = MODE_FLUSH;
				v = a + 1;
				if (*v == '\0')
					break;
				if (*v == 'I' || *v == 'R' || *v == 'S') {
					o->qkind = *v;
					o->qselect = flag_arg(argc, argv, &i,
					    v + 1, 'q');
					break;
				}
				if (isdigit((unsigned char)*v)) {
					fprintf(stderr, "posthorn: runs no "
					    "daemon, so -q%s cannot repeat; "
					    "run 'sendmail -q' from cron or a "
					    "timer instead\n", v);
					exit(EX_USAGE);
				}
				fprintf(stderr, "posthorn: unknown option "
				    "-q%s\n", v);
				usage();
				break;
			default:
				fprintf(stderr, "posthorn: unknown option "
				    "-%c\n", *a);
				usage();
			}
		}
	}
	o->rcpts = argv + i;
	o->nrcpts = argc - i;
}

/* -N, -R, -V, -B: checked and upper-cased, as SMTP DSN wants them. */
static void
check_dsn(struct opts *o)
{
	static char	 notify[64], ret[8];
	char		 buf[64], *tok, *p;
	int		 never = 0, n = 0;

	if (o->notify != NULL) {
		if (strlcpy(buf, o->notify, sizeof(buf)) >= sizeof(buf))
			goto bad_n;
		for (p = buf; (tok = strsep(&p, ",")) != NULL; n++) {
			if (strcasecmp(tok, "never") == 0)
				never = 1;
			else if (strcasecmp(tok, "success") != 0 &&
			    strcasecmp(tok, "failure") != 0 &&
			    strcasecmp(tok, "delay") != 0)
				goto bad_n;
		}
		if (never && n > 1)
			goto bad_n;
		(void)strlcpy(notify, o->notify, sizeof(notify));
		for (p = notify; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		o->notify = notify;
	}
	if (o->ret != NULL) {
		if (strcasecmp(o->ret, "full") != 0 &&
		    strcasecmp(o->ret, "hdrs") != 0) {
			fprintf(stderr, "posthorn: -R takes full or hdrs\n");
			exit(EX_USAGE);
		}
		(void)strlcpy(ret, o->ret, sizeof(ret));
		for (p = ret; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		o->ret = ret;
	}
	if (o->envid != NULL) {
		for (p = (char *)o->envid; *p != '\0'; p++)
			if (*p < '!' || *p > '~')
				break;
		if (*p != '\0' || strlen(o->envid) > 100) {
			fprintf(stderr, "posthorn: -V takes up to 100 printable "
			    "ASCII characters\n");
			exit(EX_USAGE);
		}
	}
	if (o->body != NULL && strcasecmp(o->body, "7BIT") != 0 &&
	    strcasecmp(o->body, "8BITMIME") != 0) {
		fprintf(stderr, "posthorn: -B takes 7BIT or 8BITMIME\n");
		exit(EX_USAGE);
	}
	return;
bad_n:
	fprintf(stderr, "posthorn: -N takes never, or a list of success, "
	    "failure and delay\n");
	exit(EX_USAGE);
}

/* Refuse input that could smuggle lines into headers or SMTP. */
static void
check_text(const char *what, const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t') {
			fprintf(stderr, "posthorn: %s contains a control "
			    "character (CR, LF or similar); refused\n", what);
			exit(EX_DATAERR);
		}
}

static void
hygiene(void)
{
	struct rlimit	rl = { 0, 0 };
	int		fd;

	umask(077);
	/* make sure 0-2 are open, so no file we open becomes stdout */
	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	closefrom(STDERR_FILENO + 1);
	signal(SIGPIPE, SIG_IGN);
	/* secrets are in memory: no core dumps */
	(void)setrlimit(RLIMIT_CORE, &rl);
	if (getuid() != geteuid() || getgid() != getegid()) {
		fprintf(stderr, "posthorn: refusing to run set-uid or "
		    "set-gid; install it without those bits\n");
		exit(EX_NOPERM);
	}
}

static const char *
env_home(void)
{
	const char	*h = getenv("HOME");
	struct passwd	*pw;

	if (h != NULL && h[0] == '/')
		return h;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_dir;
	return NULL;
}

static void
load_conf(struct conf *c, const char *file)
{
	struct perr	 e;
	const char	*x = getenv("XDG_CONFIG_HOME"), *home;
	char		 path[PATH_MAX];
	int		 n = -1;

	conf_init(c);
	if (file != NULL) {
		if (conf_load(c, file, 0, &e) == -1)
			goto bad;
		return;
	}
	if (conf_load(c, SYSTEM_CONF, 1, &e) == -1)
		goto bad;
	if (x != NULL && x[0] == '/')
		n = snprintf(path, sizeof(path), "%s/posthorn/config", x);
	else if ((home = env_home()) != NULL)
		n = snprintf(path, sizeof(path), "%s/.config/posthorn/config",
		    home);
	if (n > 0 && (size_t)n < sizeof(path) &&
	    conf_load(c, path, 1, &e) == -1)
		goto bad;
	return;
bad:
	fprintf(stderr, "posthorn: %s\n", e.msg);
	exit(EX_CONFIG);
}

/* Our host name and mail domain (SPEC 6: /etc/mailname, else the FQDN). */
static void
names(const struct conf *c, char *host, size_t hostsz, char *dom,
    size_t domsz)
{
	struct addrinfo	 hints, *res;
	FILE		*fp;
	char		 buf[256], *dot;

	if (c->hostname != NULL)
		(void)strlcpy(host, c->hostname, hostsz);
	else {
		if (gethostname(buf, sizeof(buf)) == -1)
			(void)strlcpy(buf, "localhost", sizeof(buf));
		buf[sizeof(buf) - 1] = '\0';
		(void)strlcpy(host, buf, hostsz);
		if (strchr(buf, '.') == NULL) {
			memset(&hints, 0, sizeof(hints));
			hints.ai_flags = AI_CANONNAME;
			if (getaddrinfo(buf, NULL, &hints, &res) == 0) {
				if (res->ai_canonname != NULL)
					(void)strlcpy(host, res->ai_canonname,
					    hostsz);
				freeaddrinfo(res);
			}
		}
	}
	if (c->domain != NULL) {
		(void)strlcpy(dom, c->domain, domsz);
		return;
	}
	if ((fp = fopen("/etc/mailname", "re")) != NULL) {
		if (fgets(buf, sizeof(buf), fp) != NULL) {
			buf[strcspn(buf, " \t\r\n")] = '\0';
			if (buf[0] != '\0') {
				(void)strlcpy(dom, buf, domsz);
				fclose(fp);
				return;
			}
		}
		fclose(fp);
	}
	/* a host name with a domain: mail comes from that domain */
	dot = strchr(host, '.');
	(void)strlcpy(dom, dot != NULL && c->hostname == NULL ? host : host,
	    domsz);
}

/* user@domain for bare names. */
static char *
qualify(const char *a, const char *domain)
{
	char	*q;

	if (a[0] == '\0' || addr_domain(a) != NULL)
		return strdup(a);
	if (asprintf(&q, "%s@%s", a, domain) == -1)
		return NULL;
	return q;
}

/*
 * Which configuration routed a message: "system" when /etc/posthorn.conf
 * (or nothing) alone did, so root's flush may deliver it with the system
 * secrets; else the files read, which only their owner's -q uses.
 */
static char *
conf_origin(const struct opts *o, const struct conf *c)
{
	static char	buf[PATH_MAX * 2];
	size_t		i;

	char		real[PATH_MAX];

	if (o->conf_file == NULL && (c->nfiles == 0 || (c->nfiles == 1 &&
	    strcmp(c->files[0], SYSTEM_CONF) == 0)))
		return (char *)"system";
	buf[0] = '\0';
	for (i = 0; i < c->nfiles; i++) {
		if (i > 0)
			(void)strlcat(buf, ",", sizeof(buf));
		/* absolute, so root's flush from anywhere can match it */
		(void)strlcat(buf, realpath(c->files[i], real) != NULL ? real :
		    c->files[i], sizeof(buf));
	}
	return buf;
}

/*
 * The caller's queue in spool_dir; where spool_dir is missing or cannot be
 * written (a read-only system), $XDG_STATE_HOME/posthorn (SPEC 4), which
 * root's flush does not visit.  create: make what is missing (a
 * submission); else only find it (mailq, -q), quietly.
 */
static struct spool *
open_queue(const struct conf *c, int create)
{
	struct spool	*sp;
	struct perr	 e, e2;
	const char	*x = getenv("XDG_STATE_HOME"), *home;
	char		 path[PATH_MAX], *p;
	struct stat	 st;
	int		 n = -1;

	if ((sp = spool_open(c->spool_dir, create, &e)) != NULL)
		return sp;
	if (stat(c->spool_dir, &st) == 0 && access(c->spool_dir, W_OK | X_OK) ==
	    0) {
		if (create)
			fprintf(stderr, "posthorn: %s\n", e.msg);
		return NULL;
	}
	if (x != NULL && x[0] == '/')
		n = snprintf(path, sizeof(path), "%s/posthorn", x);
	else if ((home = env_home()) != NULL)
		n = snprintf(path, sizeof(path), "%s/.local/state/posthorn",
		    home);
	if (n <= 0 || (size_t)n >= sizeof(path)) {
		if (create)
			fprintf(stderr, "posthorn: %s\n", e.msg);
		return NULL;
	}
	if (create) {
		/* mkdir -p, 0700 */
		for (p = path + 1; *p != '\0'; p++)
			if (*p == '/') {
				*p = '\0';
				(void)mkdir(path, 0700);
				*p = '/';
			}
		(void)mkdir(path, 0700);
	}
	if ((sp = spool_open(path, create, &e2)) == NULL && create)
		fprintf(stderr, "posthorn: %s; %s\n", e.msg, e2.msg);
	return sp;
}

static int
exit_for_spool_error(const struct perr *e)
{
	if (e->errnum == ENOSPC || e->errnum == EDQUOT)
		return EX_TEMPFAIL;
	return e->temp ? EX_IOERR : EX_CANTCREAT;
}

/* Rewrite the spooled data so that no line exceeds 998 octets. */
static int
fix_long_lines(struct spool *sp, FILE *data, struct msg_info *mi,
    struct perr *e);

struct copy_arg {
	FILE	*out;
	off_t	 size, lines;
};

static int
copy_line(void *arg, const char *line, size_t len)
{
	struct copy_arg	*c = arg;

	if ((len > 0 && fwrite(line, 1, len, c->out) != len) ||
	    putc('\n', c->out) == EOF)
		return -1;
	c->size += len + 1;
	c->lines++;
	return 0;
}

static int
fix_long_lines(struct spool *sp, FILE *data, struct msg_info *mi,
    struct perr *e)
{
	struct copy_arg	 ca;
	FILE		*tmp;
	char		 buf[65536];
	size_t		 n;

	if ((tmp = spool_scratch(sp, e)) == NULL)
		return -1;
	memset(&ca, 0, sizeof(ca));
	ca.out = tmp;
	if (fseeko(data, 0, SEEK_SET) == -1 ||
	    mime_transform(data, MIME_FIX_LONG, copy_line, &ca, e) == -1 ||
	    fflush(tmp) == EOF) {
		if (ferror(tmp))
			perr_sys(e, 1, "write scratch file");
		fclose(tmp);
		return -1;
	}
	if (fseeko(data, 0, SEEK_SET) == -1 || ftruncate(fileno(data), 0) ==
	    -1 || fseeko(tmp, 0, SEEK_SET) == -1) {
		fclose(tmp);
		return perr_sys(e, 1, "rewrite queued message");
	}
	while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
		if (fwrite(buf, 1, n, data) != n) {
			fclose(tmp);
			return perr_sys(e, 1, "rewrite queued message");
		}
	fclose(tmp);
	if (fflush(data) == EOF)
		return perr_sys(e, 1, "rewrite queued message");
	mi->size = ca.size;
	mi->lines = ca.lines;
	mi->has_long = 0;
	return 0;
}

static int
rcpt_push(char ***v, size_t *n, char *a)
{
	char	**nv;
	size_t	  i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], a) == 0) {
			free(a);
			return 0;
		}
	if (*n >= MAX_RCPTS || (nv = reallocarray(*v, *n + 1, sizeof(*nv))) ==
	    NULL) {
		free(a);
		return -1;
	}
	nv[(*n)++] = a;
	*v = nv;
	return 0;
}

/*
 * Who is sending: names the submission needs, found once.  The password
 * entry (login name, GECOS) is looked up only when something needs it:
 * with -f and a From header of its own, a message needs neither, and the
 * look-up (NSS, /etc/passwd) would cost more than the rest of the start.
 */
struct who {
	char		 host[256], dom[256], login[64];
	const char	*fullname;	/* -F, or NULL */
	char		 gecos[256];	/* GECOS name, or "" */
	int		 pw_read;	/* login and gecos are set */
	struct aliases	*aliases;	/* NULL: none (yet) */
	const char	*aliases_path;
	int		 aliases_read;	/* read once, when first needed */
};

static void
who_init(struct who *w, const struct opts *o, const struct conf *c)
{
	memset(w, 0, sizeof(*w));
	names(c, w->host, sizeof(w->host), w->dom, sizeof(w->dom));
	w->fullname = o->fullname;
	if (w->fullname != NULL)
		check_text("-F name", w->fullname);
	w->aliases_path = c->aliases;
}

static void
who_pw(struct who *w)
{
	struct passwd	*pw;
	const char	*p;

	if (w->pw_read)
		return;
	w->pw_read = 1;
	if ((pw = getpwuid(getuid())) != NULL)
		(void)strlcpy(w->login, pw->pw_name, sizeof(w->login));
	else
		(void)snprintf(w->login, sizeof(w->login), "uid%lu",
		    (unsigned long)getuid());
	if (pw == NULL || pw->pw_gecos == NULL)
		return;
	/* the name before the first comma; none if it holds a control
	 * character (a directory service may hold anything) */
	for (p = pw->pw_gecos; *p != '\0' && *p != ','; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return;
	(void)strlcpy(w->gecos, pw->pw_gecos, sizeof(w->gecos));
	w->gecos[strcspn(w->gecos, ",")] = '\0';
}

static const char *
who_login(struct who *w)
{
	who_pw(w);
	return w->login;
}

/* The display name of a generated From: -F, else GECOS, else NULL. */
static const char *
who_fullname(void *arg)
{
	struct who	*w = arg;

	if (w->fullname != NULL)
		return w->fullname;
	who_pw(w);
	return w->gecos[0] != '\0' ? w->gecos : NULL;
}

/*
 * The aliases, read the first time a local recipient needs them: most
 * mail has none, and /etc/aliases need not be read for it.
 */
static const struct aliases *
who_aliases(struct who *w)
{
	struct perr	e;

	if (!w->aliases_read) {
		w->aliases_read = 1;
		if ((w->aliases = aliases_load(w->aliases_path, 1, &e)) ==
		    NULL)
			log_warnx("aliases: %s; local names are not expanded",
			    e.msg);
	}
	return w->aliases;
}

static void
who_free(struct who *w)
{
	aliases_free(w->aliases);
	w->aliases = NULL;
}

/* A local recipient: a bare name, name@localhost or name@our host name. */
static int
is_local(const char *addr, void *arg)
{
	const struct who	*w = arg;
	const char		*d = addr_domain(addr);

	return d == NULL || strcasecmp(d, "localhost") == 0 ||
	    strcasecmp(d, w->host) == 0;
}

/* Where a local name that no alias resolves goes (SPEC 3). */
static char *
local_dest(const struct conf *c, const struct who *w, const char *name)
{
	const char	*d = addr_domain(name);
	char		*a;

	if (c->admin_address != NULL)
		return qualify(c->admin_address, w->dom);
	if (d == NULL)
		return qualify(name, w->dom);
	if (asprintf(&a, "%.*s@%s", (int)(d - name - 1), name, w->dom) == -1)
		return NULL;
	return a;
}

/*
 * Local recipients through the aliases file ("user+tag" tries "user"
 * too), then what no alias resolves to admin_address or @domain; other
 * recipients as they are.  out gets the final list (deduplicated), orig
 * for each the recipient as the caller gave it when that differs (for
 * DSN ORCPT), or NULL.  -1 with e filled.
 */
static int
expand_rcpts(const struct conf *c, struct who *w, char *const *rc,
    size_t nrc, char ***out, char ***orig, size_t *nout, struct perr *e)
{
	struct aliases_result	 r;
	char			*a, *name, *o, **no;
	const char		*d;
	size_t			 i, j, before, k;

	*out = *orig = NULL;
	*nout = 0;
	for (i = 0; i < nrc; i++) {
		before = *nout;
		if (!is_local(rc[i], (void *)w)) {
			if ((a = strdup(rc[i])) == NULL ||
			    rcpt_push(out, nout, a) == -1)
				goto full;
			goto orig;
		}
		if ((d = addr_domain(rc[i])) != NULL)
			name = strndup(rc[i], d - rc[i] - 1);
		else
			name = strdup(rc[i]);
		if (name == NULL)
			goto full;
		memset(&r, 0, sizeof(r));
		if (aliases_expand(who_aliases(w), name, is_local, (void *)w,
		    &r, e) == -1) {
			perr_set(e, e->temp, "recipient %s: %s", rc[i], e->msg);
			free(name);
			aliases_result_free(&r);
			return -1;
		}
		for (j = 0; j < r.nwarn; j++)
			log_warnx("aliases: %s", r.warn[j]);
		if (r.found && r.n > 0) {
			for (j = 0; j < r.n; j++) {
				a = r.v[j].local ? local_dest(c, w,
				    r.v[j].addr) : strdup(r.v[j].addr);
				if (a == NULL || rcpt_push(out, nout, a) == -1) {
					free(name);
					aliases_result_free(&r);
					goto full;
				}
			}
		} else if ((a = local_dest(c, w, name)) == NULL ||
		    rcpt_push(out, nout, a) == -1) {
			free(name);
			aliases_result_free(&r);
			goto full;
		}
		free(name);
		aliases_result_free(&r);
orig:
		/* ORCPT: what the caller wrote, for new entries that differ */
		if ((no = reallocarray(*orig, *nout + 1, sizeof(*no))) == NULL)
			goto full;
		*orig = no;
		for (k = before; k < *nout; k++) {
			o = NULL;
			if (strcmp((*out)[k], rc[i]) != 0 &&
			    (o = qualify(rc[i], w->dom)) != NULL &&
			    strcmp(o, (*out)[k]) == 0) {
				free(o);
				o = NULL;
			}
			(*orig)[k] = o;
		}
	}
	return 0;
full:
	return perr_set(e, 1, "out of memory or too many recipients");
}

/*
 * The envelope sender (given: -f or MAIL FROM, already checked; else the
 * config's from, else login@domain), after a route's from_rewrite; and the
 * address a generated From header shows.  NULL only when out of memory.
 */
static char *
make_sender(const struct conf *c, struct who *w, const char *given,
    char **from_addr, int *rewrite, char **origin)
{
	struct conf_relay	 r;
	char			*sender;

	*origin = NULL;

	if (given != NULL)
		sender = qualify(given, w->dom);
	else
		sender = qualify(c->relay.from != NULL ? c->relay.from :
		    who_login(w), w->dom);
	if (sender == NULL)
		return NULL;
	(void)conf_route(c, sender, &r);
	*rewrite = r.from_rewrite == 1 && r.from != NULL;
	if (*rewrite && sender[0] != '\0') {
		*origin = sender;	/* it still chooses the route */
		if ((sender = qualify(r.from, w->dom)) == NULL) {
			free(*origin);
			*origin = NULL;
			return NULL;
		}
	}
	*from_addr = qualify(sender[0] != '\0' ? sender : who_login(w),
	    w->dom);
	if (*from_addr == NULL) {
		free(sender);
		free(*origin);
		*origin = NULL;
		return NULL;
	}
	return sender;
}

/* Check and qualify one recipient argument (it may hold a list). */
static int
add_rcpt_arg(char ***rc, size_t *nrc, const char *arg, const char *dom,
    struct perr *e)
{
	struct addr_list	 l = { NULL, 0 };
	size_t			 j;
	char			*tmp, *a;

	if (addr_parse_list(arg, &l, e) == -1) {
		addr_list_free(&l);
		return perr_set(e, 0, "recipient \"%s\": %s", arg, e->msg);
	}
	if (l.n == 0) {
		addr_list_free(&l);
		return perr_set(e, 0, "recipient \"%s\": no address", arg);
	}
	for (j = 0; j < l.n; j++) {
		if ((tmp = addr_envelope(l.v[j].spec, 0, e)) == NULL) {
			perr_set(e, 0, "recipient \"%s\": %s", l.v[j].spec,
			    e->msg);
			addr_list_free(&l);
			return -1;
		}
		/* bare names stay bare until the aliases have seen them */
		(void)dom;
		a = tmp;
		if (rcpt_push(rc, nrc, a) == -1) {
			addr_list_free(&l);
			return perr_set(e, 0, "too many recipients");
		}
	}
	addr_list_free(&l);
	return 0;
}

/*
 * Read one message from in into the queue and make it durable.  Returns
 * EX_OK with qid set and *datap the locked data file (to deliver now, or
 * fclose), or an exit status with e saying why (nothing is queued then).
 * rc is consumed (its strings go into the envelope, then are freed).
 */
static int
queue_message(const struct opts *o, const struct conf *c,
    struct who *w, struct spool *sp, FILE *in, const char *sender,
    const char *origin, const char *from_addr, int rewrite, char **rc,
    size_t nrc, int extract,
    int dot_ends, char qid[SPOOL_QID_LEN + 1], FILE **datap, struct perr *e)
{
	struct msg_opts	 mo;
	struct msg_info	 mi;
	struct envelope	 env;
	FILE		*data;
	size_t		 i, nfin = 0;
	char		*a, **fin = NULL, **orig = NULL;
	int		 utf8, ex = EX_OK;

	*datap = NULL;
	if ((data = spool_create(sp, qid, e)) == NULL)
		return exit_for_spool_error(e);
	memset(&mo, 0, sizeof(mo));
	mo.rewrite_from = rewrite;
	mo.dot_ends = dot_ends;
	mo.extract = extract;
	mo.sender = sender;
	mo.from_addr = from_addr;
	mo.fullname = who_fullname;
	mo.fullname_arg = w;
	mo.hostname = w->host;
	mo.domain = w->dom;
	mo.qid = qid;
	mo.uid = getuid();
	memset(&env, 0, sizeof(env));
	if (msg_read(in, data, &mo, &mi, e) == -1 ||
	    (mi.has_long && fix_long_lines(sp, data, &mi, e) == -1)) {
		if (!e->temp)
			ex = EX_DATAERR;
		else {
			if (e->errnum == 0 && ferror(in) == 0)
				e->errnum = errno;
			ex = exit_for_spool_error(e);
		}
		goto fail;
	}
	for (i = 0; i < mi.nrcpts; i++)
		if ((a = strdup(mi.rcpts[i])) == NULL ||
		    rcpt_push(&rc, &nrc, a) == -1) {
			perr_set(e, 0, "too many recipients");
			ex = EX_DATAERR;
			goto fail;
		}
	if (nrc == 0) {
		perr_set(e, 0, "no recipient addresses found in the message "
		    "headers");
		ex = EX_DATAERR;
		goto fail;
	}
	if (expand_rcpts(c, w, rc, nrc, &fin, &orig, &nfin, e) == -1) {
		ex = e->temp ? EX_TEMPFAIL : EX_DATAERR;
		goto fail;
	}
	(void)strlcpy(env.qid, qid, sizeof(env.qid));
	env.uid = getuid();
	{
		struct timespec	ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		env.created = ts.tv_sec;
		env.created_us = ts.tv_nsec / 1000;
	}
	env.sender = (char *)sender;
	env.origin = (char *)origin;
	env.conf = conf_origin(o, c);
	env.size = mi.size;
	env.lines = mi.lines;
	env.body_8bit = mi.has_8bit;
	env.msgid = mi.msgid;
	env.dsn_notify = (char *)o->notify;
	env.dsn_ret = (char *)o->ret;
	env.dsn_envid = (char *)o->envid;
	env.on_error = o->on_error;
	utf8 = addr_is_utf8(sender);
	if ((env.rcpts = calloc(nfin, sizeof(*env.rcpts))) == NULL) {
		perr_set(e, 1, "out of memory");
		ex = EX_TEMPFAIL;
		goto fail;
	}
	for (i = 0; i < nfin; i++) {
		env.rcpts[i].addr = fin[i];
		env.rcpts[i].orcpt = orig[i];
		env.rcpts[i].state = RCPT_PENDING;
		utf8 |= addr_is_utf8(fin[i]);
	}
	env.nrcpts = nfin;
	env.smtputf8 = utf8;
	if (spool_commit(sp, data, &env, e) == -1) {
		ex = exit_for_spool_error(e);
		goto fail;
	}
	log_info("%s: uid=%lu, from=<%s>, size=%lld, nrcpt=%zu, msgid=%s",
	    qid, (unsigned long)getuid(), sender, (long long)mi.size, nfin,
	    mi.msgid != NULL ? mi.msgid : "");
	*datap = data;
	goto done;
fail:
	spool_abort(sp, qid, data);
done:
	free(env.rcpts);
	for (i = 0; i < nrc; i++)
		free(rc[i]);
	free(rc);
	for (i = 0; i < nfin; i++) {
		free(fin[i]);
		free(orig != NULL ? orig[i] : NULL);
	}
	free(fin);
	free(orig);
	msg_info_free(&mi);
	return ex;
}

/* Deliver a freshly queued message now; the exit status it earns. */
static int
deliver_now(const struct opts *o, const struct conf *c, const struct who *w,
    struct spool *sp, const char *qid, FILE *data, int report)
{
	struct deliver_ctx	 ctx;
	struct deliver_result	 res;
	struct timespec		 dl;
	struct perr		 e;

	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = c;
	ctx.helo = w->host;
	ctx.domain = w->dom;
	ctx.verbose = o->verbose;
	tls_deadline(&dl, c->submit_timeout_s * 1000);
	ctx.deadline = &dl;
	if (deliver_message(sp, qid, NULL, data, &ctx, report, &res, &e) ==
	    -1) {
		/* the message is safe in the queue; only its state is not */
		log_warnx("%s: %s", qid, e.msg);
		if (o->verbose)
			fprintf(stderr, "posthorn: %s\n", e.msg);
	}
	if (o->verbose && res.pending > 0)
		fprintf(stderr, "posthorn: %s: %d recipient(s) queued for a "
		    "later attempt\n", qid, res.pending);
	if (report == 0)
		return EX_OK;
	if (res.failed > 0)
		return EX_UNAVAILABLE;
	if (res.rejected > 0)
		return EX_NOUSER;
	return EX_OK;
}

static int
submit_as(struct opts *o, struct conf *c, struct who *w)
{
	struct spool	*sp;
	struct perr	 e;
	char		 qid[SPOOL_QID_LEN + 1], *sender, *from_addr, *given;
	char		*origin;
	char		**rc = NULL;
	size_t		 nrc = 0, i;
	FILE		*data;
	pid_t		 pid;
	int		 ex, rewrite, report;

	given = NULL;
	if (o->from != NULL) {
		check_text("-f address", o->from);
		if ((given = addr_envelope(o->from, 1, &e)) == NULL) {
			fprintf(stderr, "posthorn: -f: %s\n", e.msg);
			return EX_DATAERR;
		}
	}
	sender = make_sender(c, w, given, &from_addr, &rewrite, &origin);
	free(given);
	if (sender == NULL) {
		fprintf(stderr, "posthorn: out of memory\n");
		return EX_TEMPFAIL;
	}
	{
		struct conf_relay r;

		/* an insecure secret is a configuration error, said now */
		(void)conf_route(c, origin != NULL ? origin : sender, &r);
		if (deliver_check_files(&r, &e) == -1) {
			fprintf(stderr, "posthorn: %s\n", e.msg);
			free(sender);
			free(origin);
			free(from_addr);
			return EX_CONFIG;
		}
	}
	for (i = 0; i < (size_t)o->nrcpts; i++) {
		check_text("recipient", o->rcpts[i]);
		if (add_rcpt_arg(&rc, &nrc, o->rcpts[i], w->dom, &e) == -1) {
			fprintf(stderr, "posthorn: %s\n", e.msg);
			return EX_DATAERR;
		}
	}
	if (nrc == 0 && !o->extract) {
		fprintf(stderr, "posthorn: no recipients given (use -t to "
		    "take them from the headers)\n");
		return EX_USAGE;
	}

	/* Spool: nothing is promised before the fsync. */
	if ((sp = open_queue(c, 1)) == NULL)
		return EX_CANTCREAT;
	ex = queue_message(o, c, w, sp, stdin, sender, origin, from_addr,
	    rewrite, rc, nrc, o->extract, !o->ignore_dots, qid, &data, &e);
	free(sender);
	free(origin);
	free(from_addr);
	if (ex != EX_OK) {
		fprintf(stderr, "posthorn: %s\n", e.msg);
		spool_close(sp);
		return ex;
	}

	/* Delivery, as -od says. */
	if (o->deliver == 'q') {
		if (o->verbose)
			fprintf(stderr, "posthorn: %s: queued\n", qid);
		fclose(data);
		spool_close(sp);
		return EX_OK;
	}
	if (o->deliver == 'b') {
		fflush(NULL);
		if ((pid = fork()) != 0) {
			/* the child holds the lock now; on a failed fork
			 * the message waits for the next -q */
			fclose(data);
			spool_close(sp);
			return EX_OK;
		}
		(void)setsid();
		(void)deliver_now(o, c, w, sp, qid, data, 0);
		_exit(0);
	}
	report = o->on_error == 'm' ? 0 : o->on_error == 'q' ? 2 : 1;
	ex = deliver_now(o, c, w, sp, qid, data, report);
	fclose(data);
	spool_close(sp);
	return ex;
}

static int
submit(struct opts *o, struct conf *c)
{
	struct who	w;
	int		ex;

	who_init(&w, o, c);
	ex = submit_as(o, c, &w);
	who_free(&w);
	return ex;
}

/* -bs: the state the SMTP dialogue's callbacks share. */
struct bs {
	const struct opts	*o;
	const struct conf	*c;
	struct who		*w;
	struct spool		*sp;
	char			(*qids)[SPOOL_QID_LEN + 1];
	size_t			 nqids;
};

static int
bs_check(void *arg, const char *addr, int is_sender, char *out,
    size_t outsz, char *reply, size_t replysz)
{
	struct perr	 e;
	char		*a;

	(void)arg;
	if ((a = addr_envelope(addr, is_sender, &e)) == NULL) {
		(void)snprintf(reply, replysz, "553 5.1.3 %s", e.msg);
		return -1;
	}
	if (strlcpy(out, a, outsz) >= outsz) {
		free(a);
		(void)snprintf(reply, replysz, "553 5.1.3 address too long");
		return -1;
	}
	free(a);
	return 0;
}

/* One message from the dialogue into the queue, fsynced before the 250. */
static int
bs_submit(void *arg, const char *from, char *const *rcpts, size_t nrcpts,
    FILE *msg, char *reply, size_t replysz)
{
	struct bs	*b = arg;
	struct perr	 e;
	char		 qid[SPOOL_QID_LEN + 1], *sender, *from_addr, *origin;
	char		**rc = NULL, (*nq)[SPOOL_QID_LEN + 1];
	size_t		 nrc = 0, i;
	FILE		*data;
	int		 rewrite, ex;

	if ((sender = make_sender(b->c, b->w, from, &from_addr, &rewrite,
	    &origin)) == NULL) {
		(void)snprintf(reply, replysz, "451 4.3.0 out of memory");
		return -1;
	}
	{
		struct conf_relay r;

		(void)conf_route(b->c, origin != NULL ? origin : sender, &r);
		if (deliver_check_files(&r, &e) == -1) {
			(void)snprintf(reply, replysz, "451 4.3.5 %s", e.msg);
			goto fail;
		}
	}
	for (i = 0; i < nrcpts; i++)
		if (add_rcpt_arg(&rc, &nrc, rcpts[i], b->w->dom, &e) == -1) {
			(void)snprintf(reply, replysz, "554 5.1.3 %s", e.msg);
			goto fail;
		}
	if ((nq = reallocarray(b->qids, b->nqids + 1, sizeof(*nq))) == NULL) {
		(void)snprintf(reply, replysz, "451 4.3.0 out of memory");
		goto fail;
	}
	b->qids = nq;
	ex = queue_message(b->o, b->c, b->w, b->sp, msg, sender, origin,
	    from_addr, rewrite, rc, nrc, 0, 0, qid, &data, &e);
	rc = NULL;
	nrc = 0;
	free(sender);
	free(origin);
	free(from_addr);
	if (ex != EX_OK) {
		(void)snprintf(reply, replysz, "%s %s", ex == EX_DATAERR ?
		    "554 5.6.0" : "451 4.3.0", e.msg);
		return -1;
	}
	fclose(data);
	(void)strlcpy(b->qids[b->nqids++], qid, sizeof(b->qids[0]));
	(void)snprintf(reply, replysz, "250 2.0.0 Ok: queued as %s", qid);
	return 0;
fail:
	for (i = 0; i < nrc; i++)
		free(rc[i]);
	free(rc);
	free(sender);
	free(origin);
	free(from_addr);
	return -1;
}

/*
 * -bs: SMTP on stdin/stdout.  Each message is in the queue before its
 * 250; after QUIT the messages are delivered as -od says.  A permanent
 * failure then can only bounce: the client has gone.
 */
static int
smtp_mode(const struct opts *o, const struct conf *c)
{
	struct server_ops	 ops;
	struct bs		 b;
	struct who		 w;
	struct perr		 e;
	size_t			 i;
	FILE			*data;
	pid_t			 pid;
	int			 n;

	who_init(&w, o, c);
	memset(&b, 0, sizeof(b));
	b.o = o;
	b.c = c;
	b.w = &w;
	if ((b.sp = open_queue(c, 1)) == NULL) {
		printf("421 4.3.0 %s queue unavailable\r\n", w.host);
		who_free(&w);
		return EX_CANTCREAT;
	}
	memset(&ops, 0, sizeof(ops));
	ops.submit = bs_submit;
	ops.check_addr = bs_check;
	ops.arg = &b;
	ops.hostname = w.host;
	n = server_run(stdin, stdout, &ops, &e);
	fflush(stdout);
	if (n == -1)
		log_warnx("-bs session: %s", e.msg);
	if (b.nqids > 0 && o->deliver != 'q') {
		if (o->deliver == 'b' && (pid = fork()) != 0)
			goto done;	/* queued; a failed fork leaves it to -q */
		for (i = 0; i < b.nqids; i++)
			if ((data = spool_lock(b.sp, b.qids[i], NULL, &e)) !=
			    NULL) {
				(void)deliver_now(o, c, &w, b.sp, b.qids[i],
				    data, 0);
				fclose(data);
			}
		if (o->deliver == 'b')
			_exit(0);
	}
done:
	free(b.qids);
	spool_close(b.sp);
	who_free(&w);
	return n == -1 ? EX_IOERR : EX_OK;
}

/*
 * newaliases: check the aliases file, report each problem with its line
 * and sendmail's summary line.  No database is built: posthorn reads the
 * text file itself.
 */
static int
newaliases(const struct conf *c)
{
	struct aliases	*a;
	struct perr	 e;
	char		 line[1024];
	size_t		 i;

	if ((a = aliases_load(c->aliases, 0, &e)) == NULL) {
		fprintf(stderr, "newaliases: %s\n", e.msg);
		return e.errnum == ENOENT ? EX_NOINPUT : EX_CONFIG;
	}
	for (i = 0; i < aliases_nproblems(a); i++)
		fprintf(stderr, "newaliases: warning: %s\n",
		    aliases_problem(a, i));
	if (aliases_summary(a, line, sizeof(line)) == 0)
		printf("%s\n", line);
	aliases_free(a);
	return EX_OK;
}

/* -bv: one routing line per address, sending nothing (SPEC 2). */
static int
verify(const struct opts *o, const struct conf *c)
{
	struct conf_relay	 r;
	struct resolver		*res = NULL;
	struct resolve_mxset	 mx;
	struct who		 w;
	struct perr		 e;
	char			**rc = NULL, **fin, **orig, *sender, *from_addr;
	char			*origin, *given;
	const char		*d;
	size_t			 nrc, nfin, i, j, h;
	int			 bad = 0, rewrite;

	if (o->nrcpts == 0) {
		fprintf(stderr, "posthorn: -bv needs addresses\n");
		return EX_USAGE;
	}
	given = NULL;
	if (o->from != NULL) {
		/* -f chooses the route, as at submission */
		check_text("-f address", o->from);
		if ((given = addr_envelope(o->from, 1, &e)) == NULL) {
			fprintf(stderr, "posthorn: -f: %s\n", e.msg);
			return EX_DATAERR;
		}
	}
	who_init(&w, o, c);
	sender = make_sender(c, &w, given, &from_addr, &rewrite, &origin);
	free(given);
	if (sender == NULL) {
		who_free(&w);
		return EX_TEMPFAIL;
	}
	(void)conf_route(c, origin != NULL ? origin : sender, &r);
	for (i = 0; i < (size_t)o->nrcpts; i++) {
		nrc = 0;
		rc = NULL;
		if (add_rcpt_arg(&rc, &nrc, o->rcpts[i], w.dom, &e) == -1) {
			printf("%s: undeliverable: %s\n", o->rcpts[i], e.msg);
			bad = 1;
			continue;
		}
		if (expand_rcpts(c, &w, rc, nrc, &fin, &orig, &nfin, &e) ==
		    -1) {
			printf("%s: undeliverable: %s\n", o->rcpts[i], e.msg);
			bad = 1;
			goto next;
		}
		if (nfin != 1 || strcmp(fin[0], o->rcpts[i]) != 0) {
			printf("%s ->", o->rcpts[i]);
			for (j = 0; j < nfin; j++)
				printf("%s %s", j ? "," : "", fin[j]);
			printf("\n");
		}
		for (j = 0; j < nfin; j++) {
			if (r.nhosts > 0) {
				printf("%s: deliverable via %s:%d (tls=%s)\n",
				    fin[j], r.hosts[0].name, r.hosts[0].port ?
				    r.hosts[0].port : r.tls == CONF_TLS_IMPLICIT ?
				    465 : 25, r.tls == CONF_TLS_NONE ? "none" :
				    r.tls == CONF_TLS_IMPLICIT ||
				    r.hosts[0].port == 465 ? "implicit" :
				    "starttls");
				continue;
			}
			d = addr_domain(fin[j]);
			if (d != NULL && d[0] == '[') {
				printf("%s: deliverable via %s:25 (tls=may)\n",
				    fin[j], d);
				continue;
			}
			if (res == NULL && (res = resolve_open(c->resolver,
			    &e)) == NULL) {
				printf("%s: undeliverable: resolver: %s\n",
				    fin[j], e.msg);
				bad = 1;
				continue;
			}
			if (d == NULL || resolve_mx(res, d, &mx, &e) == -1) {
				printf("%s: undeliverable: %s\n", fin[j],
				    d == NULL ? "no domain" : e.msg);
				bad = 1;
				continue;
			}
			printf("%s: deliverable via", fin[j]);
			for (h = 0; h < mx.n; h++)
				printf("%s %s:25", h ? "," : "",
				    mx.mx[h].host);
			printf(" (tls=may)\n");
		}
		for (j = 0; j < nfin; j++) {
			free(fin[j]);
			free(orig[j]);
		}
		free(fin);
		free(orig);
next:
		for (j = 0; j < nrc; j++)
			free(rc[j]);
		free(rc);
	}
	resolve_close(res);
	free(sender);
	free(origin);
	free(from_addr);
	who_free(&w);
	return bad ? EX_NOUSER : EX_OK;
}

/* One message in Postfix's mailq layout, or as a postqueue -j object. */
static void
list_entry(const struct opts *o, const struct envelope *env, int failed)
{
	char		date[64], r[600], *p;
	struct tm	tm;
	size_t		j, k;

	if (o->json) {
		printf("{\"queue_name\": \"%s\", \"queue_id\": \"%s\", "
		    "\"arrival_time\": %lld, \"message_size\": %lld, "
		    "\"sender\": \"%s\", \"owner\": %lu, "
		    "\"next_retry\": %lld, \"recipients\": [",
		    failed ? "hold" : "deferred", env->qid,
		    (long long)env->created, (long long)env->size,
		    env->sender, (unsigned long)env->uid,
		    (long long)env->next_retry);
		for (j = k = 0; j < env->nrcpts; j++) {
			if (env->rcpts[j].state == RCPT_SENT)
				continue;
			log_sanitize(r, sizeof(r), env->rcpts[j].reply ?
			    env->rcpts[j].reply : "");
			for (p = r; *p != '\0'; p++)
				if (*p == '"' || *p == '\\')
					*p = '\'';
			printf("%s{\"address\": \"%s\", \"delay_reason\": "
			    "\"%s\", \"last_reply\": \"%s\"}", k++ ? ", " :
			    "", env->rcpts[j].addr, r, r);
		}
		printf("]}\n");
		return;
	}
	localtime_r(&env->created, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S", &tm);
	/* '!' after the id marks a message kept in failed/, as Postfix
	 * marks a held one */
	printf("%s%c %8lld %s  %s\n", env->qid, failed ? '!' : ' ',
	    (long long)env->size, date,
	    env->sender[0] ? env->sender : "MAILER-DAEMON");
	if (env->last_error != NULL && env->last_error[0] != '\0') {
		log_sanitize(r, sizeof(r), env->last_error);
		printf("(%s)\n", r);
	}
	for (j = 0; j < env->nrcpts; j++)
		if (env->rcpts[j].state == RCPT_PENDING ||
		    (failed && env->rcpts[j].state != RCPT_SENT))
			printf("%41s%s\n", "", env->rcpts[j].addr);
	printf("\n");
}

/* Become uid (with its gid and groups) for good, or fail. */
static int
drop_to(uid_t uid, gid_t gid)
{
	struct passwd	*pw = getpwuid(uid);

	if (pw != NULL) {
		if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
		    setgid(pw->pw_gid) == -1)
			return -1;
	} else if (setgroups(0, NULL) == -1 || setgid(gid) == -1)
		return -1;
	if (setuid(uid) == -1)
		return -1;
	if (setuid(0) != -1)	/* paranoia: the drop must be final */
		return -1;
	return 0;
}

/*
 * Root only: for each user queue in dir but root's, fork a child that
 * becomes the queue's owner (uid, gid and groups) before it touches a
 * file and runs child(arg); then, in the parent, parent(arg) (may be
 * NULL).  One child at a time, each bounded by an alarm, so one user's
 * queue cannot hold up the others' for long.
 */
static void
each_user(const char *dir, void (*child)(void *), void (*parent)(void *),
    void *arg)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	uid_t		 seen[1024];
	size_t		 nseen = 0, k;
	pid_t		 pid;
	int		 dfd, status;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISDIR(st.st_mode) || st.st_uid == 0)
			continue;
		for (k = 0; k < nseen; k++)
			if (seen[k] == st.st_uid)
				break;
		if (k < nseen || nseen == sizeof(seen) / sizeof(seen[0]))
			continue;
		seen[nseen++] = st.st_uid;
		fflush(NULL);
		if ((pid = fork()) == -1) {
			log_warn("fork for uid %lu", (unsigned long)st.st_uid);
			continue;
		}
		if (pid == 0) {
			closedir(d);
			alarm(FLUSH_USER_MAX_S);
			if (drop_to(st.st_uid, st.st_gid) == -1) {
				log_warn("cannot become uid %lu",
				    (unsigned long)st.st_uid);
				_exit(1);
			}
			child(arg);
			fflush(NULL);
			_exit(0);
		}
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		if (parent != NULL)
			parent(arg);
	}
	closedir(d);
}

/* The caller's own queue: print its entries, add to the counts. */
static void
list_one(const struct opts *o, const struct conf *c, size_t *count,
    long long *total, int own)
{
	struct spool	*sp;
	struct envelope	 env;
	struct perr	 e;
	char		**ids;
	size_t		 n, i;
	int		 failed;

	/* own: the caller's queue, wherever it is; else spool_dir's only */
	if ((sp = own ? open_queue(c, 0) : spool_open(c->spool_dir, 0, &e)) ==
	    NULL)
		return;
	for (failed = 0; failed < 2; failed++) {
		if (spool_list(sp, failed, &ids, &n, &e) == -1)
			continue;
		for (i = 0; i < n; i++) {
			if ((failed ? spool_env_read_failed(sp, ids[i], &env,
			    &e) : spool_env_read(sp, ids[i], &env, &e)) == 0) {
				if (!o->json && *count == 0)
					printf("-Queue ID-  --Size-- ----Arrival "
					    "Time---- -Sender/Recipient-------"
					    "\n");
				list_entry(o, &env, failed);
				(*count)++;
				*total += env.size;
				spool_env_free(&env);
			}
			free(ids[i]);
		}
		free(ids);
	}
	spool_close(sp);
}

/* mailq over other users' queues: the counts come back through a pipe. */
struct list_arg {
	const struct opts	*o;
	const struct conf	*c;
	size_t			 count;
	long long		 total;
	int			 p[2];
};

static void
list_child(void *arg)
{
	struct list_arg	*la = arg;
	size_t		 cn = la->count;
	long long	 ct = 0;

	list_one(la->o, la->c, &cn, &ct, 0);
	fflush(stdout);
	cn -= la->count;
	if (write(la->p[1], &cn, sizeof(cn)) < 0 ||
	    write(la->p[1], &ct, sizeof(ct)) < 0)
		_exit(1);
}

static void
list_parent(void *arg)
{
	struct list_arg	*la = arg;
	size_t		 cn;
	long long	 ct;

	if (read(la->p[0], &cn, sizeof(cn)) == sizeof(cn) &&
	    read(la->p[0], &ct, sizeof(ct)) == sizeof(ct)) {
		la->count += cn;
		la->total += ct;
	}
}

/*
 * mailq: the caller's queue; for root every user's, each read by a child
 * that has become the queue's owner (root never opens another user's
 * queue with root rights).
 */
static int
list_queue(const struct opts *o, const struct conf *c)
{
	struct list_arg	la;

	memset(&la, 0, sizeof(la));
	la.o = o;
	la.c = c;
	list_one(o, c, &la.count, &la.total, 1);
	if (getuid() == 0 && pipe2(la.p, O_CLOEXEC | O_NONBLOCK) == 0) {
		each_user(c->spool_dir, list_child, list_parent, &la);
		close(la.p[0]);
		close(la.p[1]);
	}
	if (!o->json) {
		if (la.count == 0)
			printf("Mail queue is empty\n");
		else
			printf("-- %lld Kbytes in %zu Request%s.\n",
			    (la.total + 1023) / 1024, la.count, la.count == 1 ?
			    "" : "s");
	}
	return EX_OK;
}

/* --show, --delete, --requeue on the caller's queue. */
static int
admin(const struct opts *o, const struct conf *c)
{
	struct spool	*sp;
	struct perr	 e;
	char		 buf[65536], **ids;
	size_t		 n, i, nr;
	FILE		*fp;
	int		 failed, ex = EX_OK, all;

	if ((sp = open_queue(c, 0)) == NULL) {
		fprintf(stderr, "posthorn: no queue of uid %lu\n",
		    (unsigned long)getuid());
		return EX_NOINPUT;
	}
	all = strcmp(o->target, "all") == 0;
	if (o->mode == MODE_SHOW) {
		if ((fp = spool_data(sp, o->target, &failed, &e)) == NULL) {
			fprintf(stderr, "posthorn: %s\n", e.msg);
			spool_close(sp);
			return EX_NOINPUT;
		}
		while ((nr = fread(buf, 1, sizeof(buf), fp)) > 0)
			fwrite(buf, 1, nr, stdout);
		fclose(fp);
		spool_close(sp);
		return EX_OK;
	}
	if (!all) {
		if ((o->mode == MODE_DELETE ? spool_delete(sp, o->target, &e) :
		    spool_requeue(sp, o->target, &e)) == -1) {
			fprintf(stderr, "posthorn: %s\n", e.msg);
			ex = e.temp ? EX_TEMPFAIL : EX_NOINPUT;
		} else
			log_info("%s: %s by uid %lu", o->target,
			    o->mode == MODE_DELETE ? "deleted" : "requeued",
			    (unsigned long)getuid());
		spool_close(sp);
		return ex;
	}
	for (failed = o->mode == MODE_REQUEUE; failed < 2; failed++) {
		if (spool_list(sp, failed, &ids, &n, &e) == -1)
			continue;
		for (i = 0; i < n; i++) {
			if ((o->mode == MODE_DELETE ? spool_delete(sp, ids[i],
			    &e) : spool_requeue(sp, ids[i], &e)) == -1) {
				fprintf(stderr, "posthorn: %s\n", e.msg);
				ex = EX_TEMPFAIL;
			} else
				log_info("%s: %s by uid %lu", ids[i],
				    o->mode == MODE_DELETE ? "deleted" :
				    "requeued", (unsigned long)getuid());
			free(ids[i]);
		}
		free(ids);
	}
	spool_close(sp);
	return ex;
}

/* One queue's flush: its ids, and the next message, locked and read. */
struct flush {
	const struct opts	*o;
	const char		*only;
	struct spool		*sp;
	char			**ids;
	size_t			 n, i;
	size_t			 listed;	/* ids[listed..] are bounces
						   queued by this run */
	time_t			 now;
	int			 ready;		/* qid, data and env are set */
	const char		*qid;
	FILE			*data;
	struct envelope		 env;
};

/* Is env one that this flush delivers (-q, -qI, -qR, -qS, whose conf)? */
static int
flush_selects(const struct flush *f, const struct envelope *env)
{
	const struct opts	*o = f->o;
	size_t			 j;
	int			 sel;

	if (o->qkind == 0)
		sel = env->next_retry <= f->now;
	else if (o->qkind == 'I')
		sel = strstr(env->qid, o->qselect) != NULL;
	else if (o->qkind == 'S')
		sel = strstr(env->sender, o->qselect) != NULL;
	else
		for (sel = 0, j = 0; j < env->nrcpts; j++)
			if (strstr(env->rcpts[j].addr, o->qselect))
				sel = 1;
	/* routed by its own configuration: its owner's -q */
	return sel && (f->only == NULL || (env->conf != NULL &&
	    strcmp(env->conf, f->only) == 0));
}

/*
 * Make the next message to deliver ready: locked first, so that the
 * envelope read is the one to deliver by, read once.  0 when none is
 * left.  Also called while the server answers a message's commands
 * (deliver_ctx idle), so that the next one is ready when it is wanted.
 */
static int
flush_next(struct flush *f)
{
	struct perr	e;

	while (!f->ready && f->i < f->n) {
		f->qid = f->ids[f->i++];
		if ((f->data = spool_lock(f->sp, f->qid, &f->env, &e)) ==
		    NULL) {
			/* unless another run has it, or had it */
			if (strcmp(e.msg, "locked") != 0 && e.errnum != ENOENT)
				log_warnx("%s", e.msg);
			continue;
		}
		if (f->i <= f->listed && !flush_selects(f, &f->env)) {
			spool_env_free(&f->env);
			fclose(f->data);
			continue;
		}
		f->ready = 1;
	}
	return f->ready;
}

static void
flush_idle(void *arg)
{
	(void)flush_next(arg);
}

/* A bounce this run queued: delivered at the end of the list. */
static void
flush_queued(void *arg, const char *qid)
{
	struct flush	 *f = arg;
	char		**nv, *id;

	if ((id = strdup(qid)) == NULL ||
	    (nv = reallocarray(f->ids, f->n + 1, sizeof(*nv))) == NULL) {
		free(id);
		return;		/* it stays queued for the next run */
	}
	f->ids = nv;
	f->ids[f->n++] = id;
}

/*
 * -q over one user's queue (the caller's): messages due, or those -qI,
 * -qR, -qS select.  only: deliver only messages that this configuration
 * routed ("system", or a -C file's path); NULL: all.  Root's flush of
 * another user's queue never uses a configuration the user did not.
 */
static void
flush_one(const struct opts *o, const struct conf *c, const char *only,
    int own)
{
	struct flush		 f;
	struct envelope		 env;
	struct deliver_ctx	 ctx;
	struct deliver_result	 res;
	struct deliver_cache	 cache;
	struct perr		 e;
	char			 host[256], dom[256];
	const char		*qid;
	size_t			 i;
	FILE			*data;

	memset(&f, 0, sizeof(f));
	f.o = o;
	f.only = only;
	f.now = time(NULL);
	if ((f.sp = own ? open_queue(c, 0) : spool_open(c->spool_dir, 0,
	    &e)) == NULL)
		return;			/* no queue: nothing to do */
	spool_clean(f.sp);
	spool_expire_failed(f.sp, c->failed_lifetime_s);
	spool_defer_removal(f.sp);	/* unlinked by spool_close() */
	if (spool_list(f.sp, 0, &f.ids, &f.n, &e) == -1) {
		fprintf(stderr, "posthorn: %s\n", e.msg);
		spool_close(f.sp);
		return;
	}
	f.listed = f.n;
	names(c, host, sizeof(host), dom, sizeof(dom));
	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = c;
	ctx.helo = host;
	ctx.domain = dom;
	ctx.verbose = o->verbose;
	ctx.idle = flush_idle;
	ctx.idle_arg = &f;
	ctx.queued = flush_queued;
	ctx.queued_arg = &f;
	memset(&cache, 0, sizeof(cache));
	ctx.cache = &cache;
	do {
		while (flush_next(&f)) {
			qid = f.qid;
			data = f.data;
			env = f.env;
			f.ready = 0;
			if (deliver_message(f.sp, qid, &env, data, &ctx, 0,
			    &res, &e) == -1)
				log_warnx("%s: %s", qid, e.msg);
			spool_env_free(&env);	/* emptied when taken over */
			if (!res.in_flight)
				fclose(data);	/* else deliver_message()'s */
		}
		/* the last outcomes may queue bounces: this run sends them */
		deliver_cache_settle(&cache);
	} while (f.i < f.n);
	deliver_cache_close(&cache);
	for (i = 0; i < f.n; i++)
		free(f.ids[i]);
	free(f.ids);
	spool_close(f.sp);
}

/*
 * -q as root: every user's queue, each in a child that has become the
 * owner before it touches a file (root never reads another user's mail
 * with root rights), with the system configuration and the secrets root
 * read for it beforehand.
 */
struct flush_arg {
	const struct opts	*o;
	const struct conf	*sys;
	const char		*only;
};

static void
flush_child(void *arg)
{
	struct flush_arg	*fa = arg;

	flush_one(fa->o, fa->sys, fa->only, 0);
}

static int
flush_all(const struct opts *o, const struct conf *own)
{
	struct conf		sys;
	struct flush_arg	fa;
	struct perr		e;
	char			only[PATH_MAX];

	flush_one(o, own, NULL, 1);	/* root's own queue */
	/*
	 * Other users' queues with the system configuration, or with the -C
	 * file alone (its spool_dir; only the messages it routed).
	 */
	conf_init(&sys);
	if (o->conf_file != NULL) {
		if (realpath(o->conf_file, only) == NULL)
			(void)strlcpy(only, o->conf_file, sizeof(only));
	} else
		(void)strlcpy(only, "system", sizeof(only));
	if (conf_load(&sys, o->conf_file != NULL ? o->conf_file : SYSTEM_CONF,
	    o->conf_file == NULL, &e) == -1) {
		fprintf(stderr, "posthorn: %s\n", e.msg);
		return EX_CONFIG;
	}
	if (deliver_preload_secrets(&sys, &e) == -1)
		log_warnx("root's flush: %s", e.msg);
	fa.o = o;
	fa.sys = &sys;
	fa.only = only;
	each_user(sys.spool_dir, flush_child, NULL, &fa);
	conf_free(&sys);
	return EX_OK;
}

static int
flush_queue(const struct opts *o, const struct conf *c)
{
	if (getuid() == 0)
		return flush_all(o, c);
	flush_one(o, c, NULL, 1);
	return EX_OK;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	struct conf	 c;
	const char	*prog;
	int		 ex;

	hygiene();
	memset(&o, 0, sizeof(o));
	o.deliver = 'i';
	o.on_error = 'p';
	prog = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	if (strcmp(prog, "mailq") == 0)
		o.mode = MODE_LIST;
	else if (strcmp(prog, "newaliases") == 0)
		o.mode = MODE_ALIASES;
	parse_args(&o, argc, argv);
	check_dsn(&o);
	load_conf(&c, o.conf_file);
	log_init(c.log_file);

	switch (o.mode) {
	case MODE_SUBMIT:
		ex = submit(&o, &c);
		break;
	case MODE_LIST:
		ex = list_queue(&o, &c);
		break;
	case MODE_FLUSH:
		ex = flush_queue(&o, &c);
		break;
	case MODE_SMTP:
		ex = smtp_mode(&o, &c);
		break;
	case MODE_ALIASES:
		ex = newaliases(&c);
		break;
	case MODE_VERIFY:
		ex = verify(&o, &c);
		break;
	case MODE_CHECK:
		{
			char host[256], dom[256];

			names(&c, host, sizeof(host), dom, sizeof(dom));
			ex = check_run(&c, o.target, host, dom, o.from) == 0 ?
			    EX_OK : EX_UNAVAILABLE;
		}
		break;
	case MODE_SHOW:
	case MODE_DELETE:
	case MODE_REQUEUE:
		ex = admin(&o, &c);
		break;
	default:
		fprintf(stderr, "posthorn: this mode is not available in this "
		    "version yet\n");
		ex = EX_UNAVAILABLE;
		break;
	}
	conf_free(&c);
	return ex;
}
