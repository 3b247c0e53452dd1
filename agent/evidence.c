/*
 * Building the evidence document.  Key order is fixed by the code, never
 * by the host, so an unchanged host serialises to the same bytes apart
 * from collected_at (and uptime on the live host).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "evidence.h"
#include "fileio.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "log.h"
#include "section.h"
#include "timefmt.h"
#include "xmalloc.h"

#include <json-c/printbuf.h>

static const struct collector collectors[] = {
	{ "host", "host name, machine id, OS release, kernel, architecture",
	    collect_host },
	{ "packages", "installed packages, pending and security upgrades, "
	    "reboot and kernel state, automatic updates", collect_packages },
	{ "password_policy", "login.defs, pwquality, faillock, pam_unix, "
	    "account aging (never the hashes)", collect_password_policy },
	{ "accounts", "uid 0, login shells, empty passwords, effective "
	    "sudoers, privileged groups, authorized_keys fingerprints",
	    collect_accounts },
	{ "sshd", "effective sshd configuration (Include, first value "
	    "wins, Match blocks, defaults of the installed OpenSSH)",
	    collect_sshd },
	{ "logging", "journald, rsyslog and its remote targets, auditd "
	    "rules, logrotate retention", collect_logging },
	{ "time_sync", "chrony, systemd-timesyncd, ntpd: which runs, its "
	    "servers", collect_time_sync },
	{ "services", "enabled and masked systemd units, the state of the "
	    "units that matter for audit", collect_services },
	{ "firewall", "nftables, iptables-persistent, ufw, firewalld",
	    collect_firewall },
	{ "kernel", "sysctl settings with systemd's precedence, module "
	    "blacklists, mount options", collect_kernel },
	{ "file_permissions", "modes and owners of sensitive files, "
	    "world-writable files under /etc", collect_file_permissions },
	{ "crypto", "sshd algorithms, system crypto policy, FIPS mode, "
	    "OpenSSL defaults", collect_crypto },
	{ "malware_integrity", "antivirus and EDR, ClamAV signatures, AIDE",
	    collect_malware_integrity },
	{ "backup", "backup tools installed and scheduled", collect_backup },
};
#define NCOLLECTORS	(sizeof(collectors) / sizeof(collectors[0]))

const struct collector *
evidence_collectors(size_t *count)
{
	*count = NCOLLECTORS;
	return collectors;
}

const struct collector *
evidence_collector(const char *name)
{
	size_t	i;

	for (i = 0; i < NCOLLECTORS; i++) {
		if (strcmp(collectors[i].name, name) == 0)
			return &collectors[i];
	}
	return NULL;
}

static int
evidence_wanted(const char *name, const char *const *only, size_t nonly)
{
	size_t	i;

	/* The host section names the document's host: always collected. */
	if (nonly == 0 || strcmp(name, "host") == 0)
		return 1;
	for (i = 0; i < nonly; i++) {
		if (strcmp(only[i], name) == 0)
			return 1;
	}
	return 0;
}

/* Copy one member of the host section's data into the summary. */
static void
evidence_copy(struct json_object *to, const char *key,
    struct json_object *from, const char *fromkey)
{
	struct json_object	*v;

	if (from != NULL && json_object_object_get_ex(from, fromkey, &v))
		jsonutil_set(to, key, json_object_get(v));
}

/*
 * The top-level "host" summary names the host for people and indexes;
 * the host section stays the evidence.  Uptime changes every second, so it
 * lives here and not in a section, whose digest must only change when the
 * host does.
 */
static struct json_object *
evidence_host_summary(struct hostroot *root, struct json_object *hostdata)
{
	struct json_object	*h, *kernel = NULL;
	char			*buf;
	size_t			 len;
	double			 up;

	h = json_object_new_object();
	evidence_copy(h, "hostname", hostdata, "hostname");
	evidence_copy(h, "machine_id", hostdata, "machine_id");
	evidence_copy(h, "os", hostdata, "os");
	if (hostdata != NULL)
		json_object_object_get_ex(hostdata, "kernel", &kernel);
	evidence_copy(h, "kernel", kernel, "release");
	evidence_copy(h, "arch", hostdata, "arch");
	if (hostroot_is_live(root) &&
	    fileio_read_path("/proc/uptime", 128, &buf, &len) == 0) {
		if (sscanf(buf, "%lf", &up) == 1 && up >= 0)
			jsonutil_set_int64(h, "uptime_seconds", (int64_t)up);
		free(buf);
	}
	return h;
}

