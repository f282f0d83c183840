/*
 * spool.c - the per-user queue (SPEC 4).
 *
 * Layout: spool_dir/<uid>/{tmp,new,failed}, every directory 0700 and owned
 * by the user.  A message is two files: <ID>.msg (the message in spool
 * form, never changed once written) and <ID>.env (the envelope, replaced
 * atomically on every state change).  Invariants:
 * - a message is in new/ only once both files are on disk: the data file
 *   is fsynced, then the envelope; the data file is renamed first and the
 *   envelope last, then new/ is fsynced.  A .msg without its .env is
 *   not queued: debris that spool_clean() removes, or a message a flush
 *   delivered and retired (.env moved to tmp/) that it unlinks later;
 * - every path is opened relative to a directory descriptor with
 *   O_NOFOLLOW, and each directory's owner and mode are checked on the
 *   open descriptor, so a symlink or a squatted name is never used;
 * - the data file carries a flock(2) lock while its message is written or
 *   delivered; the kernel drops it when the holder dies.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spool.h"

#define ENV_LINE_MAX	65536
#define ENV_RCPT_MAX	10000
#define DEBRIS_AGE_S	3600

#define ENV_FILE_MAX	(64 * 1024 * 1024)

struct spool {
	char	 path[PATH_MAX];	/* the user's queue directory */
	int	 dfd;
	int	 tmpfd, newfd, failfd;
	uid_t	 uid;			/* getuid(), once: a flush asks often */
	int	 defer;		/* spool_remove() retires into tmp/ */
	char	(*retired)[SPOOL_QID_LEN + 1];	/* in tmp/, to unlink */
	size_t	 nretired, retired_cap;
};

/*
 * Open a queue file for reading: never through a symlink, never blocking
 * on a FIFO a user planted, and only a regular file of ours; its size
 * goes to *size when size is not NULL.
 */
static int
open_reg(const struct spool *sp, int dfd, const char *name, off_t *size)
{
	struct stat	st;
	int		fd;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != sp->uid) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	/* O_NONBLOCK stays: it was for the open (a planted FIFO), and
	 * reads of a regular file ignore it */
	if (size != NULL)
		*size = st.st_size;
	return fd;
}

const char *
spool_path(const struct spool *sp)
{
	return sp->path;
}

/* Is the open directory fd ours alone? */
static int
dir_ok(int fd)
{
	struct stat	st;

	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == getuid() && (st.st_mode & 077) == 0;
}

/* Open (or create) the subdirectory name of dfd, checking it. */
static int
subdir(int dfd, const char *name, int create, const char *where,
    struct perr *e)
{
	int	fd;

	/* open first: it is there on every call but the first */
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1 && errno == ENOENT && create) {
		if (mkdirat(dfd, name, 0700) == -1 && errno != EEXIST)
			return perr_sys(e, 0, "mkdir %s/%s", where, name);
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	}
	if (fd == -1)
		return perr_sys(e, 0, "open %s/%s", where, name);
	if (!dir_ok(fd)) {
		close(fd);
		return perr_set(e, 0, "%s/%s is not a private directory of "
		    "uid %lu; not used", where, name, (unsigned long)getuid());
	}
	return fd;
}

/* A queue directory named <uid>.<suffix> of ours, found by owner. */
static int
find_alt(int dfd, const char *uidname, char *name, size_t namesz)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 ul = strlen(uidname);
	int		 fd, dup_fd;

	if ((dup_fd = dup(dfd)) == -1)
		return -1;
	if ((d = fdopendir(dup_fd)) == NULL) {
		close(dup_fd);
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, uidname, ul) != 0 ||
		    de->d_name[ul] != '.')
			continue;
		fd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1)
			continue;
		if (dir_ok(fd) && strlcpy(name, de->d_name, namesz) < namesz) {
			closedir(d);
			return fd;
		}
		close(fd);
	}
	closedir(d);
	return -1;
}

