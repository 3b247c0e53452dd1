/*
 * The auditor's report: the stored results at one time, per ISO
 * 27001:2022 control, as one self-contained HTML page or as CSV.  It is
 * written from the views findings.c gives (hosts, controls, findings),
 * never from the store, so it says what the API and exhibitctl say.
 *
 * Everything in it that came from evidence or rules is escaped: hosts
 * choose their hostnames and file contents, so a report is as hostile
 * as the evidence it shows.
 */
#ifndef EXHIBIT_REPORT_H
#define EXHIBIT_REPORT_H

#include <stdio.h>
#include <time.h>

struct json_object;

struct report {
	time_t			 generated_at;
	time_t			 at;		/* the state reported */
	struct json_object	*hosts;		/* findings_hosts() */
	struct json_object	*controls;	/* findings_controls() */
	struct json_object	*findings;	/* findings_list() */
};

/*
 * s as HTML text or attribute value: & < > " ' as character references,
 * control characters other than tab, CR and LF as "\xHH", and bytes that
 * are not UTF-8 as "\xHH" too.  NULL writes nothing.
 */
void	report_html_escape(FILE *, const char *s);

/*
 * s as one RFC 4180 field: quoted when it holds a comma, a quote, CR or
 * LF, quotes doubled.  A field starting with = + - @, tab or CR gets a
 * leading "'" so that spreadsheets show it instead of evaluating it as a
 * formula.  Bytes that are not UTF-8 become "\xHH".  NULL is an empty
 * field.
 */
void	report_csv_field(FILE *, const char *s);

/* The report in each format: 0, or -1 when writing failed. */
int	report_html(FILE *, const struct report *);
int	report_csv(FILE *, const struct report *);

#endif
