/*
 * The effective sshd configuration, computed the way sshd itself does at
 * startup (OpenSSH servconf.c, versions 8.5 to 9.8: Debian 12 ships 9.2p1,
 * RHEL 9 8.7p1, Alpine 3.18+ 9.3p2 and later), so that what the evidence
 * says is what the daemon enforces.
 *
 * Lines: sshd strips leading blanks and CRs and trailing whitespace; the
 * keyword ends at a blank or at one "=" ("Port=22", "Port = 22"); the
 * keyword is case-insensitive; the arguments are split like a shell word
 * list ("double" or 'single' quotes, backslash escapes) and a "#" at the
 * start of an argument ends the line.  Unknown keywords, bad values,
 * unterminated quotes, extra arguments and global-only keywords inside a
 * Match block make sshd refuse to start: each is an error here (with
 * "path:line:"), the keyword's value is left out (no default either) and
 * config_valid is false.
 *
 * Duplicates: for most keywords the first value sshd reads wins.  These
 * accumulate every value of every line, in reading order (the same in
 * 8.7 and 9.2): Port, ListenAddress, HostKey, HostCertificate, Subsystem
 * (a name defined twice is an error), AcceptEnv, AllowUsers, DenyUsers,
 * AllowGroups, DenyGroups.  These take all the arguments of their first
 * line only: AuthorizedKeysFile, AuthenticationMethods, SetEnv,
 * PermitOpen, PermitListen, LogVerbose, PubkeyAuthOptions, ChannelTimeout.
 * These are overwritten by every line, so the last wins: MaxStartups,
 * PerSourceMaxStartups, PerSourceNetBlockSize, IPQoS, FingerprintHash,
 * StreamLocalBindMask.
 *
 * Include: each argument is a glob(3) pattern, relative ones relative to
 * /etc/ssh; matches are read in strcmp order, "*" does not match a
 * leading "."; a pattern matching nothing is not an error.  Globbing is
 * done here over section_list_dir() so that every path stays inside the
 * root.  Includes nest at most 16 deep like sshd's; a file that includes
 * itself, directly or not, is an error (sshd dies of the depth limit).
 *
 * Match: a Match line starts a block that lasts until the next Match
 * line or the end of the file it is in (sshd restores the Match state
 * after every Include).  An Include inside a Match block belongs to that
 * block: the included file's lines before its own first Match are the
 * block's, and its own Match blocks apply only when the outer one does
 * (their outer criteria are listed).  "Match all" returns to the global
 * configuration.  Blocks are reported apart and never change the global
 * view.
 *
 * Defaults: the installed openssh-server's version comes from the package
 * database (dpkg, rpm or apk through pkgdb); unset keywords take the
 * compiled-in defaults of that version when it is one of the tables below
 * (8.5-8.7, 8.8-8.9, 9.0-9.8), and stay absent otherwise.  Distribution
 * differences are in their sshd_config files, not in compiled defaults:
 * Debian's file sets KbdInteractiveAuthentication no, UsePAM yes,
 * X11Forwarding yes, PrintMotd no, AcceptEnv LANG LC_*, Subsystem sftp;
 * RHEL's 50-redhat.conf drop-in sets SyslogFacility AUTHPRIV, UsePAM yes,
 * X11Forwarding yes, PrintMotd no and includes the crypto-policies
 * back-end (Ciphers, MACs, KexAlgorithms...).
 *
 * Values are normalised as "sshd -T" prints them: keywords lowercase with
 * aliases resolved (challengeresponseauthentication is
 * kbdinteractiveauthentication), yes/no words lowercase,
 * "without-password" as prohibit-password, LogLevel and SyslogFacility
 * uppercase, times and counts as integers (seconds), MaxStartups as
 * "begin:rate:full".  Algorithm lists are resolved against the version's
 * defaults ("+x" appends, "-x" removes, "^x" prepends; wildcards are
 * expanded for Ciphers, MACs and KexAlgorithms; a wildcard in a key
 * algorithm list leaves the value out) and kept as arrays.
 *
 * The object sshdconf_json() returns (the sshd section's data):
 *   openssh_version	"9.2p1" (upstream part of the package version)
 *   openssh_package	{"name", "version"} as the package database says
 *   defaults_table	"9.0-9.8": which compiled-in defaults were used
 *   config_read	bool: /etc/ssh/sshd_config was read
 *   config_valid	bool: sshd would accept the configuration
 *   files		[path]: files parsed, in first-reading order
 *   includes		[{"pattern", "source", "files": [path]}]
 *   effective		{keyword: {"value", "source"}} sorted by keyword;
 *			source is "default" or "path:line"; for the
 *			accumulating keywords value and source are arrays
 *			of the same length; algorithm lists also carry
 *			"spec", the text as written
 *   match_blocks	[{"criteria", "outer_criteria" (nested only),
 *			  "source", "settings": {keyword: {"value",
 *			  "source"}}}] in file order
 *   ignored		[{"keyword", "source", "reason"}]: deprecated or
 *			unsupported keywords sshd skips
 *
 * Size: a list keyword with more than 10000 values, or more than 10000
 * Match blocks, is left out whole (with an error) rather than reported in
 * part, which could let a rule pass on what it cannot see.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hostroot.h"
#include "jsonutil.h"
#include "pkgdb.h"
#include "section.h"
#include "sshdconf.h"
#include "xmalloc.h"

#define SC_CONFIG	"/etc/ssh/sshd_config"
#define SC_SSHDIR	"/etc/ssh"
#define SC_MAX_DEPTH	16	/* SERVCONF_MAX_DEPTH */
#define SC_MAX_GLOB	4096	/* matches per Include pattern */
#define SC_MAX_GLOBDIRS	4096	/* directories listed per pattern */
#define SC_MAX_PORTS	256	/* MAX_PORTS */
#define SC_MAX_SUBSYS	256	/* MAX_SUBSYSTEMS */
#define SC_MAX_LIST	10000	/* values of one list keyword reported */
#define SC_MAX_BLOCKS	10000	/* Match blocks reported */
#define SC_WS		" \t\r\n"

enum sc_kind {
	K_FLAG,		/* yes | no */
	K_MULTI,	/* one word of a fixed set */
	K_INT,		/* 0..INT_MAX */
	K_TIME,		/* sshd time format, as seconds */
	K_STR,		/* one argument */
	K_REST,		/* the rest of the line as written */
	K_WORDS,	/* 1..maxargs arguments, joined by a space */
	K_ALGS,		/* algorithm list with +/-/^ */
	K_ARGS_FIRST,	/* all arguments of the first line */
	K_ARGS_ACC,	/* all arguments of every line */
	K_ONE_ACC,	/* one argument per line, every line */
	K_PORT,		/* a port per line, every line */
	K_LISTEN,	/* address [rdomain name], every line */
	K_SUBSYSTEM,	/* name command [args], every line */
	K_LAST,		/* 1..maxargs arguments, last line wins */
	K_MAXSTARTUPS,	/* begin[:rate:full], last line wins */
	K_UNUSEDTIMEOUT,/* "none" or a time */
	K_INCLUDE,
	K_MATCH,
	K_DEPRECATED,
	K_UNSUPPORTED,
	K_IGNORE,
};

enum sc_alg {
	A_NONE, A_CIPHER, A_MAC, A_KEX, A_KEY, A_SIG,
};

struct sc_word {
	const char	*word;
	const char	*canon;
};

struct sc_keyword {
	const char		*name;		/* lowercase, as written */
	const char		*canon;		/* as sshd -T prints it */
	enum sc_kind		 kind;
	int			 in_match;	/* allowed in a Match block */
	const struct sc_word	*words;		/* K_MULTI */
	int			 arg;		/* K_WORDS/K_LAST: max args;
						 * K_ALGS: enum sc_alg;
						 * K_MULTI: case-sensitive */
};

static const struct sc_word sc_flag[] = {
	{ "yes", "yes" }, { "no", "no" }, { NULL, NULL }
};
static const struct sc_word sc_ignorerhosts[] = {
	{ "yes", "yes" }, { "no", "no" }, { "shosts-only", "shosts-only" },
	{ NULL, NULL }
};
static const struct sc_word sc_addressfamily[] = {
	{ "inet", "inet" }, { "inet6", "inet6" }, { "any", "any" },
	{ NULL, NULL }
};
static const struct sc_word sc_permitrootlogin[] = {
	{ "without-password", "prohibit-password" },
	{ "prohibit-password", "prohibit-password" },
	{ "forced-commands-only", "forced-commands-only" },
	{ "yes", "yes" }, { "no", "no" }, { NULL, NULL }
};
static const struct sc_word sc_compression[] = {
	{ "yes", "yes" }, { "delayed", "yes" }, { "no", "no" }, { NULL, NULL }
};
static const struct sc_word sc_gatewayports[] = {
	{ "clientspecified", "clientspecified" }, { "yes", "yes" },
	{ "no", "no" }, { NULL, NULL }
};
static const struct sc_word sc_tcpfwd[] = {
	{ "yes", "yes" }, { "all", "yes" }, { "no", "no" },
	{ "remote", "remote" }, { "local", "local" }, { NULL, NULL }
};
static const struct sc_word sc_tunnel[] = {
	{ "no", "no" }, { "point-to-point", "point-to-point" },
	{ "ethernet", "ethernet" }, { "yes", "yes" }, { NULL, NULL }
};
static const struct sc_word sc_loglevel[] = {
	{ "quiet", "QUIET" }, { "fatal", "FATAL" }, { "error", "ERROR" },
	{ "info", "INFO" }, { "verbose", "VERBOSE" }, { "debug", "DEBUG" },
	{ "debug1", "DEBUG" }, { "debug2", "DEBUG2" }, { "debug3", "DEBUG3" },
	{ NULL, NULL }
};
static const struct sc_word sc_facility[] = {
	{ "daemon", "DAEMON" }, { "user", "USER" }, { "auth", "AUTH" },
	{ "authpriv", "AUTHPRIV" }, { "local0", "LOCAL0" },
	{ "local1", "LOCAL1" }, { "local2", "LOCAL2" }, { "local3", "LOCAL3" },
	{ "local4", "LOCAL4" }, { "local5", "LOCAL5" }, { "local6", "LOCAL6" },
	{ "local7", "LOCAL7" }, { NULL, NULL }
};
static const struct sc_word sc_fphash[] = {
	{ "md5", "MD5" }, { "sha256", "SHA256" }, { NULL, NULL }
};

