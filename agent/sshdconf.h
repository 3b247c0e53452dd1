/*
 * The effective sshd configuration of a host root, as the installed
 * OpenSSH would compute it at startup: sshd_config with its Includes,
 * sshd's first-value-wins and accumulation rules, Match blocks kept
 * apart, unset keywords filled with the installed version's compiled-in
 * defaults.  Parsed once per run and shared by the sshd and crypto
 * sections; the shape of the JSON it builds is documented in sshdconf.c.
 */
#ifndef EXHIBIT_SSHDCONF_H
#define EXHIBIT_SSHDCONF_H

#include <json-c/json.h>

struct section;
struct sshdconf;

/*
 * The configuration for this section's root, parsed on first use.  The
 * files it was built from (and any read error) are imported into s, and
 * so are the lines sshd would reject when with_config_errors is set (the
 * sshd section reports them; others only use the values).  Never NULL.
 */
const struct sshdconf	*sshdconf_get(struct section *s,
			    int with_config_errors);

/* The whole parse as an object ({"openssh_version", "config_read",
 * "effective", ...}); belongs to the sshdconf, copy before keeping. */
struct json_object	*sshdconf_json(const struct sshdconf *);

/* One effective keyword ({"value", "source"}, lowercase as sshd -T
 * prints it), or NULL when neither set nor defaulted. */
struct json_object	*sshdconf_effective(const struct sshdconf *,
			    const char *keyword);

/* sshd_config was read, and nothing in it or its Includes would stop
 * sshd from starting. */
int			 sshdconf_read(const struct sshdconf *);
int			 sshdconf_valid(const struct sshdconf *);

#endif
