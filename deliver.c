/*
 * deliver.c - one delivery attempt of one queued message.
 *
 * Picks the relay for the envelope sender (conf_route), fetches the AUTH
 * secret only for the relay that names it, walks the smarthost list in
 * order (failover on a dead host or a 4xx), runs as many transactions as
 * the server's "452 too many recipients" asks for, and writes the outcome
 * back: per recipient in the envelope, one log line per recipient in
 * Postfix's shape (SPEC 7), the next retry time, or removal once nothing
 * is pending.  The secret lives on this function's stack and is wiped.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "conf.h"
#include "spool.h"
#include "bounce.h"
#include "tls.h"
#include "smtp.h"
#include "addr.h"
#include "resolve.h"
#include "deliver.h"

#define SECRET_MAX		1024
#define PASSCMD_TIMEOUT_MS	10000

/* What happened to one recipient in this attempt. */
struct outcome {
	struct smtp_rcpt r;
	char		 relay[300];
	char		 tls[16];
	int		 done;		/* final for this attempt */
};

/* The transaction of run_session(), which may outlive the call. */
struct txn {
	struct smtp_rcpt	*r;		/* its recipients */
	size_t			 k;
	FILE			*data;		/* in flight: the message, locked */
};

/*
 * One message being delivered.  In a queue run whose server offers
 * PIPELINING, a message can be left "in flight": its final dot sent, its
 * reply unread, while the next message's MAIL, RCPT and DATA go out (RFC
 * 2920 3.1).  The reply is read before that next message's own replies;
 * the outcome is recorded once the next write to the server is out
 * (deliver_cache answered), and t.data keeps the message locked until then.
 */
struct deliver_job {
	struct spool		*sp;
	struct deliver_ctx	 ctx;		/* its cache NULL: bounces */
	int			 report;
	struct envelope		 env;
	struct outcome		*o;		/* one per pending recipient */
	size_t			 n;
	struct txn		 t;
	char			 last[600];	/* the last error, for mailq */
};

static int	job_record(struct deliver_job *job, FILE *data,
		    struct deliver_result *res, struct perr *e);
static void	job_free(struct deliver_job *job);

/* The first line of a file only its owner may read. */
static int
secret_file(const char *path, char *buf, size_t bufsz, struct perr *e)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return perr_sys(e, 1, "auth_password_file %s", path);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return perr_set(e, 0, "auth_password_file %s: not a regular "
		    "file", path);
	}
	if ((st.st_mode & 077) != 0) {
		close(fd);
		return perr_set(e, 0, "auth_password_file %s is readable by "
		    "group or others; run: chmod 600 %s", path, path);
	}
	while (len + 1 < bufsz && (n = read(fd, buf + len, bufsz - 1 - len)) >
	    0)
		len += n;
	close(fd);
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* The first output line of auth_password_command, run by /bin/sh. */
static int
secret_command(const char *cmd, char *buf, size_t bufsz, struct perr *e)
{
	struct timespec	 dl;
	struct pollfd	 pfd;
	size_t		 len = 0;
	ssize_t		 n;
	pid_t		 pid;
	long		 ms;
	int		 p[2], status, rc = 0;

	if (pipe2(p, O_CLOEXEC) == -1)
		return perr_sys(e, 1, "auth_password_command: pipe");
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return perr_sys(e, 1, "auth_password_command: fork");
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		/* its own process group, so a timeout ends all it started */
		(void)setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		if (devnull != -1)
			dup2(devnull, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	(void)setpgid(pid, pid);	/* either side may win the race */
	close(p[1]);
	tls_deadline(&dl, PASSCMD_TIMEOUT_MS);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	/* read to the end (a password manager may print notes after the
	 * first line), keeping only what fits: the first line is used */
	for (;;) {
		char	junk[512];

		if ((ms = tls_ms_until(&dl)) <= 0) {
			rc = perr_set(e, 1, "auth_password_command timed out "
			    "after %ds", PASSCMD_TIMEOUT_MS / 1000);
			break;
		}
		if (poll(&pfd, 1, (int)ms) <= 0)
			continue;
		if (len + 1 < bufsz)
			n = read(p[0], buf + len, bufsz - 1 - len);
		else
			n = read(p[0], junk, sizeof(junk));
		if (n <= 0)
			break;
		if (len + 1 < bufsz)
			len += n;
	}
	close(p[0]);
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (rc == -1)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = perr_set(e, 1, "auth_password_command failed (exit "
		    "status %d)", WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status));
	if (rc == 0 && buf[0] == '\0')
		rc = perr_set(e, 1, "auth_password_command printed nothing");
	if (rc == -1)
		explicit_bzero(buf, bufsz);
	return rc;
}

/* -1 when path exists, can be opened, and group or others may read it. */
static int
private_file(const char *key, const char *path, struct perr *e)
{
	struct stat	st;
	int		fd;

	if (path == NULL)
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1)
		return 0;	/* root's alone, or missing: delivery says */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 077) != 0) {
		close(fd);
		return perr_set(e, 0, "%s %s is readable by group or others; "
		    "run: chmod 600 %s", key, path, path);
	}
	close(fd);
	return 0;
}

int
deliver_check_files(const struct conf_relay *r, struct perr *e)
{
	if (r->auth_user != NULL && r->auth_password == NULL &&
	    private_file("auth_password_file", r->auth_password_file, e) == -1)
		return -1;
	if (r->tls_cert != NULL && private_file("tls_key", r->tls_key != NULL ?
	    r->tls_key : r->tls_cert, e) == -1)
		return -1;
	return 0;
}

