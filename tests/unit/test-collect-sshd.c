/*
 * Unit tests for the sshd collector and the shared sshd_config parser
 * (agent/sshdconf.c): each fixture root's effective values, then the
 * precedence, Include and Match rules on roots built for the purpose.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "collect-test.h"
#include "jsonutil.h"
#include "xmalloc.h"

#define DPKG_OPENSSH_92 \
	"Package: openssh-server\n" \
	"Status: install ok installed\n" \
	"Architecture: amd64\n" \
	"Version: 1:9.2p1-2+deb12u3\n\n"

static size_t
jlen(struct collect_result *r, const char *path)
{
	struct json_object	*v = jpath(r->section, path);

	if (v == NULL || !json_object_is_type(v, json_type_array))
		fail_msg("%s: not an array", path);
	return json_object_array_length(v);
}

/* Matches of the first Include of pattern; -1 when there is none. */
static int
include_files(struct collect_result *r, const char *pattern)
{
	struct json_object	*incs = jpath(r->section, "data.includes"), *f;
	const char		*p;
	size_t			 i;

	for (i = 0; incs != NULL && i < json_object_array_length(incs); i++) {
		if (jsonutil_get_string(json_object_array_get_idx(incs, i),
		    "pattern", &p) == 0 && strcmp(p, pattern) == 0 &&
		    jsonutil_get_array(json_object_array_get_idx(incs, i),
		    "files", &f) == 0)
			return (int)json_object_array_length(f);
	}
	return -1;
}

static void
run(const char *root, struct collect_result *r)
{
	collect_run(root, collect_sshd, "sshd", 0, r);
}

static void
run_fixture(const char *name, struct collect_result *r)
{
	run(fixture_path(name), r);
}

/* A temporary root with openssh-server 9.2p1 installed and the given
 * sshd_config. */
static char *
root_with_config(const char *config)
{
	char	*root = tmproot_new();

	tmproot_write(root, "/var/lib/dpkg/status", DPKG_OPENSSH_92);
	tmproot_write(root, "/etc/ssh/sshd_config", config);
	return root;
}

