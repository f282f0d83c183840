/*
 * tls.c - the byte pipe to an SMTP server, plain or TLS (STYLE 5).
 *
 * The socket is non-blocking from connect() on; every read, write,
 * connect and handshake waits in poll() for what is left of an absolute
 * CLOCK_MONOTONIC deadline, so a server that stalls or drips one byte a
 * minute cannot hold us past it.  No alarm(), no longjmp: unwinding out of
 * OpenSSL would corrupt its state.  OpenSSL is loaded (ossl.c) only when
 * TLS is started, so a plaintext relay on loopback pays nothing for it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "ossl.h"
#include "tls.h"

#define RBUF_SIZE	16384
#define WBUF_SIZE	65536

struct tls_conn {
	int		 fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
	size_t		 rpos, rlen, wlen;
	long		 verify_result;
	/* the buffers last: conn_new() zeroes only what precedes them */
	char		 rbuf[RBUF_SIZE];
	char		 wbuf[WBUF_SIZE];
};

long
tls_ms_until(const struct timespec *deadline)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

void
tls_deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

void
tls_deadline_min(struct timespec *a, const struct timespec *b)
{
	if (b != NULL && (b->tv_sec < a->tv_sec ||
	    (b->tv_sec == a->tv_sec && b->tv_nsec < a->tv_nsec)))
		*a = *b;
}

/* Wait until fd is ready for ev, or fail with ETIMEDOUT. */
static int
wait_fd(int fd, short ev, const struct timespec *deadline)
{
	struct pollfd	pfd = { .fd = fd, .events = ev };
	long		ms;
	int		n;

	for (;;) {
		if ((ms = tls_ms_until(deadline)) <= 0)
			break;
		if ((n = poll(&pfd, 1, ms > 60000 ? 60000 : (int)ms)) > 0)
			return 0;
		if (n == -1 && errno != EINTR)
			return -1;
	}
	errno = ETIMEDOUT;
	return -1;
}

static struct tls_conn *
conn_new(int fd)
{
	struct tls_conn	*c;

	/* the buffers are not zeroed: that would cost more than a small
	 * message's whole session */
	if ((c = malloc(sizeof(*c))) == NULL)
		return NULL;
	memset(c, 0, offsetof(struct tls_conn, rbuf));
	c->fd = fd;
	return c;
}

static int
bind_local(int fd, int family, const char *bind_addr, struct perr *e)
{
	struct sockaddr_storage	ss;
	socklen_t		len;

	memset(&ss, 0, sizeof(ss));
	if (bind_addr == NULL)
		return 0;
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, bind_addr, &s6->sin6_addr) != 1)
			return 0;	/* an IPv4 bind_address: skip */
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		if (inet_pton(AF_INET, bind_addr, &s4->sin_addr) != 1)
			return 0;
		len = sizeof(*s4);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) == -1)
		return perr_sys(e, 1, "bind %s", bind_addr);
	return 0;
}

struct tls_conn *
tls_connect_addr(const struct sockaddr *sa, socklen_t salen,
    const char *bind_addr, const struct timespec *deadline, struct perr *e)
{
	struct tls_conn	*c;
	char		 ip[INET6_ADDRSTRLEN] = "?";
	socklen_t	 len;
	int		 fd, err = 0, one = 1;

	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    ip, sizeof(ip));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, ip,
		    sizeof(ip));
	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		perr_sys(e, 1, "socket");
		return NULL;
	}
	if (bind_local(fd, sa->sa_family, bind_addr, e) == -1) {
		close(fd);
		return NULL;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, sa, salen) == -1) {
		if (errno != EINPROGRESS) {
			perr_sys(e, 1, "connect to %s", ip);
			close(fd);
			return NULL;
		}
		if (wait_fd(fd, POLLOUT, deadline) == -1) {
			perr_sys(e, 1, "connect to %s", ip);
			close(fd);
			return NULL;
		}
		len = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			errno = err;
			perr_sys(e, 1, "connect to %s", ip);
			close(fd);
			return NULL;
		}
	}
	if ((c = conn_new(fd)) == NULL) {
		perr_set(e, 1, "out of memory");
		close(fd);
	}
	return c;
}