int
deliver_secret(const struct conf_relay *r, char *buf, size_t bufsz,
    struct perr *e)
{
	if (r->auth_password != NULL) {
		if (strlcpy(buf, r->auth_password, bufsz) >= bufsz)
			return perr_set(e, 0, "auth_password too long");
		return 0;
	}
	if (r->auth_password_file != NULL)
		return secret_file(r->auth_password_file, buf, bufsz, e);
	if (r->auth_password_command != NULL)
		return secret_command(r->auth_password_command, buf, bufsz, e);
	return perr_set(e, 0, "auth_user is set but no auth_password, "
	    "auth_password_file or auth_password_command");
}

static int
preload(struct conf_relay *r, struct perr *e)
{
	char	buf[SECRET_MAX];

	if (r->auth_user == NULL || r->auth_password != NULL ||
	    (r->auth_password_file == NULL && r->auth_password_command == NULL))
		return 0;
	if (deliver_secret(r, buf, sizeof(buf), e) == -1)
		return -1;
	r->auth_password = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	if (r->auth_password == NULL)
		return perr_set(e, 1, "out of memory");
	return 0;
}

int
deliver_preload_secrets(struct conf *c, struct perr *e)
{
	size_t	i;

	if (preload(&c->relay, e) == -1)
		return -1;
	for (i = 0; i < c->nroutes; i++)
		if (preload(&c->routes[i].relay, e) == -1)
			return -1;
	return 0;
}

/* Seconds since submission, as Postfix prints them: 0.12, 1.2, 30. */
static void
delay_str(const struct envelope *env, char *buf, size_t bufsz)
{
	struct timespec	ts;
	double		d;

	clock_gettime(CLOCK_REALTIME, &ts);
	d = (double)(ts.tv_sec - env->created) +
	    (ts.tv_nsec / 1000 - env->created_us) / 1e6;
	if (d < 0)
		d = 0;
	if (d < 10)
		(void)snprintf(buf, bufsz, "%.2g", d);
	else
		(void)snprintf(buf, bufsz, "%.0f", d);
}

static void
log_outcome(const struct envelope *env, const struct outcome *o, time_t now)
{
	const char	*status;
	char		 text[600], delay[32];

	status = o->r.status == SMTP_OK ? "sent" :
	    o->r.status == SMTP_PERM ? "bounced" : "deferred";
	log_sanitize(text, sizeof(text), o->r.text);
	(void)now;
	delay_str(env, delay, sizeof(delay));
	log_info("%s: to=<%s>, relay=%s, delay=%s, tls=%s, dsn=%s, "
	    "status=%s (%s)", env->qid, o->r.addr, o->relay[0] ? o->relay :
	    "none", delay, o->tls[0] ? o->tls :
	    "none", o->r.dsn, status, text);
}

/* What the outcome of the last transaction says, into o[] (not done). */
static void
round_done(struct smtp *s, struct outcome *o, size_t n,
    const struct smtp_rcpt *r, int *more, int *got)
{
	const char	*tv = smtp_tls_version(s);
	size_t		 i, k;

	*more = *got = 0;
	for (i = k = 0; i < n; i++) {
		if (o[i].done)
			continue;
		o[i].r = r[k++];
		(void)strlcpy(o[i].relay, smtp_relay(s), sizeof(o[i].relay));
		(void)strlcpy(o[i].tls, tv != NULL ? tv : "",
		    sizeof(o[i].tls));
		if (o[i].r.status == SMTP_OK)
			*got = 1;
		if (o[i].r.again)
			*more = 1;
		else if (o[i].r.status != SMTP_TEMP)
			o[i].done = 1;
	}
}

/*
 * Read the reply to the final dot of job, in flight on s: its outcome,
 * not recorded yet (job_finish()).
 */
static void
job_answer(struct smtp *s, struct deliver_job *job)
{
	struct perr	e;
	size_t		i;
	int		more, got;

	(void)smtp_send_end(s, job->t.r, job->t.k, &e);
	round_done(s, job->o, job->n, job->t.r, &more, &got);
	for (i = 0; i < job->n; i++)
		if (!job->o[i].done) {
			(void)strlcpy(job->last, job->o[i].r.text,
			    sizeof(job->last));
			break;
		}
}

/* Record the outcome of an answered job in the queue; its lock goes. */
static void
job_finish(struct deliver_job *job)
{
	struct deliver_result	 res;
	struct perr		 e;
	FILE			*data;
	size_t			 i;

	/* a bounce reads the message */
	data = NULL;
	for (i = 0; i < job->n; i++)
		if (job->o[i].r.status != SMTP_OK)
			data = job->t.data;
	if (job_record(job, data, &res, &e) == -1)
		log_warnx("%s: %s", job->env.qid, e.msg);
	job_free(job);
}

static void
job_settle(struct smtp *s, struct deliver_job *job)
{
	job_answer(s, job);
	job_finish(job);
}

/* Record the answered message the cache holds, if any. */
static void
cache_finish(struct deliver_cache *cache)
{
	struct deliver_job	*job;

	if (cache == NULL || (job = cache->answered) == NULL)
		return;
	cache->answered = NULL;
	job_finish(job);
}

/*
 * prev's reply is read: its outcome is recorded at once without a cache,
 * else after our next write (the server busy with it meanwhile).
 */