#define G	0
#define M	1
/*
 * Upstream's keyword table (servconf.c) with its Match permissions, plus
 * the keywords of Debian's and RHEL's patches (GSSAPI key exchange,
 * DebianBanner, Kerberos kuserok), so a vendor keyword is not mistaken
 * for a bad one.
 */
static const struct sc_keyword sc_keywords[] = {
	{ "acceptenv", "acceptenv", K_ARGS_ACC, M, NULL, 0 },
	{ "addressfamily", "addressfamily", K_MULTI, G, sc_addressfamily, 0 },
	{ "afstokenpassing", "afstokenpassing", K_UNSUPPORTED, G, NULL, 0 },
	{ "allowagentforwarding", "allowagentforwarding", K_FLAG, M, sc_flag, 0 },
	{ "allowgroups", "allowgroups", K_ARGS_ACC, M, NULL, 0 },
	{ "allowstreamlocalforwarding", "allowstreamlocalforwarding", K_MULTI, M, sc_tcpfwd, 0 },
	{ "allowtcpforwarding", "allowtcpforwarding", K_MULTI, M, sc_tcpfwd, 0 },
	{ "allowusers", "allowusers", K_ARGS_ACC, M, NULL, 0 },
	{ "authenticationmethods", "authenticationmethods", K_ARGS_FIRST, M, NULL, 0 },
	{ "authorizedkeyscommand", "authorizedkeyscommand", K_REST, M, NULL, 0 },
	{ "authorizedkeyscommanduser", "authorizedkeyscommanduser", K_STR, M, NULL, 0 },
	{ "authorizedkeysfile", "authorizedkeysfile", K_ARGS_FIRST, M, NULL, 0 },
	{ "authorizedkeysfile2", "authorizedkeysfile2", K_DEPRECATED, M, NULL, 0 },
	{ "authorizedprincipalscommand", "authorizedprincipalscommand", K_REST, M, NULL, 0 },
	{ "authorizedprincipalscommanduser", "authorizedprincipalscommanduser", K_STR, M, NULL, 0 },
	{ "authorizedprincipalsfile", "authorizedprincipalsfile", K_STR, M, NULL, 0 },
	{ "banner", "banner", K_STR, M, NULL, 0 },
	{ "casignaturealgorithms", "casignaturealgorithms", K_ALGS, M, NULL, A_SIG },
	{ "challengeresponseauthentication", "kbdinteractiveauthentication", K_FLAG, M, sc_flag, 0 },
	{ "channeltimeout", "channeltimeout", K_ARGS_FIRST, M, NULL, 0 },
	{ "checkmail", "checkmail", K_DEPRECATED, G, NULL, 0 },
	{ "chrootdirectory", "chrootdirectory", K_STR, M, NULL, 0 },
	{ "ciphers", "ciphers", K_ALGS, G, NULL, A_CIPHER },
	{ "clientalivecountmax", "clientalivecountmax", K_INT, M, NULL, 0 },
	{ "clientaliveinterval", "clientaliveinterval", K_TIME, M, NULL, 0 },
	{ "compression", "compression", K_MULTI, G, sc_compression, 0 },
	{ "debianbanner", "debianbanner", K_FLAG, G, sc_flag, 0 },
	{ "denygroups", "denygroups", K_ARGS_ACC, M, NULL, 0 },
	{ "denyusers", "denyusers", K_ARGS_ACC, M, NULL, 0 },
	{ "disableforwarding", "disableforwarding", K_FLAG, M, sc_flag, 0 },
	{ "dsaauthentication", "pubkeyauthentication", K_FLAG, G, sc_flag, 0 },
	{ "exposeauthinfo", "exposeauthinfo", K_FLAG, M, sc_flag, 0 },
	{ "fingerprinthash", "fingerprinthash", K_LAST, G, sc_fphash, 1 },
	{ "forcecommand", "forcecommand", K_REST, M, NULL, 0 },
	{ "gatewayports", "gatewayports", K_MULTI, M, sc_gatewayports, 0 },
	{ "gssapiauthentication", "gssapiauthentication", K_FLAG, M, sc_flag, 0 },
	{ "gssapicleanupcredentials", "gssapicleanupcredentials", K_FLAG, G, sc_flag, 0 },
	{ "gssapienablek5users", "gssapienablek5users", K_FLAG, M, sc_flag, 0 },
	{ "gssapikexalgorithms", "gssapikexalgorithms", K_STR, M, NULL, 0 },
	{ "gssapikeyexchange", "gssapikeyexchange", K_FLAG, M, sc_flag, 0 },
	{ "gssapistorecredentialsonrekey", "gssapistorecredentialsonrekey", K_FLAG, M, sc_flag, 0 },
	{ "gssapistrictacceptorcheck", "gssapistrictacceptorcheck", K_FLAG, G, sc_flag, 0 },
	{ "hostbasedacceptedalgorithms", "hostbasedacceptedalgorithms", K_ALGS, M, NULL, A_KEY },
	{ "hostbasedacceptedkeytypes", "hostbasedacceptedalgorithms", K_ALGS, M, NULL, A_KEY },
	{ "hostbasedauthentication", "hostbasedauthentication", K_FLAG, M, sc_flag, 0 },
	{ "hostbasedusesnamefrompacketonly", "hostbasedusesnamefrompacketonly", K_FLAG, M, sc_flag, 0 },
	{ "hostcertificate", "hostcertificate", K_ONE_ACC, G, NULL, 0 },
	{ "hostdsakey", "hostkey", K_ONE_ACC, G, NULL, 0 },
	{ "hostkey", "hostkey", K_ONE_ACC, G, NULL, 0 },
	{ "hostkeyagent", "hostkeyagent", K_STR, G, NULL, 0 },
	{ "hostkeyalgorithms", "hostkeyalgorithms", K_ALGS, G, NULL, A_KEY },
	{ "ignorerhosts", "ignorerhosts", K_MULTI, M, sc_ignorerhosts, 0 },
	{ "ignoreuserknownhosts", "ignoreuserknownhosts", K_FLAG, G, sc_flag, 0 },
	{ "include", "include", K_INCLUDE, M, NULL, 0 },
	{ "ipqos", "ipqos", K_LAST, M, NULL, 2 },
	{ "kbdinteractiveauthentication", "kbdinteractiveauthentication", K_FLAG, M, sc_flag, 0 },
	{ "keepalive", "tcpkeepalive", K_FLAG, G, sc_flag, 0 },
	{ "kerberosauthentication", "kerberosauthentication", K_FLAG, M, sc_flag, 0 },
	{ "kerberosgetafstoken", "kerberosgetafstoken", K_UNSUPPORTED, G, NULL, 0 },
	{ "kerberosorlocalpasswd", "kerberosorlocalpasswd", K_FLAG, G, sc_flag, 0 },
	{ "kerberostgtpassing", "kerberostgtpassing", K_UNSUPPORTED, G, NULL, 0 },
	{ "kerberosticketcleanup", "kerberosticketcleanup", K_FLAG, G, sc_flag, 0 },
	{ "kerberosuniqueccache", "kerberosuniqueccache", K_FLAG, M, sc_flag, 0 },
	{ "kerberosusekuserok", "kerberosusekuserok", K_FLAG, M, sc_flag, 0 },
	{ "kexalgorithms", "kexalgorithms", K_ALGS, G, NULL, A_KEX },
	{ "keyregenerationinterval", "keyregenerationinterval", K_DEPRECATED, G, NULL, 0 },
	{ "listenaddress", "listenaddress", K_LISTEN, G, NULL, 0 },
	{ "logingracetime", "logingracetime", K_TIME, G, NULL, 0 },
	{ "loglevel", "loglevel", K_MULTI, M, sc_loglevel, 0 },
	{ "logverbose", "logverbose", K_ARGS_FIRST, M, NULL, 0 },
	{ "macs", "macs", K_ALGS, G, NULL, A_MAC },
	{ "match", "match", K_MATCH, M, NULL, 0 },
	{ "maxauthtries", "maxauthtries", K_INT, M, NULL, 0 },
	{ "maxsessions", "maxsessions", K_INT, M, NULL, 0 },
	{ "maxstartups", "maxstartups", K_MAXSTARTUPS, G, NULL, 0 },
	{ "modulifile", "modulifile", K_STR, G, NULL, 0 },
	{ "pamauthenticationviakbdint", "pamauthenticationviakbdint", K_DEPRECATED, G, NULL, 0 },
	{ "passwordauthentication", "passwordauthentication", K_FLAG, M, sc_flag, 0 },
	{ "permitemptypasswords", "permitemptypasswords", K_FLAG, M, sc_flag, 0 },
	{ "permitlisten", "permitlisten", K_ARGS_FIRST, M, NULL, 0 },
	{ "permitopen", "permitopen", K_ARGS_FIRST, M, NULL, 0 },
	{ "permitrootlogin", "permitrootlogin", K_MULTI, M, sc_permitrootlogin, 0 },
	{ "permittty", "permittty", K_FLAG, M, sc_flag, 0 },
	{ "permittunnel", "permittunnel", K_MULTI, M, sc_tunnel, 1 },
	{ "permituserenvironment", "permituserenvironment", K_STR, G, NULL, 0 },
	{ "permituserrc", "permituserrc", K_FLAG, M, sc_flag, 0 },
	{ "persourcemaxstartups", "persourcemaxstartups", K_LAST, G, NULL, 1 },
	{ "persourcenetblocksize", "persourcenetblocksize", K_LAST, G, NULL, 1 },
	{ "pidfile", "pidfile", K_STR, G, NULL, 0 },
	{ "port", "port", K_PORT, G, NULL, 0 },
	{ "printlastlog", "printlastlog", K_FLAG, G, sc_flag, 0 },
	{ "printmotd", "printmotd", K_FLAG, G, sc_flag, 0 },
	{ "protocol", "protocol", K_IGNORE, G, NULL, 0 },
	{ "pubkeyacceptedalgorithms", "pubkeyacceptedalgorithms", K_ALGS, M, NULL, A_KEY },
	{ "pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms", K_ALGS, M, NULL, A_KEY },
	{ "pubkeyauthentication", "pubkeyauthentication", K_FLAG, M, sc_flag, 0 },
	{ "pubkeyauthoptions", "pubkeyauthoptions", K_ARGS_FIRST, M, NULL, 0 },
	{ "rdomain", "rdomain", K_STR, M, NULL, 0 },
	{ "rekeylimit", "rekeylimit", K_WORDS, M, NULL, 2 },
	{ "requiredrsasize", "requiredrsasize", K_INT, M, NULL, 0 },
	{ "reversemappingcheck", "reversemappingcheck", K_DEPRECATED, G, NULL, 0 },
	{ "revokedkeys", "revokedkeys", K_STR, M, NULL, 0 },
	{ "rhostsauthentication", "rhostsauthentication", K_DEPRECATED, G, NULL, 0 },
	{ "rhostsrsaauthentication", "rhostsrsaauthentication", K_DEPRECATED, M, NULL, 0 },
	{ "rsaauthentication", "rsaauthentication", K_DEPRECATED, M, NULL, 0 },
	{ "securitykeyprovider", "securitykeyprovider", K_STR, G, NULL, 0 },
	{ "serverkeybits", "serverkeybits", K_DEPRECATED, G, NULL, 0 },
	{ "setenv", "setenv", K_ARGS_FIRST, M, NULL, 0 },
	{ "skeyauthentication", "kbdinteractiveauthentication", K_FLAG, M, sc_flag, 0 },
	{ "streamlocalbindmask", "streamlocalbindmask", K_LAST, M, NULL, 1 },
	{ "streamlocalbindunlink", "streamlocalbindunlink", K_FLAG, M, sc_flag, 0 },
	{ "strictmodes", "strictmodes", K_FLAG, G, sc_flag, 0 },
	{ "subsystem", "subsystem", K_SUBSYSTEM, G, NULL, 0 },
	{ "syslogfacility", "syslogfacility", K_MULTI, G, sc_facility, 0 },
	{ "tcpkeepalive", "tcpkeepalive", K_FLAG, G, sc_flag, 0 },
	{ "trustedusercakeys", "trustedusercakeys", K_STR, M, NULL, 0 },
	{ "unusedconnectiontimeout", "unusedconnectiontimeout", K_UNUSEDTIMEOUT, M, NULL, 0 },
	{ "usedns", "usedns", K_FLAG, G, sc_flag, 0 },
	{ "uselogin", "uselogin", K_DEPRECATED, G, NULL, 0 },
	{ "usepam", "usepam", K_FLAG, G, sc_flag, 0 },
	{ "useprivilegeseparation", "useprivilegeseparation", K_DEPRECATED, G, NULL, 0 },
	{ "verifyreversemapping", "verifyreversemapping", K_DEPRECATED, G, NULL, 0 },
	{ "versionaddendum", "versionaddendum", K_REST, G, NULL, 0 },
	{ "x11displayoffset", "x11displayoffset", K_INT, M, NULL, 0 },
	{ "x11forwarding", "x11forwarding", K_FLAG, M, sc_flag, 0 },
	{ "x11uselocalhost", "x11uselocalhost", K_FLAG, M, sc_flag, 0 },
	{ "xauthlocation", "xauthlocation", K_STR, G, NULL, 0 },
};
#undef G
#undef M

