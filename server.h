/* server.h - the SMTP server dialogue of sendmail -bs, on two stdio streams */
#ifndef POSTHORN_SERVER_H
#define POSTHORN_SERVER_H

#include <stddef.h>
#include <stdio.h>

struct perr;

#define SERVER_LINE_MAX		4096	/* command line, line end excluded */
#define SERVER_ADDR_MAX		1024	/* check_addr's out buffer */
#define SERVER_REPLY_MAX	512	/* the reply buffers given to the ops */
#define SERVER_MAX_RCPTS	1000	/* per transaction; then 452 4.5.3 */
#define SERVER_MAX_ERRORS	20	/* bad commands; then 421 and the end */

struct server_ops {
	/*
	 * Queue one message durably.  from: envelope sender as check_addr
	 * left it ("" = null sender); rcpts: the RCPT addresses as
	 * check_addr left them; msg: the DATA content, dot-unstuffed, LF
	 * line ends, no NUL byte, at its start (a tmpfile the server owns
	 * and closes).  Returns 0 and fills reply ("250 2.0.0 Ok: queued as
	 * ID"), or -1 and fills reply with the line to send ("451 4.3.0
	 * queue write failed", "554 5.6.0 ...").  A reply that is not one
	 * line of the right class is replaced by a plain one.
	 */
	int	(*submit)(void *arg, const char *from, char *const *rcpts,
		    size_t nrcpts, FILE *msg, char *reply, size_t replysz);
	/*
	 * Check one address (MAIL or RCPT argument, without <> and source
	 * route; never "" for is_sender == 0, never called for the null
	 * sender) and normalise it into out.  -1 with a reply line ("553
	 * 5.1.3 ...") when it is bad.  NULL: every address is taken as is.
	 */
	int	(*check_addr)(void *arg, const char *addr, int is_sender,
		    char *out, size_t outsz, char *reply, size_t replysz);
	void	*arg;
	const char *hostname;		/* in the greeting and EHLO */
	long long max_bytes;		/* message size limit; 0: none */
};

/*
 * Run the dialogue on in/out until QUIT, end of input or too many bad
 * commands (421).  Returns the number of messages queued (submit returned
 * 0), or -1 when reading or writing failed (e filled, temp = 1); messages
 * queued before that stay queued.  Every reply is flushed as it is made.
 */
int	server_run(FILE *in, FILE *out, const struct server_ops *ops,
	    struct perr *e);

#endif