static void
cache_answer(struct deliver_cache *cache, struct smtp *s,
    struct deliver_job *prev)
{
	job_answer(s, prev);
	if (cache == NULL) {
		job_finish(prev);
		return;
	}
	cache_finish(cache);
	cache->answered = prev;
}

void
deliver_cache_settle(struct deliver_cache *cache)
{
	struct deliver_job	*job;

	cache_finish(cache);
	if (cache == NULL || (job = cache->inflight) == NULL)
		return;
	cache->inflight = NULL;
	job_settle(cache->s, job);
}

void
deliver_cache_close(struct deliver_cache *cache)
{
	deliver_cache_settle(cache);
	if (cache != NULL && cache->s != NULL) {
		smtp_close(cache->s);
		cache->s = NULL;
	}
}

/*
 * The cached session for key, ready for a new message, or NULL.  A
 * message in flight on it comes along in *inflight, its reply unread.
 */
static struct smtp *
cache_take(struct deliver_cache *cache, const char *key,
    struct deliver_job **inflight)
{
	struct smtp	*s;
	struct perr	 e;

	*inflight = NULL;
	if (cache == NULL || cache->s == NULL)
		return NULL;
	if (strcmp(cache->key, key) != 0 || !smtp_usable(cache->s)) {
		deliver_cache_close(cache);
		return NULL;
	}
	s = cache->s;
	cache->s = NULL;
	if ((*inflight = cache->inflight) != NULL) {
		cache->inflight = NULL;
		return s;	/* its dot's reply ends that transaction */
	}
	if (smtp_reset(s, &e) == -1) {
		smtp_close(s);
		return NULL;
	}
	return s;
}

/*
 * Keep s for the next message when it can go on, else end it.  inflight:
 * the message whose dot's reply is still to be read on s, or NULL.
 */
static void
cache_put(struct deliver_cache *cache, const char *key, struct smtp *s,
    struct deliver_job *inflight)
{
	if (cache == NULL || !smtp_usable(s)) {
		cache_finish(cache);
		if (inflight != NULL)
			job_settle(s, inflight);
		smtp_close(s);
		return;
	}
	if (cache->s != NULL)
		deliver_cache_close(cache);
	cache->s = s;
	cache->inflight = inflight;
	(void)strlcpy(cache->key, key, sizeof(cache->key));
}

/*
 * The status of a deferral after a failed session: the server's own
 * enhanced code when it gave one (as a 4.x.x: we will try again), else
 * 4.4.2 (the connection went wrong).
 */
static const char *
defer_dsn(struct smtp_why *why)
{
	if (why->dsn[0] == '\0')
		return "4.4.2";
	why->dsn[0] = '4';
	return why->dsn;
}

/* Every recipient not final yet gets this reason. */
static void
outcome_all(struct outcome *o, size_t n, const char *relay, int temp,
    const char *dsn, const char *text)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (o[i].done)
			continue;
		o[i].r.status = temp ? SMTP_TEMP : SMTP_PERM;
		o[i].r.at_rcpt = 0;
		o[i].r.code = 0;
		(void)strlcpy(o[i].r.dsn, dsn, sizeof(o[i].r.dsn));
		(void)strlcpy(o[i].r.text, text, sizeof(o[i].r.text));
		(void)strlcpy(o[i].relay, relay != NULL ? relay : "",
		    sizeof(o[i].relay));
		o[i].tls[0] = '\0';
	}
}

/*
 * Transactions on one open session until no recipient of o[] is left that
 * the server asked us to send again (452).  Marks final outcomes done.
 * prev: a message in flight on s, settled once this message's commands
 * are out.  may_defer: this message may be left in flight in turn, which
 * run_session() says by returning 1 (t->data then holds data and its lock).
 * ctx->idle runs while the server answers pipelined commands.
 */
static int
run_session(const struct deliver_ctx *ctx, struct smtp *s,
    const struct envelope *env, FILE *data, struct outcome *o, size_t n,
    struct txn *t, struct deliver_job *prev, int may_defer)
{
	struct smtp_msg	  m;
	struct perr	  e;
	size_t		  i, k, rounds;
	int		  more, got, rc;

	memset(&m, 0, sizeof(m));
	m.from = env->sender;
	m.data = data;
	m.size = env->size;
	m.lines = env->lines;
	m.body_8bit = env->body_8bit;
	m.smtputf8 = env->smtputf8;
	m.ret = env->dsn_ret;
	m.envid = env->dsn_envid;
	free(t->r);
	if ((t->r = calloc(n, sizeof(*t->r))) == NULL) {
		if (prev != NULL)
			job_settle(s, prev);
		cache_finish(ctx->cache);
		outcome_all(o, n, smtp_relay(s), 1, "4.3.0", "out of memory");
		return 0;
	}
	for (rounds = 0; rounds < 100; rounds++) {
		for (i = k = 0; i < n; i++)
			if (!o[i].done)
				t->r[k++] = o[i].r;
		t->k = k;
		if (k == 0)
			break;
		if (rounds > 0 && smtp_reset(s, &e) == -1)
			break;
		rc = smtp_send_begin(s, &m, t->r, k, &e);
		/*
		 * The commands are on their way (behind the previous
		 * message's data, if any): use the round trip to record the
		 * message answered before and to make the next one ready.
		 */
		cache_finish(ctx->cache);
		if (rc == 0 && ctx->idle != NULL && smtp_pipelining(s))
			ctx->idle(ctx->idle_arg);
		if (prev != NULL) {
			/* RFC 2920 3.1: our commands went out behind the
			 * previous message's dot; its reply comes first */
			cache_answer(ctx->cache, s, prev);
			prev = NULL;
		}
		if (rc == 0)
			rc = smtp_send_data(s, &m, t->r, k, &e);
		if (rc == 0) {
			for (i = 0; i < k && !t->r[i].again; i++)
				;
			if (may_defer && rounds == 0 && i == k) {
				t->data = data;
				return 1;
			}
			(void)smtp_send_end(s, t->r, k, &e);
		}
		round_done(s, o, n, t->r, &more, &got);
		/* 452 to some: a new transaction for the rest, as long as
		 * the last one made progress (RFC 5321 4.5.3.1.10) */
		if (!more || !got || !smtp_usable(s))
			break;
	}
	if (prev != NULL)
		job_settle(s, prev);
	cache_finish(ctx->cache);
	return 0;
}

