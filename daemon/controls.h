/*
 * The catalogues of controls rules may cite: ISO/IEC 27001:2022 Annex A
 * (93 controls) and ISO/IEC 27001:2013 Annex A (114), with the titles of
 * the standards' Annex A tables.  The rule engine checks a pack's control
 * ids against them; reports show the titles.
 */
#ifndef EXHIBIT_CONTROLS_H
#define EXHIBIT_CONTROLS_H

#include <stddef.h>

#define CONTROLS_ISO27001_2022	"iso27001:2022"
#define CONTROLS_ISO27001_2013	"iso27001:2013"

struct control {
	const char	*framework;	/* "iso27001:2022" or "iso27001:2013" */
	const char	*id;		/* "A.5.17", "A.9.4.3" */
	const char	*title;		/* "Authentication information" */
	const char	*theme;		/* 2022: "Organizational", "People",
					 * "Physical", "Technological"; 2013:
					 * the clause title, e.g. "Access
					 * control" */
};

/* Whether framework names a catalogue; NULL names none. */
int	controls_framework_known(const char *framework);

/* The control with exactly this id ("A.5.17": no other spelling),
 * or NULL when the framework or the id is unknown. */
const struct control *controls_find(const char *framework, const char *id);

/* Number of controls in the framework; 0 when it is unknown. */
size_t	controls_count(const char *framework);

/* The i-th control in catalogue order, the standard's own: numeric, so
 * A.5.9 comes before A.5.10.  NULL past the end or for an unknown
 * framework. */
const struct control *controls_at(const char *framework, size_t i);

#endif
