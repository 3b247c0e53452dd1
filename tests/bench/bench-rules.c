/*
 * Cost of judging: the time to load and validate the rule pack, and to
 * evaluate the whole pack against one evidence document of each fixture
 * root, built in process as the agent builds it (fixture modes applied,
 * rhel9's rpm database built).  Each evaluation includes freeing its
 * results, as the daemon does once they are stored.  Then the rules that
 * cost the most, each evaluated alone.  Times are the thread's CPU time,
 * so that other work on a busy machine does not count.  Prints figures;
 * asserts nothing.
 *
 * usage: bench-rules [PACK [RUNS]]
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "collect-test.h"
#include "fileio.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "log.h"
#include "rules.h"
#include "xmalloc.h"

#define TARGET_US	1000.0	/* the whole pack, per document */
#define LOAD_RUNS	50
#define WARMUP_RUNS	20
#define BUDGET_US	2.5e6	/* per document: the whole run stays short */
#define RULE_RUNS	31	/* per rule and document */
#define TOP_RULES	8

static const char *const fixtures[] = {
	"debian12-default", "debian12-hardened", "debian12-weak", "rhel9",
	"alpine",
};
#define NFIXTURES	(sizeof(fixtures) / sizeof(fixtures[0]))

static double
cpu_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double
wall_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample that p percent are at or below. */
static double
percentile(const double *sorted, size_t n, double p)
{
	size_t	 rank = (size_t)(p / 100.0 * (double)n + 0.999999);

	return sorted[rank == 0 ? 0 : rank - 1];
}

static struct ruleset *
load(const char *pack)
{
	struct ruleset	*set;
	char		*paths[1];

	paths[0] = xstrdup(pack);
	set = ruleset_load_files(paths, 1);
	free(paths[0]);
	return set;
}

static void
bench_load(const char *pack)
{
	double		 t[LOAD_RUNS], t0;
	int		 i;

	for (i = 0; i < LOAD_RUNS; i++) {
		t0 = cpu_us();
		ruleset_free(load(pack));
		t[i] = cpu_us() - t0;
	}
	qsort(t, LOAD_RUNS, sizeof(t[0]), cmp_double);
	printf("%-26s runs %4d  cpu median %7.1f us  p99 %7.1f us  "
	    "max %7.1f us\n", "pack load + validate", LOAD_RUNS,
	    t[LOAD_RUNS / 2], percentile(t, LOAD_RUNS, 99), t[LOAD_RUNS - 1]);
}

/* The document of a fixture, as the agent would send it. */
static struct json_object *
fixture_document(const char *name)
{
	struct json_object	*doc;
	struct hostroot		*hr;
	char			*root;

	root = fixture_copy(name);
	if ((hr = hostroot_open(root, 4 << 20)) == NULL) {
		fixture_remove(root);
		return NULL;
	}
	doc = collect_document(hr, NULL, 0);
	hostroot_free(hr);
	fixture_remove(root);
	return doc;
}

static void
tally(struct json_object *results, size_t counts[RULE_NSTATUS])
{
	enum rule_status	 st;
	const char		*s;
	size_t			 i, n;

	memset(counts, 0, RULE_NSTATUS * sizeof(*counts));
	n = json_object_array_length(results);
	for (i = 0; i < n; i++)
		if (jsonutil_get_string(json_object_array_get_idx(results, i),
		    "status", &s) == 0 && rule_status_parse(s, &st) == 0)
			counts[st]++;
}

/* The whole pack on one document; returns the median. */
static double
bench_document(const struct ruleset *set, const char *name,
    struct json_object *doc, int runs)
{
	struct json_object	*res;
	size_t			 nrules, counts[RULE_NSTATUS];
	double			*t, t0, start, median;
	int			 i, n;

	nrules = ruleset_rule_count(set);
	res = ruleset_evaluate(set, doc);
	tally(res, counts);
	json_object_put(res);
	for (i = 0; i < WARMUP_RUNS; i++)
		json_object_put(ruleset_evaluate(set, doc));
	t = xcalloc((size_t)runs, sizeof(*t));
	start = wall_us();
	for (n = 0; n < runs && (n < 100 || wall_us() - start < BUDGET_US);
	    n++) {
		t0 = cpu_us();
		json_object_put(ruleset_evaluate(set, doc));
		t[n] = cpu_us() - t0;
	}
	qsort(t, (size_t)n, sizeof(t[0]), cmp_double);
	median = t[n / 2];
	printf("%-26s runs %4d  cpu median %7.1f us  p99 %7.1f us  "
	    "max %7.1f us  %6.0fk rule evals/s  %s\n", name, n, median,
	    percentile(t, (size_t)n, 99), t[n - 1],
	    (double)nrules / median * 1e3,
	    median < TARGET_US ? "ok" : "OVER TARGET");
	printf("%-26s document %zu bytes: %zu pass, %zu fail, %zu error, "
	    "%zu not applicable\n", "",
	    strlen(jsonutil_to_string(doc, 0)), counts[RULE_PASS],
	    counts[RULE_FAIL], counts[RULE_ERROR],
	    counts[RULE_NOT_APPLICABLE]);
	free(t);
	return median;
}