/* Every algorithm the Debian and RHEL builds support, in the order of
 * OpenSSH's tables: wildcard patterns expand against these. */
static const char sc_all_ciphers[] =
    "3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc,aes128-ctr,aes192-ctr,"
    "aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
    "chacha20-poly1305@openssh.com";
static const char sc_all_macs[] =
    "hmac-sha1,hmac-sha1-96,hmac-sha2-256,hmac-sha2-512,hmac-md5,"
    "hmac-md5-96,umac-64@openssh.com,umac-128@openssh.com,"
    "hmac-sha1-etm@openssh.com,hmac-sha1-96-etm@openssh.com,"
    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
    "hmac-md5-etm@openssh.com,hmac-md5-96-etm@openssh.com,"
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com";
static const char sc_all_kex[] =
    "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,"
    "diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1,"
    "diffie-hellman-group-exchange-sha256,ecdh-sha2-nistp256,"
    "ecdh-sha2-nistp384,ecdh-sha2-nistp521,curve25519-sha256,"
    "curve25519-sha256@libssh.org,sntrup761x25519-sha512@openssh.com";

/* myproposal.h of each range. */
static const char sc_def_ciphers[] =
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
    "aes128-gcm@openssh.com,aes256-gcm@openssh.com";
static const char sc_def_macs[] =
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,"
    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
    "hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,"
    "hmac-sha2-256,hmac-sha2-512,hmac-sha1";
static const char sc_def_kex_85[] =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
    "ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "sntrup761x25519-sha512@openssh.com,"
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
static const char sc_def_kex_90[] =
    "sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
    "curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
    "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,"
    "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
    "diffie-hellman-group14-sha256";
/* 8.8 stopped offering the SHA-1 "ssh-rsa" signature by default. */
static const char sc_def_key_85[] =
    "ssh-ed25519-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
    "sk-ssh-ed25519-cert-v01@openssh.com,"
    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
    "ssh-rsa-cert-v01@openssh.com,"
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
    "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
    "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256,ssh-rsa";
static const char sc_def_key_88[] =
    "ssh-ed25519-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
    "sk-ssh-ed25519-cert-v01@openssh.com,"
    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
    "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
    "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256";
static const char sc_def_sig[] =
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
    "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
    "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256";

struct sc_defaults {
	const char	*name;		/* "9.0-9.8" */
	int		 min, max;	/* major * 100 + minor */
	const char	*kex, *key;
};

static const struct sc_defaults sc_tables[] = {
	{ "8.5-8.7", 805, 807, sc_def_kex_85, sc_def_key_85 },
	{ "8.8-8.9", 808, 809, sc_def_kex_85, sc_def_key_88 },
	{ "9.0-9.8", 900, 908, sc_def_kex_90, sc_def_key_88 },
};

/* Compiled-in defaults common to every table, in sshd -T's words (list
 * values separated by blanks); algorithm lists and listenaddress are
 * added from the table and the effective Port and AddressFamily. */
static const struct {
	const char	*kw, *val;
	int		 min;		/* first version with it */
} sc_common_defaults[] = {
	{ "addressfamily", "any", 0 },
	{ "allowagentforwarding", "yes", 0 },
	{ "allowstreamlocalforwarding", "yes", 0 },
	{ "allowtcpforwarding", "yes", 0 },
	{ "authenticationmethods", "any", 0 },
	{ "authorizedkeysfile", ".ssh/authorized_keys .ssh/authorized_keys2", 0 },
	{ "banner", "none", 0 },
	{ "chrootdirectory", "none", 0 },
	{ "clientalivecountmax", "3", 0 },
	{ "clientaliveinterval", "0", 0 },
	{ "compression", "yes", 0 },
	{ "disableforwarding", "no", 0 },
	{ "exposeauthinfo", "no", 0 },
	{ "fingerprinthash", "SHA256", 0 },
	{ "forcecommand", "none", 0 },
	{ "gatewayports", "no", 0 },
	{ "gssapiauthentication", "no", 0 },
	{ "gssapicleanupcredentials", "yes", 0 },
	{ "gssapistrictacceptorcheck", "yes", 0 },
	{ "hostbasedauthentication", "no", 0 },
	{ "hostbasedusesnamefrompacketonly", "no", 0 },
	{ "hostkey", "/etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ecdsa_key "
	    "/etc/ssh/ssh_host_ed25519_key", 0 },
	{ "ignorerhosts", "yes", 0 },
	{ "ignoreuserknownhosts", "no", 0 },
	{ "ipqos", "af21 cs1", 0 },
	{ "kbdinteractiveauthentication", "yes", 0 },
	{ "kerberosauthentication", "no", 0 },
	{ "kerberosorlocalpasswd", "yes", 0 },
	{ "kerberosticketcleanup", "yes", 0 },
	{ "logingracetime", "120", 0 },
	{ "loglevel", "INFO", 0 },
	{ "maxauthtries", "6", 0 },
	{ "maxsessions", "10", 0 },
	{ "maxstartups", "10:30:100", 0 },
	{ "passwordauthentication", "yes", 0 },
	{ "permitemptypasswords", "no", 0 },
	{ "permitlisten", "any", 0 },
	{ "permitopen", "any", 0 },
	{ "permitrootlogin", "prohibit-password", 0 },
	{ "permittty", "yes", 0 },
	{ "permittunnel", "no", 0 },
	{ "permituserenvironment", "no", 0 },
	{ "permituserrc", "yes", 0 },
	{ "persourcemaxstartups", "none", 0 },
	{ "persourcenetblocksize", "32:128", 0 },
	{ "port", "22", 0 },
	{ "printlastlog", "yes", 0 },
	{ "printmotd", "yes", 0 },
	{ "pubkeyauthentication", "yes", 0 },
	{ "pubkeyauthoptions", "none", 0 },
	{ "rekeylimit", "default none", 0 },
	{ "requiredrsasize", "1024", 901 },
	{ "securitykeyprovider", "internal", 0 },
	{ "streamlocalbindmask", "0177", 0 },
	{ "streamlocalbindunlink", "no", 0 },
	{ "strictmodes", "yes", 0 },
	{ "syslogfacility", "AUTH", 0 },
	{ "tcpkeepalive", "yes", 0 },
	{ "usedns", "no", 0 },
	{ "usepam", "no", 0 },
	{ "x11displayoffset", "10", 0 },
	{ "x11forwarding", "no", 0 },
	{ "x11uselocalhost", "yes", 0 },
};

struct sc_file {
	char	*path;
	char	*buf;		/* NULL when it could not be read */
	int	 err;
};

struct sshdconf {
	struct json_object	*data;		/* sshdconf_json() */
	struct json_object	*config_errors;	/* lines sshd rejects */
	int			 read;
	int			 valid;
};

