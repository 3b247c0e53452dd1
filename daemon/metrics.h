/*
 * A small registry of counters, gauges and histograms, rendered in the
 * Prometheus text exposition format 0.0.4 for GET /metrics.
 *
 * A family has a name, help text, a type and at most one label; its
 * series are told apart by that label's value.  Histograms have fixed
 * bucket bounds and no label.  The registry is not locked: it belongs
 * to the event loop's thread (work timed on other threads hands its
 * duration back to the loop, which observes it).
 */
#ifndef EXHIBIT_METRICS_H
#define EXHIBIT_METRICS_H

#include <stddef.h>

enum metric_type {
	METRIC_COUNTER,
	METRIC_GAUGE,
	METRIC_HISTOGRAM,
};

struct metrics;
struct metric;

struct metrics	*metrics_new(void);
void		 metrics_free(struct metrics *);

/* A family, rendered in the order added.  label: the name of its one
 * label, or NULL.  Names are not checked: they are the program's own. */
struct metric	*metrics_add(struct metrics *, enum metric_type,
		    const char *name, const char *help, const char *label);
/* A histogram with n upper bounds, ascending (+Inf is implied). */
struct metric	*metrics_add_histogram(struct metrics *, const char *name,
		    const char *help, const double *bounds, size_t n);

/* Counters: add v (>= 0) to the series of label value lv (NULL when the
 * family has no label), creating it at 0. */
void		 metric_inc(struct metric *, const char *lv, double v);
/* Gauges: set the series. */
void		 metric_set(struct metric *, const char *lv, double v);
/* Gauges filled at scrape time: forget every series first, so that a
 * value gone from the source (a drift kind with nothing open) goes. */
void		 metric_clear(struct metric *);
/* Histograms: one observation. */
void		 metric_observe(struct metric *, double v);

/* CLOCK_MONOTONIC in seconds, for durations. */
double		 metrics_now(void);

/* The exposition text (allocated, NUL-terminated); *len its length. */
char		*metrics_render(const struct metrics *, size_t *len);

/* A sample value as the format writes it: shortest text that reads
 * back the same double, "+Inf", "-Inf", "NaN". */
void		 metrics_format_value(double, char *buf, size_t len);

#endif
