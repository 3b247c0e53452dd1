/*
 * State files: identity.json {"agent_id","server"}, seq (decimal),
 * acked.json {"seq", "sections": {name: {"digest","since"}}}, push.json
 * {"time","result","last_ok"}, collect.json {"time","result","next"},
 * cache/<hex>.json (one full section each).  Each is
 * read whole at open and replaced whole with fileio_write_atomic(), so a
 * crash leaves the old or the new file, never a torn one.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent-state.h"
#include "evidence.h"
#include "fileio.h"
#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"
#include "xmalloc.h"

#define STATE_MAX_FILE	(1024 * 1024)
#define STATE_CACHE	"cache"

struct acked_section {
	char		*name;
	char		 digest[EVIDENCE_DIGEST_LEN];
	uint64_t	 since;
};

struct agent_state {
	char			*dir;
	char			*agent_id, *server;
	uint64_t		 seq;
	uint64_t		 acked_seq;
	struct acked_section	*acked;
	size_t			 nacked;
	time_t			 push_time, push_ok;
	char			*push_result;
	time_t			 collect_time, collect_next;
	char			*collect_result;
};

char *
agent_state_path(struct agent_state *st, const char *name)
{
	return xasprintf("%s/%s", st->dir, name);
}

/* Read a state file; 1 when it does not exist. */
static int
state_read(struct agent_state *st, const char *name, char **buf, size_t *len)
{
	char	*path = agent_state_path(st, name);
	int	 rc = 0;

	if (fileio_read_path(path, STATE_MAX_FILE, buf, len) == -1)
		rc = errno == ENOENT ? 1 : -1;
	free(path);
	return rc;
}

static int
state_write(struct agent_state *st, const char *name, const char *text)
{
	char	*path = agent_state_path(st, name);
	int	 rc, saved;

	rc = fileio_write_atomic(path, text, strlen(text), 0600);
	saved = errno;
	free(path);
	errno = saved;
	return rc;
}

static struct json_object *
state_read_json(struct agent_state *st, const char *name, int *missing,
    char *err, size_t errlen)
{
	struct json_object	*o;
	char			*buf, perr[128];
	size_t			 len;
	int			 rc;

	*missing = 0;
	if ((rc = state_read(st, name, &buf, &len)) == 1) {
		*missing = 1;
		return NULL;
	}
	if (rc == -1) {
		snprintf(err, errlen, "%s/%s: %s", st->dir, name,
		    strerror(errno));
		return NULL;
	}
	if ((o = jsonutil_parse(buf, len, perr, sizeof(perr))) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "%s/%s: corrupt: %s", st->dir, name,
		    o == NULL ? perr : "not an object");
		json_object_put(o);
		o = NULL;
	}
	free(buf);
	return o;
}

static void
acked_clear(struct agent_state *st)
{
	size_t	i;

	for (i = 0; i < st->nacked; i++)
		free(st->acked[i].name);
	free(st->acked);
	st->acked = NULL;
	st->nacked = 0;
}

static void
acked_add(void *arg, const char *name, const char *digest, uint64_t since)
{
	struct agent_state	*st = arg;
	struct acked_section	*a;

	st->acked = xgrowarray(st->acked, st->nacked, sizeof(*st->acked));
	a = &st->acked[st->nacked++];
	a->name = xstrdup(name);
	snprintf(a->digest, sizeof(a->digest), "%s", digest);
	a->since = since;
}

