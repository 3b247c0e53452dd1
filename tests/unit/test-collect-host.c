/* Unit tests for the host collector and the evidence document. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "collect-test.h"
#include "evidence.h"
#include "hostroot.h"
#include "jsonutil.h"
#include "xmalloc.h"

/* A 64-bit little-endian ELF header for the given e_machine. */
static void
write_elf(const char *root, const char *path, unsigned machine)
{
	unsigned char	 h[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	char		*full;
	FILE		*f;

	h[16] = 2;			/* ET_EXEC */
	h[18] = (unsigned char)(machine & 0xff);
	h[19] = (unsigned char)(machine >> 8);
	tmproot_write(root, path, "");
	full = xasprintf("%s%s", root, path);
	f = fopen(full, "wb");
	assert_non_null(f);
	fwrite(h, 1, sizeof(h), f);
	fclose(f);
	free(full);
}

static char *
host_root(void)
{
	char	*root = tmproot_new(), *p;

	tmproot_write(root, "/etc/hostname", "# set by the installer\n\nweb-1\n");
	tmproot_write(root, "/etc/machine-id",
	    "0123456789abcdef0123456789abcdef\n");
	tmproot_write(root, "/usr/lib/os-release",
	    "NAME=\"Debian GNU/Linux\"\nID=debian\n");
	tmproot_write(root, "/etc/os-release",
	    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\r\n"
	    "NAME=\"Debian GNU/Linux\"\n"
	    "VERSION_ID=\"12\"\n"
	    "# a comment\n"
	    "ID=debian\n"
	    "ID=debian\n"
	    "HOME_URL=\"https://www.debian.org/\"\n");
	tmproot_write(root, "/boot/vmlinuz-6.1.0-9-amd64", "k");
	tmproot_write(root, "/boot/vmlinuz-6.1.0-18-amd64", "k");
	tmproot_write(root, "/boot/config-6.1.0-25-amd64", "c");
	p = xasprintf("%s/lib/modules/6.1.0-30-amd64", root);
	tmproot_write(root, "/lib/modules/6.1.0-30-amd64/modules.dep", "");
	free(p);
	write_elf(root, "/usr/bin/env", 62);
	return root;
}

static void
test_host_values(void **state)
{
	struct collect_result	 r;
	char			*root = host_root();

	collect_run(root, collect_host, "host", 0, &r);
	assert_jstr(&r, "data.hostname", "web-1");
	assert_jstr(&r, "data.machine_id", "0123456789abcdef0123456789abcdef");
	/* /etc/os-release wins over /usr/lib/os-release, in a fixed order. */
	assert_jstr(&r, "data.os.id", "debian");
	assert_jstr(&r, "data.os.version_id", "12");
	assert_jstr(&r, "data.os.pretty_name", "Debian GNU/Linux 12 (bookworm)");
	assert_jabsent(&r, "data.os.id_like");
	assert_null(collect_source_status(&r, "/usr/lib/os-release"));
	/* /boot wins over /lib/modules; newest by version, not by name. */
	assert_jstr(&r, "data.kernel.release", "6.1.0-18-amd64");
	assert_jstr(&r, "data.kernel.from", "/boot");
	assert_jstr(&r, "data.arch", "x86_64");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_host_fallbacks(void **state)
{
	struct collect_result	 r;
	char			*root = host_root(), *p;

	p = xasprintf("rm -r %s/boot %s/etc/os-release %s/usr/bin/env", root,
	    root, root);
	assert_int_equal(system(p), 0);
	free(p);
	write_elf(root, "/bin/sh", 183);
	collect_run(root, collect_host, "host", 0, &r);
	assert_jstr(&r, "data.os.name", "Debian GNU/Linux");
	assert_string_equal(collect_source_status(&r, "/etc/os-release"),
	    "absent");
	assert_jstr(&r, "data.kernel.release", "6.1.0-30-amd64");
	assert_jstr(&r, "data.kernel.from", "/lib/modules");
	assert_jstr(&r, "data.arch", "aarch64");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_host_bad_values(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new(), *p;

	tmproot_write(root, "/etc/hostname", "web 1; rm -rf /\n");
	tmproot_write(root, "/etc/machine-id/.keep", "");
	tmproot_write(root, "/etc/os-release", "ID=\"unterminated\nBROKEN LINE\n");
	tmproot_write(root, "/usr/bin/env", "#!/bin/sh\n");
	collect_run(root, collect_host, "host", 0, &r);
	assert_jabsent(&r, "data.hostname");
	assert_jabsent(&r, "data.machine_id");
	assert_jabsent(&r, "data.os.id");
	assert_jabsent(&r, "data.kernel");
	assert_jabsent(&r, "data.arch");
	assert_int_equal(collect_errors_matching(&r, "not a valid host name"), 1);
	assert_int_equal(collect_errors_matching(&r, "not a regular file"), 1);
	assert_int_equal(collect_errors_matching(&r, "/etc/os-release:1:"), 1);
	assert_int_equal(collect_errors_matching(&r, "/etc/os-release:2:"), 1);
	assert_int_equal(collect_errors_matching(&r, "not an ELF binary"), 1);
	collect_result_free(&r);

	/* Binary garbage in a text file is refused, not parsed. */
	p = xasprintf("printf 'web\\0\\377\\n' > %s/etc/hostname", root);
	assert_int_equal(system(p), 0);
	free(p);
	collect_run(root, collect_host, "host", 0, &r);
	assert_jabsent(&r, "data.hostname");
	assert_string_equal(collect_source_status(&r, "/etc/hostname"),
	    "binary");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_escaping_symlinks_stay_inside(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new(), *p;

	/* Both resolve inside the root, whatever they say. */
	tmproot_write(root, "/inside/hostname", "inside-host\n");
	p = xasprintf("%s/etc", root);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/etc/hostname", root);
	assert_int_equal(symlink("../../../../../../inside/hostname", p), 0);
	free(p);
	p = xasprintf("%s/etc/os-release", root);
	assert_int_equal(symlink("/etc/os-release", p), 0);	/* self loop */
	free(p);
	collect_run(root, collect_host, "host", 0, &r);
	assert_jstr(&r, "data.hostname", "inside-host");
	assert_string_equal(collect_source_status(&r, "/etc/os-release"),
	    "symlink_loop");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_evidence_document(void **state)
{
	struct hostroot		*hr;
	struct json_object	*doc, *v;
	const char		*only[] = { "packages" };
	char			*root = host_root(), *first;

	hr = hostroot_open(root, 1 << 20);
	assert_non_null(hr);
	assert_false(hostroot_is_live(hr));
	doc = collect_document(hr, only, 1);
	assert_string_equal(json_object_get_string(jpath(doc, "schema")),
	    "exhibit.evidence/1");
	assert_string_equal(json_object_get_string(jpath(doc, "host.hostname")),
	    "web-1");
	assert_string_equal(json_object_get_string(jpath(doc, "host.kernel")),
	    "6.1.0-18-amd64");
	assert_null(jpath(doc, "host.uptime_seconds"));
	/* host is always there; packages was asked for; nothing else. */
	assert_non_null(jpath(doc, "sections.host.digest"));
	assert_non_null(jpath(doc, "sections.packages"));
	assert_int_equal(json_object_object_length(jpath(doc, "sections")), 2);
	v = jpath(doc, "errors[0].section");
	assert_non_null(v);
	assert_string_equal(json_object_get_string(v), "packages");
	/* Identical for an unchanged tree, apart from collected_at. */
	json_object_object_del(doc, "collected_at");
	first = xstrdup(jsonutil_to_string(doc, 0));
	json_object_put(doc);
	doc = collect_document(hr, only, 1);
	json_object_object_del(doc, "collected_at");
	assert_string_equal(first, jsonutil_to_string(doc, 0));
	free(first);
	json_object_put(doc);
	hostroot_free(hr);
	fixture_remove(root);
}

static void
test_digest_follows_content(void **state)
{
	struct collect_result	 a, b;
	char			*root = host_root();

	collect_run(root, collect_host, "host", 0, &a);
	tmproot_write(root, "/etc/hostname", "web-2\n");
	collect_run(root, collect_host, "host", 0, &b);
	assert_string_not_equal(json_object_get_string(jpath(a.section, "digest")),
	    json_object_get_string(jpath(b.section, "digest")));
	assert_int_equal(strncmp(json_object_get_string(jpath(a.section,
	    "digest")), "sha256:", 7), 0);
	collect_result_free(&a);
	collect_result_free(&b);
	fixture_remove(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_values),
		cmocka_unit_test(test_host_fallbacks),
		cmocka_unit_test(test_host_bad_values),
		cmocka_unit_test(test_escaping_symlinks_stay_inside),
		cmocka_unit_test(test_evidence_document),
		cmocka_unit_test(test_digest_follows_content),
	};

	return cmocka_run_group_tests_name("collect-host", tests, NULL, NULL);
}
