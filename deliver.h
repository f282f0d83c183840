/* deliver.h - one delivery attempt of a queued message, and its outcome */
#ifndef POSTHORN_DELIVER_H
#define POSTHORN_DELIVER_H

#include <stdio.h>
#include <time.h>

struct conf;
struct perr;
struct envelope;
struct spool;

#define DELIVER_KEY_MAX	300	/* "d/" and a domain name, with room */

/*
 * An SMTP session kept open between messages of one queue run, so that
 * messages for the same relay (or domain, delivered directly) share a
 * connection (RSET between them only when a transaction did not end with
 * the reply to its final dot).
 */
struct deliver_cache {
	struct smtp	*s;
	/* route and host ("0/1"), or "d/" and the domain of direct
	 * delivery, that the session is for */
	char		 key[DELIVER_KEY_MAX];
	struct deliver_job *inflight;	/* its final dot's reply unread */
	/* a message whose dot's reply is read, its outcome recorded after
	 * our next write to the server, while the server works on that */
	struct deliver_job *answered;
};

struct deliver_ctx {
	const struct conf *conf;
	const char	*helo;		/* our host name */
	const char	*domain;	/* for MAILER-DAEMON@ in bounces */
	int		 verbose;	/* -v: dialogue and outcome on stderr */
	const struct timespec *deadline; /* submit_timeout, or NULL */
	struct deliver_cache *cache;	/* NULL: a connection per message */
	/*
	 * Called, when set, while a server answers a pipelined MAIL, RCPT
	 * and DATA: a flush makes its next message ready meanwhile.
	 */
	void		(*idle)(void *arg);
	void		*idle_arg;
	/*
	 * Called, when set, with the id of each bounce this delivery queues:
	 * a flush delivers it later in the same run, over its own session,
	 * where a bounce tried at once would need a connection of its own
	 * while the next message's commands are already on their way.
	 */
	void		(*queued)(void *arg, const char *qid);
	void		*queued_arg;
};

struct deliver_result {
	int	in_flight;	/* outcome recorded later (see below) */
	int	sent;		/* recipients delivered now */
	int	pending;	/* still queued for a retry */
	int	rejected;	/* refused permanently at RCPT */
	int	failed;		/* refused permanently after RCPT */
};

/*
 * Try to deliver queued message qid now.  data is its data file, locked
 * by the caller (spool_create/spool_lock); env its envelope when the
 * caller read it after locking (taken over and cleared), else NULL.  Updates the envelope with
 * each recipient's state and the retry time, logs one line per recipient,
 * and removes the message once no recipient is pending.  Recipients
 * refused permanently (or past queue_lifetime) are the caller's to report
 * when report is set (1: printed on stderr, 2: silently), else bounced to the
 * sender (RFC 3464); what can be neither delivered nor bounced is kept
 * in failed/.
 * -1 only when the queue itself fails (e filled).
 * With ctx->cache and a server that offers PIPELINING, the reply to the
 * final dot may be left unread (res->in_flight counts the recipients):
 * the next deliver_message() with that cache sends its own MAIL, RCPT
 * and DATA first (RFC 2920 3.1), then reads that reply; the outcome is
 * recorded after the next write to the server (while the server works)
 * or when the session ends; deliver_cache_close() settles what is left.
 * deliver_message() then keeps data (and so the message's lock) and
 * closes it once the outcome is recorded; else data stays the caller's.
 */
int	deliver_message(struct spool *sp, const char *qid,
	    struct envelope *env, FILE *data, const struct deliver_ctx *ctx,
	    int report, struct deliver_result *res, struct perr *e);

struct conf_relay;

/*
 * The AUTH secret of relay r (auth_password, the first line of
 * auth_password_file, or of auth_password_command's output) into buf.
 * -1 with e filled; e->errnum is EACCES when the file is root's alone.
 * The caller wipes buf.
 */
int	deliver_secret(const struct conf_relay *r, char *buf, size_t bufsz,
	    struct perr *e);

/*
 * Refuse (-1, e->temp 0) a password file or client key of relay r that
 * group or others may read, when it can be opened: checked at
 * submission so the caller hears of it (exit 78), not only the log.
 */
int	deliver_check_files(const struct conf_relay *r, struct perr *e);

struct smtp_params;

/*
 * The session parameters for smarthost h of relay r: TLS mode and port
 * by the tls key (implicit on 465), verification by CA and name or by
 * tls_fingerprint, AUTH user and mechanism, per-command timeout.  The
 * caller adds ip, pass, deadline and verbose.
 */
void	deliver_smarthost(const struct conf *c, const struct conf_relay *r,
	    size_t h, const char *helo, struct smtp_params *p);

/*
 * Record what the cache holds: the answered message, then the one in
 * flight, its reply read first.  The session stays open for more.
 */
void	deliver_cache_settle(struct deliver_cache *cache);

/* Settle a message in flight, QUIT and forget the cached session. */
void	deliver_cache_close(struct deliver_cache *cache);

/*
 * Read every auth_password_file and auth_password_command of c now, into
 * auth_password (wiped by conf_free): root does this before it drops to a
 * queue owner who could not read them.  -1 with e filled on failure.
 */
int	deliver_preload_secrets(struct conf *c, struct perr *e);

#endif