struct tls_conn *
tls_connect(const char *host, int port, int family, const char *bind_addr,
    const struct timespec *deadline, char *ip, size_t ipsz, struct perr *e)
{
	struct addrinfo	 hints, *res, *ai;
	struct tls_conn	*c = NULL;
	char		 serv[16];
	int		 rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	/* an address needs no look-up, nor AI_ADDRCONFIG's netlink dump */
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	(void)snprintf(serv, sizeof(serv), "%d", port);
	rc = getaddrinfo(host, serv, &hints, &res);
	if (rc == EAI_NONAME) {
		hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
		rc = getaddrinfo(host, serv, &hints, &res);
	}
	if (rc != 0) {
		/* a name that does not exist will not exist in 5 minutes
		 * either, but a resolver outage is the common cause here */
		perr_set(e, 1, "resolve %s: %s", host,
		    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return NULL;
	}
	perr_set(e, 1, "connect to %s: no address", host);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (tls_ms_until(deadline) <= 0) {
			perr_set(e, 1, "connect to %s: timed out", host);
			break;
		}
		if ((c = tls_connect_addr(ai->ai_addr, ai->ai_addrlen,
		    bind_addr, deadline, e)) == NULL)
			continue;
		if (ip != NULL &&
		    getnameinfo(ai->ai_addr, ai->ai_addrlen, ip, ipsz, NULL, 0,
		    NI_NUMERICHOST) != 0)
			(void)strlcpy(ip, "?", ipsz);
		break;
	}
	freeaddrinfo(res);
	return c;
}

static void
ssl_error(struct perr *e, const char *what)
{
	unsigned long	err = ossl->ERR_get_error();
	char		buf[256];

	if (err != 0) {
		ossl->ERR_error_string_n(err, buf, sizeof(buf));
		perr_set(e, 1, "%s: %s", what, buf);
	} else if (errno != 0)
		perr_sys(e, 1, "%s", what);
	else
		perr_set(e, 1, "%s: connection closed", what);
	ossl->ERR_clear_error();
}

/* Wait as OpenSSL asks after a WANT_READ/WANT_WRITE, or fail. */
static int
ssl_wait(struct tls_conn *c, int rc, const struct timespec *deadline)
{
	switch (ossl->SSL_get_error(c->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		return wait_fd(c->fd, POLLIN, deadline);
	case SSL_ERROR_WANT_WRITE:
		return wait_fd(c->fd, POLLOUT, deadline);
	default:
		return -2;
	}
}

/*
 * The client key, refused when group or others may read it (SPEC 6),
 * checked on the descriptor that is then read.
 */
static int
load_key(SSL_CTX *ctx, const char *path, struct perr *e)
{
	struct stat	 st;
	EVP_PKEY	*key;
	BIO		*bio;
	FILE		*fp;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return perr_sys(e, 1, "tls_key %s", path);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return perr_set(e, 0, "tls_key %s: not a regular file", path);
	}
	if ((st.st_mode & 077) != 0) {
		close(fd);
		return perr_set(e, 0, "tls_key %s is readable by group or "
		    "others; run: chmod 600 %s", path, path);
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return perr_sys(e, 1, "tls_key %s", path);
	}
	if ((bio = ossl->BIO_new_fp(fp, BIO_CLOSE)) == NULL) {
		fclose(fp);
		return perr_set(e, 1, "tls_key %s: out of memory", path);
	}
	key = ossl->PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	ossl->BIO_free(bio);
	if (key == NULL || ossl->SSL_CTX_use_PrivateKey(ctx, key) != 1) {
		ossl->EVP_PKEY_free(key);
		ossl->ERR_clear_error();
		return perr_set(e, 0, "tls_key %s: not a PEM private key that "
		    "OpenSSL can use", path);
	}
	ossl->EVP_PKEY_free(key);
	return 0;
}

