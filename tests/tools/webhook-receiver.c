/*
 * webhook-receiver: a plain-HTTP server on 127.0.0.1 for the alert
 * tests.  Each request is written to DIR/req-NNNN (the request line, the
 * headers as received, a blank line, the body) once it has been answered
 * or left hanging.  How it answers is read from DIR/mode at each request:
 * a status code ("200", "500"...; 200 when the file is missing) or
 * "hang" (never answer: the client times out).  It checks nothing: the
 * shell test does.
 *
 *	webhook-receiver PORT DIR
 */
#include <sys/queue.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

static const char	*dir;
static int		 seq;

static void
record(struct evhttp_request *req)
{
	struct evkeyval	*kv;
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	char		 path[4096], tmp[4200];
	size_t		 len = evbuffer_get_length(in);
	FILE		*f;

	snprintf(path, sizeof(path), "%s/req-%04d", dir, ++seq);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		perror(tmp);
		exit(1);
	}
	fprintf(f, "%s %s\n", evhttp_request_get_command(req) ==
	    EVHTTP_REQ_POST ? "POST" : "OTHER", evhttp_request_get_uri(req));
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next)
		fprintf(f, "%s: %s\n", kv->key, kv->value);
	fprintf(f, "\n");
	fwrite(evbuffer_pullup(in, -1), 1, len, f);
	fclose(f);
	/* Whole files only: the test polls for them. */
	rename(tmp, path);
}

static void
handle(struct evhttp_request *req, void *arg)
{
	char	 path[4096], mode[32] = "200";
	FILE	*f;
	int	 status;

	(void)arg;
	snprintf(path, sizeof(path), "%s/mode", dir);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(mode, sizeof(mode), f) == NULL)
			snprintf(mode, sizeof(mode), "200");
		fclose(f);
	}
	mode[strcspn(mode, "\r\n")] = '\0';
	record(req);
	if (strcmp(mode, "hang") == 0)
		return;
	status = atoi(mode);
	if (status < 100 || status > 599)
		status = 200;
	evhttp_send_reply(req, status, status < 300 ? "OK" : "Error", NULL);
}

int
main(int argc, char *argv[])
{
	struct event_base	*base;
	struct evhttp		*http;

	if (argc != 3) {
		fprintf(stderr, "usage: webhook-receiver PORT DIR\n");
		return 2;
	}
	dir = argv[2];
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL)
		return 1;
	evhttp_set_gencb(http, handle, NULL);
	if (evhttp_bind_socket(http, "127.0.0.1",
	    (ev_uint16_t)atoi(argv[1])) == -1) {
		fprintf(stderr, "webhook-receiver: cannot listen on port %s\n",
		    argv[1]);
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	event_base_dispatch(base);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