struct sc_parse {
	struct section		*s;
	const struct sc_defaults *table;
	int			 version;	/* major * 100 + minor */
	struct json_object	*errors;
	struct json_object	*errors_seen;	/* message -> true */
	struct json_object	*global;	/* keyword -> setting */
	struct json_object	*rejected;	/* "target keyword" -> true */
	struct json_object	*overflow_block; /* past SC_MAX_BLOCKS */
	struct json_object	*blocks;
	struct json_object	*files;
	struct json_object	*files_seen;
	struct json_object	*includes;
	struct json_object	*ignored;
	struct sc_file		*cache;
	size_t			 ncache;
	struct json_object	*cache_index;	/* path -> index */
	const char		*stack[SC_MAX_DEPTH + 1];
	int			 depth;
	int			 valid;
};

/* One line being processed. */
struct sc_line {
	const char	*path;
	int		 lineno;
	char		*src;		/* "path:line" */
	char		**av;
	int		 ac;
	const char	*rest;		/* the arguments as written */
};

static void	sc_parse_file(struct sc_parse *, const char *path,
		    struct json_object *block);

static void __attribute__((format(printf, 4, 0)))
sc_verror(struct sc_parse *p, const struct sc_line *l, int invalid,
    const char *fmt, va_list ap)
{
	struct json_object	*e;
	char			*msg, *full;

	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	if (l != NULL)
		full = xasprintf("%s:%d: %s", l->path, l->lineno,
		    msg != NULL ? msg : "error");
	else
		full = xstrdup(msg != NULL ? msg : "error");
	free(msg);
	/* A file read again through another Include repeats its errors. */
	if (!json_object_object_get_ex(p->errors_seen, full, NULL)) {
		jsonutil_set_bool(p->errors_seen, full, 1);
		e = json_object_new_object();
		jsonutil_set_string(e, "section", "sshd");
		jsonutil_set_string(e, "message", full);
		json_object_array_add(p->errors, e);
	}
	free(full);
	if (invalid)
		p->valid = 0;
}

/* A line sshd refuses: it would not start. */
static void __attribute__((format(printf, 3, 4)))
sc_error(struct sc_parse *p, const struct sc_line *l, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	sc_verror(p, l, 1, fmt, ap);
	va_end(ap);
}

/* Something this parser will not report in full (sshd is fine). */
static void __attribute__((format(printf, 3, 4)))
sc_limit(struct sc_parse *p, const struct sc_line *l, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	sc_verror(p, l, 0, fmt, ap);
	va_end(ap);
}

/* Keywords left without a value, per target (the global settings or a
 * block's): a refused line, or a list too long to report whole.  A
 * partial list could make a rule pass, so there is none. */
static char *
sc_rkey(struct json_object *target, const char *kw)
{
	return xasprintf("%p %s", (void *)target, kw);
}

static int
sc_rejected(struct sc_parse *p, struct json_object *target, const char *kw)
{
	char	*key = sc_rkey(target, kw);
	int	 r;

	r = json_object_object_get_ex(p->rejected, key, NULL);
	free(key);
	return r;
}

static void
sc_drop(struct sc_parse *p, struct json_object *target, const char *kw)
{
	char	*key = sc_rkey(target, kw);

	jsonutil_set_bool(p->rejected, key, 1);
	json_object_object_del(target, kw);
	free(key);
}

/* Room for n more values of a list keyword; otherwise it is dropped. */
static int
sc_room(struct sc_parse *p, struct sc_line *l, struct json_object *target,
    const char *kw, size_t have, size_t n)
{
	if (have + n <= SC_MAX_LIST)
		return 1;
	sc_limit(p, l, "%s: more than %d values, not reported", kw,
	    SC_MAX_LIST);
	sc_drop(p, target, kw);
	return 0;
}

static const struct sc_keyword *
sc_lookup(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(sc_keywords) / sizeof(sc_keywords[0]); i++) {
		if (strcasecmp(name, sc_keywords[i].name) == 0)
			return &sc_keywords[i];
	}
	return NULL;
}

static const struct sc_keyword *
sc_lookup_canon(const char *canon)
{
	size_t	i;

	for (i = 0; i < sizeof(sc_keywords) / sizeof(sc_keywords[0]); i++) {
		if (strcmp(canon, sc_keywords[i].canon) == 0)
			return &sc_keywords[i];
	}
	return NULL;
}

/* misc.c strdelim(): the keyword, split at blanks, a quote or one "=". */
static char *
sc_strdelim(char **s)
{
	char	*old, *p;
	int	 wspace = 0;

	if (*s == NULL)
		return NULL;
	old = *s;
	if ((p = strpbrk(*s, SC_WS "\"=")) == NULL) {
		*s = NULL;
		return old;
	}
	if (*p == '"') {
		memmove(p, p + 1, strlen(p));
		if ((p = strchr(p, '"')) == NULL) {
			*s = NULL;
			return NULL;
		}
		*p = '\0';
		p += strspn(p + 1, SC_WS) + 1;
		*s = p;
		return old;
	}
	if (*p == '=')
		wspace = 1;
	*p = '\0';
	p += strspn(p + 1, SC_WS) + 1;
	if (*p == '=' && !wspace)
		p += strspn(p + 1, SC_WS) + 1;
	*s = p;
	return old;
}

static void
sc_free_argv(char **av, int ac)
{
	int	i;

	for (i = 0; i < ac; i++)
		free(av[i]);
	free(av);
}

/* misc.c argv_split() with terminate_on_comment: -1 on an unterminated
 * quote. */
static int
sc_argv_split(const char *s, char ***avp, int *acp)
{
	char	**av = NULL, *arg;
	int	  ac = 0, quote;
	size_t	  i, j, alloc = 0;

	*avp = NULL;
	*acp = 0;
	arg = xmalloc(strlen(s) + 1);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (s[i] == '#')
			break;
		quote = 0;
		if ((size_t)ac == alloc) {
			if (ac >= INT_MAX / 2)
				break;
			alloc = alloc ? alloc * 2 : 8;
			av = xreallocarray(av, alloc, sizeof(*av));
		}
		for (j = 0; s[i] != '\0'; i++) {
			if (s[i] == '\\') {
				if (s[i + 1] == '\'' || s[i + 1] == '"' ||
				    s[i + 1] == '\\' ||
				    (quote == 0 && s[i + 1] == ' ')) {
					i++;
					arg[j++] = s[i];
				} else
					arg[j++] = s[i];
			} else if (quote == 0 && (s[i] == ' ' || s[i] == '\t'))
				break;
			else if (quote == 0 && (s[i] == '"' || s[i] == '\''))
				quote = s[i];
			else if (quote != 0 && s[i] == quote)
				quote = 0;
			else
				arg[j++] = s[i];
		}
		av[ac++] = xstrndup(arg, j);
		if (s[i] == '\0') {
			if (quote != 0) {
				free(arg);
				sc_free_argv(av, ac);
				return -1;
			}
			break;
		}
	}
	free(arg);
	*avp = av;
	*acp = ac;
	return 0;
}

static const char *
sc_word(const struct sc_word *w, const char *arg, int case_sensitive)
{
	for (; w->word != NULL; w++) {
		if (case_sensitive ? strcmp(arg, w->word) == 0 :
		    strcasecmp(arg, w->word) == 0)
			return w->canon;
	}
	return NULL;
}

/* misc.c atoi_err(): 0..INT_MAX, decimal. */
static int
sc_atoi(const char *s, long long *out)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > INT_MAX)
		return -1;
	*out = v;
	return 0;
}

/* misc.c convtime(): "90", "1m30s", "2h"; -1 when malformed. */
static long long
sc_convtime(const char *s)
{
	long long	 total = 0, secs, mult;
	const char	*p = s;
	char		*end;

	if (s == NULL || *s == '\0')
		return -1;
	while (*p != '\0') {
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		secs = strtoll(p, &end, 10);
		if (errno != 0 || end == p)
			return -1;
		switch (*end) {
		case '\0':
			mult = 1;
			end--;
			break;
		case 's': case 'S':
			mult = 1;
			break;
		case 'm': case 'M':
			mult = 60;
			break;
		case 'h': case 'H':
			mult = 3600;
			break;
		case 'd': case 'D':
			mult = 86400;
			break;
		case 'w': case 'W':
			mult = 604800;
			break;
		default:
			return -1;
		}
		if (secs > INT_MAX / mult)
			return -1;
		secs *= mult;
		if (total > INT_MAX - secs)
			return -1;
		total += secs;
		p = end + 1;
	}
	return total;
}