/* Past queue_lifetime: every pending recipient fails. */
static void
expire(struct envelope *env, const struct deliver_ctx *ctx,
    struct deliver_result *res, time_t now)
{
	char	why[700];
	size_t	i;

	for (i = 0; i < env->nrcpts; i++) {
		struct env_rcpt	*r = &env->rcpts[i];

		if (r->state != RCPT_PENDING)
			continue;
		(void)snprintf(why, sizeof(why), "delivery time expired after "
		    "%lds; last error: %s", ctx->conf->queue_lifetime_s,
		    r->reply != NULL ? r->reply : env->last_error != NULL ?
		    env->last_error : "none");
		log_info("%s: to=<%s>, relay=none, delay=%lld, tls=none, "
		    "dsn=5.4.7, status=expired (%s)", env->qid, r->addr,
		    (long long)(now - env->created), why);
		free(r->reply);
		r->reply = strdup(why);
		r->state = RCPT_FAILED;
		res->pending--;
		res->failed++;
	}
}

/*
 * Queue (and try at once) a bounce about the recipients in RCPT_FAILED,
 * then mark them notified.  Never for a null sender, a bounce, or
 * NOTIFY=NEVER (SPEC 4); those stay RCPT_FAILED, so the message is kept.
 */
static void
bounce(struct spool *sp, struct envelope *env, FILE *data,
    const struct deliver_ctx *ctx)
{
	struct envelope		 b;
	struct env_rcpt		 br;
	struct deliver_result	 bres;
	struct perr		 e;
	char			 qid[SPOOL_QID_LEN + 1];
	FILE			*fp;
	size_t			 i, n = 0;

	for (i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].state == RCPT_FAILED)
			n++;
	if (n == 0)
		return;
	if (env->dsn_notify != NULL && strcasestr(env->dsn_notify, "never")) {
		for (i = 0; i < env->nrcpts; i++)
			if (env->rcpts[i].state == RCPT_FAILED)
				env->rcpts[i].state = RCPT_NOTIFIED;
		log_info("%s: no bounce: the sender asked for none (-N never)",
		    env->qid);
		return;
	}
	if (env->sender[0] == '\0' || env->is_bounce) {
		log_warnx("%s: cannot bounce a message from the null sender",
		    env->qid);
		return;
	}
	if ((fp = spool_create(sp, qid, &e)) == NULL)
		goto fail;
	memset(&b, 0, sizeof(b));
	(void)strlcpy(b.qid, qid, sizeof(b.qid));
	b.uid = env->uid;
	b.created = time(NULL);
	b.sender = (char *)"";
	b.conf = env->conf;
	b.body_8bit = env->body_8bit;
	b.on_error = 'm';
	b.is_bounce = 1;
	memset(&br, 0, sizeof(br));
	br.addr = env->sender;
	br.state = RCPT_PENDING;
	b.rcpts = &br;
	b.nrcpts = 1;
	if (bounce_write(fp, env, data, ctx->helo, ctx->domain, qid, &b.size,
	    &b.lines, &e) == -1 || spool_commit(sp, fp, &b, &e) == -1) {
		spool_abort(sp, qid, fp);
		goto fail;
	}
	log_info("%s: sender non-delivery notification: %s", env->qid, qid);
	for (i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].state == RCPT_FAILED)
			env->rcpts[i].state = RCPT_NOTIFIED;
	if (ctx->queued != NULL)
		ctx->queued(ctx->queued_arg, qid);	/* later, this run */
	else if (deliver_message(sp, qid, NULL, fp, ctx, 0, &bres, &e) == -1)
		log_warnx("%s: %s", qid, e.msg);
	fclose(fp);
	return;
fail:
	log_warnx("%s: cannot queue a bounce: %s", env->qid, e.msg);
}

/*
 * The message to o[] over session s to a domain's MX host (prev: a
 * message in flight on it, or NULL); then s is kept for the domain's
 * next message in a flush (key), or closed.
 */
static void
direct_session(const struct deliver_ctx *ctx, const char *key,
    struct smtp *s, struct deliver_job *prev, const struct envelope *env,
    FILE *data, struct outcome *o, size_t n)
{
	struct txn	t;

	t.r = NULL;
	t.data = NULL;
	(void)run_session(ctx, s, env, data, o, n, &t, prev, 0);
	free(t.r);
	cache_put(ctx->cache, key, s, NULL);
}

