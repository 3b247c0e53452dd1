/*
 * The metrics registry and its text rendering (Prometheus exposition
 * format 0.0.4): "# HELP", "# TYPE", then one "name{label="v"} value"
 * line per series; a histogram's buckets are cumulative and end with
 * le="+Inf", followed by _sum and _count.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>	/* isnan, isinf: macros, no libm */
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "xmalloc.h"

struct series {
	char		*lv;		/* the label's value; NULL: none */
	double		 value;
};

struct metric {
	enum metric_type	 type;
	char			*name;
	char			*help;
	char			*label;
	/* Sorted by label value: the output does not depend on the order
	 * things happened in. */
	struct series		*series;
	size_t			 nseries;
	/* Histograms. */
	double			*bounds;
	unsigned long long	*buckets;	/* per bound, not cumulative */
	unsigned long long	 count;
	size_t			 nbounds;
	double			 sum;
};

struct metrics {
	struct metric	**m;
	size_t		  n;
};

struct metrics *
metrics_new(void)
{
	return xcalloc(1, sizeof(struct metrics));
}

static void
metric_free(struct metric *m)
{
	metric_clear(m);
	free(m->series);
	free(m->name);
	free(m->help);
	free(m->label);
	free(m->bounds);
	free(m->buckets);
	free(m);
}

void
metrics_free(struct metrics *ms)
{
	size_t	i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->n; i++)
		metric_free(ms->m[i]);
	free(ms->m);
	free(ms);
}

struct metric *
metrics_add(struct metrics *ms, enum metric_type type, const char *name,
    const char *help, const char *label)
{
	struct metric	*m;

	m = xcalloc(1, sizeof(*m));
	m->type = type;
	m->name = xstrdup(name);
	m->help = xstrdup(help);
	m->label = label != NULL ? xstrdup(label) : NULL;
	ms->m = xreallocarray(ms->m, ms->n + 1, sizeof(*ms->m));
	ms->m[ms->n++] = m;
	return m;
}

struct metric *
metrics_add_histogram(struct metrics *ms, const char *name, const char *help,
    const double *bounds, size_t n)
{
	struct metric	*m;

	m = metrics_add(ms, METRIC_HISTOGRAM, name, help, NULL);
	m->bounds = xreallocarray(NULL, n ? n : 1, sizeof(*m->bounds));
	memcpy(m->bounds, bounds, n * sizeof(*bounds));
	m->buckets = xcalloc(n ? n : 1, sizeof(*m->buckets));
	m->nbounds = n;
	return m;
}

/* The series of label value lv, created at 0 in its sorted place. */
static struct series *
metric_series(struct metric *m, const char *lv)
{
	size_t	i;
	int	c = 1;

	for (i = 0; i < m->nseries; i++) {
		if (lv == NULL || m->series[i].lv == NULL)
			c = (lv != NULL) - (m->series[i].lv != NULL);
		else
			c = strcmp(lv, m->series[i].lv);
		if (c <= 0)
			break;
	}
	if (i < m->nseries && c == 0)
		return &m->series[i];
	m->series = xreallocarray(m->series, m->nseries + 1,
	    sizeof(*m->series));
	memmove(&m->series[i + 1], &m->series[i],
	    (m->nseries - i) * sizeof(*m->series));
	m->nseries++;
	m->series[i].lv = lv != NULL ? xstrdup(lv) : NULL;
	m->series[i].value = 0;
	return &m->series[i];
}

void
metric_inc(struct metric *m, const char *lv, double v)
{
	metric_series(m, lv)->value += v;
}

void
metric_set(struct metric *m, const char *lv, double v)
{
	metric_series(m, lv)->value = v;
}

void
metric_clear(struct metric *m)
{
	size_t	i;

	for (i = 0; i < m->nseries; i++)
		free(m->series[i].lv);
	m->nseries = 0;
}

void
metric_observe(struct metric *m, double v)
{
	size_t	i;

	/* Buckets hold "less than or equal": the first bound >= v. */
	for (i = 0; i < m->nbounds; i++)
		if (v <= m->bounds[i]) {
			m->buckets[i]++;
			break;
		}
	m->count++;
	m->sum += v;
}

double
metrics_now(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
metrics_format_value(double v, char *buf, size_t len)
{
	int	prec;

	if (isnan(v)) {
		snprintf(buf, len, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, len, "%s", v > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* Integers (counts, sizes) print whole, without an exponent; the
	 * range check keeps the cast defined (and libm out). */
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v) {
		snprintf(buf, len, "%.0f", v);
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, len, "%.17g", v);
}

/* HELP text escapes backslash and newline; label values also '"'. */
static void
metrics_escape(FILE *f, const char *s, int quote)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' && quote)
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

static void
metrics_sample(FILE *f, const char *name, const char *suffix,
    const char *label, const char *lv, double v)
{
	char	num[64];

	fprintf(f, "%s%s", name, suffix);
	if (label != NULL && lv != NULL) {
		fprintf(f, "{%s=\"", label);
		metrics_escape(f, lv, 1);
		fputs("\"}", f);
	}
	metrics_format_value(v, num, sizeof(num));
	fprintf(f, " %s\n", num);
}

static const char *
metrics_type_name(enum metric_type t)
{
	switch (t) {
	case METRIC_COUNTER: return "counter";
	case METRIC_GAUGE: return "gauge";
	case METRIC_HISTOGRAM: return "histogram";
	}
	return "untyped";
}

static void
metrics_render_one(FILE *f, const struct metric *m)
{
	unsigned long long	 cum = 0;
	char			 le[64];
	size_t			 i;

	fprintf(f, "# HELP %s ", m->name);
	metrics_escape(f, m->help, 0);
	fprintf(f, "\n# TYPE %s %s\n", m->name, metrics_type_name(m->type));
	if (m->type != METRIC_HISTOGRAM) {
		for (i = 0; i < m->nseries; i++)
			metrics_sample(f, m->name, "", m->label,
			    m->series[i].lv, m->series[i].value);
		return;
	}
	for (i = 0; i < m->nbounds; i++) {
		cum += m->buckets[i];
		metrics_format_value(m->bounds[i], le, sizeof(le));
		metrics_sample(f, m->name, "_bucket", "le", le, (double)cum);
	}
	metrics_sample(f, m->name, "_bucket", "le", "+Inf", (double)m->count);
	metrics_sample(f, m->name, "_sum", NULL, NULL, m->sum);
	metrics_sample(f, m->name, "_count", NULL, NULL, (double)m->count);
}

char *
metrics_render(const struct metrics *ms, size_t *len)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 size = 0, i;

	if ((f = open_memstream(&buf, &size)) == NULL)
		fatal("open_memstream");
	for (i = 0; i < ms->n; i++)
		metrics_render_one(f, ms->m[i]);
	if (fclose(f) != 0)
		fatal("open_memstream");
	if (buf == NULL)
		buf = xstrdup("");
	*len = size;
	return buf;
}