static int
state_load(struct agent_state *st, char *err, size_t errlen)
{
	struct json_object	*o, *secs;
	const char		*s, *d;
	char			*buf, *end;
	size_t			 len;
	int64_t			 v;
	int			 missing, rc;

	if ((o = state_read_json(st, "identity.json", &missing, err,
	    errlen)) == NULL && !missing)
		return -1;
	if (o != NULL) {
		if (jsonutil_get_string(o, "agent_id", &s) == -1 ||
		    jsonutil_get_string(o, "server", &d) == -1) {
			snprintf(err, errlen, "%s/identity.json: corrupt",
			    st->dir);
			json_object_put(o);
			return -1;
		}
		st->agent_id = xstrdup(s);
		st->server = xstrdup(d);
		json_object_put(o);
	}

	if ((rc = state_read(st, "seq", &buf, &len)) == -1) {
		snprintf(err, errlen, "%s/seq: %s", st->dir, strerror(errno));
		return -1;
	}
	if (rc == 0) {
		errno = 0;
		st->seq = strtoull(buf, &end, 10);
		if (errno != 0 || end == buf || (*end != '\n' &&
		    *end != '\0') || buf[0] == '-') {
			/* Never guess a seq: reusing one is a conflict. */
			snprintf(err, errlen, "%s/seq: corrupt", st->dir);
			free(buf);
			return -1;
		}
		free(buf);
	}

	if ((o = state_read_json(st, "acked.json", &missing, err,
	    errlen)) == NULL && !missing)
		return -1;
	if (o != NULL) {
		if (jsonutil_get_int64(o, "seq", &v) == -1 || v < 1 ||
		    jsonutil_get_object(o, "sections", &secs) == -1) {
			snprintf(err, errlen, "%s/acked.json: corrupt",
			    st->dir);
			json_object_put(o);
			return -1;
		}
		st->acked_seq = (uint64_t)v;
		json_object_object_foreach(secs, name, sec) {
			int64_t	since;

			if (jsonutil_get_string(sec, "digest", &d) == -1 ||
			    strlen(d) + 1 != EVIDENCE_DIGEST_LEN ||
			    jsonutil_get_int64(sec, "since", &since) == -1 ||
			    since < 1) {
				snprintf(err, errlen, "%s/acked.json: corrupt "
				    "section %s", st->dir, name);
				json_object_put(o);
				return -1;
			}
			acked_add(st, name, d, (uint64_t)since);
		}
		json_object_put(o);
	}

	if ((o = state_read_json(st, "push.json", &missing, err,
	    errlen)) == NULL && !missing)
		return -1;
	if (o != NULL) {
		if (jsonutil_get_string(o, "time", &s) == 0)
			(void)timefmt_parse_rfc3339(s, &st->push_time);
		if (jsonutil_get_string(o, "result", &s) == 0)
			st->push_result = xstrdup(s);
		if (jsonutil_get_string(o, "last_ok", &s) == 0)
			(void)timefmt_parse_rfc3339(s, &st->push_ok);
		json_object_put(o);
	}

	if ((o = state_read_json(st, "collect.json", &missing, err,
	    errlen)) == NULL && !missing)
		return -1;
	if (o != NULL) {
		if (jsonutil_get_string(o, "time", &s) == 0)
			(void)timefmt_parse_rfc3339(s, &st->collect_time);
		if (jsonutil_get_string(o, "next", &s) == 0)
			(void)timefmt_parse_rfc3339(s, &st->collect_next);
		if (jsonutil_get_string(o, "result", &s) == 0)
			st->collect_result = xstrdup(s);
		json_object_put(o);
	}
	return 0;
}

struct agent_state *
agent_state_open(const char *dir, int create, char *err, size_t errlen)
{
	struct agent_state	*st;
	struct stat		 sb;

	if (create && mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "state directory %s: %s", dir,
		    strerror(errno));
		return NULL;
	}
	if (stat(dir, &sb) == -1) {
		snprintf(err, errlen, "state directory %s: %s%s", dir,
		    strerror(errno), errno == ENOENT ?
		    " (not enrolled? see exhibit-agent enroll)" : "");
		return NULL;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "state directory %s: not a directory",
		    dir);
		return NULL;
	}
	/* It holds the private key and decides which seq comes next:
	 * nobody else may replace its files. */
	if (sb.st_uid != geteuid()) {
		snprintf(err, errlen, "state directory %s: owned by uid %u, "
		    "not by this user", dir, (unsigned)sb.st_uid);
		return NULL;
	}
	if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "state directory %s: writable by group "
		    "or others (mode %03o); refused", dir,
		    (unsigned)(sb.st_mode & 0777));
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	st->dir = xstrdup(dir);
	if (state_load(st, err, errlen) == -1) {
		agent_state_close(st);
		return NULL;
	}
	return st;
}

void
agent_state_close(struct agent_state *st)
{
	if (st == NULL)
		return;
	acked_clear(st);
	free(st->agent_id);
	free(st->server);
	free(st->push_result);
	free(st->collect_result);
	free(st->dir);
	free(st);
}

