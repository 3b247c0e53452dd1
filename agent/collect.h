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

int	collect_host(struct section *);		/* collect-host.c */
int	collect_packages(struct section *);	/* collect-packages.c */
int	collect_password_policy(struct section *); /* collect-password-policy.c */
int	collect_accounts(struct section *);	/* collect-accounts.c */
int	collect_sshd(struct section *);		/* collect-sshd.c */
int	collect_logging(struct section *);	/* collect-logging.c */
int	collect_time_sync(struct section *);	/* collect-time-sync.c */
int	collect_services(struct section *);	/* collect-services.c */
int	collect_firewall(struct section *);	/* collect-firewall.c */
int	collect_kernel(struct section *);	/* collect-kernel.c */
int	collect_file_permissions(struct section *); /* collect-file-permissions.c */
int	collect_crypto(struct section *);	/* collect-crypto.c */
int	collect_malware_integrity(struct section *); /* collect-malware-integrity.c */
int	collect_backup(struct section *);	/* collect-backup.c */

#endif