static int
is_ip_literal(const char *name)
{
	unsigned char	buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, name, buf) == 1 ||
	    inet_pton(AF_INET6, name, buf) == 1;
}

int
tls_start(struct tls_conn *c, const struct tls_params *p,
    const struct timespec *deadline, struct perr *e)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	X509		*cert;
	X509_VERIFY_PARAM *vp;
	int		 rc, w, ver;

	/* plaintext that arrived after the 220 to STARTTLS was injected
	 * by someone on the path (CVE-2011-0411 and kin): never read it */
	if (c->rlen > c->rpos)
		return perr_set(e, 1, "server sent data before the TLS "
		    "handshake (STARTTLS injection?)");
	if (ossl_load(e) == -1)
		return -1;
	ossl->ERR_clear_error();
	if ((c->ctx = ossl->SSL_CTX_new(ossl->TLS_client_method())) == NULL) {
		ssl_error(e, "TLS set-up");
		return -1;
	}
	ver = p->min_version == 13 ? TLS1_3_VERSION :
	    p->min_version == 10 ? TLS1_VERSION : TLS1_2_VERSION;
	(void)ossl->SSL_CTX_ctrl(c->ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, ver,
	    NULL);
	if (ver == TLS1_VERSION)	/* opportunistic: anything beats clear */
		ossl->SSL_CTX_set_security_level(c->ctx, 0);
	if (p->verify == TLS_VERIFY_CA) {
		if (p->ca_file != NULL) {
			if (ossl->SSL_CTX_load_verify_locations(c->ctx, p->ca_file,
			    NULL) != 1) {
				ssl_error(e, "tls_ca_file");
				perr_set(e, 1, "tls_ca_file %s: cannot load "
				    "certificates", p->ca_file);
				return -1;
			}
		} else if (ossl->SSL_CTX_set_default_verify_paths(c->ctx) != 1) {
			ssl_error(e, "CA store");
			return -1;
		}
		ossl->SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	} else
		ossl->SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	if (p->cert != NULL) {
		if (ossl->SSL_CTX_use_certificate_chain_file(c->ctx, p->cert) != 1) {
			ssl_error(e, "tls_cert");
			perr_set(e, 0, "tls_cert %s: cannot load", p->cert);
			return -1;
		}
		if (load_key(c->ctx, p->key != NULL ? p->key : p->cert, e) ==
		    -1)
			return -1;
		if (ossl->SSL_CTX_check_private_key(c->ctx) != 1) {
			ssl_error(e, "tls_key");
			perr_set(e, 0, "tls_key %s: cannot load or does not "
			    "match tls_cert", p->key != NULL ? p->key :
			    p->cert);
			return -1;
		}
	}
	if ((c->ssl = ossl->SSL_new(c->ctx)) == NULL ||
	    ossl->SSL_set_fd(c->ssl, c->fd) != 1) {
		ssl_error(e, "TLS set-up");
		return -1;
	}
	if (p->servername != NULL && !is_ip_literal(p->servername))
		(void)ossl->SSL_ctrl(c->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
		    TLSEXT_NAMETYPE_host_name, (void *)p->servername);
	if (p->verify == TLS_VERIFY_CA && p->servername != NULL) {
		vp = ossl->SSL_get0_param(c->ssl);
		ossl->X509_VERIFY_PARAM_set_hostflags(vp,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (is_ip_literal(p->servername))
			rc = ossl->X509_VERIFY_PARAM_set1_ip_asc(vp, p->servername);
		else
			rc = ossl->SSL_set1_host(c->ssl, p->servername);
		if (rc != 1) {
			ssl_error(e, "TLS host name");
			return -1;
		}
	}
	for (;;) {
		errno = 0;
		if ((rc = ossl->SSL_connect(c->ssl)) == 1)
			break;
		if ((w = ssl_wait(c, rc, deadline)) == 0)
			continue;
		if (w == -1)
			return perr_sys(e, 1, "TLS handshake");
		c->verify_result = ossl->SSL_get_verify_result(c->ssl);
		if (p->verify == TLS_VERIFY_CA &&
		    c->verify_result != X509_V_OK)
			return perr_set(e, 1, "TLS certificate verification "
			    "failed for %s: %s", p->servername ?
			    p->servername : "server",
			    ossl->X509_verify_cert_error_string(c->verify_result));
		ssl_error(e, "TLS handshake");
		return -1;
	}
	c->verify_result = ossl->SSL_get_verify_result(c->ssl);
	if ((cert = ossl->SSL_get1_peer_certificate(c->ssl)) == NULL)
		return perr_set(e, 1, "TLS: the server sent no certificate");
	if (p->verify == TLS_VERIFY_PIN) {
		if (ossl->X509_digest(cert, ossl->EVP_sha256(), md, &mdlen) != 1 ||
		    mdlen != 32 || ossl->CRYPTO_memcmp(md, p->pin, 32) != 0) {
			char	hex[65];
			unsigned int i;

			for (i = 0; i < mdlen && i < 32; i++)
				(void)snprintf(hex + 2 * i, 3, "%02x", md[i]);
			hex[2 * i] = '\0';
			ossl->X509_free(cert);
			return perr_set(e, 1, "TLS certificate of %s does not "
			    "match tls_fingerprint (it is sha256:%s)",
			    p->servername ? p->servername : "server", hex);
		}
	} else if (p->verify == TLS_VERIFY_CA &&
	    c->verify_result != X509_V_OK) {
		ossl->X509_free(cert);
		return perr_set(e, 1, "TLS certificate verification failed: "
		    "%s", ossl->X509_verify_cert_error_string(c->verify_result));
	}
	ossl->X509_free(cert);
	return 0;
}