static void
test_debian_default(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-default", &r);
	assert_jstr(&r, "data.openssh_version", "9.2p1");
	assert_jstr(&r, "data.openssh_package.version", "1:9.2p1-2+deb12u2");
	assert_jstr(&r, "data.openssh_package.database", "dpkg");
	assert_jstr(&r, "data.defaults_table", "9.0-9.8");
	assert_jbool(&r, "data.config_read", 1);
	assert_jbool(&r, "data.config_valid", 1);
	/* The stock file leaves the compiled-in defaults. */
	assert_jstr(&r, "data.effective.passwordauthentication.value", "yes");
	assert_jstr(&r, "data.effective.passwordauthentication.source",
	    "default");
	assert_jstr(&r, "data.effective.permitrootlogin.value",
	    "prohibit-password");
	assert_jstr(&r, "data.effective.permitrootlogin.source", "default");
	assert_jint(&r, "data.effective.maxauthtries.value", 6);
	assert_jint(&r, "data.effective.logingracetime.value", 120);
	assert_jint(&r, "data.effective.port.value[0]", 22);
	assert_jstr(&r, "data.effective.port.source[0]", "default");
	assert_jstr(&r, "data.effective.listenaddress.value[0]", "0.0.0.0:22");
	assert_jstr(&r, "data.effective.listenaddress.value[1]", "[::]:22");
	assert_jstr(&r, "data.effective.usedns.value", "no");
	assert_jstr(&r, "data.effective.maxstartups.value", "10:30:100");
	assert_jstr(&r, "data.effective.authorizedkeysfile.value[1]",
	    ".ssh/authorized_keys2");
	/* Debian's file sets these; they are not compiled defaults. */
	assert_jstr(&r, "data.effective.kbdinteractiveauthentication.value",
	    "no");
	assert_jstr(&r, "data.effective.kbdinteractiveauthentication.source",
	    "/etc/ssh/sshd_config:62");
	assert_jstr(&r, "data.effective.usepam.value", "yes");
	assert_jstr(&r, "data.effective.usepam.source",
	    "/etc/ssh/sshd_config:85");
	assert_jstr(&r, "data.effective.x11forwarding.value", "yes");
	assert_jstr(&r, "data.effective.printmotd.value", "no");
	assert_jstr(&r, "data.effective.acceptenv.value[0]", "LANG");
	assert_jstr(&r, "data.effective.acceptenv.value[1]", "LC_*");
	assert_jstr(&r, "data.effective.acceptenv.source[1]",
	    "/etc/ssh/sshd_config:112");
	assert_jstr(&r, "data.effective.subsystem.value[0]",
	    "sftp /usr/lib/openssh/sftp-server");
	/* 9.x defaults: sntrup761 first, no ssh-rsa. */
	assert_jstr(&r, "data.effective.kexalgorithms.value[0]",
	    "sntrup761x25519-sha512@openssh.com");
	assert_int_equal(jlen(&r, "data.effective.kexalgorithms.value"), 10);
	assert_jstr(&r, "data.effective.ciphers.value[0]",
	    "chacha20-poly1305@openssh.com");
	assert_int_equal(jlen(&r, "data.effective.ciphers.value"), 6);
	assert_jstr(&r, "data.effective.macs.value[9]", "hmac-sha1");
	assert_jabsent(&r, "data.effective.ciphers.spec");
	assert_jstr(&r, "data.effective.hostkeyalgorithms.value[15]",
	    "rsa-sha2-256");
	assert_jabsent(&r, "data.effective.hostkeyalgorithms.value[16]");
	/* The Include matched nothing. */
	assert_jstr(&r, "data.includes[0].pattern",
	    "/etc/ssh/sshd_config.d/*.conf");
	assert_jstr(&r, "data.includes[0].source", "/etc/ssh/sshd_config:12");
	assert_int_equal(jlen(&r, "data.includes[0].files"), 0);
	assert_int_equal(jlen(&r, "data.files"), 1);
	assert_int_equal(jlen(&r, "data.match_blocks"), 0);
	/* Host keys from the .pub files, never the private ones. */
	assert_int_equal(jlen(&r, "data.host_keys"), 3);
	assert_jstr(&r, "data.host_keys[0].path",
	    "/etc/ssh/ssh_host_ecdsa_key.pub");
	assert_jstr(&r, "data.host_keys[1].type", "ssh-ed25519");
	assert_jint(&r, "data.host_keys[2].bits", 3072);
	assert_jbool(&r, "data.host_keys[2].in_use", 1);
	assert_null(collect_source_status(&r, "/etc/ssh/ssh_host_rsa_key"));
	assert_string_equal(collect_source_status(&r,
	    "/etc/ssh/ssh_host_rsa_key.pub"), "read");
	assert_string_equal(collect_source_status(&r, "/var/lib/dpkg/status"),
	    "read");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_debian_hardened(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-hardened", &r);
	assert_jbool(&r, "data.config_valid", 1);
	/* The drop-ins come before the stock file's later lines, and the
	 * first value wins. */
	assert_jstr(&r, "data.effective.passwordauthentication.value", "no");
	assert_jstr(&r, "data.effective.passwordauthentication.source",
	    "/etc/ssh/sshd_config.d/50-hardening.conf:6");
	assert_jstr(&r, "data.effective.permitrootlogin.value", "no");
	assert_jstr(&r, "data.effective.permitrootlogin.source",
	    "/etc/ssh/sshd_config.d/50-hardening.conf:5");
	assert_jstr(&r, "data.effective.x11forwarding.value", "no");
	assert_jint(&r, "data.effective.maxauthtries.value", 4);
	assert_jint(&r, "data.effective.logingracetime.value", 60);
	assert_jint(&r, "data.effective.clientaliveinterval.value", 300);
	assert_jstr(&r, "data.effective.maxstartups.value", "10:30:60");
	assert_jstr(&r, "data.effective.loglevel.value", "VERBOSE");
	assert_jstr(&r, "data.effective.disableforwarding.value", "yes");
	assert_jstr(&r, "data.effective.banner.value", "/etc/issue.net");
	assert_jstr(&r, "data.effective.allowgroups.value[0]", "ssh-users");
	assert_int_equal(jlen(&r, "data.effective.allowgroups.value"), 1);
	assert_jstr(&r, "data.effective.ciphers.spec",
	    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,"
	    "aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr");
	assert_int_equal(jlen(&r, "data.effective.ciphers.value"), 6);
	assert_jstr(&r, "data.effective.ciphers.value[1]",
	    "aes256-gcm@openssh.com");
	assert_jstr(&r, "data.effective.ciphers.source",
	    "/etc/ssh/sshd_config.d/40-crypto.conf:2");
	assert_int_equal(jlen(&r, "data.effective.macs.value"), 4);
	assert_jstr(&r, "data.effective.hostkeyalgorithms.value[0]",
	    "ssh-ed25519");
	/* Match blocks: in file order, kept out of the global view. */
	assert_int_equal(jlen(&r, "data.match_blocks"), 2);
	assert_jstr(&r, "data.match_blocks[0].criteria",
	    "Address 10.20.0.0/16,192.168.50.*");
	assert_jstr(&r, "data.match_blocks[0].source",
	    "/etc/ssh/sshd_config.d/60-jumphost.conf:3");
	assert_jstr(&r, "data.match_blocks[0].settings."
	    "passwordauthentication.value", "yes");
	assert_jint(&r, "data.match_blocks[0].settings.maxauthtries.value", 6);
	assert_jstr(&r, "data.match_blocks[1].criteria", "User svc-restic");
	assert_jstr(&r, "data.match_blocks[1].settings.forcecommand.value",
	    "internal-sftp -d /srv/backup");
	assert_jstr(&r, "data.match_blocks[1].settings.permittty.value", "no");
	assert_jabsent(&r, "data.match_blocks[1].outer_criteria");
	assert_jstr(&r, "data.effective.forcecommand.value", "none");
	assert_jstr(&r, "data.effective.permittty.value", "yes");
	assert_int_equal(jlen(&r, "data.files"), 4);
	assert_jstr(&r, "data.files[3]",
	    "/etc/ssh/sshd_config.d/60-jumphost.conf");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_debian_drifted(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-drifted", &r);
	assert_jstr(&r, "data.effective.passwordauthentication.value", "yes");
	assert_jstr(&r, "data.effective.passwordauthentication.source",
	    "/etc/ssh/sshd_config.d/50-hardening.conf:6");
	assert_jstr(&r, "data.effective.permitrootlogin.value", "no");
	assert_jbool(&r, "data.config_valid", 1);
	collect_result_free(&r);
}

static void
test_debian_weak(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-weak", &r);
	assert_jbool(&r, "data.config_valid", 1);
	assert_jstr(&r, "data.effective.permitrootlogin.value", "yes");
	assert_jstr(&r, "data.effective.permitrootlogin.source",
	    "/etc/ssh/sshd_config:33");
	/* The cloud-init drop-in is read before the main file's line. */
	assert_jstr(&r, "data.effective.passwordauthentication.source",
	    "/etc/ssh/sshd_config.d/50-cloud-init.conf:1");
	assert_jstr(&r, "data.effective.permitemptypasswords.value", "yes");
	assert_jint(&r, "data.effective.logingracetime.value", 600);
	assert_jint(&r, "data.effective.maxauthtries.value", 10);
	assert_jstr(&r, "data.effective.ignorerhosts.value", "no");
	assert_jstr(&r, "data.effective.gatewayports.value", "yes");
	assert_jstr(&r, "data.effective.permituserenvironment.value", "yes");
	assert_jint(&r, "data.effective.port.value[0]", 22);
	assert_jstr(&r, "data.effective.port.source[0]",
	    "/etc/ssh/sshd_config:14");
	/* "+" appends to the version's defaults. */
	assert_jstr(&r, "data.effective.ciphers.spec", "+3des-cbc,aes128-cbc");
	assert_int_equal(jlen(&r, "data.effective.ciphers.value"), 8);
	assert_jstr(&r, "data.effective.ciphers.value[0]",
	    "chacha20-poly1305@openssh.com");
	assert_jstr(&r, "data.effective.ciphers.value[6]", "3des-cbc");
	assert_jstr(&r, "data.effective.ciphers.value[7]", "aes128-cbc");
	assert_jstr(&r, "data.effective.kexalgorithms.value[10]",
	    "diffie-hellman-group1-sha1");
	/* hmac-sha1 was already a default: not repeated. */
	assert_int_equal(jlen(&r, "data.effective.macs.value"), 11);
	assert_jstr(&r, "data.effective.macs.value[10]", "hmac-md5");
	assert_jstr(&r, "data.ignored[0].keyword", "protocol");
	assert_jstr(&r, "data.ignored[0].reason", "ignored");
	assert_jstr(&r, "data.host_keys[2].type", "ssh-rsa");
	assert_jint(&r, "data.host_keys[2].bits", 1024);
	assert_jstr(&r, "data.host_keys[2].fingerprint",
	    "SHA256:pErNKMYLJCqmo6KK9lYpZ2VAeKMPwzeV0f6WDVpzQGs");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_rhel9(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("rhel9");

	/* The copy has the rpm database built from rhel9.rpms.tsv. */
	run(root, &r);
	assert_jstr(&r, "data.openssh_version", "8.7p1");
	assert_jstr(&r, "data.openssh_package.database", "rpm");
	assert_jstr(&r, "data.defaults_table", "8.5-8.7");
	assert_jbool(&r, "data.config_valid", 1);
	/* 40-cis.conf is read before 50-redhat.conf and the main file. */
	assert_jstr(&r, "data.effective.passwordauthentication.value", "no");
	assert_jstr(&r, "data.effective.x11forwarding.value", "no");
	assert_jstr(&r, "data.effective.x11forwarding.source",
	    "/etc/ssh/sshd_config.d/40-cis.conf:5");
	assert_jstr(&r, "data.effective.syslogfacility.value", "AUTHPRIV");
	assert_jstr(&r, "data.effective.syslogfacility.source",
	    "/etc/ssh/sshd_config.d/50-redhat.conf:8");
	/* ChallengeResponseAuthentication is KbdInteractiveAuthentication. */
	assert_jstr(&r, "data.effective.kbdinteractiveauthentication.value",
	    "no");
	assert_jstr(&r, "data.effective.kbdinteractiveauthentication.source",
	    "/etc/ssh/sshd_config.d/50-redhat.conf:10");
	assert_jabsent(&r, "data.effective.challengeresponseauthentication");
	assert_jstr(&r, "data.effective.gssapiauthentication.value", "yes");
	assert_jstr(&r, "data.effective.gssapicleanupcredentials.value", "no");
	/* The crypto-policies back-end, through an absolute symlink. */
	assert_jstr(&r, "data.effective.ciphers.value[0]",
	    "aes256-gcm@openssh.com");
	assert_int_equal(jlen(&r, "data.effective.ciphers.value"), 3);
	assert_jstr(&r, "data.effective.ciphers.source",
	    "/etc/crypto-policies/back-ends/opensshserver.config:1");
	assert_jint(&r, "data.effective.requiredrsasize.value", 3072);
	assert_jstr(&r, "data.effective.gssapikexalgorithms.value",
	    "gss-curve25519-sha256-,gss-nistp256-sha256-,gss-group16-sha512-,"
	    "gss-group18-sha512-");
	/* AuthorizedKeysFile: one file, as RHEL's file says. */
	assert_int_equal(jlen(&r, "data.effective.authorizedkeysfile.value"),
	    1);
	assert_jstr(&r, "data.effective.subsystem.value[0]",
	    "sftp /usr/libexec/openssh/sftp-server");
	/* 8.7 still offered ssh-rsa signatures by default. */
	assert_jstr(&r, "data.effective.pubkeyacceptedalgorithms.value[0]",
	    "ecdsa-sha2-nistp384");
	assert_jstr(&r, "data.effective.hostbasedacceptedalgorithms.value[17]",
	    "ssh-rsa");
	assert_jstr(&r, "data.effective.kexalgorithms.value[0]",
	    "curve25519-sha256");
	assert_int_equal(jlen(&r, "data.files"), 4);
	assert_jstr(&r, "data.files[2]",
	    "/etc/ssh/sshd_config.d/50-redhat.conf");
	assert_jstr(&r, "data.files[3]",
	    "/etc/crypto-policies/back-ends/opensshserver.config");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_alpine(void **state)
{
	struct collect_result	r;

	run_fixture("alpine", &r);
	assert_jstr(&r, "data.openssh_version", "9.6p1");
	assert_jstr(&r, "data.openssh_package.version", "9.6_p1-r0");
	assert_jstr(&r, "data.openssh_package.database", "apk");
	assert_jstr(&r, "data.defaults_table", "9.0-9.8");
	assert_jstr(&r, "data.effective.permitrootlogin.value", "no");
	assert_jstr(&r, "data.effective.permitrootlogin.source",
	    "/etc/ssh/sshd_config.d/10-local.conf:1");
	assert_jstr(&r, "data.effective.passwordauthentication.value", "no");
	assert_jstr(&r, "data.effective.allowtcpforwarding.value", "no");
	assert_jstr(&r, "data.effective.allowtcpforwarding.source",
	    "/etc/ssh/sshd_config:88");
	assert_jstr(&r, "data.effective.subsystem.value[0]",
	    "sftp internal-sftp");
	assert_jstr(&r, "data.effective.kbdinteractiveauthentication.value",
	    "yes");
	assert_jbool(&r, "data.config_valid", 1);
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
}

static void
test_hostile(void **state)
{
	struct collect_result	 r;
	char			*root = fixture_copy("hostile"), *fifo;

	fifo = xasprintf("%s/etc/ssh/sshd_config.d/65-fifo.conf", root);
	/* Git cannot hold a FIFO: made here unless the copy has one. */
	if (mkfifo(fifo, 0644) == -1)
		assert_int_equal(errno, EEXIST);
	run(root, &r);
	assert_jbool(&r, "data.config_read", 1);
	assert_jbool(&r, "data.config_valid", 0);
	assert_true(collect_errors_matching(&r, "Include cycle") >= 3);
	assert_int_equal(collect_errors_matching(&r,
	    "10-self.conf:1: Include cycle"), 1);
	/* First values read, file by file. */
	assert_jstr(&r, "data.effective.permitrootlogin.value", "no");
	assert_jstr(&r, "data.effective.permitrootlogin.source",
	    "/etc/ssh/sshd_config.d/10-self.conf:2");
	assert_jstr(&r, "data.effective.passwordauthentication.value", "no");
	assert_jstr(&r, "data.effective.passwordauthentication.source",
	    "/etc/ssh/sshd_config.d/20-parent.conf:2");
	assert_jint(&r, "data.effective.maxauthtries.value", 3);
	assert_jstr(&r, "data.effective.maxauthtries.source",
	    "/etc/ssh/sshd_config.d/30-crlf.conf:1");
	assert_jstr(&r, "data.effective.x11forwarding.value", "no");
	assert_jstr(&r, "data.effective.permitemptypasswords.value", "yes");
	assert_true(collect_errors_matching(&r,
	    "30-crlf.conf:4: no argument after keyword "
	    "clientaliveinterval") == 1);
	assert_true(collect_errors_matching(&r,
	    "30-crlf.conf:5: bad configuration option") == 1);
	/* No openssh-server package: no version, so no defaults. */
	assert_jabsent(&r, "data.openssh_version");
	assert_jabsent(&r, "data.defaults_table");
	assert_jabsent(&r, "data.effective.clientaliveinterval");
	assert_jabsent(&r, "data.effective.port");
	assert_jabsent(&r, "data.effective.ciphers");
	assert_jstr(&r, "data.effective.allowusers.value[0]", "user0000");
	assert_jstr(&r, "data.effective.allowusers.value[2999]", "user2999");
	/* Unreadable drop-ins are reported, not parsed. */
	assert_string_equal(collect_source_status(&r,
	    "/etc/ssh/sshd_config.d/99-loop.conf"), "symlink_loop");
	assert_string_equal(collect_source_status(&r,
	    "/etc/ssh/sshd_config.d/70-dir.conf"), "not_a_file");
	assert_string_equal(collect_source_status(&r,
	    "/etc/ssh/sshd_config.d/65-fifo.conf"), "not_a_file");
	/* The escape to the shadow file stays in the root, and no line
	 * of it is echoed into an error. */
	assert_true(collect_errors_matching(&r,
	    "60-escape.conf:1: not a keyword and argument line") == 1);
	assert_int_equal(collect_errors_matching(&r,
	    "exhibit-hostile-shadow-marker"), 0);
	assert_int_equal(collect_errors_matching(&r, "fakehash"), 0);
	assert_int_equal(collect_errors_matching(&r, "80-missing.conf:3: "
	    "no argument after keyword include"), 1);
	assert_int_equal(include_files(&r, "/nonexistent-file.conf"), 0);
	assert_int_equal(include_files(&r, "/etc/ssh/nonexistent/*.conf"), 0);
	assert_int_equal(include_files(&r, "/etc/ssh/sshd_config.d/*.conf"),
	    11);
	/* Private keys, even one that is a symlink, are never read. */
	assert_null(collect_source_status(&r, "/etc/ssh/ssh_host_rsa_key"));
	assert_null(collect_source_status(&r, "/etc/ssh/ssh_host_ecdsa_key"));
	assert_int_equal(jlen(&r, "data.host_keys"), 0);
	collect_result_free(&r);
	free(fifo);
	fixture_remove(root);
}

static void
test_precedence(void **state)
{
	struct collect_result	 r;
	char			*root;

	root = root_with_config(
	    "# comment\r\n"
	    "Include /etc/ssh/sshd_config.d/*.conf\n"
	    "Port 22\n"
	    "AddressFamily inet\n"
	    "PasswordAuthentication yes\n"
	    "MaxStartups 20\n"
	    "AllowUsers alice\n"
	    "AllowUsers bob carol\n"
	    "AuthorizedKeysFile .ssh/authorized_keys /etc/keys/%u\n"
	    "AuthorizedKeysFile /never\n"
	    "ChrootDirectory \"/srv/with space\"\n"
	    "MaxSessions 5 # five\n"
	    "PermitRootLogin without-password\n"
	    "LogLevel debug1\n"
	    "Ciphers -aes128-ctr,*cbc\n"
	    "MACs ^hmac-sha2-512\n"
	    "KexAlgorithms +diffie-hellman-group14-sha*\n"
	    "HostKeyAlgorithms +ssh-rsa*\n"
	    "ClientAliveInterval 1m30s\n"
	    "IPQoS lowdelay\n"
	    "Subsystem sftp internal-sftp -l INFO\n");
	tmproot_write(root, "/etc/ssh/sshd_config.d/10-first.conf",
	    "passwordauthentication=no\n"
	    "PORT = 2222\n"
	    "MaxStartups 5:50:30\n"
	    "maxsessions\t\t7\n");
	run(root, &r);
	assert_jbool(&r, "data.config_valid", 1);
	assert_jstr(&r, "data.effective.passwordauthentication.value", "no");
	assert_jstr(&r, "data.effective.passwordauthentication.source",
	    "/etc/ssh/sshd_config.d/10-first.conf:1");
	/* Port accumulates in reading order; ListenAddress follows. */
	assert_jint(&r, "data.effective.port.value[0]", 2222);
	assert_jint(&r, "data.effective.port.value[1]", 22);
	assert_jstr(&r, "data.effective.port.source[1]",
	    "/etc/ssh/sshd_config:3");
	assert_jstr(&r, "data.effective.listenaddress.value[0]",
	    "0.0.0.0:2222");
	assert_jstr(&r, "data.effective.listenaddress.value[1]", "0.0.0.0:22");
	assert_int_equal(jlen(&r, "data.effective.listenaddress.value"), 2);
	/* MaxStartups: every line overwrites. */
	assert_jstr(&r, "data.effective.maxstartups.value", "20:30:20");
	assert_jstr(&r, "data.effective.maxstartups.source",
	    "/etc/ssh/sshd_config:6");
	assert_jint(&r, "data.effective.maxsessions.value", 7);
	assert_int_equal(jlen(&r, "data.effective.allowusers.value"), 3);
	assert_jstr(&r, "data.effective.allowusers.value[2]", "carol");
	assert_jstr(&r, "data.effective.allowusers.source[2]",
	    "/etc/ssh/sshd_config:8");
	/* AuthorizedKeysFile: the first line, all of it. */
	assert_int_equal(jlen(&r, "data.effective.authorizedkeysfile.value"),
	    2);
	assert_jstr(&r, "data.effective.authorizedkeysfile.value[1]",
	    "/etc/keys/%u");
	assert_jstr(&r, "data.effective.chrootdirectory.value",
	    "/srv/with space");
	assert_jstr(&r, "data.effective.permitrootlogin.value",
	    "prohibit-password");
	assert_jstr(&r, "data.effective.loglevel.value", "DEBUG");
	assert_jint(&r, "data.effective.clientaliveinterval.value", 90);
	assert_jstr(&r, "data.effective.ipqos.value", "lowdelay lowdelay");
	assert_jstr(&r, "data.effective.subsystem.value[0]",
	    "sftp internal-sftp -l INFO");
	/* "-" removes (with patterns) from the defaults. */
	assert_int_equal(jlen(&r, "data.effective.ciphers.value"), 5);
	assert_jstr(&r, "data.effective.ciphers.value[1]", "aes192-ctr");
	/* "^" puts first. */
	assert_jstr(&r, "data.effective.macs.value[0]", "hmac-sha2-512");
	assert_jstr(&r, "data.effective.macs.value[1]",
	    "umac-64-etm@openssh.com");
	assert_int_equal(jlen(&r, "data.effective.macs.value"), 10);
	/* "+" with a wildcard: expanded, without repeats. */
	assert_int_equal(jlen(&r, "data.effective.kexalgorithms.value"), 11);
	assert_jstr(&r, "data.effective.kexalgorithms.value[10]",
	    "diffie-hellman-group14-sha1");
	/* A wildcard with no table to expand it: no value, the spec. */
	assert_jstr(&r, "data.effective.hostkeyalgorithms.spec", "+ssh-rsa*");
	assert_jabsent(&r, "data.effective.hostkeyalgorithms.value");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_include_globbing(void **state)
{
	struct collect_result	 r;
	char			*root;

	root = root_with_config(
	    "Include conf.d/*.conf extra/*/x.conf\n"
	    "Include /etc/ssh/conf.d/10-a.conf\n"
	    "Include /etc/ssh/nothing-here.conf\n"
	    "Banner /from-main\n");
	/* strcmp order: "10" before "9"; dot files are not matched. */
	tmproot_write(root, "/etc/ssh/conf.d/9-b.conf",
	    "MaxAuthTries 9\nBanner /from-9b\n");
	tmproot_write(root, "/etc/ssh/conf.d/10-a.conf",
	    "MaxAuthTries 10\nAcceptEnv A\n");
	tmproot_write(root, "/etc/ssh/conf.d/.hidden.conf", "Banner /hidden\n");
	tmproot_write(root, "/etc/ssh/conf.d/notconf", "Banner /notconf\n");
	tmproot_write(root, "/etc/ssh/extra/one/x.conf", "AcceptEnv B\n");
	tmproot_write(root, "/etc/ssh/extra/two/y.conf", "AcceptEnv C\n");
	run(root, &r);
	assert_jbool(&r, "data.config_valid", 1);
	assert_jint(&r, "data.effective.maxauthtries.value", 10);
	assert_jstr(&r, "data.effective.maxauthtries.source",
	    "/etc/ssh/conf.d/10-a.conf:1");
	assert_jstr(&r, "data.effective.banner.value", "/from-9b");
	assert_jstr(&r, "data.includes[0].pattern", "/etc/ssh/conf.d/*.conf");
	assert_int_equal(jlen(&r, "data.includes[0].files"), 2);
	assert_jstr(&r, "data.includes[0].files[0]",
	    "/etc/ssh/conf.d/10-a.conf");
	assert_jstr(&r, "data.includes[1].pattern", "/etc/ssh/extra/*/x.conf");
	assert_jstr(&r, "data.includes[1].files[0]",
	    "/etc/ssh/extra/one/x.conf");
	/* A file included twice is read twice, as sshd does. */
	assert_jstr(&r, "data.effective.acceptenv.value[0]", "A");
	assert_jstr(&r, "data.effective.acceptenv.value[1]", "B");
	assert_jstr(&r, "data.effective.acceptenv.value[2]", "A");
	assert_int_equal(jlen(&r, "data.effective.acceptenv.value"), 3);
	assert_int_equal(jlen(&r, "data.includes[3].files"), 0);
	assert_int_equal(jlen(&r, "data.files"), 4);
	assert_null(collect_source_status(&r, "/etc/ssh/conf.d/.hidden.conf"));
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_match_blocks(void **state)
{
	struct collect_result	 r;
	char			*root;

	root = root_with_config(
	    "Include /etc/ssh/d/*.conf\n"
	    "X11Forwarding yes\n"
	    "Match Group admins\n"
	    "  PermitTTY yes\n"
	    "  Include /etc/ssh/m/*.conf\n"
	    "  AllowAgentForwarding no\n"
	    "Match all\n"
	    "MaxSessions 3\n");
	/* A Match block in an included file ends with that file. */
	tmproot_write(root, "/etc/ssh/d/10.conf",
	    "PermitRootLogin no\n"
	    "Match User backup\n"
	    "\tPasswordAuthentication no\n"
	    "\tPasswordAuthentication yes\n");
	/* An Include inside a Match belongs to it. */
	tmproot_write(root, "/etc/ssh/m/20.conf",
	    "Banner /admins\n"
	    "Match Address 10.0.0.0/8\n"
	    "\tMaxAuthTries 2\n");
	run(root, &r);
	assert_jbool(&r, "data.config_valid", 1);
	assert_int_equal(jlen(&r, "data.match_blocks"), 3);
	assert_jstr(&r, "data.match_blocks[0].criteria", "User backup");
	assert_jstr(&r, "data.match_blocks[0].source", "/etc/ssh/d/10.conf:2");
	assert_jstr(&r, "data.match_blocks[0].settings."
	    "passwordauthentication.value", "no");
	assert_jstr(&r, "data.match_blocks[1].criteria", "Group admins");
	assert_jstr(&r, "data.match_blocks[1].settings.banner.value",
	    "/admins");
	assert_jstr(&r, "data.match_blocks[1].settings.banner.source",
	    "/etc/ssh/m/20.conf:1");
	assert_jstr(&r, "data.match_blocks[1].settings."
	    "allowagentforwarding.value", "no");
	assert_jstr(&r, "data.match_blocks[2].criteria", "Address 10.0.0.0/8");
	assert_jstr(&r, "data.match_blocks[2].outer_criteria[0]",
	    "Group admins");
	assert_jint(&r, "data.match_blocks[2].settings.maxauthtries.value", 2);
	/* None of it reaches the global view... */
	assert_jstr(&r, "data.effective.passwordauthentication.value", "yes");
	assert_jstr(&r, "data.effective.passwordauthentication.source",
	    "default");
	assert_jstr(&r, "data.effective.banner.value", "none");
	assert_jint(&r, "data.effective.maxauthtries.value", 6);
	assert_jstr(&r, "data.effective.allowagentforwarding.value", "yes");
	/* ...but lines after the included file's Match are global again,
	 * and so is everything after "Match all". */
	assert_jstr(&r, "data.effective.x11forwarding.value", "yes");
	assert_jstr(&r, "data.effective.x11forwarding.source",
	    "/etc/ssh/sshd_config:2");
	assert_jint(&r, "data.effective.maxsessions.value", 3);
	assert_jstr(&r, "data.effective.permitrootlogin.value", "no");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_cycles_and_depth(void **state)
{
	struct collect_result	 r;
	char			*root, path[64], content[128];
	int			 i;

	root = root_with_config("Include a.conf\nMaxAuthTries 5\n");
	tmproot_write(root, "/etc/ssh/a.conf", "Include b.conf\nBanner /a\n");
	tmproot_write(root, "/etc/ssh/b.conf", "Include a.conf\nBanner /b\n");
	run(root, &r);
	assert_jbool(&r, "data.config_valid", 0);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/ssh/b.conf:1: Include cycle: /etc/ssh/a.conf"), 1);
	assert_jstr(&r, "data.effective.banner.value", "/b");
	assert_jint(&r, "data.effective.maxauthtries.value", 5);
	collect_result_free(&r);
	fixture_remove(root);

	/* A chain of distinct files: sshd allows 16 levels of Include. */
	root = root_with_config("Include n1.conf\n");
	for (i = 1; i <= 18; i++) {
		snprintf(path, sizeof(path), "/etc/ssh/n%d.conf", i);
		snprintf(content, sizeof(content),
		    "Include n%d.conf\nAcceptEnv V%d\n", i + 1, i);
		tmproot_write(root, path, content);
	}
	run(root, &r);
	assert_jbool(&r, "data.config_valid", 0);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/ssh/n16.conf:1: too many recursive configuration "
	    "includes"), 1);
	assert_int_equal(jlen(&r, "data.effective.acceptenv.value"), 16);
	assert_jstr(&r, "data.effective.acceptenv.value[0]", "V16");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_rejected_values(void **state)
{
	struct collect_result	 r;
	char			*root;

	root = root_with_config(
	    "PasswordAuthentication maybe\n"
	    "PasswordAuthentication no\n"
	    "Port 0\n"
	    "MaxAuthTries -1\n"
	    "PermitRootLogn no\n"
	    "LoginGraceTime 2x\n"
	    "Banner /a /b\n"
	    "MaxSessions \"4\n"
	    "Match User x\n"
	    "  Ciphers aes128-ctr\n"
	    "Match Colour blue\n");
	run(root, &r);
	assert_jbool(&r, "data.config_valid", 0);
	/* A refused keyword has no value: neither later nor default. */
	assert_jabsent(&r, "data.effective.passwordauthentication");
	assert_jabsent(&r, "data.effective.port");
	assert_jabsent(&r, "data.effective.listenaddress");
	assert_jabsent(&r, "data.effective.maxauthtries");
	assert_jabsent(&r, "data.effective.logingracetime");
	assert_jabsent(&r, "data.effective.maxsessions");
	assert_int_equal(collect_errors_matching(&r,
	    "sshd_config:1: passwordauthentication: unsupported value"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "sshd_config:3: port: badly formatted"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "sshd_config:4: maxauthtries: bad integer"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "sshd_config:5: bad configuration option"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "sshd_config:6: logingracetime: invalid time"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "sshd_config:7: banner: extra arguments"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "sshd_config:8: invalid quotes"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "sshd_config:10: ciphers is not allowed within a Match block"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "sshd_config:11: match: unsupported attribute"), 1);
	/* The other keywords keep their defaults. */
	assert_jstr(&r, "data.effective.permitrootlogin.value",
	    "prohibit-password");
	assert_jabsent(&r, "data.effective.banner");
	assert_jstr(&r, "data.effective.ciphers.source", "default");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_missing_and_unreadable(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new(), *big;

	/* Nothing at all: no values, no errors. */
	run(root, &r);
	assert_jbool(&r, "data.config_read", 0);
	assert_jabsent(&r, "data.config_valid");
	assert_jabsent(&r, "data.effective");
	assert_jabsent(&r, "data.openssh_version");
	assert_string_equal(collect_source_status(&r, "/etc/ssh/sshd_config"),
	    "absent");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);

	/* Too large: an error, and still no values. */
	big = xcalloc(1, 4097);
	memset(big, '#', 4096);
	tmproot_write(root, "/etc/ssh/sshd_config", big);
	tmproot_write(root, "/var/lib/dpkg/status", DPKG_OPENSSH_92);
	collect_run(root, collect_sshd, "sshd", 1024, &r);
	assert_jbool(&r, "data.config_read", 0);
	assert_jabsent(&r, "data.effective");
	assert_jstr(&r, "data.openssh_version", "9.2p1");
	assert_string_equal(collect_source_status(&r, "/etc/ssh/sshd_config"),
	    "too_large");
	assert_int_equal(collect_errors_matching(&r, "larger than"), 1);
	collect_result_free(&r);
	free(big);

	/* A directory matched by an Include: sshd reads it as empty. */
	tmproot_write(root, "/etc/ssh/sshd_config",
	    "Include /etc/ssh/inc/*\nPort 2022\n");
	tmproot_write(root, "/etc/ssh/inc/dir.conf/.keep", "");
	run(root, &r);
	assert_jbool(&r, "data.config_valid", 1);
	assert_string_equal(collect_source_status(&r, "/etc/ssh/inc/dir.conf"),
	    "not_a_file");
	assert_int_equal(collect_errors_matching(&r, "not a regular file"), 1);
	assert_jint(&r, "data.effective.port.value[0]", 2022);
	collect_result_free(&r);

	/* Binary data in an included file. */
	tmproot_write(root, "/etc/ssh/sshd_config", "Include bin.conf\n");
	tmproot_write(root, "/etc/ssh/bin.conf", "Port 22\n");
	big = xasprintf("%s/etc/ssh/bin.conf", root);
	{
		FILE *f = fopen(big, "w");

		assert_non_null(f);
		fwrite("Port\0 22\n", 1, 9, f);
		fclose(f);
	}
	run(root, &r);
	assert_jbool(&r, "data.config_valid", 0);
	assert_string_equal(collect_source_status(&r, "/etc/ssh/bin.conf"),
	    "binary");
	assert_jstr(&r, "data.effective.port.source[0]", "default");
	collect_result_free(&r);
	free(big);
	fixture_remove(root);
}

static void
test_size_limits(void **state)
{
	struct collect_result	 r;
	char			*root, *config;
	size_t			 i, len = 0;

	/* 10001 AcceptEnv values on two lines and 10001 Match blocks. */
	config = xcalloc(1, 1 << 20);
	len += (size_t)sprintf(config + len, "AcceptEnv");
	for (i = 0; i < 10000; i++)
		len += (size_t)sprintf(config + len, " V%zu", i);
	len += (size_t)sprintf(config + len, "\nAcceptEnv LAST\n"
	    "AllowUsers alice\n");
	for (i = 0; i < 10001; i++)
		len += (size_t)sprintf(config + len, "Match User u%zu\n"
		    " PasswordAuthentication no\n", i);
	root = root_with_config(config);
	run(root, &r);
	/* sshd itself would accept this. */
	assert_jbool(&r, "data.config_valid", 1);
	assert_jabsent(&r, "data.effective.acceptenv");
	assert_int_equal(collect_errors_matching(&r,
	    "sshd_config:2: acceptenv: more than 10000 values"), 1);
	assert_jstr(&r, "data.effective.allowusers.value[0]", "alice");
	assert_jabsent(&r, "data.match_blocks");
	assert_int_equal(collect_errors_matching(&r,
	    "more than 10000 Match blocks"), 1);
	assert_jstr(&r, "data.effective.passwordauthentication.source",
	    "default");
	collect_result_free(&r);
	free(config);
	fixture_remove(root);
}

static void
test_deterministic(void **state)
{
	struct collect_result	a, b;

	run_fixture("debian12-hardened", &a);
	run_fixture("debian12-hardened", &b);
	assert_string_equal(jsonutil_to_string(a.section, 0),
	    jsonutil_to_string(b.section, 0));
	collect_result_free(&a);
	collect_result_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_default),
		cmocka_unit_test(test_debian_hardened),
		cmocka_unit_test(test_debian_drifted),
		cmocka_unit_test(test_debian_weak),
		cmocka_unit_test(test_rhel9),
		cmocka_unit_test(test_alpine),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_include_globbing),
		cmocka_unit_test(test_match_blocks),
		cmocka_unit_test(test_cycles_and_depth),
		cmocka_unit_test(test_rejected_values),
		cmocka_unit_test(test_missing_and_unreadable),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests_name("collect-sshd", tests, NULL, NULL);
}