/*
 * Direct delivery (RFC 5321 5.1): the recipients of each domain go to
 * that domain's MX hosts, by preference, each host's addresses in turn
 * (IPv6 first), until a server gives every one of them an answer that is
 * final.  Opportunistic STARTTLS, as Postfix's "may" level: used when
 * offered, any certificate, TLS 1.0 or later; a failed handshake tries
 * that address again in plaintext.  An MX host whose name is ours is a
 * loop and skipped; posthorn listens on no port, so no address of this
 * machine can loop back to it.
 */
static int
direct_try(const struct deliver_ctx *ctx, const char *key,
    const struct sockaddr *sa, socklen_t salen, const char *host,
    const struct envelope *env, FILE *data, struct outcome *o, size_t n,
    char *last, size_t lastsz)
{
	struct smtp_params	 p;
	struct tls_conn		*c;
	struct smtp		*s;
	struct timespec		 dl;
	struct perr		 ce;
	char			 ip[64], relay[300];
	struct smtp_why		 why;
	int			 plain, port;
	size_t			 i;

	if (getnameinfo(sa, salen, ip, sizeof(ip), NULL, 0, NI_NUMERICHOST) !=
	    0)
		(void)strlcpy(ip, "?", sizeof(ip));
	port = sa->sa_family == AF_INET6 ?
	    ntohs(((const struct sockaddr_in6 *)sa)->sin6_port) :
	    ntohs(((const struct sockaddr_in *)sa)->sin_port);
	(void)snprintf(relay, sizeof(relay), "%s[%s]:%d", host, ip, port);
	for (plain = 0; plain < 2; plain++) {
		if (ctx->deadline != NULL && tls_ms_until(ctx->deadline) <= 0)
			return -1;
		tls_deadline(&dl, ctx->conf->timeout_connect_s * 1000);
		tls_deadline_min(&dl, ctx->deadline);
		if ((c = tls_connect_addr(sa, salen, ctx->conf->bind_address,
		    &dl, &ce)) == NULL) {
			str_fmt(last, lastsz, "connect to %s: %s", relay,
			    ce.msg);
			outcome_all(o, n, relay, 1, "4.4.1", last);
			return -1;
		}
		memset(&p, 0, sizeof(p));
		p.host = host;
		p.ip = ip;
		p.port = port;
		p.tls_mode = plain ? SMTP_TLS_NONE : SMTP_TLS_MAY;
		p.tls.verify = TLS_VERIFY_NONE;
		p.tls.servername = host;
		p.tls.min_version = 10;
		p.helo = ctx->helo;
		p.timeout_cmd_ms = ctx->conf->timeout_command_s * 1000;
		p.deadline = ctx->deadline;
		p.verbose = ctx->verbose;
		if ((s = smtp_open(c, &p, &why, &ce)) != NULL)
			break;
		(void)snprintf(last, lastsz, "%s", ce.msg);
		outcome_all(o, n, relay, 1, defer_dsn(&why), last);
		if (ctx->verbose)
			fprintf(stderr, "posthorn: %s: %s\n", relay, ce.msg);
		/* a failed handshake: once more without TLS (Postfix "may") */
		if (plain || strncmp(ce.msg, "TLS", 3) != 0)
			return -1;
		log_info("%s: %s: TLS handshake failed (%s); retrying in "
		    "plaintext", env->qid, relay, ce.msg);
	}
	direct_session(ctx, key, s, NULL, env, data, o, n);
	for (i = 0; i < n; i++)
		if (!o[i].done) {
			(void)strlcpy(last, o[i].r.text, lastsz);
			return -1;
		}
	return 0;
}

/* Deliver the recipients o[] (all of one domain) to that domain. */
static void
direct_domain(struct resolver *res, const char *domain,
    const struct deliver_ctx *ctx, const struct envelope *env, FILE *data,
    struct outcome *o, size_t n, char *last, size_t lastsz)
{
	struct resolve_mxset	 mx;
	struct resolve_addrset	 as;
	struct sockaddr_storage	 ss;
	struct deliver_job	*prev;
	struct smtp		*s;
	struct perr		 e;
	char			 why[600], key[DELIVER_KEY_MAX];
	size_t			 h, a;
	int			 family;