/* Read more into rbuf.  -1 with e filled on error, timeout or EOF. */
static int
conn_fill(struct tls_conn *c, const struct timespec *deadline,
    struct perr *e)
{
	ssize_t	n;
	int	rc, w;

	if (c->rpos > 0) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	for (;;) {
		if (c->ssl != NULL) {
			errno = 0;
			ossl->ERR_clear_error();
			rc = ossl->SSL_read(c->ssl, c->rbuf + c->rlen,
			    (int)(sizeof(c->rbuf) - c->rlen));
			if (rc > 0) {
				c->rlen += rc;
				return 0;
			}
			if (ossl->SSL_get_error(c->ssl, rc) == SSL_ERROR_ZERO_RETURN)
				return perr_set(e, 1, "connection closed by "
				    "server");
			if ((w = ssl_wait(c, rc, deadline)) == 0)
				continue;
			if (w == -1)
				return perr_sys(e, 1, "read");
			ssl_error(e, "TLS read");
			return -1;
		}
		n = read(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen);
		if (n > 0) {
			c->rlen += n;
			return 0;
		}
		if (n == 0)
			return perr_set(e, 1, "connection closed by server");
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return perr_sys(e, 1, "read");
		if (wait_fd(c->fd, POLLIN, deadline) == -1)
			return perr_sys(e, 1, "read");
	}
}