static int
sc_has_wildcard(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

/* match.c match_pattern(): "*" and "?" only; backtracking to the last
 * star alone keeps it linear in practice whatever the pattern. */
static int
sc_match(const char *s, const char *pat)
{
	const char	*star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*pat == '?' || (*pat != '*' && *pat == *s)) {
			s++;
			pat++;
		} else if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (star != NULL) {
			pat = star + 1;
			s = ++resume;
		} else
			return 0;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/* A list of names without repeats: the array, and a set beside it. */
struct sc_list {
	struct json_object	*a;
	struct json_object	*seen;
};

static void
sc_list_init(struct sc_list *l)
{
	l->a = json_object_new_array();
	l->seen = json_object_new_object();
}

/* The array (the caller's now); the set is dropped. */
static struct json_object *
sc_list_done(struct sc_list *l)
{
	json_object_put(l->seen);
	return l->a;
}

static void
sc_list_add(struct sc_list *l, const char *name, size_t len)
{
	char	*n = xstrndup(name, len);

	if (*n != '\0' && !json_object_object_get_ex(l->seen, n, NULL)) {
		jsonutil_set_bool(l->seen, n, 1);
		json_object_array_add(l->a, json_object_new_string(n));
	}
	free(n);
}

/* Append the comma-separated names of list, skipping repeats
 * (kex_names_cat()). */
static void
sc_list_cat(struct sc_list *l, const char *list)
{
	const char	*p = list, *c;

	while (*p != '\0') {
		c = strchr(p, ',');
		sc_list_add(l, p, c != NULL ? (size_t)(c - p) : strlen(p));
		if (c == NULL)
			break;
		p = c + 1;
	}
}

static struct json_object *
sc_split_list(const char *list)
{
	struct sc_list	l;

	sc_list_init(&l);
	sc_list_cat(&l, list);
	return sc_list_done(&l);
}

static const char *
sc_alg_default(const struct sc_parse *p, int alg)
{
	if (p->table == NULL)
		return NULL;
	switch (alg) {
	case A_CIPHER:
		return sc_def_ciphers;
	case A_MAC:
		return sc_def_macs;
	case A_KEX:
		return p->table->kex;
	case A_KEY:
		return p->table->key;
	case A_SIG:
		return sc_def_sig;
	}
	return NULL;
}

static const char *
sc_alg_all(int alg)
{
	switch (alg) {
	case A_CIPHER:
		return sc_all_ciphers;
	case A_MAC:
		return sc_all_macs;
	case A_KEX:
		return sc_all_kex;
	}
	return NULL;
}

/*
 * kex_assemble_names(): the list sshd offers for spec.  NULL when it
 * cannot be known here (no defaults for this version, or a wildcard with
 * no table to expand it against); *bad set when sshd refuses it.
 */
static struct json_object *
sc_assemble(const struct sc_parse *p, int alg, const char *spec, int *bad)
{
	struct json_object	*names, *pats, *all = NULL;
	struct sc_list		 out;
	const char		*def = sc_alg_default(p, alg), *alls;
	const char		*cp, *name;
	size_t			 i, j;

	*bad = 0;
	if (strchr(spec, '!') != NULL) {
		*bad = 1;
		return NULL;
	}
	if ((*spec == '-' || *spec == '+' || *spec == '^') && def == NULL)
		return NULL;
	sc_list_init(&out);
	if (*spec == '-') {
		names = sc_split_list(def);
		pats = sc_split_list(spec + 1);
		for (i = 0; i < json_object_array_length(names); i++) {
			name = json_object_get_string(
			    json_object_array_get_idx(names, i));
			for (j = 0; j < json_object_array_length(pats); j++) {
				if (sc_match(name, json_object_get_string(
				    json_object_array_get_idx(pats, j))))
					break;
			}
			if (j == json_object_array_length(pats))
				sc_list_add(&out, name, strlen(name));
		}
		json_object_put(pats);
		json_object_put(names);
		goto done;
	}
	if (*spec == '+') {
		names = sc_split_list(def);
		pats = sc_split_list(spec + 1);
	} else if (*spec == '^') {
		names = sc_split_list(spec + 1);
		pats = sc_split_list(def);
	} else {
		names = sc_split_list(spec);
		pats = json_object_new_array();
	}
	for (i = 0; i < json_object_array_length(pats); i++)
		json_object_array_add(names, json_object_get(
		    json_object_array_get_idx(pats, i)));
	json_object_put(pats);
	if ((alls = sc_alg_all(alg)) != NULL)
		all = sc_split_list(alls);
	for (i = 0; i < json_object_array_length(names); i++) {
		cp = json_object_get_string(json_object_array_get_idx(names, i));
		if (!sc_has_wildcard(cp)) {
			sc_list_add(&out, cp, strlen(cp));
			continue;
		}
		if (all == NULL) {
			json_object_put(names);
			json_object_put(sc_list_done(&out));
			return NULL;
		}
		for (j = 0; j < json_object_array_length(all); j++) {
			name = json_object_get_string(
			    json_object_array_get_idx(all, j));
			if (sc_match(name, cp))
				sc_list_add(&out, name, strlen(name));
		}
	}
	json_object_put(all);
	json_object_put(names);
done:
	if (json_object_array_length(out.a) == 0) {
		/* An empty list is refused at startup. */
		json_object_put(sc_list_done(&out));
		*bad = 1;
		return NULL;
	}
	return sc_list_done(&out);
}

static struct json_object *
sc_strings(char **av, int ac)
{
	struct json_object	*a = json_object_new_array();
	int			 i;

	for (i = 0; i < ac; i++)
		json_object_array_add(a, json_object_new_string(av[i]));
	return a;
}

static char *
sc_join(char **av, int ac)
{
	size_t	len = 1;
	char	*out;
	int	 i;

	for (i = 0; i < ac; i++)
		len += strlen(av[i]) + 1;
	out = xcalloc(1, len);
	for (len = 0, i = 0; i < ac; i++) {
		if (i > 0)
			out[len++] = ' ';
		memcpy(out + len, av[i], strlen(av[i]));
		len += strlen(av[i]);
	}
	return out;
}

/* A setting: {"value": v, "source": src}; takes v. */
static struct json_object *
sc_setting(struct json_object *v, const char *src)
{
	struct json_object	*o = json_object_new_object();

	jsonutil_set(o, "value", v);
	jsonutil_set_string(o, "source", src);
	return o;
}

/* Append v (taken) to an accumulating setting in target. */
static void
sc_accumulate(struct json_object *target, const char *kw,
    struct json_object *v, const char *src)
{
	struct json_object	*o, *vals, *srcs;

	if (!json_object_object_get_ex(target, kw, &o)) {
		o = json_object_new_object();
		jsonutil_set(o, "value", json_object_new_array());
		jsonutil_set(o, "source", json_object_new_array());
		jsonutil_set(target, kw, o);
	}
	json_object_object_get_ex(o, "value", &vals);
	json_object_object_get_ex(o, "source", &srcs);
	json_object_array_add(vals, v);
	json_object_array_add(srcs, json_object_new_string(src));
}

/* How many values an accumulating setting holds. */
static size_t
sc_count(struct json_object *target, const char *kw)
{
	struct json_object	*o, *vals;

	if (!json_object_object_get_ex(target, kw, &o) ||
	    !json_object_object_get_ex(o, "value", &vals))
		return 0;
	return json_object_array_length(vals);
}

/*
 * Check one line's arguments as sshd does and record its value in target
 * (the global settings, or a Match block's).  Returns -1 when sshd would
 * refuse the line.
 */
static int
sc_apply(struct sc_parse *p, const struct sc_keyword *k, struct sc_line *l,
    struct json_object *target)
{
	struct json_object	*v = NULL, *o, *vals;
	const char		*kw = k->canon, *w;
	char			*j, buf[32];
	long long		 n;
	int			 i, b, r, f, bad, used = 1;

	/* A keyword without a value keeps none. */
	if (sc_rejected(p, target, kw))
		target = NULL;
	switch (k->kind) {
	case K_FLAG:
	case K_MULTI:
		if ((w = sc_word(k->words, l->av[0], k->arg)) == NULL) {
			sc_error(p, l, "%s: unsupported value", k->name);
			return -1;
		}
		v = json_object_new_string(w);
		break;
	case K_INT:
		if (sc_atoi(l->av[0], &n) == -1) {
			sc_error(p, l, "%s: bad integer value", k->name);
			return -1;
		}
		v = json_object_new_int64(n);
		break;
	case K_TIME:
		if ((n = sc_convtime(l->av[0])) == -1) {
			sc_error(p, l, "%s: invalid time value", k->name);
			return -1;
		}
		v = json_object_new_int64(n);
		break;
	case K_UNUSEDTIMEOUT:
		if (strcasecmp(l->av[0], "none") == 0)
			n = 0;
		else if ((n = sc_convtime(l->av[0])) == -1) {
			sc_error(p, l, "%s: invalid time value", k->name);
			return -1;
		}
		v = json_object_new_int64(n);
		break;
	case K_STR:
		v = json_object_new_string(l->av[0]);
		break;
	case K_REST:
		v = json_object_new_string(l->rest);
		used = l->ac;
		break;
	case K_WORDS:
		used = l->ac < k->arg ? l->ac : k->arg;
		j = sc_join(l->av, used);
		v = json_object_new_string(j);
		free(j);
		break;
	case K_ALGS:
		if (target == NULL || json_object_object_get_ex(target, kw,
		    NULL)) {
			/* Later lines are only checked. */
			if (strchr(l->av[0], '!') != NULL) {
				sc_error(p, l, "%s: bad algorithm list",
				    k->name);
				return -1;
			}
			return 1;
		}
		vals = sc_assemble(p, k->arg, l->av[0], &bad);
		if (bad) {
			sc_error(p, l, "%s: bad algorithm list", k->name);
			return -1;
		}
		o = json_object_new_object();
		if (vals != NULL)
			jsonutil_set(o, "value", vals);
		jsonutil_set_string(o, "spec", l->av[0]);
		jsonutil_set_string(o, "source", l->src);
		jsonutil_set(target, kw, o);
		return 1;
	case K_ARGS_FIRST:
		for (i = 0; i < l->ac; i++) {
			if (*l->av[i] == '\0') {
				sc_error(p, l, "%s: empty argument", k->name);
				return -1;
			}
			if (strcmp(kw, "setenv") == 0 &&
			    strchr(l->av[i], '=') == NULL) {
				sc_error(p, l, "setenv: not NAME=VALUE");
				return -1;
			}
			if (strcmp(kw, "pubkeyauthoptions") == 0 &&
			    strcasecmp(l->av[i], "none") != 0 &&
			    strcasecmp(l->av[i], "touch-required") != 0 &&
			    strcasecmp(l->av[i], "verify-required") != 0) {
				sc_error(p, l, "pubkeyauthoptions: "
				    "unsupported option");
				return -1;
			}
			if (strcmp(kw, "authenticationmethods") == 0 &&
			    strcmp(l->av[i], "any") == 0 && l->ac > 1) {
				sc_error(p, l, "authenticationmethods: "
				    "\"any\" must appear alone");
				return -1;
			}
		}
		used = l->ac;
		if (target != NULL && !json_object_object_get_ex(target, kw,
		    NULL) && !sc_room(p, l, target, kw, 0, (size_t)l->ac))
			return used;
		v = sc_strings(l->av, l->ac);
		break;
	case K_ARGS_ACC:
		for (i = 0; i < l->ac; i++) {
			if (*l->av[i] == '\0' || (strcmp(kw, "acceptenv") == 0 &&
			    strchr(l->av[i], '=') != NULL)) {
				sc_error(p, l, "%s: invalid argument",
				    k->name);
				return -1;
			}
		}
		if (target != NULL && sc_room(p, l, target, kw,
		    sc_count(target, kw), (size_t)l->ac)) {
			for (i = 0; i < l->ac; i++)
				sc_accumulate(target, kw,
				    json_object_new_string(l->av[i]), l->src);
		}
		return l->ac;
	case K_ONE_ACC:
		if (target != NULL && sc_room(p, l, target, kw,
		    sc_count(target, kw), 1))
			sc_accumulate(target, kw,
			    json_object_new_string(l->av[0]), l->src);
		return 1;
	case K_PORT:
		if (sc_atoi(l->av[0], &n) == -1 || n <= 0 || n > 65535) {
			sc_error(p, l, "port: badly formatted port number");
			return -1;
		}
		if (target != NULL && sc_count(target, kw) >= SC_MAX_PORTS) {
			sc_error(p, l, "port: too many ports");
			return -1;
		}
		if (target != NULL)
			sc_accumulate(target, kw, json_object_new_int64(n),
			    l->src);
		return 1;
	case K_LISTEN:
		used = l->ac;
		if (l->ac == 2 || l->ac > 3 ||
		    (l->ac == 3 && strcmp(l->av[1], "rdomain") != 0)) {
			sc_error(p, l, "listenaddress: bad syntax");
			return -1;
		}
		if (target != NULL && sc_room(p, l, target, kw,
		    sc_count(target, kw), 1)) {
			j = sc_join(l->av, l->ac);
			sc_accumulate(target, kw, json_object_new_string(j),
			    l->src);
			free(j);
		}
		return used;
	case K_SUBSYSTEM:
		if (l->ac < 2 || *l->av[1] == '\0') {
			sc_error(p, l, "subsystem: missing command");
			return -1;
		}
		if (target != NULL && sc_count(target, kw) >= SC_MAX_SUBSYS) {
			sc_error(p, l, "subsystem: too many subsystems");
			return -1;
		}
		if (target != NULL &&
		    json_object_object_get_ex(target, kw, &o)) {
			json_object_object_get_ex(o, "value", &vals);
			for (i = 0; i < (int)json_object_array_length(vals);
			    i++) {
				w = json_object_get_string(
				    json_object_array_get_idx(vals, i));
				if (strncmp(w, l->av[0], strlen(l->av[0])) == 0 &&
				    w[strlen(l->av[0])] == ' ') {
					sc_error(p, l, "subsystem: name "
					    "already defined");
					return -1;
				}
			}
		}
		if (target != NULL) {
			j = sc_join(l->av, l->ac);
			sc_accumulate(target, kw, json_object_new_string(j),
			    l->src);
			free(j);
		}
		return l->ac;
	case K_LAST:
		used = l->ac < k->arg ? l->ac : k->arg;
		if (k->words != NULL) {
			if ((w = sc_word(k->words, l->av[0], 0)) == NULL) {
				sc_error(p, l, "%s: invalid value",
				    k->name);
				return -1;
			}
			v = json_object_new_string(w);
		} else if (strcmp(kw, "streamlocalbindmask") == 0) {
			n = strtol(l->av[0], &j, 8);
			if (j == l->av[0] || *j != '\0' || n < 0 || n > 0777) {
				sc_error(p, l, "streamlocalbindmask: "
				    "invalid mask");
				return -1;
			}
			snprintf(buf, sizeof(buf), "%04llo", n);
			v = json_object_new_string(buf);
		} else if (strcmp(kw, "ipqos") == 0 && used == 1) {
			j = xasprintf("%s %s", l->av[0], l->av[0]);
			v = json_object_new_string(j);
			free(j);
		} else {
			j = sc_join(l->av, used);
			v = json_object_new_string(j);
			free(j);
		}
		if (target != NULL)
			jsonutil_set(target, kw, sc_setting(v, l->src));
		else
			json_object_put(v);
		return used;
	case K_MAXSTARTUPS:
		r = 0;
		i = sscanf(l->av[0], "%d:%d:%d", &b, &r, &f);
		if (i == 1) {
			f = b;
			r = 30;
		}
		if ((i != 1 && i != 3) || b > f || r > 100 || r < 1 ||
		    f <= 0 || b <= 0) {
			sc_error(p, l, "maxstartups: invalid spec");
			return -1;
		}
		if (target != NULL) {
			snprintf(buf, sizeof(buf), "%d:%d:%d", b, r, f);
			jsonutil_set(target, kw, sc_setting(
			    json_object_new_string(buf), l->src));
		}
		return 1;
	default:
		return 1;
	}
	/* First value wins. */
	if (target == NULL || json_object_object_get_ex(target, kw, NULL))
		json_object_put(v);
	else
		jsonutil_set(target, kw, sc_setting(v, l->src));
	return used;
}

/* glob(3) special characters outside a backslash escape. */
static int
sc_glob_magic(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '*' || *s == '?' || *s == '[')
			return 1;
	}
	return 0;
}