char *
evidence_collect(struct hostroot *root, const char *const *only, size_t nonly)
{
	return evidence_build(root, only, nonly, NULL);
}

/*
 * Replace a full section by a reference when the daemon holds its digest;
 * otherwise hand it to the caller's cache.  Returns the text to send.
 */
static char *
evidence_section_ref(struct evidence_head *head, const char *name, char *sec)
{
	static const char	 prefix[] = "{\"digest\":\"";
	char			 digest[EVIDENCE_DIGEST_LEN], *ref;
	uint64_t		 since;

	if (head == NULL)
		return sec;
	/* section_finish() starts every section with its digest. */
	if (strncmp(sec, prefix, sizeof(prefix) - 1) != 0 ||
	    strlen(sec) < sizeof(prefix) - 1 + sizeof(digest))
		fatalx("evidence: section %s does not start with its digest",
		    name);
	memcpy(digest, sec + sizeof(prefix) - 1, sizeof(digest) - 1);
	digest[sizeof(digest) - 1] = '\0';
	if (head->acked != NULL &&
	    head->acked(head->arg, name, digest, &since)) {
		ref = xasprintf("{\"digest\":\"%s\",\"unchanged_since\":%"
		    PRIu64 "}", digest, since);
		free(sec);
		head->nrefs++;
		return ref;
	}
	if (head->full != NULL)
		head->full(head->arg, name, digest, sec);
	head->nfull++;
	return sec;
}

char *
evidence_build(struct hostroot *root, const char *const *only, size_t nonly,
    struct evidence_head *eh)
{
	struct json_object	*head, *errors, *hostdata = NULL, *summary;
	struct printbuf		*body;
	struct section		*s;
	const char		*text;
	char			 now[TIMEFMT_RFC3339_LEN], *sec, *out, err[128];
	size_t			 i, n = 0;

	if (eh != NULL)
		eh->nfull = eh->nrefs = 0;
	body = printbuf_new();
	errors = json_object_new_array();
	for (i = 0; i < NCOLLECTORS; i++) {
		if (!evidence_wanted(collectors[i].name, only, nonly))
			continue;
		s = section_new(collectors[i].name, root);
		collectors[i].collect(s);
		sec = section_finish(s, errors);
		section_free(s);
		/* The summary needs the host section's values: parse back
		 * that one small section. */
		if (strcmp(collectors[i].name, "host") == 0)
			hostdata = jsonutil_parse(sec, strlen(sec), err,
			    sizeof(err));
		sec = evidence_section_ref(eh, collectors[i].name, sec);
		/* Section names are identifiers: no escaping needed. */
		sprintbuf(body, "%s\"%s\":", n++ ? "," : "",
		    collectors[i].name);
		printbuf_memappend(body, sec, (int)strlen(sec));
		free(sec);
	}

	head = json_object_new_object();
	jsonutil_set_string(head, "schema", EVIDENCE_SCHEMA);
	if (eh != NULL && eh->agent_id != NULL) {
		jsonutil_set_string(head, "agent_id", eh->agent_id);
		jsonutil_set_int64(head, "seq", (int64_t)eh->seq);
	}
	jsonutil_set_string(head, "collected_at",
	    timefmt_rfc3339(timefmt_now(), now, sizeof(now)));
	jsonutil_set_string(head, "agent_version", PACKAGE_VERSION);
	summary = evidence_host_summary(root, hostdata != NULL ?
	    json_object_object_get(hostdata, "data") : NULL);
	jsonutil_set(head, "host", summary);
	text = jsonutil_to_string(head, 0);
	/* head is {"schema", ..., "host"}: reopen it for sections, errors. */
	out = xasprintf("%.*s,\"sections\":{%s},\"errors\":%s}",
	    (int)strlen(text) - 1, text, body->buf != NULL ? body->buf : "",
	    jsonutil_to_string(errors, 0));
	json_object_put(head);
	json_object_put(hostdata);
	json_object_put(errors);
	printbuf_free(body);
	return out;
}