	family = conf_family(ctx->conf);
	/* a flush: the session the last message to this domain used */
	(void)snprintf(key, sizeof(key), "d/%s", domain);
	if ((s = cache_take(ctx->cache, key, &prev)) != NULL) {
		direct_session(ctx, key, s, prev, env, data, o, n);
		for (h = 0; h < n && o[h].done; h++)
			;
		if (h == n)
			return;
		/* what the session could not settle: the MX hosts again */
	}
	if (domain[0] == '[') {
		/* an address literal: that host, no DNS (RFC 5321 4.1.3) */
		if (resolve_literal(domain, 25, &ss, &e) == -1) {
			outcome_all(o, n, NULL, 0, "5.1.2", e.msg);
			return;
		}
		{
			/* named by its address in logs, as Postfix does */
			char	lit[RESOLVE_NAME_MAX];

			if (getnameinfo((struct sockaddr *)&ss,
			    ss.ss_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in), lit, sizeof(lit), NULL,
			    0, NI_NUMERICHOST) != 0)
				(void)strlcpy(lit, domain, sizeof(lit));
			(void)direct_try(ctx, key, (struct sockaddr *)&ss,
			    ss.ss_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in), lit, env, data, o, n,
			    last, lastsz);
		}
		return;
	}
	if (resolve_mx(res, domain, &mx, &e) == -1) {
		switch (mx.status) {
		case RESOLVE_NULLMX:
			(void)snprintf(why, sizeof(why), "domain %s accepts "
			    "no mail (null MX, RFC 7505)", domain);
			outcome_all(o, n, NULL, 0, "5.1.10", why);
			return;
		case RESOLVE_NXDOMAIN:
		case RESOLVE_BADNAME:
			str_fmt(why, sizeof(why), "domain %s: %s",
			    domain, e.msg);
			outcome_all(o, n, NULL, 0, "5.1.2", why);
			return;
		default:
			str_fmt(last, lastsz, "look-up of MX for %s: %s",
			    domain, e.msg);
			outcome_all(o, n, NULL, 1, "4.4.3", last);
			return;
		}
	}
	/*
	 * RFC 5321 5.1: when we are one of the MX hosts, only the hosts
	 * preferred over us may take the mail; none left is a loop.
	 */
	for (h = 0; h < mx.n; h++)
		if (strcasecmp(mx.mx[h].host, ctx->helo) == 0)
			break;
	if (h < mx.n) {
		unsigned int ours = mx.mx[h].pref;

		for (h = 0; h < mx.n && mx.mx[h].pref < ours; h++)
			;
		mx.n = h;
		if (mx.n == 0) {
			(void)snprintf(last, lastsz, "mail for %s loops back "
			    "to myself (I am its best MX host, %s)", domain,
			    ctx->helo);
			outcome_all(o, n, NULL, 0, "5.4.6", last);
			return;
		}
	}
	(void)snprintf(last, lastsz, "no usable MX host for %s", domain);
	outcome_all(o, n, NULL, 1, "4.4.4", last);
	for (h = 0; h < mx.n; h++) {
		if (resolve_addrs(res, mx.mx[h].host, family, 25, &as, &e) ==
		    -1) {
			str_fmt(last, lastsz, "MX host %s: %s",
			    mx.mx[h].host, e.msg);
			if (mx.implicit && (as.status == RESOLVE_NXDOMAIN ||
			    as.status == RESOLVE_NODATA)) {
				/* no MX and no address: nowhere to send */
				(void)snprintf(why, sizeof(why), "domain %s "
				    "has no MX and no address", domain);
				outcome_all(o, n, NULL, 0, "5.1.2", why);
				return;
			}
			outcome_all(o, n, NULL, 1, "4.4.4", last);
			continue;
		}
		for (a = 0; a < as.n; a++)
			if (direct_try(ctx, key, (struct sockaddr *)&as.addr[a],
			    as.addr[a].ss_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in), mx.mx[h].host, env,
			    data, o, n, last, lastsz) == 0)
				return;
	}
}

static void
direct(const struct envelope *env, FILE *data, const struct deliver_ctx *ctx,
    struct outcome *o, size_t n, char *last, size_t lastsz)
{
	struct resolver	*res;
	struct outcome	*sub;
	struct perr	 e;
	const char	*d;
	char		 dom[RESOLVE_NAME_MAX + 2], *p;
	size_t		 i, j, k, *idx;

	if ((res = resolve_open(ctx->conf->resolver, &e)) == NULL) {
		(void)snprintf(last, lastsz, "resolver: %s", e.msg);
		outcome_all(o, n, NULL, 1, "4.3.5", last);
		return;
	}
	sub = calloc(n, sizeof(*sub));
	idx = calloc(n, sizeof(*idx));
	if (sub == NULL || idx == NULL) {
		outcome_all(o, n, NULL, 1, "4.3.0", "out of memory");
		goto out;
	}
	/* one domain at a time: the recipients left of the first one */
	for (i = 0; i < n; i++) {
		if (o[i].done)
			continue;
		if ((d = addr_domain(o[i].r.addr)) == NULL ||
		    strlcpy(dom, d, sizeof(dom)) >= sizeof(dom)) {
			o[i].r.status = SMTP_PERM;
			(void)strlcpy(o[i].r.dsn, "5.1.3", sizeof(o[i].r.dsn));
			(void)strlcpy(o[i].r.text, "bad recipient domain",
			    sizeof(o[i].r.text));
			o[i].done = 1;
			continue;
		}
		for (p = dom; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		for (j = i, k = 0; j < n; j++) {
			if (o[j].done ||
			    (d = addr_domain(o[j].r.addr)) == NULL ||
			    strcasecmp(d, dom) != 0)
				continue;
			idx[k] = j;
			sub[k++] = o[j];
		}
		direct_domain(res, dom, ctx, env, data, sub, k, last, lastsz);
		for (j = 0; j < k; j++) {
			o[idx[j]] = sub[j];
			o[idx[j]].done = 1;	/* this attempt is over */
		}
	}
out:
	free(sub);
	free(idx);
	resolve_close(res);
}

void
deliver_smarthost(const struct conf *c, const struct conf_relay *r,
    size_t h, const char *helo, struct smtp_params *p)
{
	enum smtp_tls	mode;

	mode = r->tls == CONF_TLS_NONE ? SMTP_TLS_NONE :
	    r->tls == CONF_TLS_IMPLICIT ? SMTP_TLS_IMPLICIT :
	    r->tls == CONF_TLS_STARTTLS ? SMTP_TLS_STARTTLS :
	    r->hosts[h].port == 465 ? SMTP_TLS_IMPLICIT : SMTP_TLS_STARTTLS;
	memset(p, 0, sizeof(*p));
	p->host = r->hosts[h].name;
	p->port = r->hosts[h].port != 0 ? r->hosts[h].port :
	    mode == SMTP_TLS_IMPLICIT ? 465 : 25;
	p->tls_mode = mode;
	p->tls.verify = r->has_fingerprint ? TLS_VERIFY_PIN : TLS_VERIFY_CA;
	p->tls.servername = r->hosts[h].name;
	p->tls.ca_file = r->tls_ca_file;
	p->tls.pin = r->tls_fingerprint;
	p->tls.cert = r->tls_cert;
	p->tls.key = r->tls_key;
	p->tls.min_version = r->tls_min_version;
	p->helo = helo;
	p->user = r->auth_user;
	p->auth_mech = r->auth_mechanism;
	p->auth_plaintext = r->auth_plaintext == 1;
	p->timeout_cmd_ms = c->timeout_command_s * 1000;
}

static void
job_free(struct deliver_job *job)
{
	if (job == NULL)
		return;
	if (job->t.data != NULL)
		fclose(job->t.data);
	free(job->t.r);
	free(job->o);
	spool_env_free(&job->env);
	free(job);
}

/*
 * Write the outcome of this attempt into the queue: per recipient (and a
 * log line each), then bounce what failed (data: the message, or NULL
 * when it cannot be read now), then remove the message, move it to
 * failed/, or set its next retry.  -1 only when the queue itself fails.
 */
static int
job_record(struct deliver_job *job, FILE *data, struct deliver_result *res,
    struct perr *e)
{
	struct envelope		 *env = &job->env;
	const struct deliver_ctx *ctx = &job->ctx;
	struct spool		 *sp = job->sp;
	size_t			  i, h, n;
	time_t			  now;
	long			  backoff;