static char *
sc_glob_unescape(const char *s)
{
	char	*out = xstrdup(s), *w = out;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		*w++ = *s;
	}
	*w = '\0';
	return out;
}

struct sc_glob {
	char	**paths;
	size_t	  n;
	size_t	  dirs;		/* directories listed */
	int	  overflow;
};

static void
sc_glob_add(struct sc_glob *g, const char *path)
{
	if (g->n >= SC_MAX_GLOB) {
		g->overflow = 1;
		return;
	}
	g->paths = xreallocarray(g->paths, g->n + 1, sizeof(*g->paths));
	g->paths[g->n++] = xstrdup(path);
}

static void
sc_glob_walk(struct sc_parse *p, struct sc_glob *g, const char *prefix,
    char **comps, size_t ncomps, size_t i, int last_literal)
{
	struct stat	  st;
	char		**names, *next, *lit;
	size_t		  n, k;

	if (g->overflow)
		return;
	if (i == ncomps) {
		/* glob(3) only returns a literal path that exists. */
		if (!last_literal ||
		    section_stat(p->s, *prefix ? prefix : "/", &st, 1) == 0)
			sc_glob_add(g, *prefix ? prefix : "/");
		return;
	}
	if (!sc_glob_magic(comps[i])) {
		lit = sc_glob_unescape(comps[i]);
		next = xasprintf("%s/%s", prefix, lit);
		free(lit);
		sc_glob_walk(p, g, next, comps, ncomps, i + 1, 1);
		free(next);
		return;
	}
	if (++g->dirs > SC_MAX_GLOBDIRS) {
		g->overflow = 1;
		return;
	}
	if (section_list_dir(p->s, *prefix ? prefix : "/", NULL, &names,
	    &n) == -1)
		return;
	for (k = 0; k < n; k++) {
		if (fnmatch(comps[i], names[k], FNM_PERIOD) != 0)
			continue;
		next = xasprintf("%s/%s", prefix, names[k]);
		sc_glob_walk(p, g, next, comps, ncomps, i + 1, 0);
		free(next);
	}
	section_free_names(names, n);
}

static int
sc_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand an absolute pattern inside the root, sorted as glob(3) does. */
static void
sc_glob(struct sc_parse *p, const char *pattern, struct sc_glob *g)
{
	char	*copy, *c, **comps = NULL;
	size_t	 n = 0;

	memset(g, 0, sizeof(*g));
	copy = xstrdup(pattern);
	for (c = strtok(copy, "/"); c != NULL; c = strtok(NULL, "/")) {
		comps = xreallocarray(comps, n + 1, sizeof(*comps));
		comps[n++] = c;
	}
	sc_glob_walk(p, g, "", comps, n, 0, 0);
	free(comps);
	free(copy);
	if (g->n > 1)
		qsort(g->paths, g->n, sizeof(*g->paths), sc_strcmp);
}

static const struct sc_file *
sc_load(struct sc_parse *p, const char *path)
{
	struct json_object	*idx;
	struct sc_file		*f;
	size_t			 len;

	if (json_object_object_get_ex(p->cache_index, path, &idx))
		return &p->cache[json_object_get_int64(idx)];
	jsonutil_set_int64(p->cache_index, path, (int64_t)p->ncache);
	p->cache = xreallocarray(p->cache, p->ncache + 1, sizeof(*p->cache));
	f = &p->cache[p->ncache++];
	f->path = xstrdup(path);
	f->err = 0;
	if (section_read(p->s, path, &f->buf, &len) == -1) {
		f->buf = NULL;
		f->err = errno;
	}
	return f;
}

static void
sc_include(struct sc_parse *p, struct sc_line *l, struct json_object *block)
{
	struct json_object	*inc, *files;
	struct sc_glob		 g;
	char			*pattern;
	size_t			 k;
	int			 i, d;

	for (i = 0; i < l->ac; i++) {
		if (*l->av[i] == '\0') {
			sc_error(p, l, "include: empty argument");
			continue;
		}
		if (*l->av[i] == '/')
			pattern = xstrdup(l->av[i]);
		else if (*l->av[i] == '~') {
			/* glob(3) without GLOB_TILDE: a literal "~"
			 * directory below sshd's working directory, which
			 * is not knowable here; nothing matches. */
			pattern = NULL;
		} else
			pattern = xasprintf("%s/%s", SC_SSHDIR, l->av[i]);
		inc = json_object_new_object();
		jsonutil_set_string(inc, "pattern", pattern != NULL ? pattern :
		    l->av[i]);
		jsonutil_set_string(inc, "source", l->src);
		files = json_object_new_array();
		jsonutil_set(inc, "files", files);
		json_object_array_add(p->includes, inc);
		if (pattern == NULL)
			continue;
		sc_glob(p, pattern, &g);
		if (g.overflow)
			sc_error(p, l, "include %s: more than %d matches or "
			    "%d directories, the rest not read", pattern,
			    SC_MAX_GLOB, SC_MAX_GLOBDIRS);
		for (k = 0; k < g.n; k++) {
			json_object_array_add(files,
			    json_object_new_string(g.paths[k]));
			for (d = 0; d < p->depth; d++) {
				if (strcmp(p->stack[d], g.paths[k]) == 0)
					break;
			}
			if (d < p->depth) {
				sc_error(p, l, "Include cycle: %s is already "
				    "being read (sshd stops at %d levels of "
				    "includes)", g.paths[k], SC_MAX_DEPTH);
				continue;
			}
			if (p->depth > SC_MAX_DEPTH) {
				sc_error(p, l, "too many recursive "
				    "configuration includes (more than %d)",
				    SC_MAX_DEPTH);
				continue;
			}
			sc_parse_file(p, g.paths[k], block);
		}
		for (k = 0; k < g.n; k++)
			free(g.paths[k]);
		free(g.paths);
		free(pattern);
	}
}

