/*
 * fuzz target: the SMTP client against a hostile server.  The input is
 * what the server says, whole; it is written into one end of a socket
 * pair before the client reads anything, and the client runs a session
 * (greeting, EHLO, optional STARTTLS/AUTH refusals, one transaction) on
 * the other end.  Whatever the replies are, the client must end cleanly.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tls.h"
#include "smtp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_conn		*c;
	struct smtp		*s;
	struct smtp_params	 p;
	struct smtp_msg		 m;
	struct smtp_rcpt	 r[2];
	struct timespec		 dl;
	struct perr		 e;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	FILE			*body;
	struct smtp_why		 why;
	int			 sv[2], lfd;
	static const char	 msg[] = "Subject: x\n\n.hello\nworld\n";

	if (size > 60000)
		return 0;
	/* a listening socket on loopback, so tls_connect_addr is used */
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	memset(&ss, 0, sizeof(ss));
	((struct sockaddr_in *)&ss)->sin_family = AF_INET;
	((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(0x7f000001);
	if (bind(lfd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)) ==
	    -1 || listen(lfd, 1) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&ss, &sl) == -1) {
		close(lfd);
		return 0;
	}
	tls_deadline(&dl, 2000);
	if ((c = tls_connect_addr((struct sockaddr *)&ss, sl, NULL, &dl,
	    &e)) == NULL) {
		close(lfd);
		return 0;
	}
	if ((sv[0] = accept(lfd, NULL, NULL)) == -1) {
		tls_close(c);
		close(lfd);
		return 0;
	}
	close(lfd);
	sv[1] = -1;
	/* the whole server side at once; then EOF */
	if (size > 0 && write(sv[0], data, size) < 0) {
		close(sv[0]);
		tls_close(c);
		return 0;
	}
	shutdown(sv[0], SHUT_WR);

	memset(&p, 0, sizeof(p));
	p.host = "fuzz.test";
	p.ip = "127.0.0.1";
	p.port = 25;
	p.tls_mode = (size > 0 && (data[0] & 1)) ? SMTP_TLS_MAY :
	    SMTP_TLS_NONE;
	p.tls.verify = TLS_VERIFY_NONE;
	p.tls.min_version = 10;
	p.helo = "client.test";
	if (size > 0 && (data[0] & 2)) {
		p.user = "user";
		p.pass = "pass";
		p.auth_plaintext = 1;
	}
	p.timeout_cmd_ms = 200;
	tls_deadline(&dl, 1000);
	p.deadline = &dl;
	if ((s = smtp_open(c, &p, &why, &e)) != NULL) {
		memset(&m, 0, sizeof(m));
		m.from = "a@b.test";
		body = fmemopen((void *)msg, sizeof(msg) - 1, "r");
		m.data = body;
		m.size = sizeof(msg) - 1;
		m.lines = 4;
		m.body_8bit = size > 0 && (data[0] & 4);
		memset(r, 0, sizeof(r));
		r[0].addr = "x@y.test";
		r[1].addr = "z@y.test";
		if (body != NULL) {
			(void)smtp_send(s, &m, r, 2, &e);
			if (smtp_usable(s) && smtp_reset(s, &e) == 0) {
				rewind(body);
				(void)smtp_send(s, &m, r, 1, &e);
			}
			fclose(body);
		}
		smtp_close(s);
	}
	close(sv[0]);
	return 0;
}
