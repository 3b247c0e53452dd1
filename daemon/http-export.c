/*
 * GET /v1/export: an auditor's evidence bundle over the API (export.c
 * writes it).  A bundle can take minutes: it is written on a worker
 * thread, with a store connection of its own, into an unlinked file in
 * the state directory, then sent from that file, so neither the loop
 * nor memory carries it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/queue.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon-conf.h"
#include "export.h"
#include "http.h"
#include "ledger.h"
#include "log.h"
#include "store.h"
#include "strv.h"
#include "timefmt.h"
#include "xmalloc.h"

struct export_job {
	struct http_req		 hr;	/* a copy */
	char			*state_dir;
	struct store_conf	 store;	/* its pointers: state_dir, connection */
	char			*connection;
	char			*audit;
	struct strv		 hosts, controls;
	struct export_request	 req;
	struct export_stats	 stats;
	char			 by[64];
	char			*path;
	int			 rc;
	char			 err[512];
};

/* Bundles being written for GET /v1/export: state_dir/export.*.tmp. */
#define EXPORT_TMP_PREFIX	"export."
#define EXPORT_TMP_SUFFIX	".tmp"

void
http_export_cleanup(const char *state_dir)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 n, len, removed = 0;
	char		*path;

	if ((d = opendir(state_dir)) == NULL) {
		log_warn("export: %s", state_dir);
		return;
	}
	n = strlen(EXPORT_TMP_SUFFIX);
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (strncmp(e->d_name, EXPORT_TMP_PREFIX,
		    strlen(EXPORT_TMP_PREFIX)) != 0 || len < n ||
		    strcmp(e->d_name + len - n, EXPORT_TMP_SUFFIX) != 0)
			continue;
		path = xasprintf("%s/%s", state_dir, e->d_name);
		if (unlink(path) == 0)
			removed++;
		else
			log_warn("export: %s", path);
		free(path);
	}
	closedir(d);
	if (removed > 0)
		log_info("export: removed %zu bundle(s) a previous run left "
		    "half-written", removed);
}

/* On a worker. */
static void
export_work(void *arg)
{
	struct export_job	*j = arg;
	struct store		*st;

	/* A connection of its own: the loop's is the loop thread's. */
	if ((st = store_open_conf(&j->store, j->err, sizeof(j->err))) ==
	    NULL) {
		j->rc = -1;
		return;
	}
	j->rc = export_bundle(st, j->state_dir, &j->req, j->path, &j->stats,
	    j->err, sizeof(j->err));
	store_close(st);
}