static const char *const sc_match_attrs[] = {
	"user", "group", "host", "address", "localaddress", "localport",
	"rdomain",
};

/* match_cfg_line()'s syntax check; the criteria as one string, or NULL
 * when sshd refuses them.  *all set for "Match all". */
static char *
sc_match_criteria(struct sc_parse *p, struct sc_line *l, int *all)
{
	size_t	i, k;
	long long n;
	int	found;

	*all = 0;
	if (l->ac == 0) {
		sc_error(p, l, "match: one or more attributes required");
		return NULL;
	}
	if (strcasecmp(l->av[0], "all") == 0) {
		if (l->ac > 1) {
			sc_error(p, l, "match: 'all' cannot be combined with "
			    "other attributes");
			return NULL;
		}
		*all = 1;
		return xstrdup("all");
	}
	for (i = 0; i < (size_t)l->ac; i += 2) {
		found = 0;
		for (k = 0; k < sizeof(sc_match_attrs) /
		    sizeof(sc_match_attrs[0]); k++) {
			if (strcasecmp(l->av[i], sc_match_attrs[k]) == 0)
				found = 1;
		}
		if (strcasecmp(l->av[i], "all") == 0) {
			sc_error(p, l, "match: 'all' cannot be combined with "
			    "other attributes");
			return NULL;
		}
		if (!found) {
			sc_error(p, l, "match: unsupported attribute");
			return NULL;
		}
		if (i + 1 >= (size_t)l->ac || *l->av[i + 1] == '\0') {
			sc_error(p, l, "match: missing criteria");
			return NULL;
		}
		if (strcasecmp(l->av[i], "localport") == 0 &&
		    (sc_atoi(l->av[i + 1], &n) == -1 || n <= 0 ||
		    n > 65535)) {
			sc_error(p, l, "match: invalid localport");
			return NULL;
		}
	}
	return sc_join(l->av, l->ac);
}

static struct json_object *
sc_match_block(struct sc_parse *p, struct sc_line *l, struct json_object *outer,
    const char *criteria)
{
	struct json_object	*b, *oc, *prev;
	const char		*c;
	size_t			 i;

	if (json_object_array_length(p->blocks) >= SC_MAX_BLOCKS) {
		/* Lines still go to a block, never to the global view; the
		 * blocks are not reported at all. */
		if (p->overflow_block == NULL) {
			sc_limit(p, l, "more than %d Match blocks, none "
			    "reported", SC_MAX_BLOCKS);
			p->overflow_block = json_object_new_object();
			jsonutil_set(p->overflow_block, "settings",
			    json_object_new_object());
		}
		return p->overflow_block;
	}
	b = json_object_new_object();
	jsonutil_set_string(b, "criteria", criteria);
	if (outer != NULL) {
		/* The enclosing block's own conditions, then its. */
		oc = json_object_new_array();
		if (json_object_object_get_ex(outer, "outer_criteria", &prev)) {
			for (i = 0; i < json_object_array_length(prev); i++)
				json_object_array_add(oc, json_object_get(
				    json_object_array_get_idx(prev, i)));
		}
		if (jsonutil_get_string(outer, "criteria", &c) == 0)
			json_object_array_add(oc, json_object_new_string(c));
		jsonutil_set(b, "outer_criteria", oc);
	}
	jsonutil_set_string(b, "source", l->src);
	jsonutil_set(b, "settings", json_object_new_object());
	json_object_array_add(p->blocks, b);
	return b;
}

/* sshd refuses the whole configuration for a bad line; the keyword then
 * has no value sshd would use, neither a later one nor the default. */
static void
sc_reject(struct sc_parse *p, const struct sc_keyword *k,
    struct json_object *block)
{
	struct json_object	*target = p->global;

	if (k->kind == K_INCLUDE || k->kind == K_MATCH)
		return;
	if (block != NULL)
		json_object_object_get_ex(block, "settings", &target);
	sc_drop(p, target, k->canon);
}

/* One line of a configuration file.  *block is the Match block the line
 * is in (NULL: global); start is the block the file was included from. */
static void
sc_line(struct sc_parse *p, char *line, const char *path, int lineno,
    struct json_object **block, struct json_object *start)
{
	const struct sc_keyword	*k;
	struct json_object	*target, *ig;
	struct sc_line		 l;
	char			*str = line, *kw, *criteria;
	size_t			 len;
	int			 used, all;

	/* load_server_config() and process_server_config_line(). */
	line += strspn(line, " \t\r");
	str = line;
	len = strlen(line);
	while (len > 0 && strchr(SC_WS "\f", line[len - 1]) != NULL)
		line[--len] = '\0';
	if (len == 0)
		return;
	memset(&l, 0, sizeof(l));
	l.path = path;
	l.lineno = lineno;
	if ((kw = sc_strdelim(&str)) == NULL)
		return;
	if (*kw == '\0')
		kw = sc_strdelim(&str);
	if (kw == NULL || *kw == '\0' || *kw == '#')
		return;
	if (str == NULL || *str == '\0') {
		if ((k = sc_lookup(kw)) != NULL) {
			sc_error(p, &l, "no argument after keyword %s",
			    k->canon);
			sc_reject(p, k, *block);
		} else
			sc_error(p, &l, "not a keyword and argument line");
		return;
	}
	if ((k = sc_lookup(kw)) == NULL) {
		sc_error(p, &l, "bad configuration option (not an sshd "
		    "keyword)");
		return;
	}
	if (sc_argv_split(str, &l.av, &l.ac) == -1) {
		sc_error(p, &l, "invalid quotes");
		sc_reject(p, k, *block);
		return;
	}
	l.rest = str + strspn(str, SC_WS);
	l.src = xasprintf("%s:%d", path, lineno);
	if (*block != NULL && !k->in_match) {
		sc_error(p, &l, "%s is not allowed within a Match block",
		    k->canon);
		goto out;
	}
	if (l.ac == 0 && k->kind != K_MATCH) {
		/* Only a comment followed the keyword. */
		sc_error(p, &l, "%s: missing argument", k->canon);
		sc_reject(p, k, *block);
		goto out;
	}
	switch (k->kind) {
	case K_INCLUDE:
		sc_include(p, &l, *block);
		break;
	case K_MATCH:
		if ((criteria = sc_match_criteria(p, &l, &all)) == NULL) {
			/* sshd stops here; keep what follows apart from
			 * the global view all the same. */
			*block = sc_match_block(p, &l, start, l.rest);
			break;
		}
		if (all && start == NULL)
			*block = NULL;
		else
			*block = sc_match_block(p, &l, start, criteria);
		free(criteria);
		break;
	case K_DEPRECATED:
	case K_UNSUPPORTED:
	case K_IGNORE:
		ig = json_object_new_object();
		jsonutil_set_string(ig, "keyword", k->canon);
		jsonutil_set_string(ig, "source", l.src);
		jsonutil_set_string(ig, "reason", k->kind == K_DEPRECATED ?
		    "deprecated" : k->kind == K_UNSUPPORTED ? "unsupported" :
		    "ignored");
		json_object_array_add(p->ignored, ig);
		break;
	default:
		if (*block != NULL)
			json_object_object_get_ex(*block, "settings", &target);
		else
			target = p->global;
		if ((used = sc_apply(p, k, &l, target)) == -1) {
			sc_reject(p, k, *block);
			break;
		}
		if (used < l.ac) {
			sc_error(p, &l, "%s: extra arguments at end of line",
			    k->canon);
			sc_reject(p, k, *block);
		}
		break;
	}
out:
	sc_free_argv(l.av, l.ac);
	free(l.src);
}

static void
sc_parse_file(struct sc_parse *p, const char *path, struct json_object *start)
{
	const struct sc_file	*f;
	struct stat		 st;
	struct json_object	*block = start;
	char			*copy, *cur, *nl;
	int			 lineno = 0;

	f = sc_load(p, path);
	if (f->buf == NULL) {
		/* sshd cannot start without a file it was told to read;
		 * a directory it reads as empty (getline() fails), a FIFO
		 * would hang it.  section_read() said why. */
		if (f->err == ENOENT || f->err == ENOTDIR)
			sc_error(p, NULL, "%s: cannot open configuration file",
			    path);
		else if (f->err != EISDIR ||
		    section_stat(p->s, path, &st, 0) == -1 ||
		    !S_ISDIR(st.st_mode))
			p->valid = 0;
		return;
	}
	if (!json_object_object_get_ex(p->files_seen, path, NULL)) {
		jsonutil_set_bool(p->files_seen, path, 1);
		json_object_array_add(p->files, json_object_new_string(path));
	}
	p->stack[p->depth++] = f->path;
	copy = xstrdup(f->buf);
	for (cur = copy; cur != NULL; cur = nl) {
		if ((nl = strchr(cur, '\n')) != NULL)
			*nl++ = '\0';
		if (*cur == '\0' && nl == NULL)
			break;
		sc_line(p, cur, path, ++lineno, &block, start);
	}
	free(copy);
	p->depth--;
}

static struct json_object *
sc_default_value(const struct sc_keyword *k, const char *val)
{
	struct json_object	*a;
	char			*copy, *w, *save = NULL;
	long long		 n;

	switch (k->kind) {
	case K_INT:
	case K_TIME:
		if (sc_atoi(val, &n) == -1)
			return json_object_new_string(val);
		return json_object_new_int64(n);
	case K_PORT:
	case K_ARGS_FIRST:
	case K_ARGS_ACC:
	case K_ONE_ACC:
	case K_LISTEN:
		a = json_object_new_array();
		copy = xstrdup(val);
		for (w = strtok_r(copy, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save)) {
			if (k->kind == K_PORT && sc_atoi(w, &n) == 0)
				json_object_array_add(a,
				    json_object_new_int64(n));
			else
				json_object_array_add(a,
				    json_object_new_string(w));
		}
		free(copy);
		return a;
	default:
		return json_object_new_string(val);
	}
}