int
agent_state_enrolled(struct agent_state *st)
{
	char	*key, *cert;
	int	 ok;

	if (st->agent_id == NULL)
		return 0;
	key = agent_state_path(st, AGENT_STATE_KEY);
	cert = agent_state_path(st, AGENT_STATE_CERT);
	ok = access(key, R_OK) == 0 && access(cert, R_OK) == 0;
	free(key);
	free(cert);
	return ok;
}

const char *
agent_state_agent_id(struct agent_state *st)
{
	return st->agent_id;
}

const char *
agent_state_server(struct agent_state *st)
{
	return st->server;
}

int
agent_state_save_identity(struct agent_state *st, const char *agent_id,
    const char *server)
{
	struct json_object	*o;
	int			 rc;

	o = json_object_new_object();
	jsonutil_set_string(o, "agent_id", agent_id);
	jsonutil_set_string(o, "server", server);
	rc = state_write(st, "identity.json", jsonutil_to_string(o, 1));
	json_object_put(o);
	if (rc == 0) {
		free(st->agent_id);
		free(st->server);
		st->agent_id = xstrdup(agent_id);
		st->server = xstrdup(server);
	}
	return rc;
}

uint64_t
agent_state_seq(struct agent_state *st)
{
	return st->seq;
}

int
agent_state_next_seq(struct agent_state *st, uint64_t *seq)
{
	char	buf[32];

	if (st->seq == UINT64_MAX || st->seq >= INT64_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64 "\n", st->seq + 1);
	if (state_write(st, "seq", buf) == -1)
		return -1;
	*seq = ++st->seq;
	return 0;
}

int
agent_state_acked(void *arg, const char *section, const char *digest,
    uint64_t *since)
{
	struct agent_state	*st = arg;
	size_t			 i;

	for (i = 0; i < st->nacked; i++) {
		if (strcmp(st->acked[i].name, section) == 0) {
			if (strcmp(st->acked[i].digest, digest) != 0)
				return 0;
			*since = st->acked[i].since;
			return 1;
		}
	}
	return 0;
}

uint64_t
agent_state_acked_seq(struct agent_state *st)
{
	return st->acked_seq;
}

static int
state_write_acked(struct agent_state *st)
{
	struct json_object	*o, *secs, *sec;
	size_t			 i;
	int			 rc;

	o = json_object_new_object();
	jsonutil_set_int64(o, "seq", (int64_t)st->acked_seq);
	secs = json_object_new_object();
	for (i = 0; i < st->nacked; i++) {
		sec = json_object_new_object();
		jsonutil_set_string(sec, "digest", st->acked[i].digest);
		jsonutil_set_int64(sec, "since", (int64_t)st->acked[i].since);
		jsonutil_set(secs, st->acked[i].name, sec);
	}
	jsonutil_set(o, "sections", secs);
	rc = state_write(st, "acked.json", jsonutil_to_string(o, 1));
	json_object_put(o);
	return rc;
}

