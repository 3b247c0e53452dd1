/*
 * Export and offline verification at scale: a store filled in process
 * with N envelopes from AGENTS agents (the debian12-hardened fixture's
 * document, each agent's first in full and the rest sending every
 * section as a reference, as agents do when nothing changed), every one
 * judged and in the ledger under a signed checkpoint; then exhibitctl
 * export and exhibitctl verify (with and without judging the evidence
 * again) as separate processes, timed, with their peak RSS.  The same at
 * a tenth of the size shows whether memory grows with the bundle.
 * Prints figures; asserts nothing but says when verify did not pass.
 *
 * usage: bench-export EXHIBITCTL PACK [N [AGENTS]]
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "checkpoint.h"
#include "collect-test.h"
#include "digest.h"
#include "envelope.h"
#include "hostroot.h"
#include "judge.h"
#include "jsonutil.h"
#include "keys.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "xmalloc.h"

#define TARGET_VERIFY	10000.0		/* envelopes/s on one core */

struct section_src {
	char	*name;
	char	*body;
	size_t	 len;
	char	 digest[STORE_DIGEST_LEN];
};

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The payload of seq: sections in full (the first) or as references. */
static char *
payload(struct json_object *tmpl, const struct section_src *s, size_t ns,
    const char *agent, int64_t seq, const char *when, int full)
{
	struct json_object	*doc, *secs, *sec, *v;
	char			*text;
	size_t			 i;

	doc = json_object_new_object();
	json_object_object_foreach(tmpl, k, val) {
		if (strcmp(k, "sections") != 0)
			json_object_object_add(doc, k, json_object_get(val));
	}
	jsonutil_set_string(doc, "agent_id", agent);
	jsonutil_set_int64(doc, "seq", seq);
	jsonutil_set_string(doc, "collected_at", when);
	secs = json_object_new_object();
	(void)json_object_object_get_ex(tmpl, "sections", &v);
	for (i = 0; i < ns; i++) {
		sec = json_object_new_object();
		jsonutil_set_string(sec, "digest", s[i].digest);
		if (full) {
			struct json_object *src;

			(void)json_object_object_get_ex(v, s[i].name, &src);
			json_object_object_foreach(src, k2, val2)
				if (strcmp(k2, "digest") != 0)
					json_object_object_add(sec, k2,
					    json_object_get(val2));
		} else
			jsonutil_set_int64(sec, "unchanged_since", 1);
		json_object_object_add(secs, s[i].name, sec);
	}
	json_object_object_add(doc, "sections", secs);
	text = xstrdup(json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return text;
}

static int
fill(const char *dir, const char *pack, uint64_t n, unsigned nagents)
{
	struct json_object	*tmpl;
	struct hostroot		*hr;
	struct section_src	*s = NULL;
	struct store		*st;
	struct ruleset		*rs;
	struct judgement	 j;
	struct store_doc	 sd;
	struct store_section	*ss;
	struct checkpoint	 cp;
	struct store_checkpoint	 sc;
	EVP_PKEY		*lkey, *akey;
	char			*root, *path, err[256], when[32], *pl, *env;
	size_t			 ns = 0, i;
	uint64_t		 per, done = 0, size;
	unsigned		 a;
	double			 t0 = now_s();

	root = fixture_copy("debian12-hardened");
	hr = hostroot_open(root, 4 << 20);
	tmpl = collect_document(hr, NULL, 0);
	hostroot_free(hr);
	fixture_remove(root);
	if (tmpl == NULL)
		return -1;
	{
		struct json_object *secs;

		(void)json_object_object_get_ex(tmpl, "sections", &secs);
		json_object_object_foreach(secs, name, sec) {
			struct json_object *body = json_object_new_object();
			char hex[DIGEST_SHA256_HEXLEN];
			const char *t;

			json_object_object_foreach(sec, k, v)
				if (strcmp(k, "digest") != 0)
					json_object_object_add(body, k,
					    json_object_get(v));
			t = json_object_to_json_string_ext(body,
			    JSON_C_TO_STRING_PLAIN |
			    JSON_C_TO_STRING_NOSLASHESCAPE);
			s = xreallocarray(s, ns + 1, sizeof(*s));
			s[ns].name = xstrdup(name);
			s[ns].body = xstrdup(t);
			s[ns].len = strlen(t);
			snprintf(s[ns].digest, sizeof(s[ns].digest),
			    "sha256:%s", digest_sha256_hex(t, s[ns].len, hex));
			json_object_put(body);
			ns++;
		}
	}

	mkdir(dir, 0700);
	lkey = keys_generate();
	path = xasprintf("%s/ledger.key", dir);
	keys_save_private(path, lkey);
	free(path);
	path = xasprintf("%s/ledger.pub", dir);
	keys_save_public(path, lkey);
	free(path);
	/* exhibitctl takes a state directory with a CA as initialised;
	 * export never uses it. */
	path = xasprintf("%s/ca.key", dir);
	keys_save_private(path, lkey);
	free(path);
	if ((st = store_open(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench-export: %s\n", err);
		return -1;
	}
	store_meta_set(st, "ledger_origin", "exhibit/bench");
	path = xstrdup(pack);
	rs = ruleset_load_files(&path, 1);
	free(path);
	if (rs == NULL)
		return -1;
	ruleset_record(st, rs, time(NULL));

	/* One time for every document: the age rules judge alike, so one
	 * judgement per agent and form serves all of its documents. */
	snprintf(when, sizeof(when), "%s", "2026-11-20T10:00:00Z");
	ss = xcalloc(ns, sizeof(*ss));
	per = n / nagents;
	for (a = 0; a < nagents; a++) {
		struct store_agent	 ag;
		struct store_evidence	 ev;
		struct store_evaluation	 e;
		struct store_receipt	 rc;
		char			*pem, dg[STORE_DIGEST_LEN], hex[65];
		uint64_t		 k, count = a + 1 == nagents ?
					     n - done : per;

		akey = keys_generate();
		memset(&ag, 0, sizeof(ag));
		snprintf(ag.id, sizeof(ag.id), "ag_bench%018u", a);
		keys_keyid(akey, ag.keyid);
		pem = keys_public_to_pem(akey);
		ag.pubkey_pem = pem;
		snprintf(ag.hostname, sizeof(ag.hostname), "bench-%04u", a);
		snprintf(ag.machine_id, sizeof(ag.machine_id), "m%u", a);
		ag.enrolled_at = time(NULL) - 86400;
		snprintf(ag.token_id, sizeof(ag.token_id), "tk_bench");
		store_agent_add(st, &ag);
		free(pem);
		store_batch_begin(st);
		for (k = 1; k <= count; k++) {
			int full = k == 1;

			pl = payload(tmpl, s, ns, ag.id, (int64_t)k, when, full);
			env = envelope_sign(akey, ENVELOPE_EVIDENCE_TYPE, pl,
			    strlen(pl));
			for (i = 0; i < ns; i++) {
				ss[i].name = s[i].name;
				ss[i].digest = s[i].digest;
				ss[i].body = full ? s[i].body : NULL;
				ss[i].len = full ? s[i].len : 0;
			}
			snprintf(dg, sizeof(dg), "sha256:%s",
			    digest_sha256_hex(env, strlen(env), hex));
			memset(&ev, 0, sizeof(ev));
			ev.agent_id = ag.id;
			ev.seq = (int64_t)k;
			ev.received_at = time(NULL) - 3600;
			ev.collected_at = ev.received_at;
			ev.digest = dg;
			ev.envelope = env;
			ev.envelope_len = strlen(env);
			ev.hostname = ag.hostname;
			ev.machine_id = ag.machine_id;
			ev.sections = ss;
			ev.nsections = ns;
			if (store_evidence_add(st, &ev, &rc) != STORE_OK)
				return -1;
			if (k <= 2) {
				if (k == 2)
					judgement_clear(&j);
				store_doc_get(st, rc.evidence_id, &sd);
				judge(rs, &sd, &j);
				store_doc_clear(&sd);
			}
			memset(&e, 0, sizeof(e));
			e.evidence_id = rc.evidence_id;
			e.ruleset = ruleset_digest(rs);
			e.evaluated_at = time(NULL);
			e.results = j.text;
			e.len = j.len;
			e.results_digest = j.digest;
			memcpy(e.counts, j.counts, sizeof(e.counts));
			store_evaluation_add(st, &e);
			free(pl);
			free(env);
			if (k % 1000 == 0) {
				store_batch_commit(st);
				store_batch_begin(st);
			}
		}
		store_batch_commit(st);
		judgement_clear(&j);
		EVP_PKEY_free(akey);
		done += count;
	}
	store_ledger_size(st, &size);
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "exhibit/bench");
	cp.size = size;
	store_ledger_root(st, size, cp.root);
	memset(&sc, 0, sizeof(sc));
	sc.size = size;
	memcpy(sc.root, cp.root, sizeof(sc.root));
	sc.note = checkpoint_sign(&cp, lkey, cp.origin, err, sizeof(err));
	sc.created_at = time(NULL);
	store_checkpoint_add(st, &sc);
	free(sc.note);
	store_close(st);
	EVP_PKEY_free(lkey);
	ruleset_free(rs);
	json_object_put(tmpl);
	for (i = 0; i < ns; i++) {
		free(s[i].name);
		free(s[i].body);
	}
	free(s);
	free(ss);
	printf("%-30s %8" PRIu64 " envelopes, %u agents, in %.1f s\n",
	    "store filled", n, nagents, now_s() - t0);
	return 0;
}

/* Run argv, its output to /dev/null unless it fails: seconds, peak RSS
 * (KiB), exit status. */
static double	last_cpu;	/* of the last timed() child: user + system */

static int
timed(const char *const args[], double *secs, long *rss_kib)
{
	struct rusage	ru;
	pid_t		pid;
	int		status;
	double		t0 = now_s();
	char		*argv[16];
	size_t		 i;

	for (i = 0; args[i] != NULL && i < 15; i++)
		argv[i] = xstrdup(args[i]);
	argv[i] = NULL;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	wait4(pid, &status, 0, &ru);
	*secs = now_s() - t0;
	*rss_kib = ru.ru_maxrss;
	last_cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
round_(const char *ctl, const char *pack, const char *tmp, uint64_t n,
    unsigned agents)
{
	char		*dir = xasprintf("%s/s%" PRIu64, tmp, n);
	char		*bundle = xasprintf("%s/b%" PRIu64 ".tar.gz", tmp, n);
	char		*pub = xasprintf("%s/ledger.pub", dir);
	struct stat	 sb;
	double		 t;
	long		 rss;
	int		 rc;

	if (fill(dir, pack, n, agents) == -1) {
		printf("bench-export: filling the store failed\n");
		return;
	}
	{
		const char *const ex[] = { ctl, "--state", dir, "export",
		    "--from", "2000-01-01", "--to", "2100-01-01", "-o", bundle,
		    NULL };
		rc = timed(ex, &t, &rss);
		stat(bundle, &sb);
		printf("%-30s %8" PRIu64 " envelopes in %6.2f s: %8.0f/s "
		    "(CPU %8.0f/s), peak RSS %6.1f MiB, bundle %.1f MiB%s\n",
		    "export", n, t, n / t, n / last_cpu, rss / 1024.0,
		    sb.st_size / 1048576.0, rc == 0 ? "" : " (FAILED)");
	}
	{
		const char *const vf[] = { ctl, "verify", "--ledger-key",
		    pub, bundle, NULL };
		const char *const vn[] = { ctl, "verify", "--ledger-key",
		    pub, "--no-reevaluate", bundle, NULL };

		rc = timed(vn, &t, &rss);
		printf("%-30s %8" PRIu64 " envelopes in %6.2f s: %8.0f/s "
		    "(CPU %8.0f/s), peak RSS %6.1f MiB%s\n",
		    "verify (proofs, signatures)", n, t, n / t, n / last_cpu,
		    rss / 1024.0, rc == 0 ? "" : " (NOT VERIFIED)");
		rc = timed(vf, &t, &rss);
		printf("%-30s %8" PRIu64 " envelopes in %6.2f s: %8.0f/s "
		    "(CPU %8.0f/s), peak RSS %6.1f MiB%s  (target %.0f/s of "
		    "one core)\n", "verify (all, results re-judged)", n, t,
		    n / t, n / last_cpu, rss / 1024.0,
		    rc == 0 ? "" : " (NOT VERIFIED)", TARGET_VERIFY);
	}
	free(dir);
	free(bundle);
	free(pub);
}

int
main(int argc, char **argv)
{
	char		 tmp[] = "/tmp/bench-export.XXXXXX", *cmd;
	uint64_t	 n = 100000;
	unsigned	 agents = 100;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-export EXHIBITCTL PACK [N "
		    "[AGENTS]]\n");
		return 2;
	}
	if (argc > 3)
		n = strtoull(argv[3], NULL, 10);
	if (argc > 4)
		agents = (unsigned)strtoul(argv[4], NULL, 10);
	if (n < agents || agents == 0)
		n = agents = 1;
	log_init("bench-export", 0, LOG_DEST_STDERR);
	if (mkdtemp(tmp) == NULL)
		return 1;
	round_(argv[1], argv[2], tmp, n / 10 < agents ? agents : n / 10,
	    agents);
	round_(argv[1], argv[2], tmp, n, agents);
	if (getenv("BENCH_KEEP") != NULL) return 0;
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-export: could not remove %s\n", tmp);
	free(cmd);
	return 0;
}