static int
sc_accumulates(enum sc_kind kind)
{
	return kind == K_ARGS_ACC || kind == K_ONE_ACC || kind == K_PORT ||
	    kind == K_LISTEN || kind == K_SUBSYSTEM;
}

static void
sc_set_default(struct sc_parse *p, const char *kw, struct json_object *v)
{
	const struct sc_keyword	*k = sc_lookup_canon(kw);
	struct json_object	*o, *srcs;
	size_t			 i;

	if (k == NULL || json_object_object_get_ex(p->global, kw, NULL) ||
	    sc_rejected(p, p->global, kw)) {
		json_object_put(v);
		return;
	}
	o = json_object_new_object();
	if (sc_accumulates(k->kind)) {
		srcs = json_object_new_array();
		for (i = 0; i < json_object_array_length(v); i++)
			json_object_array_add(srcs,
			    json_object_new_string("default"));
		jsonutil_set(o, "value", v);
		jsonutil_set(o, "source", srcs);
	} else {
		jsonutil_set(o, "value", v);
		jsonutil_set_string(o, "source", "default");
	}
	jsonutil_set(p->global, kw, o);
}

static void
sc_listen_add(struct json_object *a, const char *addr, int64_t port)
{
	char	buf[64];

	snprintf(buf, sizeof(buf), "%s:%lld", addr, (long long)port);
	json_object_array_add(a, json_object_new_string(buf));
}

/* fill_default_server_options() for the keywords in the tables. */
static void
sc_fill_defaults(struct sc_parse *p)
{
	static const struct {
		const char	*kw;
		int		 alg;
	} algs[] = {
		{ "casignaturealgorithms", A_SIG }, { "ciphers", A_CIPHER },
		{ "hostbasedacceptedalgorithms", A_KEY },
		{ "hostkeyalgorithms", A_KEY }, { "kexalgorithms", A_KEX },
		{ "macs", A_MAC }, { "pubkeyacceptedalgorithms", A_KEY },
	};
	struct json_object	*o, *ports, *listen;
	const char		*af = "any";
	size_t			 i;
	int64_t			 port;

	for (i = 0; i < sizeof(sc_common_defaults) /
	    sizeof(sc_common_defaults[0]); i++) {
		if (sc_common_defaults[i].min > p->version)
			continue;
		sc_set_default(p, sc_common_defaults[i].kw, sc_default_value(
		    sc_lookup_canon(sc_common_defaults[i].kw),
		    sc_common_defaults[i].val));
	}
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		o = json_object_new_object();
		if (json_object_object_get_ex(p->global, algs[i].kw, NULL) ||
		    sc_rejected(p, p->global, algs[i].kw)) {
			json_object_put(o);
			continue;
		}
		jsonutil_set(o, "value", sc_split_list(sc_alg_default(p,
		    algs[i].alg)));
		jsonutil_set_string(o, "source", "default");
		jsonutil_set(p->global, algs[i].kw, o);
	}
	/* ListenAddress: every Port on the wildcard addresses of the
	 * AddressFamily. */
	if (json_object_object_get_ex(p->global, "listenaddress", NULL) ||
	    sc_rejected(p, p->global, "listenaddress") ||
	    !json_object_object_get_ex(p->global, "port", &o) ||
	    !json_object_object_get_ex(o, "value", &ports))
		return;
	if (json_object_object_get_ex(p->global, "addressfamily", &o))
		jsonutil_get_string(o, "value", &af);
	listen = json_object_new_array();
	for (i = 0; i < json_object_array_length(ports); i++) {
		port = json_object_get_int64(json_object_array_get_idx(ports,
		    i));
		if (strcmp(af, "inet6") != 0)
			sc_listen_add(listen, "0.0.0.0", port);
		if (strcmp(af, "inet") != 0)
			sc_listen_add(listen, "[::]", port);
	}
	sc_set_default(p, "listenaddress", listen);
}

/* "1:9.2p1-2+deb12u2", "8.7p1-34.el9", "9.3_p2-r0": the upstream
 * version, "9.2p1". */
static char *
sc_upstream(const char *v)
{
	const char	*p = v, *dash;
	char		*out, *r, *w;

	if ((dash = strchr(v, ':')) != NULL &&
	    strspn(v, "0123456789") == (size_t)(dash - v))
		p = dash + 1;
	dash = strrchr(p, '-');
	out = xstrndup(p, dash != NULL ? (size_t)(dash - p) : strlen(p));
	for (r = w = out; *r != '\0'; r++) {
		if (*r != '_')
			*w++ = *r;
	}
	*w = '\0';
	return out;
}

static void
sc_version(struct sc_parse *p, struct json_object *data)
{
	static const char *const names[] = {
		"openssh-server", "openssh-server-pam",
	};
	const struct pkgdb	*db = pkgdb_get(p->s);
	const struct pkg	*pkg = NULL;
	struct json_object	*o;
	char			*up;
	size_t			 i;
	int			 major, minor;

	for (i = 0; i < sizeof(names) / sizeof(names[0]) && pkg == NULL; i++)
		pkg = pkgdb_find(db, names[i]);
	if (pkg == NULL || pkg->version == NULL)
		return;
	up = sc_upstream(pkg->version);
	jsonutil_set_string(data, "openssh_version", up);
	o = json_object_new_object();
	jsonutil_set_string(o, "name", pkg->name);
	jsonutil_set_string(o, "version", pkg->version);
	jsonutil_set_string(o, "database", pkgdb_format_name(db->format));
	jsonutil_set(data, "openssh_package", o);
	if (sscanf(up, "%d.%d", &major, &minor) == 2 && major >= 0 &&
	    major < 1000 && minor >= 0 && minor < 100) {
		p->version = major * 100 + minor;
		for (i = 0; i < sizeof(sc_tables) / sizeof(sc_tables[0]); i++) {
			if (p->version >= sc_tables[i].min &&
			    p->version <= sc_tables[i].max)
				p->table = &sc_tables[i];
		}
	}
	free(up);
	if (p->table != NULL)
		jsonutil_set_string(data, "defaults_table", p->table->name);
}

static void
sc_free(void *arg)
{
	struct sshdconf	*c = arg;

	json_object_put(c->data);
	json_object_put(c->config_errors);
	free(c);
}

static void *
sc_build(struct section *priv, const void *arg)
{
	struct sshdconf		*c;
	struct sc_parse		 p;
	struct json_object	*blocks, *b, *settings;
	const struct sc_file	*main_file;
	size_t			 i;

	c = xcalloc(1, sizeof(*c));
	(void)arg;
	c->data = json_object_new_object();
	memset(&p, 0, sizeof(p));
	p.s = priv;
	p.valid = 1;
	p.errors = json_object_new_array();
	p.errors_seen = json_object_new_object();
	p.global = json_object_new_object();
	p.rejected = json_object_new_object();
	p.blocks = json_object_new_array();
	p.files = json_object_new_array();
	p.files_seen = json_object_new_object();
	p.cache_index = json_object_new_object();
	p.includes = json_object_new_array();
	p.ignored = json_object_new_array();

	sc_version(&p, c->data);
	main_file = sc_load(&p, SC_CONFIG);
	c->read = main_file->buf != NULL;
	jsonutil_set_bool(c->data, "config_read", c->read);
	if (c->read) {
		sc_parse_file(&p, SC_CONFIG, NULL);
		if (p.table != NULL)
			sc_fill_defaults(&p);
		c->valid = p.valid;
		jsonutil_set_bool(c->data, "config_valid", c->valid);
		jsonutil_set(c->data, "files", json_object_get(p.files));
		jsonutil_set(c->data, "includes", json_object_get(p.includes));
		jsonutil_set(c->data, "effective", jsonutil_sorted(p.global));
		blocks = json_object_new_array();
		for (i = 0; i < json_object_array_length(p.blocks); i++) {
			b = json_object_array_get_idx(p.blocks, i);
			json_object_object_get_ex(b, "settings", &settings);
			jsonutil_set(b, "settings", jsonutil_sorted(settings));
			json_object_array_add(blocks, json_object_get(b));
		}
		if (p.overflow_block == NULL)
			jsonutil_set(c->data, "match_blocks", blocks);
		else
			json_object_put(blocks);
		jsonutil_set(c->data, "ignored", json_object_get(p.ignored));
	}

	c->config_errors = p.errors;
	json_object_put(p.errors_seen);
	json_object_put(p.global);
	json_object_put(p.rejected);
	json_object_put(p.overflow_block);
	json_object_put(p.blocks);
	json_object_put(p.files);
	json_object_put(p.files_seen);
	json_object_put(p.cache_index);
	json_object_put(p.includes);
	json_object_put(p.ignored);
	for (i = 0; i < p.ncache; i++) {
		free(p.cache[i].path);
		free(p.cache[i].buf);
	}
	free(p.cache);
	return c;
}

const struct sshdconf *
sshdconf_get(struct section *s, int with_config_errors)
{
	struct sshdconf		*c;
	struct json_object	*none;

	c = section_shared(s, "sshdconf", sc_build, NULL, sc_free);
	if (with_config_errors) {
		none = json_object_new_array();
		section_import(s, none, c->config_errors);
		json_object_put(none);
	}
	return c;
}

struct json_object *
sshdconf_json(const struct sshdconf *c)
{
	return c->data;
}

struct json_object *
sshdconf_effective(const struct sshdconf *c, const char *keyword)
{
	struct json_object	*eff, *v;

	if (!json_object_object_get_ex(c->data, "effective", &eff) ||
	    !json_object_object_get_ex(eff, keyword, &v))
		return NULL;
	return v;
}

int
sshdconf_read(const struct sshdconf *c)
{
	return c->read;
}

int
sshdconf_valid(const struct sshdconf *c)
{
	return c->read && c->valid;
}