	memset(res, 0, sizeof(*res));
	now = time(NULL);
	for (i = 0, h = 0; i < env->nrcpts && job->o != NULL; i++) {
		struct env_rcpt	*er = &env->rcpts[i];
		struct outcome	*oc;

		if (er->state != RCPT_PENDING)
			continue;
		oc = &job->o[h++];
		log_outcome(env, oc, now);
		free(er->reply);
		er->reply = strdup(oc->r.text);
		if (oc->r.status == SMTP_OK) {
			er->state = RCPT_SENT;
			res->sent++;
			if (ctx->verbose)
				fprintf(stderr, "posthorn: <%s>: delivered via "
				    "%s\n", er->addr, oc->relay);
		} else if (oc->r.status == SMTP_PERM) {
			er->state = RCPT_FAILED;
			if (oc->r.at_rcpt)
				res->rejected++;
			else
				res->failed++;
			if (job->report == 1 || ctx->verbose)
				fprintf(stderr, "posthorn: <%s>: %s\n",
				    er->addr, oc->r.text);
		} else {
			res->pending++;
			(void)strlcpy(job->last, oc->r.text,
			    sizeof(job->last));
			if (ctx->verbose)
				fprintf(stderr, "posthorn: <%s>: queued for a "
				    "later attempt: %s\n", er->addr,
				    oc->r.text);
		}
	}
	now = time(NULL);
	if (res->pending > 0 && now - env->created >=
	    ctx->conf->queue_lifetime_s)
		expire(env, ctx, res, now);
	if (job->report) {
		/* the caller tells the sender: nothing to bounce */
		for (i = 0; i < env->nrcpts; i++)
			if (env->rcpts[i].state == RCPT_FAILED)
				env->rcpts[i].state = RCPT_NOTIFIED;
	} else if (data != NULL)
		bounce(sp, env, data, ctx);
	for (i = 0, n = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].state == RCPT_FAILED)
			n++;
	if (res->pending == 0) {
		if (n > 0) {
			/* neither delivered nor bounced: kept, never lost */
			log_warnx("%s: kept in failed/: %zu recipient(s) "
			    "failed and no bounce could be sent", env->qid, n);
			for (i = 0; i < env->nrcpts; i++)
				if (env->rcpts[i].state == RCPT_FAILED &&
				    env->rcpts[i].reply != NULL) {
					free(env->last_error);
					env->last_error = strdup(
					    env->rcpts[i].reply);
					break;
				}
			/* the state goes with it: what was sent stays sent */
			if (spool_env_write(sp, env, e) == -1)
				return -1;
			return spool_fail(sp, env->qid, e);
		}
		return spool_remove(sp, env->qid, e);
	}
	env->attempts++;
	backoff = ctx->conf->retry_min_s;
	for (i = 1; i < (size_t)env->attempts && backoff <
	    ctx->conf->retry_max_s; i++)
		backoff *= 2;
	if (backoff > ctx->conf->retry_max_s)
		backoff = ctx->conf->retry_max_s;
	env->next_retry = time(NULL) + backoff;
	if (job->last[0] != '\0') {
		free(env->last_error);
		env->last_error = strdup(job->last);
	}
	return spool_env_write(sp, env, e);
}

int
deliver_message(struct spool *sp, const char *qid, struct envelope *pre,
    FILE *data, const struct deliver_ctx *ctx, int report,
    struct deliver_result *res, struct perr *e)
{
	struct deliver_job *job, *prev;
	struct envelope	  *env;
	struct conf_relay relay;
	struct outcome	 *o;
	struct smtp_params p;
	struct smtp	 *s;
	struct tls_conn	 *c;
	struct timespec	  dl;
	struct perr	  ce;
	char		  secret[SECRET_MAX], ip[64], hostbuf[300];
	char		 *last;
	size_t		  i, n = 0, h, lastsz;
	struct smtp_why	  fail;
	int		  port, ret, have_secret = 0, route, in_flight;
	char		  key[32];