/* Back on the loop: send the file, or say why there is none. */
static void
export_done(void *arg)
{
	struct export_job	*j = arg;
	struct http_req		*hr = &j->hr;
	struct evkeyvalq	*h;
	struct evbuffer		*out;
	struct stat		 sb;
	char			 name[96], day[TIMEFMT_RFC3339_LEN];
	int			 fd = -1;

	if (j->rc == -1) {
		http_refuse(hr, 400, "export_failed", "%s", j->err);
		goto out;
	}
	if ((fd = open(j->path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		log_warn("export: %s", j->path);
		http_refuse(hr, 503, "busy", "the bundle was written but "
		    "cannot be read back");
		goto out;
	}
	unlink(j->path);
	h = evhttp_request_get_output_headers(hr->req);
	evhttp_add_header(h, "Content-Type", "application/gzip");
	timefmt_rfc3339(hr->now, day, sizeof(day));
	day[10] = '\0';
	snprintf(name, sizeof(name), "attachment; filename=\"exhibit-bundle-"
	    "%s.tar.gz\"", day);
	evhttp_add_header(h, "Content-Disposition", name);
	evhttp_add_header(h, "Cache-Control", "no-store");
	if ((out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new failed");
	/* The buffer owns fd from here and sends the file as it drains. */
	if (evbuffer_add_file(out, fd, 0, sb.st_size) == -1) {
		evbuffer_free(out);
		http_refuse(hr, 503, "busy", "the bundle cannot be sent");
		goto out;
	}
	fd = -1;
	log_info("%s: export by %s: %llu envelopes of %llu hosts, %lld "
	    "bytes", hr->peer, j->by, (unsigned long long)j->stats.envelopes,
	    (unsigned long long)j->stats.agents, (long long)sb.st_size);
	evhttp_send_reply(hr->req, 200, "OK", out);
	evbuffer_free(out);
	daemon_metrics_replied(server_metrics(hr->srv), hr->route, 200,
	    hr->started);
out:
	if (fd != -1)
		close(fd);
	unlink(j->path);
	free(j->path);
	free(j->state_dir);
	free(j->connection);
	free(j->audit);
	strv_free(&j->hosts);
	strv_free(&j->controls);
	free(j);
}

static int
export_time(struct http_req *hr, const char *name, const char *v, time_t *t)
{
	if (timefmt_parse_when(v, t) == -1) {
		http_refuse(hr, 400, "bad_request", "%s is an RFC 3339 time or "
		    "a date (YYYY-MM-DD)", name);
		return -1;
	}
	return 0;
}

/* GET /v1/export?audit=NAME | from=&to= [&host=H]... [&control=C]... */
void
http_export(struct http_req *hr)
{
	static const char *const known[] = { "audit", "from", "to", "host",
	    "control", NULL };
	struct export_job	*j;
	struct store_checkpoint	 c;
	struct evkeyvalq	 q;
	struct evkeyval		*kv;
	int			 from = 0, to = 0, bad = 0;

	if (http_person_auth(hr, HTTP_READERS) == -1 ||
	    http_query(hr, known, &q) == -1)
		return;
	j = xcalloc(1, sizeof(*j));
	TAILQ_FOREACH(kv, &q, next) {
		if (strcmp(kv->key, "audit") == 0) {
			free(j->audit);
			j->audit = xstrdup(kv->value);
		} else if (strcmp(kv->key, "from") == 0) {
			from = 1;
			if (!bad && export_time(hr, "from", kv->value,
			    &j->req.from) == -1)
				bad = 1;
		} else if (strcmp(kv->key, "to") == 0) {
			to = 1;
			if (!bad && export_time(hr, "to", kv->value,
			    &j->req.to) == -1)
				bad = 1;
		} else if (strcmp(kv->key, "host") == 0)
			strv_add(&j->hosts, kv->value);
		else
			strv_add(&j->controls, kv->value);
	}
	evhttp_clear_headers(&q);
	if (!bad && ((j->audit != NULL) == (from || to) ||
	    (j->audit == NULL && !(from && to)))) {
		http_refuse(hr, 400, "bad_request", "name an audit, or a "
		    "period with from and to");
		bad = 1;
	}
	if (bad) {
		free(j->audit);
		strv_free(&j->hosts);
		strv_free(&j->controls);
		free(j);
		return;
	}
	/* What reached the disk is signed now, so the bundle proves it. */
	if (hr->ledger != NULL && ledger_checkpoint(hr->ledger, 1, &c) == 0)
		store_checkpoint_clear(&c);
	j->hr = *hr;
	j->state_dir = xstrdup(hr->conf->state_dir);
	daemon_conf_store(hr->conf, j->state_dir, &j->store);
	if (j->store.connection != NULL)
		j->connection = xstrdup(j->store.connection);
	j->store.connection = j->connection;
	j->path = xasprintf("%s/" EXPORT_TMP_PREFIX "%ld.%p" EXPORT_TMP_SUFFIX,
	    hr->conf->state_dir, (long)getpid(), (void *)j);
	snprintf(j->by, sizeof(j->by), "api:%s (%s)", hr->person.id,
	    store_role_str(hr->person.role));
	j->req.audit = j->audit;
	j->req.hosts = &j->hosts;
	j->req.controls = &j->controls;
	j->req.by = j->by;
	http_submit(hr, export_work, export_done, j);
}