struct rule_cost {
	char		*id;
	double		 us;	/* sum over the documents of the medians */
};

static int
cmp_cost(const void *a, const void *b)
{
	const struct rule_cost	*x = a, *y = b;

	return x->us < y->us ? 1 : x->us > y->us ? -1 : 0;
}

/* Each rule as a pack of its own, so that its cost can be told apart. */
static void
bench_rules(const char *pack, struct json_object **docs, size_t ndocs)
{
	struct json_object	*all, *rules, *one, *list;
	struct rule_cost	*cost;
	struct ruleset		*set;
	const char		*text;
	double			 t[RULE_RUNS], t0, total = 0;
	char			*buf, err[128];
	size_t			 len, i, d, n;
	int			 k;

	if (fileio_read_path(pack, 16 << 20, &buf, &len) == -1 ||
	    (all = jsonutil_parse(buf, len, err, sizeof(err))) == NULL ||
	    jsonutil_get_array(all, "rules", &rules) == -1) {
		printf("%s: cannot split the pack into rules\n", pack);
		return;
	}
	free(buf);
	n = json_object_array_length(rules);
	cost = xcalloc(n, sizeof(*cost));
	for (i = 0; i < n; i++) {
		one = json_object_new_object();
		jsonutil_set_string(one, "pack", "one");
		jsonutil_set_string(one, "version", "1");
		list = json_object_new_array();
		json_object_array_add(list, json_object_get(
		    json_object_array_get_idx(rules, i)));
		jsonutil_set(one, "rules", list);
		text = jsonutil_to_string(one, 0);
		if ((set = ruleset_load_buffer(pack, text, strlen(text))) ==
		    NULL) {
			json_object_put(one);
			continue;
		}
		cost[i].id = xstrdup(ruleset_rule(set, 0)->id);
		for (d = 0; d < ndocs; d++) {
			for (k = 0; k < RULE_RUNS; k++) {
				t0 = cpu_us();
				json_object_put(ruleset_evaluate(set, docs[d]));
				t[k] = cpu_us() - t0;
			}
			qsort(t, RULE_RUNS, sizeof(t[0]), cmp_double);
			cost[i].us += t[RULE_RUNS / 2];
		}
		total += cost[i].us;
		ruleset_free(set);
		json_object_put(one);
	}
	qsort(cost, n, sizeof(*cost), cmp_cost);
	printf("costliest rules, alone, cpu median summed over the %zu "
	    "documents (all %zu: %.1f us):\n", ndocs, n, total);
	for (i = 0; i < n && i < TOP_RULES; i++)
		if (cost[i].id != NULL)
			printf("  %-24s %7.1f us  %4.1f%%\n", cost[i].id,
			    cost[i].us, 100.0 * cost[i].us / total);
	for (i = 0; i < n; i++)
		free(cost[i].id);
	free(cost);
	json_object_put(all);
}

int
main(int argc, char *argv[])
{
	struct json_object	*docs[NFIXTURES];
	struct ruleset		*set;
	const char		*pack;
	double			 t0, worst = 0, m;
	size_t			 i, ndocs = 0;
	int			 runs;

	log_init("bench-rules", 0, LOG_DEST_STDERR);
	pack = argc > 1 ? argv[1] :
	    TEST_SRCDIR "/../conf/rules/iso27001-2022-linux.json";
	runs = argc > 2 ? atoi(argv[2]) : 2000;
	if (runs < 1) {
		fprintf(stderr, "usage: bench-rules [PACK [RUNS]]\n");
		return 2;
	}
	t0 = wall_us();
	if ((set = load(pack)) == NULL)
		return 1;
	printf("bench-rules: %zu rules from %s; up to %d evaluations per "
	    "document (%.1f s each at most); target: the whole pack under "
	    "%.0f us per document\n", ruleset_rule_count(set), pack, runs,
	    BUDGET_US / 1e6, TARGET_US);
	bench_load(pack);
	for (i = 0; i < NFIXTURES; i++) {
		if ((docs[ndocs] = fixture_document(fixtures[i])) == NULL) {
			printf("%-26s cannot open the fixture\n", fixtures[i]);
			continue;
		}
		if ((m = bench_document(set, fixtures[i], docs[ndocs],
		    runs)) > worst)
			worst = m;
		ndocs++;
	}
	printf("%-26s worst median %.1f us per document: %s\n",
	    "whole pack", worst, worst < TARGET_US ? "within the target" :
	    "OVER THE TARGET");
	bench_rules(pack, docs, ndocs);
	for (i = 0; i < ndocs; i++)
		json_object_put(docs[i]);
	ruleset_free(set);
	printf("bench-rules: %.1f s in all\n", (wall_us() - t0) / 1e6);
	return 0;
}