	memset(res, 0, sizeof(*res));
	if ((job = calloc(1, sizeof(*job))) == NULL)
		return perr_set(e, 1, "out of memory");
	job->sp = sp;
	job->ctx = *ctx;
	/* a bounce queued while another message is in flight on the cached
	 * session must not use that session: bounces open their own */
	job->ctx.cache = NULL;
	job->report = report;
	job->t.data = NULL;
	env = &job->env;
	last = job->last;
	lastsz = sizeof(job->last);
	if (pre != NULL) {
		*env = *pre;		/* taken over */
		memset(pre, 0, sizeof(*pre));
	} else if (spool_env_read(sp, qid, env, e) == -1) {
		free(job);
		return -1;
	}
	for (i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].state == RCPT_PENDING)
			n++;
	if (n == 0)
		goto record;
	if ((o = job->o = calloc(n, sizeof(*o))) == NULL) {
		perr_set(e, 1, "out of memory");
		job_free(job);
		return -1;
	}
	job->n = n;
	for (i = 0, h = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].state == RCPT_PENDING) {
			o[h].r.addr = env->rcpts[i].addr;
			o[h].r.orcpt = env->rcpts[i].orcpt;
			o[h].r.notify = env->dsn_notify;
			h++;
		}

	/* the route of the sender as submitted, before from_rewrite */
	route = conf_route(ctx->conf, env->origin != NULL ? env->origin :
	    env->sender, &relay);
	(void)snprintf(key, sizeof(key), "%d/0", route);
	if (ctx->cache != NULL && ctx->cache->s != NULL &&
	    (relay.nhosts == 0 || strcmp(ctx->cache->key, key) != 0))
		deliver_cache_settle(ctx->cache); /* not for that session */
	if (relay.nhosts == 0) {
		direct(env, data, ctx, o, n, last, lastsz);
		goto record;
	}
	if (relay.auth_user != NULL) {
		if (deliver_secret(&relay, secret, sizeof(secret), &ce) == -1) {
			char	why[600];

			(void)snprintf(why, sizeof(why), "%s%s", ce.msg,
			    ce.errnum == EACCES ? " (left in the queue for "
			    "root's sendmail -q, which can read it)" : "");
			outcome_all(o, n, NULL, 1, "4.7.0", why);
			goto record;
		}
		have_secret = 1;
	}
	for (h = 0; h < relay.nhosts; h++) {
		if (ctx->deadline != NULL && tls_ms_until(ctx->deadline) <= 0) {
			if (last[0] == '\0')
				(void)strlcpy(last, "submit_timeout reached; "
				    "left in the queue", lastsz);
			break;
		}
		deliver_smarthost(ctx->conf, &relay, h, ctx->helo, &p);
		port = p.port;
		(void)snprintf(hostbuf, sizeof(hostbuf), "%s[?]:%d",
		    relay.hosts[h].name, port);
		(void)snprintf(key, sizeof(key), "%d/%zu", route, h);
		/*
		 * Only on the last host may a message stay in flight: a 4xx
		 * to its dot, read later, could not fail over any more.
		 */
		if ((s = cache_take(ctx->cache, key, &prev)) == NULL) {
			tls_deadline(&dl, ctx->conf->timeout_connect_s * 1000);
			tls_deadline_min(&dl, ctx->deadline);
			c = tls_connect(relay.hosts[h].name, port,
			    conf_family(ctx->conf), ctx->conf->bind_address,
			    &dl, ip, sizeof(ip), &ce);
			if (c == NULL) {
				(void)snprintf(last, lastsz, "%s", ce.msg);
				outcome_all(o, n, NULL, 1, "4.4.1", last);
				if (ctx->verbose)
					fprintf(stderr, "posthorn: %s\n",
					    ce.msg);
				continue;
			}
			p.ip = ip;
			p.pass = have_secret ? secret : NULL;
			p.deadline = ctx->deadline;
			p.verbose = ctx->verbose;
			(void)snprintf(hostbuf, sizeof(hostbuf), "%s[%s]:%d",
			    p.host, ip, port);
			if ((s = smtp_open(c, &p, &fail, &ce)) == NULL) {
				(void)snprintf(last, lastsz, "%s", ce.msg);
				/* a refused greeting, TLS or AUTH: the next
				 * host or a later attempt may do better (as
				 * Postfix) */
				outcome_all(o, n, hostbuf, 1, defer_dsn(&fail),
				    last);
				if (ctx->verbose)
					fprintf(stderr, "posthorn: %s\n",
					    ce.msg);
				continue;
			}
		}
		in_flight = run_session(ctx, s, env, data, o, n, &job->t, prev,
		    ctx->cache != NULL && h + 1 == relay.nhosts &&
		    smtp_pipelining(s));
		cache_put(ctx->cache, key, s, in_flight ? job : NULL);
		if (in_flight) {
			/* recorded when the reply to its dot is read */
			if (have_secret)
				explicit_bzero(secret, sizeof(secret));
			res->in_flight = (int)n;
			return 0;
		}
		for (i = 0; i < n; i++)
			if (!o[i].done) {
				(void)strlcpy(last, o[i].r.text, lastsz);
				break;
			}
		if (i == n)
			break;		/* every recipient has its outcome */
	}
record:
	if (have_secret)
		explicit_bzero(secret, sizeof(secret));
	cache_finish(ctx->cache);	/* the older outcome first */
	ret = job_record(job, data, res, e);
	job_free(job);
	return ret;
}