ssize_t
tls_getline(struct tls_conn *c, char *buf, size_t bufsz,
    const struct timespec *deadline, struct perr *e)
{
	char	*nl;
	size_t	 len;

	for (;;) {
		nl = memchr(c->rbuf + c->rpos, '\n', c->rlen - c->rpos);
		if (nl != NULL)
			break;
		if (c->rlen - c->rpos >= bufsz || (c->rpos == 0 &&
		    c->rlen == sizeof(c->rbuf)))
			return perr_set(e, 1, "server sent a line longer than "
			    "%zu bytes", bufsz - 1);
		if (conn_fill(c, deadline, e) == -1)
			return -1;
	}
	len = nl - (c->rbuf + c->rpos);
	if (len > 0 && c->rbuf[c->rpos + len - 1] == '\r')
		len--;
	if (len >= bufsz)
		return perr_set(e, 1, "server sent a line longer than %zu "
		    "bytes", bufsz - 1);
	memcpy(buf, c->rbuf + c->rpos, len);
	buf[len] = '\0';
	c->rpos = nl - c->rbuf + 1;
	if (memchr(buf, '\0', len) != NULL)
		return perr_set(e, 1, "server sent a NUL byte");
	return (ssize_t)len;
}

int
tls_pending(struct tls_conn *c)
{
	return c->rlen > c->rpos || (c->ssl != NULL && ossl->SSL_pending(c->ssl));
}

int
tls_flush(struct tls_conn *c, const struct timespec *deadline,
    struct perr *e)
{
	size_t	off = 0;
	ssize_t	n;
	int	rc, w;

	while (off < c->wlen) {
		if (c->ssl != NULL) {
			errno = 0;
			ossl->ERR_clear_error();
			rc = ossl->SSL_write(c->ssl, c->wbuf + off,
			    (int)(c->wlen - off));
			if (rc > 0) {
				off += rc;
				continue;
			}
			if ((w = ssl_wait(c, rc, deadline)) == 0)
				continue;
			if (w == -1)
				return perr_sys(e, 1, "write");
			ssl_error(e, "TLS write");
			return -1;
		}
		n = send(c->fd, c->wbuf + off, c->wlen - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
			return perr_sys(e, 1, "write");
		if (wait_fd(c->fd, POLLOUT, deadline) == -1)
			return perr_sys(e, 1, "write");
	}
	c->wlen = 0;
	return 0;
}

int
tls_write(struct tls_conn *c, const void *p, size_t n,
    const struct timespec *deadline, struct perr *e)
{
	const char	*s = p;
	size_t		 k;

	while (n > 0) {
		if (c->wlen == sizeof(c->wbuf) &&
		    tls_flush(c, deadline, e) == -1)
			return -1;
		k = sizeof(c->wbuf) - c->wlen;
		if (k > n)
			k = n;
		memcpy(c->wbuf + c->wlen, s, k);
		c->wlen += k;
		s += k;
		n -= k;
	}
	return 0;
}

const char *
tls_version(const struct tls_conn *c)
{
	return c->ssl != NULL ? ossl->SSL_get_version(c->ssl) : NULL;
}

const char *
tls_cipher(const struct tls_conn *c)
{
	return c->ssl != NULL ?
	    ossl->SSL_CIPHER_get_name(ossl->SSL_get_current_cipher(c->ssl)) :
	    NULL;
}

void
tls_describe(const struct tls_conn *c, char *buf, size_t bufsz)
{
	X509	*cert;
	char	 subj[256] = "?", iss[256] = "?";

	if (c->ssl == NULL || (cert = ossl->SSL_get1_peer_certificate(c->ssl)) ==
	    NULL) {
		(void)strlcpy(buf, "no certificate", bufsz);
		return;
	}
	ossl->X509_NAME_oneline(ossl->X509_get_subject_name(cert), subj,
	    sizeof(subj));
	ossl->X509_NAME_oneline(ossl->X509_get_issuer_name(cert), iss,
	    sizeof(iss));
	(void)snprintf(buf, bufsz, "subject %s, issuer %s, verify %s", subj,
	    iss, ossl->X509_verify_cert_error_string(c->verify_result));
	ossl->X509_free(cert);
}

void
tls_close(struct tls_conn *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		(void)ossl->SSL_shutdown(c->ssl);	/* best effort, non-blocking */
		ossl->SSL_free(c->ssl);
	}
	if (c->ctx != NULL)
		ossl->SSL_CTX_free(c->ctx);
	close(c->fd);
	free(c);
}