int
agent_state_ack(struct agent_state *st, const char *payload, size_t len,
    char *err, size_t errlen)
{
	struct agent_state	 tmp;
	uint64_t		 seq;

	memset(&tmp, 0, sizeof(tmp));
	if (evidence_sections(payload, len, &seq, acked_add, &tmp, err,
	    errlen) == -1) {
		acked_clear(&tmp);
		return -1;
	}
	if (seq < st->acked_seq) {
		acked_clear(&tmp);
		return 0;
	}
	acked_clear(st);
	st->acked = tmp.acked;
	st->nacked = tmp.nacked;
	st->acked_seq = seq;
	if (state_write_acked(st) == -1) {
		snprintf(err, errlen, "%s/acked.json: %s", st->dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* cache/<64 hex>.json; NULL for a digest that is not "sha256:<hex>". */
static char *
cache_path(struct agent_state *st, const char *digest)
{
	size_t	i;

	if (strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != 71)
		return NULL;
	for (i = 7; i < 71; i++) {
		if (strchr("0123456789abcdef", digest[i]) == NULL)
			return NULL;
	}
	return xasprintf("%s/" STATE_CACHE "/%s.json", st->dir, digest + 7);
}

void
agent_state_cache_put(void *arg, const char *section, const char *digest,
    const char *text)
{
	struct agent_state	*st = arg;
	char			*dir, *path;

	if ((path = cache_path(st, digest)) == NULL) {
		log_warnx("state: section %s: bad digest %s", section, digest);
		return;
	}
	/* Content-addressed: an existing file already holds this text. */
	if (access(path, F_OK) == 0) {
		free(path);
		return;
	}
	dir = agent_state_path(st, STATE_CACHE);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		log_warn("state: %s", dir);
	else if (fileio_write_atomic(path, text, strlen(text), 0600) == -1)
		log_warn("state: caching section %s in %s", section, path);
	free(dir);
	free(path);
}

char *
agent_state_cache_get(void *arg, const char *digest)
{
	struct agent_state	*st = arg;
	char			*path, *buf;
	size_t			 len;

	if ((path = cache_path(st, digest)) == NULL)
		return NULL;
	if (fileio_read_path(path, 64 * 1024 * 1024, &buf, &len) == -1) {
		if (errno != ENOENT)
			log_warn("state: %s", path);
		buf = NULL;
	}
	free(path);
	return buf;
}

int
agent_state_cache_prune(struct agent_state *st)
{
	struct dirent	*de;
	DIR		*d;
	char		*dir, *path, digest[EVIDENCE_DIGEST_LEN];
	size_t		 i, len;
	int		 keep;

	dir = agent_state_path(st, STATE_CACHE);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return errno == ENOENT ? 0 : -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' && len <= 2)
			continue;
		keep = 0;
		if (len == 64 + 5 && strcmp(de->d_name + 64, ".json") == 0) {
			snprintf(digest, sizeof(digest), "sha256:%.64s",
			    de->d_name);
			for (i = 0; i < st->nacked && !keep; i++)
				keep = strcmp(st->acked[i].digest, digest) == 0;
		}
		if (keep)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (unlink(path) == -1)
			log_warn("state: %s", path);
		free(path);
	}
	closedir(d);
	free(dir);
	return 0;
}

int
agent_state_set_push(struct agent_state *st, time_t when, const char *result)
{
	struct json_object	*o;
	char			 t[TIMEFMT_RFC3339_LEN];
	time_t			 ok = st->push_ok;
	int			 rc;

	if (strcmp(result, "ok") == 0)
		ok = when;
	o = json_object_new_object();
	jsonutil_set_string(o, "time", timefmt_rfc3339(when, t, sizeof(t)));
	jsonutil_set_string(o, "result", result);
	jsonutil_set_string(o, "last_ok", ok ?
	    timefmt_rfc3339(ok, t, sizeof(t)) : NULL);
	rc = state_write(st, "push.json", jsonutil_to_string(o, 1));
	json_object_put(o);
	st->push_time = when;
	st->push_ok = ok;
	free(st->push_result);
	st->push_result = xstrdup(result);
	return rc;
}

int
agent_state_push(struct agent_state *st, time_t *when, const char **result)
{
	if (st->push_result == NULL)
		return -1;
	*when = st->push_time;
	*result = st->push_result;
	return 0;
}

time_t
agent_state_push_ok(struct agent_state *st)
{
	return st->push_ok;
}

int
agent_state_set_collect(struct agent_state *st, time_t when,
    const char *result, time_t next)
{
	struct json_object	*o;
	char			 t[TIMEFMT_RFC3339_LEN], *copy;
	int			 rc;

	o = json_object_new_object();
	jsonutil_set_string(o, "time", timefmt_rfc3339(when, t, sizeof(t)));
	jsonutil_set_string(o, "result", result);
	jsonutil_set_string(o, "next", next ?
	    timefmt_rfc3339(next, t, sizeof(t)) : NULL);
	rc = state_write(st, "collect.json", jsonutil_to_string(o, 1));
	json_object_put(o);
	st->collect_time = when;
	st->collect_next = next;
	copy = xstrdup(result);		/* result may be collect_result */
	free(st->collect_result);
	st->collect_result = copy;
	return rc;
}

int
agent_state_collect(struct agent_state *st, time_t *when,
    const char **result, time_t *next)
{
	if (st->collect_result == NULL)
		return -1;
	*when = st->collect_time;
	*result = st->collect_result;
	*next = st->collect_next;
	return 0;
}