struct spool *
spool_open(const char *dir, int create, struct perr *e)
{
	struct spool	*sp;
	char		 uidname[32], name[64];
	int		 topfd, fd = -1;

	if ((sp = calloc(1, sizeof(*sp))) == NULL) {
		perr_set(e, 1, "out of memory");
		return NULL;
	}
	sp->dfd = sp->tmpfd = sp->newfd = sp->failfd = -1;
	sp->uid = getuid();
	if ((topfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		perr_sys(e, 0, "open queue directory %s", dir);
		goto fail;
	}
	(void)snprintf(uidname, sizeof(uidname), "%lu",
	    (unsigned long)getuid());
	(void)strlcpy(name, uidname, sizeof(name));
	fd = openat(topfd, uidname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1 && errno == ENOENT && create) {
		if (mkdirat(topfd, uidname, 0700) == -1 && errno != EEXIST &&
		    errno != EACCES) {
			perr_sys(e, 0, "mkdir %s/%s", dir, uidname);
			close(topfd);
			goto fail;
		}
		fd = openat(topfd, uidname, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd != -1 && !dir_ok(fd)) {
		close(fd);
		fd = -1;
	}
	if (fd == -1 && (fd = find_alt(topfd, uidname, name, sizeof(name))) ==
	    -1 && errno != ENOMEM) {
		/*
		 * Someone else holds our name (anyone may create it in a
		 * 1777 directory), or it is a symlink: make our own.
		 */
		if (!create) {
			perr_set(e, 0, "no queue of uid %s in %s", uidname,
			    dir);
			close(topfd);
			goto fail;
		}
		(void)snprintf(name, sizeof(name), "%s.%08X", uidname,
		    arc4random());
		log_warnx("queue %s/%s is not ours or not a directory; "
		    "using %s/%s", dir, uidname, dir, name);
		if (mkdirat(topfd, name, 0700) == -1 ||
		    (fd = openat(topfd, name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1) {
			perr_sys(e, 0, "mkdir %s/%s", dir, name);
			close(topfd);
			goto fail;
		}
		if (!dir_ok(fd)) {
			perr_set(e, 0, "%s/%s: not a private directory", dir,
			    name);
			close(fd);
			close(topfd);
			goto fail;
		}
	}
	close(topfd);
	if (fd == -1) {
		perr_sys(e, 0, "open queue in %s", dir);
		goto fail;
	}
	sp->dfd = fd;
	if (snprintf(sp->path, sizeof(sp->path), "%s/%s", dir, name) >=
	    (int)sizeof(sp->path)) {
		perr_set(e, 0, "queue path too long: %s", dir);
		goto fail;
	}
	if ((sp->tmpfd = subdir(fd, "tmp", 1, sp->path, e)) == -1 ||
	    (sp->newfd = subdir(fd, "new", 1, sp->path, e)) == -1 ||
	    (sp->failfd = subdir(fd, "failed", 1, sp->path, e)) == -1)
		goto fail;
	return sp;
fail:
	spool_close(sp);
	return NULL;
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	spool_purge(sp);
	free(sp->retired);
	if (sp->dfd != -1)
		close(sp->dfd);
	if (sp->tmpfd != -1)
		close(sp->tmpfd);
	if (sp->newfd != -1)
		close(sp->newfd);
	if (sp->failfd != -1)
		close(sp->failfd);
	free(sp);
}

static int
qid_valid(const char *s, size_t len)
{
	size_t	i;

	if (len != SPOOL_QID_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

FILE *
spool_create(struct spool *sp, char qid[SPOOL_QID_LEN + 1], struct perr *e)
{
	unsigned char	 rnd[SPOOL_QID_LEN / 2];
	char		 name[SPOOL_QID_LEN + 8];
	struct stat	 st;
	FILE		*fp;
	size_t		 i;
	int		 fd = -1, tries;

	for (tries = 0; tries < 10 && fd == -1; tries++) {
		/* time in the high digits keeps ids roughly in order */
		uint32_t t = (uint32_t)time(NULL);

		arc4random_buf(rnd, sizeof(rnd));
		rnd[0] = (unsigned char)(t >> 16);
		rnd[1] = (unsigned char)(t >> 8);
		for (i = 0; i < sizeof(rnd); i++)
			(void)snprintf(qid + 2 * i, 3, "%02X", rnd[i]);
		(void)snprintf(name, sizeof(name), "%s.msg", qid);
		if (fstatat(sp->newfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
		    fstatat(sp->failfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		fd = openat(sp->tmpfd, name, O_RDWR | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd == -1 && errno != EEXIST) {
			perr_sys(e, errno == ENOSPC || errno == EDQUOT,
			    "create %s/tmp/%s", sp->path, name);
			return NULL;
		}
	}
	if (fd == -1) {
		perr_set(e, 1, "create %s/tmp: no free queue id", sp->path);
		return NULL;
	}
	(void)flock(fd, LOCK_EX | LOCK_NB);	/* fresh file: cannot fail */
	if ((fp = fdopen(fd, "w+")) == NULL) {
		perr_sys(e, 1, "fdopen");
		close(fd);
		(void)unlinkat(sp->tmpfd, name, 0);
		return NULL;
	}
	return fp;
}

FILE *
spool_scratch(struct spool *sp, struct perr *e)
{
	FILE	*fp;
	int	 fd;

	fd = openat(sp->tmpfd, ".", O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	if (fd == -1) {
		perr_sys(e, errno == ENOSPC || errno == EDQUOT,
		    "create scratch file in %s/tmp", sp->path);
		return NULL;
	}
	if ((fp = fdopen(fd, "w+")) == NULL) {
		perr_sys(e, 1, "fdopen");
		close(fd);
		return NULL;
	}
	return fp;
}

void
spool_abort(struct spool *sp, const char *qid, FILE *data)
{
	char	name[SPOOL_QID_LEN + 8];

	(void)snprintf(name, sizeof(name), "%s.msg", qid);
	(void)unlinkat(sp->tmpfd, name, 0);
	if (data != NULL)
		fclose(data);
}

static const char *
state_name(enum rcpt_state s)
{
	switch (s) {
	case RCPT_SENT:
		return "sent";
	case RCPT_FAILED:
		return "failed";
	case RCPT_NOTIFIED:
		return "notified";
	default:
		return "pending";
	}
}

/*
 * An envelope being formatted: in the caller's buffer while it fits
 * (nearly always), else in a growing one of its own.  err: out of memory.
 */
struct envbuf {
	char	*p;
	size_t	 len, cap;
	char	*own;
	int	 err;
};

static char *
eb_room(struct envbuf *b, size_t need)
{
	size_t	 cap;
	char	*np;

	if (b->err)
		return NULL;
	if (b->len + need < b->cap)
		return b->p + b->len;
	for (cap = b->cap * 2; b->len + need >= cap; cap *= 2)
		;
	if ((np = realloc(b->own, cap)) == NULL) {
		b->err = 1;
		return NULL;
	}
	if (b->own == NULL)
		memcpy(np, b->p, b->len);
	b->p = b->own = np;
	b->cap = cap;
	return b->p + b->len;
}

static void __attribute__((__format__(printf, 2, 3)))
eb_printf(struct envbuf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;
	char	*at;

	if ((at = eb_room(b, 1)) == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(at, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = 1;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if ((at = eb_room(b, (size_t)n + 1)) == NULL)
			return;
		va_start(ap, fmt);
		(void)vsnprintf(at, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* "key value\n": one line, a line break inside value made a space. */
static void
eb_kv(struct envbuf *b, const char *key, const char *value)
{
	size_t	 klen, vlen, i;
	char	*at;

	if (value == NULL)
		value = "";
	klen = strlen(key);
	vlen = strlen(value);
	if ((at = eb_room(b, klen + vlen + 2)) == NULL)
		return;
	memcpy(at, key, klen);
	at[klen] = ' ';
	for (i = 0; i < vlen; i++)
		at[klen + 1 + i] = value[i] == '\n' || value[i] == '\r' ? ' ' :
		    value[i];
	at[klen + 1 + vlen] = '\n';
	b->len += klen + vlen + 2;
}

/*
 * Write env to tmp/<qid>.env and fsync it, or leave the fsync to the
 * caller, who gets the open descriptor in *syncfd.  Formatted in memory
 * and written with one write(2): stdio on the file cost four more system
 * calls.
 */
static int
env_write_tmp(struct spool *sp, const struct envelope *env, int *syncfd,
    struct perr *e)
{
	char		 name[SPOOL_QID_LEN + 8], stack[4096];
	struct envbuf	 b = { stack, 0, sizeof(stack), NULL, 0 };
	size_t		 i, off;
	ssize_t		 n;
	int		 fd, err = 0;

	eb_printf(&b, "version 1\nid %s\nuid %lu\ncreated %lld\ncreated_us "
	    "%ld\n", env->qid, (unsigned long)env->uid,
	    (long long)env->created, env->created_us);
	eb_kv(&b, "sender", env->sender);
	if (env->origin != NULL)
		eb_kv(&b, "origin", env->origin);
	if (env->conf != NULL)
		eb_kv(&b, "conf", env->conf);
	eb_printf(&b, "size %lld\nlines %lld\nbody %s\nsmtputf8 %d\n",
	    (long long)env->size, (long long)env->lines,
	    env->body_8bit ? "8bit" : "7bit", env->smtputf8);
	if (env->msgid != NULL)
		eb_kv(&b, "msgid", env->msgid);
	if (env->dsn_notify != NULL)
		eb_kv(&b, "notify", env->dsn_notify);
	if (env->dsn_ret != NULL)
		eb_kv(&b, "ret", env->dsn_ret);
	if (env->dsn_envid != NULL)
		eb_kv(&b, "envid", env->dsn_envid);
	eb_printf(&b, "onerror %c\nbounce %d\nattempts %d\nnext_retry %lld\n",
	    env->on_error ? env->on_error : 'p', env->is_bounce,
	    env->attempts, (long long)env->next_retry);
	if (env->last_error != NULL)
		eb_kv(&b, "last_error", env->last_error);
	for (i = 0; i < env->nrcpts; i++) {
		/* "rcpt STATE ADDRESS" */
		eb_printf(&b, "rcpt %s", state_name(env->rcpts[i].state));
		eb_kv(&b, "", env->rcpts[i].addr);
		if (env->rcpts[i].orcpt != NULL)
			eb_kv(&b, "orcpt", env->rcpts[i].orcpt);
		if (env->rcpts[i].reply != NULL)
			eb_kv(&b, "reply", env->rcpts[i].reply);
	}
	if (b.err) {
		free(b.own);
		return perr_set(e, 1, "envelope of %s: out of memory", env->qid);
	}

	(void)snprintf(name, sizeof(name), "%s.env", env->qid);
	for (i = 0; i < 2; i++) {
		fd = openat(sp->tmpfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		/* a rewrite that died left its file: ours to replace */
		if (fd != -1 || errno != EEXIST ||
		    unlinkat(sp->tmpfd, name, 0) == -1)
			break;
	}
	if (fd == -1) {
		free(b.own);
		return perr_sys(e, 1, "create %s/tmp/%s", sp->path, name);
	}
	for (off = 0; off < b.len && err == 0; off += (size_t)n)
		if ((n = write(fd, b.p + off, b.len - off)) == -1 &&
		    errno != EINTR)
			err = errno;
		else if (n == -1)
			n = 0;
	free(b.own);
	if (err == 0 && syncfd == NULL && fsync(fd) == -1)
		err = errno;
	if (err != 0 || syncfd == NULL) {
		if (close(fd) == -1 && err == 0)
			err = errno;
	} else
		*syncfd = fd;	/* the caller fsyncs and closes it */
	if (err != 0) {
		(void)unlinkat(sp->tmpfd, name, 0);
		errno = err;
		return perr_sys(e, 1, "write %s/tmp/%s", sp->path, name);
	}
	return 0;
}

int
spool_commit(struct spool *sp, FILE *data, const struct envelope *env,
    struct perr *e)
{
	char	name[SPOOL_QID_LEN + 8];
	int	err = 0, envfd;

	(void)snprintf(name, sizeof(name), "%s.msg", env->qid);
	if (fflush(data) == EOF)
		return perr_sys(e, 1, "write %s/tmp/%s", sp->path, name);
	envfd = -1;
	if (env_write_tmp(sp, env, &envfd, e) == -1)
		return -1;
#ifdef SYNC_FILE_RANGE_WRITE
	/*
	 * Both files written, then both fsynced: the envelope's write-back
	 * started first lets the data file's fsync commit the journal for
	 * the two (ext4, XFS), and the envelope's fsync then finds little
	 * left to do.  Each file is still fsynced before the renames.
	 */
	(void)sync_file_range(envfd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
	if (fsync(fileno(data)) == -1 || fsync(envfd) == -1)
		err = errno;
	close(envfd);
	if (err != 0) {
		(void)snprintf(name, sizeof(name), "%s.env", env->qid);
		(void)unlinkat(sp->tmpfd, name, 0);
		errno = err;
		return perr_sys(e, 1, "fsync %s/tmp/%s.*", sp->path, env->qid);
	}
	if (renameat(sp->tmpfd, name, sp->newfd, name) == -1) {
		perr_sys(e, 1, "rename tmp/%s new/%s", name, name);
		goto fail;
	}
	(void)snprintf(name, sizeof(name), "%s.env", env->qid);
	if (renameat(sp->tmpfd, name, sp->newfd, name) == -1) {
		perr_sys(e, 1, "rename tmp/%s new/%s", name, name);
		(void)snprintf(name, sizeof(name), "%s.msg", env->qid);
		(void)unlinkat(sp->newfd, name, 0);
		goto fail;
	}
	if (fsync(sp->newfd) == -1) {
		/* not durable: take it back rather than claim it is */
		perr_sys(e, 1, "fsync %s/new", sp->path);
		(void)unlinkat(sp->newfd, name, 0);
		(void)snprintf(name, sizeof(name), "%s.msg", env->qid);
		(void)unlinkat(sp->newfd, name, 0);
		return -1;
	}
	return 0;
fail:
	(void)snprintf(name, sizeof(name), "%s.env", env->qid);
	(void)unlinkat(sp->tmpfd, name, 0);
	return -1;
}

static int	env_read_at(struct spool *, int, const char *, const char *,
		    struct envelope *, struct perr *);

FILE *
spool_lock(struct spool *sp, const char *qid, struct envelope *env,
    struct perr *e)
{
	char		 name[SPOOL_QID_LEN + 8];
	struct stat	 st;
	FILE		*fp;
	int		 fd, err;

	(void)snprintf(name, sizeof(name), "%s.msg", qid);
	fd = open_reg(sp, sp->newfd, name, NULL);
	if (fd == -1) {
		perr_sys(e, 1, "open %s/new/%s", sp->path, name);
		return NULL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			perr_set(e, 1, "locked");
		else
			perr_sys(e, 1, "lock %s/new/%s", sp->path, name);
		close(fd);
		return NULL;
	}
	/*
	 * Delivered by another run meanwhile: its envelope went first.
	 * Read now, the envelope is the one to deliver by.
	 */
	(void)snprintf(name, sizeof(name), "%s.env", qid);
	if (env != NULL)
		err = env_read_at(sp, sp->newfd, "new", qid, env, e);
	else if ((err = fstatat(sp->newfd, name, &st,
	    AT_SYMLINK_NOFOLLOW)) == -1)
		perr_sys(e, 1, "open %s/new/%s", sp->path, name);
	if (err == -1) {
		close(fd);
		return NULL;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		perr_sys(e, 1, "fdopen");
		if (env != NULL)
			spool_env_free(env);
		close(fd);
		return NULL;
	}
	return fp;
}

int
spool_env_write(struct spool *sp, const struct envelope *env, struct perr *e)
{
	char	name[SPOOL_QID_LEN + 8];

	if (env_write_tmp(sp, env, NULL, e) == -1)
		return -1;
	(void)snprintf(name, sizeof(name), "%s.env", env->qid);
	if (renameat(sp->tmpfd, name, sp->newfd, name) == -1) {
		perr_sys(e, 1, "rename tmp/%s new/%s", name, name);
		(void)unlinkat(sp->tmpfd, name, 0);
		return -1;
	}
	if (fsync(sp->newfd) == -1)
		return perr_sys(e, 1, "fsync %s/new", sp->path);
	return 0;
}

void
spool_env_free(struct envelope *env)
{
	size_t	i;

	free(env->sender);
	free(env->origin);
	free(env->conf);
	free(env->msgid);
	free(env->dsn_notify);
	free(env->dsn_ret);
	free(env->dsn_envid);
	free(env->last_error);
	for (i = 0; i < env->nrcpts; i++) {
		free(env->rcpts[i].addr);
		free(env->rcpts[i].orcpt);
		free(env->rcpts[i].reply);
	}
	free(env->rcpts);
	memset(env, 0, sizeof(*env));
}

static int
num(const char *s, long long min, long long max, long long *out)
{
	const char	*errstr;

	*out = strtonum(s, min, max, &errstr);
	return errstr == NULL ? 0 : -1;
}

static int
env_parse_line(struct envelope *env, char *key, char *val)
{
	struct env_rcpt	*r;
	long long	 n;
	char		**dst = NULL, *sp;

	if (strcmp(key, "id") == 0) {
		if (!qid_valid(val, strlen(val)))
			return -1;
		(void)strlcpy(env->qid, val, sizeof(env->qid));
	} else if (strcmp(key, "uid") == 0) {
		if (num(val, 0, UINT32_MAX, &n) == -1)
			return -1;
		env->uid = (uid_t)n;
	} else if (strcmp(key, "created") == 0 ||
	    strcmp(key, "next_retry") == 0) {
		if (num(val, 0, LLONG_MAX, &n) == -1)
			return -1;
		*(key[0] == 'c' ? &env->created : &env->next_retry) = (time_t)n;
	} else if (strcmp(key, "size") == 0 || strcmp(key, "lines") == 0) {
		if (num(val, 0, LLONG_MAX, &n) == -1)
			return -1;
		*(key[0] == 's' ? &env->size : &env->lines) = (off_t)n;
	} else if (strcmp(key, "created_us") == 0) {
		if (num(val, 0, 999999, &n) == -1)
			return -1;
		env->created_us = (long)n;
	} else if (strcmp(key, "attempts") == 0) {
		if (num(val, 0, INT_MAX, &n) == -1)
			return -1;
		env->attempts = (int)n;
	} else if (strcmp(key, "smtputf8") == 0 || strcmp(key, "bounce") ==
	    0) {
		if (num(val, 0, 1, &n) == -1)
			return -1;
		*(key[0] == 's' ? &env->smtputf8 : &env->is_bounce) = (int)n;
	} else if (strcmp(key, "body") == 0) {
		if (strcmp(val, "8bit") == 0)
			env->body_8bit = 1;
		else if (strcmp(val, "7bit") != 0)
			return -1;
	} else if (strcmp(key, "onerror") == 0) {
		if (strlen(val) != 1 || strchr("pmqw", val[0]) == NULL)
			return -1;
		env->on_error = val[0];
	} else if (strcmp(key, "sender") == 0)
		dst = &env->sender;
	else if (strcmp(key, "origin") == 0)
		dst = &env->origin;
	else if (strcmp(key, "conf") == 0)
		dst = &env->conf;
	else if (strcmp(key, "msgid") == 0)
		dst = &env->msgid;
	else if (strcmp(key, "notify") == 0)
		dst = &env->dsn_notify;
	else if (strcmp(key, "ret") == 0)
		dst = &env->dsn_ret;
	else if (strcmp(key, "envid") == 0)
		dst = &env->dsn_envid;
	else if (strcmp(key, "last_error") == 0)
		dst = &env->last_error;
	else if (strcmp(key, "orcpt") == 0 || strcmp(key, "reply") == 0) {
		if (env->nrcpts == 0)
			return -1;
		r = &env->rcpts[env->nrcpts - 1];
		dst = key[0] == 'o' ? &r->orcpt : &r->reply;
	} else if (strcmp(key, "rcpt") == 0) {
		if (env->nrcpts >= ENV_RCPT_MAX ||
		    (sp = strchr(val, ' ')) == NULL)
			return -1;
		*sp++ = '\0';
		r = reallocarray(env->rcpts, env->nrcpts + 1, sizeof(*r));
		if (r == NULL)
			return -1;
		env->rcpts = r;
		r = &env->rcpts[env->nrcpts];
		memset(r, 0, sizeof(*r));
		if (strcmp(val, "pending") == 0)
			r->state = RCPT_PENDING;
		else if (strcmp(val, "sent") == 0)
			r->state = RCPT_SENT;
		else if (strcmp(val, "failed") == 0)
			r->state = RCPT_FAILED;
		else if (strcmp(val, "notified") == 0)
			r->state = RCPT_NOTIFIED;
		else
			return -1;
		if ((r->addr = strdup(sp)) == NULL)
			return -1;
		env->nrcpts++;
	} else
		return -1;
	if (dst != NULL) {
		free(*dst);
		if ((*dst = strdup(val)) == NULL)
			return -1;
	}
	return 0;
}

/*
 * The whole envelope file into a buffer, NUL-terminated: one read(2) where
 * stdio and getline() made six system calls.  An envelope is replaced by
 * rename(2), never written in place, so a short read of the size fstat(2)
 * gave is its end.
 */
static char *
env_slurp(int fd, off_t size, size_t *lenp)
{
	char	*buf, *nb;
	size_t	 cap, len = 0;
	ssize_t	 n;

	if (size < 0 || size >= ENV_FILE_MAX) {
		errno = EFBIG;
		return NULL;
	}
	cap = (size_t)size + 1;
	if ((buf = malloc(cap + 1)) == NULL)
		return NULL;
	for (;;) {
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == (size_t)size && len < cap)
			break;
		if (len == cap) {
			/* it grew after all: read on, within the cap */
			if (cap >= ENV_FILE_MAX ||
			    (nb = realloc(buf, 2 * cap + 1)) == NULL) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

static int
env_read_at(struct spool *sp, int dfd, const char *dname, const char *qid,
    struct envelope *env, struct perr *e)
{
	char	 name[SPOOL_QID_LEN + 8], *buf, *line, *next, *end, *val;
	size_t	 size;
	off_t	 st_size;
	int	 fd, lineno = 0, ret = -1;

	memset(env, 0, sizeof(*env));
	if (!qid_valid(qid, strlen(qid)))
		return perr_set(e, 0, "not a queue id: %s", qid);
	(void)snprintf(name, sizeof(name), "%s.env", qid);
	fd = open_reg(sp, dfd, name, &st_size);
	if (fd == -1)
		return perr_sys(e, 1, "open %s/%s/%s", sp->path, dname, name);
	buf = env_slurp(fd, st_size, &size);
	close(fd);
	if (buf == NULL)
		return perr_sys(e, 1, "read %s/%s/%s", sp->path, dname, name);
	for (line = buf; line < buf + size; line = next) {
		lineno++;
		if ((end = memchr(line, '\n', buf + size - line)) != NULL)
			next = end + 1;
		else
			next = end = buf + size;
		/* too long, or a NUL inside (we never write one) */
		if ((size_t)(next - line) > ENV_LINE_MAX ||
		    memchr(line, '\0', end - line) != NULL)
			goto bad;
		*end = '\0';
		if (lineno == 1) {
			if (strcmp(line, "version 1") != 0)
				goto bad;
			continue;
		}
		if ((val = strchr(line, ' ')) == NULL)
			goto bad;
		*val++ = '\0';
		if (env_parse_line(env, line, val) == -1)
			goto bad;
	}
	if (lineno == 0 || env->sender == NULL || strcmp(env->qid, qid) != 0) {
		lineno++;
		goto bad;
	}
	ret = 0;
	goto out;
bad:
	perr_set(e, 0, "%s/%s/%s:%d: malformed envelope", sp->path, dname,
	    name, lineno);
	spool_env_free(env);
out:
	free(buf);
	return ret;
}

int
spool_env_read(struct spool *sp, const char *qid, struct envelope *env,
    struct perr *e)
{
	return env_read_at(sp, sp->newfd, "new", qid, env, e);
}

int
spool_env_read_failed(struct spool *sp, const char *qid,
    struct envelope *env, struct perr *e)
{
	return env_read_at(sp, sp->failfd, "failed", qid, env, e);
}

FILE *
spool_data(struct spool *sp, const char *qid, int *failed, struct perr *e)
{
	char	 name[SPOOL_QID_LEN + 8];
	FILE	*fp;
	int	 fd;

	if (!qid_valid(qid, strlen(qid))) {
		perr_set(e, 0, "not a queue id: %s", qid);
		return NULL;
	}
	(void)snprintf(name, sizeof(name), "%s.msg", qid);
	*failed = 0;
	fd = open_reg(sp, sp->newfd, name, NULL);
	if (fd == -1 && errno == ENOENT) {
		*failed = 1;
		fd = open_reg(sp, sp->failfd, name, NULL);
	}
	if (fd == -1) {
		if (errno == ENOENT)
			perr_set(e, 0, "%s: no such message in %s", qid,
			    sp->path);
		else
			perr_sys(e, 1, "open %s", name);
		return NULL;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		perr_sys(e, 1, "fdopen");
		close(fd);
	}
	return fp;
}

int
spool_delete(struct spool *sp, const char *qid, struct perr *e)
{
	char	name[SPOOL_QID_LEN + 8];
	int	fd, dfd, i;

	if (!qid_valid(qid, strlen(qid)))
		return perr_set(e, 0, "not a queue id: %s", qid);
	for (i = 0; i < 2; i++) {
		dfd = i == 0 ? sp->newfd : sp->failfd;
		(void)snprintf(name, sizeof(name), "%s.msg", qid);
		fd = open_reg(sp, dfd, name, NULL);
		if (fd == -1)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			close(fd);
			return perr_set(e, 1, "%s is being delivered right "
			    "now; try again", qid);
		}
		(void)snprintf(name, sizeof(name), "%s.env", qid);
		(void)unlinkat(dfd, name, 0);
		(void)snprintf(name, sizeof(name), "%s.msg", qid);
		(void)unlinkat(dfd, name, 0);
		(void)fsync(dfd);
		close(fd);
		return 0;
	}
	return perr_set(e, 0, "%s: no such message in %s", qid, sp->path);
}

int
spool_requeue(struct spool *sp, const char *qid, struct perr *e)
{
	struct envelope	env;
	char		name[SPOOL_QID_LEN + 8];
	size_t		i;
	int		lfd, ret = -1;

	if (spool_env_read_failed(sp, qid, &env, e) == -1)
		return -1;
	/*
	 * Locked while it moves: between the renames, its data file is in
	 * new/ without an envelope there, which spool_clean() would take
	 * for debris were it not locked.
	 */
	(void)snprintf(name, sizeof(name), "%s.msg", qid);
	if ((lfd = open_reg(sp, sp->failfd, name, NULL)) == -1) {
		spool_env_free(&env);
		return perr_sys(e, 1, "open %s/failed/%s", sp->path, name);
	}
	if (flock(lfd, LOCK_EX | LOCK_NB) == -1) {
		spool_env_free(&env);
		close(lfd);
		return perr_set(e, 1, "%s is being handled right now; try "
		    "again", qid);
	}
	for (i = 0; i < env.nrcpts; i++)
		if (env.rcpts[i].state == RCPT_FAILED ||
		    env.rcpts[i].state == RCPT_NOTIFIED)
			env.rcpts[i].state = RCPT_PENDING;
	env.next_retry = 0;
	env.attempts = 0;
	env.created = time(NULL);	/* a fresh queue_lifetime */
	if (env_write_tmp(sp, &env, NULL, e) == -1)
		goto out;
	(void)snprintf(name, sizeof(name), "%s.msg", qid);
	if (renameat(sp->failfd, name, sp->newfd, name) == -1) {
		perr_sys(e, 1, "rename failed/%s new/%s", name, name);
		goto out;
	}
	(void)snprintf(name, sizeof(name), "%s.env", qid);
	if (renameat(sp->tmpfd, name, sp->newfd, name) == -1) {
		perr_sys(e, 1, "rename tmp/%s new/%s", name, name);
		/* back where its envelope still is */
		(void)snprintf(name, sizeof(name), "%s.msg", qid);
		(void)renameat(sp->newfd, name, sp->failfd, name);
		goto out;
	}
	(void)unlinkat(sp->failfd, name, 0);
	(void)fsync(sp->newfd);
	(void)fsync(sp->failfd);
	ret = 0;
out:
	spool_env_free(&env);
	close(lfd);
	return ret;
}

void
spool_expire_failed(struct spool *sp, long max_age_s)
{
	struct stat	 st;
	char		**ids, name[SPOOL_QID_LEN + 8];
	size_t		 n, i;
	time_t		 now = time(NULL);

	if (spool_list(sp, 1, &ids, &n, NULL) == -1)
		return;
	for (i = 0; i < n; i++) {
		(void)snprintf(name, sizeof(name), "%s.env", ids[i]);
		if (fstatat(sp->failfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now - st.st_mtime >= max_age_s) {
			(void)unlinkat(sp->failfd, name, 0);
			(void)snprintf(name, sizeof(name), "%s.msg", ids[i]);
			(void)unlinkat(sp->failfd, name, 0);
			log_info("%s: removed from failed/ after "
			    "failed_lifetime", ids[i]);
		}
		free(ids[i]);
	}
	free(ids);
}

/* Move new/<qid>.<ext> to tmp/; -1 when that cannot be done. */
static int
retire(struct spool *sp, const char *qid, const char *ext)
{
	char	name[SPOOL_QID_LEN + 8];

	(void)snprintf(name, sizeof(name), "%s.%s", qid, ext);
	if (renameat(sp->newfd, name, sp->tmpfd, name) == -1 &&
	    errno != ENOENT)
		return -1;
	return 0;
}

int
spool_remove(struct spool *sp, const char *qid, struct perr *e)
{
	char	(*nr)[SPOOL_QID_LEN + 1], name[SPOOL_QID_LEN + 8];
	size_t	 cap;

	/*
	 * Deferred: moving the envelope out of new/ ends the message as
	 * surely as an unlink does (a .msg alone is debris: no reader
	 * lists it, spool_lock() refuses it), and frees no blocks, which a
	 * file system mounted with discard does synchronously;
	 * spool_purge() unlinks both later.
	 */
	if (sp->defer) {
		if (sp->nretired == sp->retired_cap) {
			cap = sp->retired_cap == 0 ? 256 : sp->retired_cap * 2;
			if ((nr = reallocarray(sp->retired, cap,
			    sizeof(*nr))) != NULL) {
				sp->retired = nr;
				sp->retired_cap = cap;
			}
		}
		if (sp->nretired < sp->retired_cap &&
		    retire(sp, qid, "env") == 0) {
			(void)strlcpy(sp->retired[sp->nretired++], qid,
			    sizeof(sp->retired[0]));
			return 0;
		}
	}
	(void)snprintf(name, sizeof(name), "%s.env", qid);
	if (unlinkat(sp->newfd, name, 0) == -1 && errno != ENOENT)
		return perr_sys(e, 1, "unlink %s/new/%s", sp->path, name);
	(void)snprintf(name, sizeof(name), "%s.msg", qid);
	if (unlinkat(sp->newfd, name, 0) == -1 && errno != ENOENT)
		return perr_sys(e, 1, "unlink %s/new/%s", sp->path, name);
	/*
	 * No fsync: should a crash undo the removal, the message is sent
	 * again, which SPEC 4 allows; losing it is what must never happen.
	 */
	return 0;
}

void
spool_defer_removal(struct spool *sp)
{
	sp->defer = 1;
}

/* The files of a message whose envelope spool_remove() moved to tmp/. */
static void
unlink_retired(struct spool *sp, const char *qid)
{
	char	name[SPOOL_QID_LEN + 8];

	(void)snprintf(name, sizeof(name), "%s.msg", qid);
	(void)unlinkat(sp->newfd, name, 0);
	(void)snprintf(name, sizeof(name), "%s.env", qid);
	(void)unlinkat(sp->tmpfd, name, 0);
}

void
spool_purge(struct spool *sp)
{
	size_t	i;

	for (i = 0; i < sp->nretired; i++)
		unlink_retired(sp, sp->retired[i]);
	sp->nretired = 0;
}

int
spool_fail(struct spool *sp, const char *qid, struct perr *e)
{
	char	name[SPOOL_QID_LEN + 8];

	(void)snprintf(name, sizeof(name), "%s.msg", qid);
	if (renameat(sp->newfd, name, sp->failfd, name) == -1)
		return perr_sys(e, 1, "rename new/%s failed/%s", name, name);
	(void)snprintf(name, sizeof(name), "%s.env", qid);
	if (renameat(sp->newfd, name, sp->failfd, name) == -1)
		return perr_sys(e, 1, "rename new/%s failed/%s", name, name);
	(void)fsync(sp->failfd);
	(void)fsync(sp->newfd);
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
spool_list(struct spool *sp, int failed, char ***ids, size_t *n,
    struct perr *e)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL, **nv;
	size_t		 len;
	int		 fd;

	*ids = NULL;
	*n = 0;
	if ((fd = dup(failed ? sp->failfd : sp->newfd)) == -1)
		return perr_sys(e, 1, "dup");
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return perr_sys(e, 1, "opendir %s", sp->path);
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len != SPOOL_QID_LEN + 4 ||
		    strcmp(de->d_name + SPOOL_QID_LEN, ".env") != 0 ||
		    !qid_valid(de->d_name, SPOOL_QID_LEN))
			continue;
		if ((nv = reallocarray(v, *n + 1, sizeof(*v))) == NULL ||
		    (nv[*n] = strndup(de->d_name, SPOOL_QID_LEN)) == NULL) {
			if (nv != NULL)
				v = nv;
			closedir(d);
			*ids = v;
			return perr_set(e, 1, "out of memory");
		}
		v = nv;
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_str);
	*ids = v;
	return 0;
}

/*
 * tmp/: files older than an hour that no one holds locked (a slow writer
 * keeps its lock): a crashed submission's, or a killed flush's retired
 * envelopes.
 */
static void
clean_tmp(struct spool *sp, time_t now)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	int		 fd, lfd;

	if ((fd = dup(sp->tmpfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    fstatat(sp->tmpfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 ||
		    now - st.st_mtime < DEBRIS_AGE_S)
			continue;
		lfd = openat(sp->tmpfd, de->d_name, O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC | O_NONBLOCK);
		if (lfd == -1)
			continue;
		if (flock(lfd, LOCK_EX | LOCK_NB) == 0 &&
		    unlinkat(sp->tmpfd, de->d_name, 0) == 0)
			log_warnx("removed stale %s/tmp/%s", sp->path,
			    de->d_name);
		close(lfd);
	}
	closedir(d);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The names in new/ that look like queue files, sorted: an ID's ".env"
 * comes right before its ".msg".  NULL when they cannot be read.
 */
static char (*new_names(struct spool *sp, size_t *np))[SPOOL_QID_LEN + 5]
{
	char		(*v)[SPOOL_QID_LEN + 5] = NULL, (*nv)[SPOOL_QID_LEN + 5];
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0, cap = 0;
	int		 fd;

	if ((fd = dup(sp->newfd)) == -1)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != SPOOL_QID_LEN + 4 ||
		    !qid_valid(de->d_name, SPOOL_QID_LEN) ||
		    (strcmp(de->d_name + SPOOL_QID_LEN, ".msg") != 0 &&
		    strcmp(de->d_name + SPOOL_QID_LEN, ".env") != 0))
			continue;
		if (n == cap) {
			cap = cap == 0 ? 256 : 2 * cap;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				free(v);
				closedir(d);
				return NULL;
			}
			v = nv;
		}
		memcpy(v[n++], de->d_name, SPOOL_QID_LEN + 5);
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_name);
	*np = n;
	return v;
}

/*
 * new/: a .msg without its .env, once no one holds it locked, is debris
 * of a submission killed between its two renames (removed when an hour
 * old), or a message a flush delivered and retired (its .env moved to
 * tmp/) but did not purge, being killed first (removed now).  A
 * submission keeps its lock through both renames, and a flush its own
 * until the .env is gone.
 */
static void
clean_new(struct spool *sp, time_t now)
{
	char		(*v)[SPOOL_QID_LEN + 5], env[SPOOL_QID_LEN + 5];
	struct stat	 st;
	size_t		 i, n = 0;
	int		 lfd, retired;

	if ((v = new_names(sp, &n)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (strcmp(v[i] + SPOOL_QID_LEN, ".msg") != 0 ||
		    (i > 0 && strncmp(v[i - 1], v[i], SPOOL_QID_LEN) == 0))
			continue;	/* an envelope, or a message with one */
		(void)snprintf(env, sizeof(env), "%.*s.env", SPOOL_QID_LEN,
		    v[i]);
		retired = fstatat(sp->tmpfd, env, &st,
		    AT_SYMLINK_NOFOLLOW) == 0;
		if (!retired && (fstatat(sp->newfd, v[i], &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || now - st.st_mtime <
		    DEBRIS_AGE_S))
			continue;
		lfd = openat(sp->newfd, v[i], O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC | O_NONBLOCK);
		if (lfd == -1)
			continue;
		/* the .env may have arrived since the listing */
		if (flock(lfd, LOCK_EX | LOCK_NB) == 0 &&
		    fstatat(sp->newfd, env, &st, AT_SYMLINK_NOFOLLOW) == -1 &&
		    unlinkat(sp->newfd, v[i], 0) == 0) {
			if (retired)
				(void)unlinkat(sp->tmpfd, env, 0);
			else
				log_warnx("removed stale %s/new/%s", sp->path,
				    v[i]);
		}
		close(lfd);
	}
	free(v);
}

void
spool_clean(struct spool *sp)
{
	time_t	now = time(NULL);

	clean_tmp(sp, now);
	clean_new(sp, now);
}
