/*
 * systemd unit states read from the file system as systemctl would
 * derive them: enablement symlinks in *.wants/ and *.requires/, masks
 * (links to /dev/null), aliases, unit files and presets.  Scanned once per
 * collection run and shared by the collectors that ask "is X enabled?".
 */
#ifndef EXHIBIT_UNITS_H
#define EXHIBIT_UNITS_H

#include <stddef.h>

struct section;
struct units;

struct unit_state {
	const char	*name;		/* the unit asked for, after aliases */
	const char	*path;		/* its unit file (in-root), or NULL */
	int		 masked;
	int		 enabled;	/* wanted or required by some unit */
	const char	*wanted_by;	/* first such unit, sorted */
	const char	*preset;	/* "enable"/"disable", NULL: no rule */
};

/* The unit states of this section's root; records sources in s. */
const struct units *units_get(struct section *);

/*
 * State of one unit ("ssh.service", "sshd.service" (an alias),
 * "getty@.service" (enabled when any instance is)).  Returns 0 and fills
 * st when the unit is known (a unit file, a mask or an enablement link
 * exists), -1 when systemd would not know it.
 */
int	units_state(const struct units *, const char *name,
	    struct unit_state *st);

/* Every enabled unit, sorted; the array belongs to the units. */
const char *const *units_enabled(const struct units *, size_t *count);

/* Every masked unit, sorted. */
const char *const *units_masked(const struct units *, size_t *count);

#endif
