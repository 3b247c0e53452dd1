/*
 * The collectors: one per evidence section, one file each
 * (agent/collect-NAME.c), all listed in the table in evidence.c.
 */
#ifndef EXHIBIT_COLLECT_H
#define EXHIBIT_COLLECT_H

struct section;

struct collector {
	const char	*name;		/* the section's name in the evidence */
	const char	*summary;	/* one line for --help */
	/* Fill the section through section_*(); problems go to
	 * section_error().  Never fails as a whole: what could not be read
	 * is simply not in the data. */
	int		(*collect)(struct section *);
};

int	collect_host(struct section *);

#endif
