/*
 * log.c - the reason buffer (struct perr) and the log sink.
 *
 * Lines go to syslog (LOG_MAIL, ident "posthorn", whatever argv[0] is) or,
 * with log_file, are appended to a file with a syslog-like prefix, as
 * Postfix's maillog_file: containers have no syslog daemon.  errno is
 * preserved across every call.  This file includes no other posthorn header.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static FILE	*log_fp;	/* NULL: syslog */
static int	 log_opened;
static pid_t	 log_pid;	/* for log_file lines; 0: ask again */
static int	 log_atfork;	/* log_forked() is registered */

/* A forked child is another process: its lines carry its own pid. */
static void
log_forked(void)
{
	log_pid = 0;
}

int
perr_set(struct perr *e, int temp, const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	char	buf[sizeof(e->msg)];

	if (e != NULL) {
		/* through buf: callers may pass e->msg as an argument */
		va_start(ap, fmt);
		(void)vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		e->temp = temp;
		e->errnum = 0;
		memcpy(e->msg, buf, sizeof(e->msg));
	}
	errno = saved;
	return -1;
}

int
perr_sys(struct perr *e, int temp, const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;
	size_t	n;

	char	buf[sizeof(e->msg)];

	if (e != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		n = strlen(buf);
		(void)snprintf(buf + n, sizeof(buf) - n, ": %s",
		    strerror(saved));
		e->temp = temp;
		e->errnum = saved;
		memcpy(e->msg, buf, sizeof(e->msg));
	}
	errno = saved;
	return -1;
}

void
str_fmt(char *buf, size_t bufsz, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, bufsz, fmt, ap);
	va_end(ap);
}

void
log_init(const char *file)
{
	int	saved = errno;

	if (log_fp != NULL && log_fp != stderr)
		fclose(log_fp);
	log_fp = NULL;
	if (file != NULL && strcmp(file, "-") == 0)
		log_fp = stderr;
	else if (file != NULL) {
		if (!log_atfork && pthread_atfork(NULL, NULL, log_forked) ==
		    0)
			log_atfork = 1;
		if ((log_fp = fopen(file, "ae")) == NULL)
			fprintf(stderr, "posthorn: log_file %s: %s; "
			    "logging to syslog\n", file, strerror(errno));
		else
			setvbuf(log_fp, NULL, _IOLBF, 0);
	}
	if (log_fp == NULL && !log_opened) {
		openlog("posthorn", LOG_PID | LOG_NDELAY, LOG_MAIL);
		log_opened = 1;
	}
	errno = saved;
}

static void
log_vwrite(int pri, const char *fmt, va_list ap, const char *suffix)
    __attribute__((__format__(printf, 2, 0)));

static void
log_vwrite(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char		 buf[2048];
	char		 stamp[64];
	struct tm	 tm;
	time_t		 now;

	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_fp == NULL) {
		if (!log_opened) {
			openlog("posthorn", LOG_PID | LOG_NDELAY, LOG_MAIL);
			log_opened = 1;
		}
		if (suffix != NULL)
			syslog(pri, "%s: %s", buf, suffix);
		else
			syslog(pri, "%s", buf);
		return;
	}
	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm) == 0)
		stamp[0] = '\0';
	if (log_pid == 0 || !log_atfork)
		log_pid = getpid();
	fprintf(log_fp, "%s posthorn[%ld]: %s%s%s%s\n", stamp, (long)log_pid,
	    pri == LOG_WARNING ? "warning: " : "", buf,
	    suffix != NULL ? ": " : "", suffix != NULL ? suffix : "");
	fflush(log_fp);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_sanitize(char *dst, size_t dstsz, const char *src)
{
	size_t		i;
	unsigned char	c;

	if (dstsz == 0)
		return;
	for (i = 0; i + 1 < dstsz && src[i] != '\0'; i++) {
		c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	dst[i] = '\0';
}
