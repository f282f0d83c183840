/* spool.h - the per-user queue: durable writes, envelopes, locks, listing */
#ifndef POSTHORN_SPOOL_H
#define POSTHORN_SPOOL_H

#include <sys/types.h>
#include <stdio.h>
#include <time.h>

struct perr;
struct spool;

#define SPOOL_QID_LEN	12	/* upper-case hex characters */

enum rcpt_state {
	RCPT_PENDING = 0,
	RCPT_SENT,
	RCPT_FAILED,		/* permanent, sender not told yet */
	RCPT_NOTIFIED		/* permanent, bounced or reported */
};

struct env_rcpt {
	char		*addr;		/* where we send it */
	char		*orcpt;		/* as the caller wrote it, or NULL */
	enum rcpt_state	 state;
	char		*reply;		/* last reply/reason, or NULL */
};

/*
 * The envelope: one "key value" record per line, the first line
 * "version 1".  Unknown keys are an error (a newer posthorn wrote it).
 */
struct envelope {
	char		 qid[SPOOL_QID_LEN + 1];
	uid_t		 uid;
	time_t		 created;
	long		 created_us;	/* microseconds, for delay= in logs */
	char		*sender;	/* "" for the null sender */
	char		*origin;	/* sender before from_rewrite, or NULL:
					   what chooses the route */
	char		*conf;		/* which configuration routed it */
	off_t		 size;		/* spool form */
	off_t		 lines;
	int		 body_8bit;
	int		 smtputf8;
	char		*msgid;
	char		*dsn_notify;	/* -N, or NULL */
	char		*dsn_ret;	/* -R full|hdrs, or NULL */
	char		*dsn_envid;	/* -V, or NULL */
	int		 on_error;	/* 'p' print, 'm' mail, 'q' quiet */
	int		 is_bounce;	/* never bounce a bounce */
	int		 attempts;
	time_t		 next_retry;
	char		*last_error;
	struct env_rcpt	*rcpts;
	size_t		 nrcpts;
};

/*
 * Open (creating when create is set) the queue of the calling user under
 * dir: dir/<uid>, or when that name is taken by someone else or is not a
 * plain 0700 directory of ours, dir/<uid>.<random> (found again by owner).
 * Returns NULL with e filled (e->temp 0 for a hostile or unusable place).
 */
struct spool *spool_open(const char *dir, int create, struct perr *e);
void	spool_close(struct spool *sp);
const char *spool_path(const struct spool *sp);

/*
 * Start a new message: a fresh queue id in qid and a temporary data file
 * in tmp/, returned open for writing.
 */
FILE	*spool_create(struct spool *sp, char qid[SPOOL_QID_LEN + 1],
	    struct perr *e);

/*
 * Make the message durable: fsync its data file (which is closed), write
 * and fsync the envelope, rename both into new/ and fsync new/.  Only after
 * 0 may the caller report success.  On -1 nothing is left in new/.
 */
int	spool_commit(struct spool *sp, FILE *data, const struct envelope *env,
	    struct perr *e);

/* An anonymous scratch file in tmp/ (gone when closed), for rewriting. */
FILE	*spool_scratch(struct spool *sp, struct perr *e);

/* Throw away a message that was never committed. */
void	spool_abort(struct spool *sp, const char *qid, FILE *data);

/*
 * Lock a queued message for delivery (non-blocking; a dead holder's lock
 * is gone with it), and read its envelope into env when env is not NULL.
 * Returns the data file open for reading, or NULL with e->temp 1 when
 * another process holds the lock (e->msg "locked") or the message is no
 * longer queued (e->errnum ENOENT), else e says what is wrong.
 */
FILE	*spool_lock(struct spool *sp, const char *qid, struct envelope *env,
	    struct perr *e);

int	spool_env_read(struct spool *sp, const char *qid, struct envelope *env,
	    struct perr *e);
/* Atomically replace the envelope (temporary file, fsync, rename). */
int	spool_env_write(struct spool *sp, const struct envelope *env,
	    struct perr *e);
void	spool_env_free(struct envelope *env);

/*
 * Remove a message (envelope first, so no reader sees half of it).  After
 * spool_defer_removal() (a flush), its envelope is moved into tmp/
 * instead (which ends the message: spool_list() and spool_lock() no
 * longer see it) and both files are unlinked by spool_purge() or
 * spool_close(): freeing their blocks then waits no more on the delivery
 * of the next message.
 */
int	spool_remove(struct spool *sp, const char *qid, struct perr *e);
void	spool_defer_removal(struct spool *sp);
void	spool_purge(struct spool *sp);

/* Move a message to failed/. */
int	spool_fail(struct spool *sp, const char *qid, struct perr *e);

/* The ids in new/ (or failed/ when failed is set), sorted; caller frees. */
int	spool_list(struct spool *sp, int failed, char ***ids, size_t *n,
	    struct perr *e);

/* The data file of qid in new/ or failed/, for reading (--show). */
FILE	*spool_data(struct spool *sp, const char *qid, int *failed,
	    struct perr *e);

/* The envelope of qid in failed/. */
int	spool_env_read_failed(struct spool *sp, const char *qid,
	    struct envelope *env, struct perr *e);

/*
 * Remove qid from new/ or failed/ (--delete).  A message being delivered
 * right now is left alone: -1 with e->msg saying so.
 */
int	spool_delete(struct spool *sp, const char *qid, struct perr *e);

/*
 * Move qid from failed/ back into new/ with its failed recipients pending
 * again and its retry time now (--requeue).
 */
int	spool_requeue(struct spool *sp, const char *qid, struct perr *e);

/* Remove failed/ messages older than max_age_s (failed_lifetime). */
void	spool_expire_failed(struct spool *sp, long max_age_s);

/*
 * Remove debris: tmp/ files older than an hour (a crash), a .msg in new/
 * without its .env older than an hour (a submission killed between its
 * renames) or whose .env a killed flush retired into tmp/ (at once).
 * Never a file someone holds locked.
 */
void	spool_clean(struct spool *sp);

#endif
