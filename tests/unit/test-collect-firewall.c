/* Unit tests for the firewall collector (agent/collect-firewall.c). */
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
#include "jsonutil.h"
#include "xmalloc.h"

static void
run_fixture(const char *name, struct collect_result *r)
{
	char	*root = fixture_copy(name);

	collect_run(root, collect_firewall, "firewall", 0, r);
	fixture_remove(root);
}

static size_t
jlen(struct collect_result *r, const char *path)
{
	struct json_object	*a = jpath(r->section, path);

	assert_non_null(a);
	assert_true(json_object_is_type(a, json_type_array));
	return json_object_array_length(a);
}

static void
test_hardened(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-hardened", &r);
	assert_jstr(&r, "data.nftables.config", "/etc/nftables.conf");
	assert_int_equal(jlen(&r, "data.nftables.files"), 2);
	assert_jstr(&r, "data.nftables.files[1]",
	    "/etc/nftables.d/10-monitoring.nft");
	assert_jbool(&r, "data.nftables.complete", 1);
	assert_jbool(&r, "data.nftables.flush_ruleset", 1);
	assert_int_equal(jlen(&r, "data.nftables.tables"), 1);
	assert_jstr(&r, "data.nftables.tables[0].family", "inet");
	assert_jstr(&r, "data.nftables.tables[0].name", "filter");
	assert_int_equal(jlen(&r, "data.nftables.tables[0].chains"), 3);
	assert_jstr(&r, "data.nftables.tables[0].chains[0].name", "forward");
	assert_jstr(&r, "data.nftables.tables[0].chains[0].priority", "0");
	assert_jstr(&r, "data.nftables.tables[0].chains[0].policy", "drop");
	assert_jint(&r, "data.nftables.tables[0].chains[0].rules", 0);
	/* Blocks of the same chain in two files are merged: 9 + 1. */
	assert_jstr(&r, "data.nftables.tables[0].chains[1].name", "input");
	assert_jbool(&r, "data.nftables.tables[0].chains[1].base", 1);
	assert_jstr(&r, "data.nftables.tables[0].chains[1].type", "filter");
	assert_jstr(&r, "data.nftables.tables[0].chains[1].hook", "input");
	assert_jstr(&r, "data.nftables.tables[0].chains[1].priority",
	    "filter");
	assert_jstr(&r, "data.nftables.tables[0].chains[1].policy", "drop");
	assert_jbool(&r, "data.nftables.tables[0].chains[1].policy_set", 1);
	assert_jint(&r, "data.nftables.tables[0].chains[1].rules", 10);
	assert_jstr(&r, "data.nftables.tables[0].chains[2].policy", "accept");
	assert_jbool(&r, "data.nftables.input_policy_drop", 1);
	assert_jabsent(&r, "data.iptables");
	assert_jabsent(&r, "data.ufw");
	assert_jabsent(&r, "data.firewalld");
	assert_jbool(&r, "data.products.nftables.installed", 1);
	assert_jstr(&r, "data.products.nftables.package", "nftables");
	assert_jbool(&r, "data.products.nftables.enabled", 1);
	assert_jbool(&r, "data.products.ufw.installed", 0);
	assert_jbool(&r, "data.products.ufw.enabled", 0);
	assert_int_equal(jlen(&r, "data.active_firewall"), 1);
	assert_jstr(&r, "data.active_firewall[0]", "nftables");
	assert_int_equal(collect_errors_matching(&r, NULL), 0);
	assert_string_equal(collect_source_status(&r,
	    "/etc/nftables.d/10-monitoring.nft"), "read");
	collect_result_free(&r);
}

static void
test_drifted(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-drifted", &r);
	assert_jstr(&r, "data.nftables.tables[0].chains[1].policy", "accept");
	assert_jbool(&r, "data.nftables.input_policy_drop", 0);
	assert_jstr(&r, "data.active_firewall[0]", "nftables");
	collect_result_free(&r);
}

static void
test_weak(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-weak", &r);
	assert_jabsent(&r, "data.nftables");
	assert_jstr(&r, "data.iptables.v4.file", "/etc/iptables/rules.v4");
	assert_jbool(&r, "data.iptables.v4.complete", 1);
	assert_jstr(&r, "data.iptables.v4.input_policy", "ACCEPT");
	assert_jstr(&r, "data.iptables.v4.tables[0].name", "filter");
	assert_jstr(&r, "data.iptables.v4.tables[0].chains[1].name", "INPUT");
	assert_jint(&r, "data.iptables.v4.tables[0].chains[1].rules", 2);
	assert_jstr(&r, "data.iptables.v4.tables[1].name", "nat");
	assert_jstr(&r, "data.iptables.v4.tables[1].chains[2].name",
	    "POSTROUTING");
	assert_jint(&r, "data.iptables.v4.tables[1].chains[2].rules", 1);
	assert_jstr(&r, "data.iptables.v6.input_policy", "DROP");
	assert_jstr(&r, "data.iptables.v6.tables[0].chains[0].policy", "DROP");
	assert_jint(&r, "data.iptables.v6.tables[0].chains[1].rules", 3);
	/* ufw installed and its unit enabled, but ENABLED=no. */
	assert_jbool(&r, "data.ufw.enabled", 0);
	assert_jbool(&r, "data.ufw.ipv6", 1);
	assert_jstr(&r, "data.ufw.default_input_policy", "drop");
	assert_jstr(&r, "data.ufw.default_output_policy", "accept");
	assert_jstr(&r, "data.ufw.default_forward_policy", "drop");
	assert_jabsent(&r, "data.ufw.user_rules");
	assert_jbool(&r, "data.products.ufw.enabled", 1);
	assert_jbool(&r, "data.products.iptables_persistent.installed", 1);
	assert_jstr(&r, "data.products.iptables_persistent.package",
	    "iptables-persistent");
	assert_jstr(&r, "data.products.iptables_persistent.unit",
	    "netfilter-persistent.service");
	assert_int_equal(jlen(&r, "data.active_firewall"), 1);
	assert_jstr(&r, "data.active_firewall[0]", "iptables_persistent");
	collect_result_free(&r);
}

static void
test_default(void **state)
{
	struct collect_result	r;

	run_fixture("debian12-default", &r);
	assert_jabsent(&r, "data.nftables");
	assert_jabsent(&r, "data.iptables");
	assert_jbool(&r, "data.products.nftables.installed", 0);
	assert_int_equal(jlen(&r, "data.active_firewall"), 0);
	assert_string_equal(collect_source_status(&r, "/etc/nftables.conf"),
	    "absent");
	collect_result_free(&r);
}

static void
test_rhel9(void **state)
{
	struct collect_result	r;

	run_fixture("rhel9", &r);
	assert_jstr(&r, "data.firewalld.default_zone", "public");
	assert_jstr(&r, "data.firewalld.zone.name", "public");
	assert_jstr(&r, "data.firewalld.zone.file",
	    "/etc/firewalld/zones/public.xml");
	assert_jstr(&r, "data.firewalld.zone.target", "default");
	assert_int_equal(jlen(&r, "data.firewalld.zone.services"), 2);
	assert_jstr(&r, "data.firewalld.zone.services[0]", "https");
	assert_jstr(&r, "data.firewalld.zone.services[1]", "ssh");
	assert_int_equal(jlen(&r, "data.firewalld.zone.ports"), 0);
	assert_jint(&r, "data.firewalld.zone.rich_rules", 0);
	assert_jbool(&r, "data.products.firewalld.installed", 1);
	assert_jbool(&r, "data.products.firewalld.enabled", 1);
	assert_jbool(&r, "data.products.nftables.masked", 1);
	assert_jbool(&r, "data.products.nftables.installed", 0);
	assert_int_equal(jlen(&r, "data.active_firewall"), 1);
	assert_jstr(&r, "data.active_firewall[0]", "firewalld");
	assert_string_equal(collect_source_status(&r,
	    "/etc/sysconfig/nftables.conf"), "absent");
	collect_result_free(&r);
}

static void
test_alpine(void **state)
{
	struct collect_result	r;

	run_fixture("alpine", &r);
	assert_jbool(&r, "data.ufw.enabled", 1);
	assert_jint(&r, "data.ufw.user_rules", 1);
	assert_jstr(&r, "data.ufw.default_input_policy", "drop");
	assert_jbool(&r, "data.products.ufw.installed", 1);
	assert_jstr(&r, "data.products.ufw.unit", "ufw");
	assert_jbool(&r, "data.products.ufw.enabled", 1);
	assert_jstr(&r, "data.products.iptables_persistent.unit", "iptables");
	assert_jbool(&r, "data.products.iptables_persistent.enabled", 0);
	assert_int_equal(jlen(&r, "data.active_firewall"), 1);
	assert_jstr(&r, "data.active_firewall[0]", "ufw");
	collect_result_free(&r);
}

static void
test_hostile(void **state)
{
	struct collect_result	r;

	run_fixture("hostile", &r);
	/* A self include, a looping glob match and a missing "}": nft
	 * would load nothing, so no tables are reported. */
	assert_jbool(&r, "data.nftables.complete", 0);
	assert_jabsent(&r, "data.nftables.tables");
	assert_jabsent(&r, "data.nftables.input_policy_drop");
	assert_int_equal(collect_errors_matching(&r, "include cycle"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/nftables.d/loop.nft: Too many levels"), 1);
	assert_int_equal(collect_errors_matching(&r, "missing \"}\""), 1);
	/* The first *filter was committed (INPUT's last policy wins), the
	 * second never was. */
	assert_jbool(&r, "data.iptables.v4.complete", 0);
	assert_jstr(&r, "data.iptables.v4.input_policy", "ACCEPT");
	assert_jint(&r, "data.iptables.v4.tables[0].chains[0].rules", 1);
	assert_int_equal(collect_errors_matching(&r, "COMMIT expected"), 1);
	/* ENABLED=yes then ENABLED=no (CRLF): the last one wins. */
	assert_jbool(&r, "data.ufw.enabled", 0);
	assert_int_equal(jlen(&r, "data.active_firewall"), 0);
	collect_result_free(&r);
}

static void
test_nft_syntax(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/etc/nftables.conf",
	    "#!/usr/sbin/nft -f\r\n"
	    "define ssh_port = { 22, 2222 }\n"
	    "define pol = drop\n"
	    "table ip old { chain c { type filter hook input priority 0; } }\n"
	    "flush ruleset\n"
	    "include \"rules/base.nft\"\n"		/* against /etc */
	    "include \"./srv/extra.nft\"\n"		/* against / */
	    "include \"/etc/nft.d/*.nft\"\n"
	    "include \"/etc/none/*.nft\"\n"		/* no match: fine */
	    "table inet filter {\n"
	    "  set allowed {\n"
	    "    type ipv4_addr; flags interval\n"
	    "    elements = { 10.0.0.0/8,\n"
	    "                 192.168.0.0/16 }\n"
	    "  }\n"
	    "  chain input {\n"
	    "    type filter hook input priority filter + 10\n"
	    "    policy drop # comment; with a ; and { inside\n"
	    "    comment \"a } quoted ; brace\"\n"
	    "    tcp dport $ssh_port accept; udp dport 53 accept\n"
	    "    ip saddr @allowed \\\n"
	    "      accept\n"
	    "    tcp dport {\n"
	    "      80,\n"
	    "      443\n"
	    "    } log prefix \"web # not a comment \" accept\n"
	    "  }\n"
	    "  chain fwd { type filter hook forward priority 0; policy $pol; }\n"
	    "  chain user_chain {\n"
	    "    counter\n"
	    "  }\n"
	    "}\n"
	    "add table bridge br\n"
	    "add chain bridge br in { type filter hook input priority 0; "
	    "policy drop; }\n"
	    "add rule bridge br in counter accept\n"
	    "insert rule bridge br in ip saddr { 1.1.1.1, 2.2.2.2 } drop\n");
	tmproot_write(root, "/etc/rules/base.nft",
	    "table netdev ingress {\n"
	    "  chain dev { type filter hook ingress device \"eth0\" priority "
	    "-500; policy accept; }\n"
	    "}\n");
	tmproot_write(root, "/srv/extra.nft", "table t { chain c { } }\n");
	tmproot_write(root, "/etc/nft.d/20-b.nft",
	    "table inet filter { chain input { accept; } }\n");
	tmproot_write(root, "/etc/nft.d/10-a.nft",
	    "table inet filter { chain input { drop } }\n");
	tmproot_write(root, "/etc/nft.d/.hidden.nft", "garbage {{{\n");
	tmproot_write(root, "/etc/nft.d/30-c.conf", "garbage {{{\n");
	collect_run(root, collect_firewall, "firewall", 0, &r);
	assert_jbool(&r, "data.nftables.flush_ruleset", 1);
	/* Includes in order; hidden and non-matching files left out. */
	assert_int_equal(jlen(&r, "data.nftables.files"), 5);
	assert_jstr(&r, "data.nftables.files[1]", "/etc/rules/base.nft");
	assert_jstr(&r, "data.nftables.files[2]", "/srv/extra.nft");
	assert_jstr(&r, "data.nftables.files[3]", "/etc/nft.d/10-a.nft");
	assert_jstr(&r, "data.nftables.files[4]", "/etc/nft.d/20-b.nft");
	/* A $variable policy is not resolved: an error, and no policy. */
	assert_jbool(&r, "data.nftables.complete", 1);
	assert_int_equal(collect_errors_matching(&r, "policy \"$pol\""), 1);
	/* Sorted by family then name; "ip old" was flushed away. */
	assert_int_equal(jlen(&r, "data.nftables.tables"), 4);
	assert_jstr(&r, "data.nftables.tables[0].family", "bridge");
	assert_jstr(&r, "data.nftables.tables[0].chains[0].name", "in");
	assert_jstr(&r, "data.nftables.tables[0].chains[0].policy", "drop");
	assert_jint(&r, "data.nftables.tables[0].chains[0].rules", 2);
	assert_jstr(&r, "data.nftables.tables[1].family", "inet");
	assert_jstr(&r, "data.nftables.tables[1].chains[0].name", "fwd");
	assert_jabsent(&r, "data.nftables.tables[1].chains[0].policy");
	assert_jbool(&r, "data.nftables.tables[1].chains[0].policy_set", 0);
	assert_jstr(&r, "data.nftables.tables[1].chains[1].name", "input");
	assert_jstr(&r, "data.nftables.tables[1].chains[1].priority",
	    "filter + 10");
	assert_jstr(&r, "data.nftables.tables[1].chains[1].policy", "drop");
	/* 4 in the main file (the continued and the multi-line ones count
	 * once, the comment not), one from each included file. */
	assert_jint(&r, "data.nftables.tables[1].chains[1].rules", 6);
	assert_jstr(&r, "data.nftables.tables[1].chains[2].name",
	    "user_chain");
	assert_jbool(&r, "data.nftables.tables[1].chains[2].base", 0);
	assert_jabsent(&r, "data.nftables.tables[1].chains[2].policy");
	assert_jint(&r, "data.nftables.tables[1].chains[2].rules", 1);
	assert_jstr(&r, "data.nftables.tables[2].family", "ip");
	assert_jstr(&r, "data.nftables.tables[2].name", "t");
	assert_jstr(&r, "data.nftables.tables[3].family", "netdev");
	assert_jstr(&r, "data.nftables.tables[3].chains[0].device", "eth0");
	assert_jstr(&r, "data.nftables.tables[3].chains[0].hook", "ingress");
	assert_jstr(&r, "data.nftables.tables[3].chains[0].priority", "-500");
	assert_jbool(&r, "data.nftables.input_policy_drop", 1);
	collect_result_free(&r);
	fixture_remove(root);
}

/* Missing includes, directories, depth, no policy, RHEL's path. */
static void
test_nft_includes(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new(), *p;
	int			 i;

	tmproot_write(root, "/etc/sysconfig/nftables.conf",
	    "include \"/etc/nftables/main.nft\"\n"
	    "include \"/etc/nftables/conf.d\"\n");
	tmproot_write(root, "/etc/nftables/main.nft",
	    "table ip6 f { chain i { type filter hook input priority 0; } }\n");
	tmproot_write(root, "/etc/nftables/conf.d/b", "table ip b {}\n");
	tmproot_write(root, "/etc/nftables/conf.d/a", "table ip a {}\n");
	collect_run(root, collect_firewall, "firewall", 0, &r);
	assert_jstr(&r, "data.nftables.config", "/etc/sysconfig/nftables.conf");
	assert_jbool(&r, "data.nftables.complete", 1);
	assert_jstr(&r, "data.nftables.files[2]", "/etc/nftables/conf.d/a");
	assert_jstr(&r, "data.nftables.files[3]", "/etc/nftables/conf.d/b");
	/* No policy written: the kernel's accept. */
	assert_jstr(&r, "data.nftables.tables[2].family", "ip6");
	assert_jstr(&r, "data.nftables.tables[2].chains[0].policy", "accept");
	assert_jbool(&r, "data.nftables.tables[2].chains[0].policy_set", 0);
	assert_jbool(&r, "data.nftables.input_policy_drop", 0);
	collect_result_free(&r);

	/* A missing file makes the whole set fail, as in nft. */
	tmproot_write(root, "/etc/nftables.conf",
	    "table inet f { chain i { type filter hook input priority 0; "
	    "policy drop; } }\ninclude \"/etc/missing.nft\"\n");
	collect_run(root, collect_firewall, "firewall", 0, &r);
	assert_jstr(&r, "data.nftables.config", "/etc/nftables.conf");
	assert_jbool(&r, "data.nftables.complete", 0);
	assert_jabsent(&r, "data.nftables.input_policy_drop");
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/missing.nft: included file not found"), 1);
	collect_result_free(&r);

	/* Wildcards are resolved in the last component only. */
	tmproot_write(root, "/etc/nftables.conf", "include \"/etc/*/x.nft\"\n");
	collect_run(root, collect_firewall, "firewall", 0, &r);
	assert_jbool(&r, "data.nftables.complete", 0);
	assert_int_equal(collect_errors_matching(&r,
	    "wildcards in directory names"), 1);
	collect_result_free(&r);

	/* Twenty nested includes: nft stops at 16. */
	tmproot_write(root, "/etc/nftables.conf", "include \"/etc/n/0\"\n");
	for (i = 0; i < 20; i++) {
		p = xasprintf("include \"/etc/n/%d\"\n", i + 1);
		{
			char	*f = xasprintf("/etc/n/%d", i);

			tmproot_write(root, f, p);
			free(f);
		}
		free(p);
	}
	tmproot_write(root, "/etc/n/20", "table ip deep {}\n");
	collect_run(root, collect_firewall, "firewall", 0, &r);
	assert_jbool(&r, "data.nftables.complete", 0);
	assert_int_equal(collect_errors_matching(&r, "nested deeper"), 1);
	assert_int_equal(jlen(&r, "data.nftables.files"), 16);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_iptables(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/etc/sysconfig/iptables",
	    "# saved\n"
	    "*filter\n"
	    ":INPUT ACCEPT [0:0]\n"
	    ":FORWARD ACCEPT [0:0]\n"
	    "-A INPUT -j ACCEPT\n"
	    "COMMIT\n"
	    "*filter\r\n"				/* replaces the first */
	    ":INPUT DROP [12:3400]\r\n"
	    ":OUTPUT ACCEPT [0:0]\n"
	    ":LOGDROP - [0:0]\n"
	    "[5:300] -A INPUT -i lo -j ACCEPT\n"
	    "-A INPUT -j LOGDROP\n"
	    "--append LOGDROP -j DROP\n"
	    "COMMIT\n"
	    "*raw\n"
	    ":PREROUTING ACCEPT [0:0]\n"
	    "-A NOSUCH -j DROP\n"			/* stops the restore */
	    "COMMIT\n"
	    "*mangle\n"
	    ":PREROUTING ACCEPT [0:0]\n"
	    "COMMIT\n");
	tmproot_write(root, "/etc/sysconfig/ip6tables",
	    "*filter\n:INPUT REJECT [0:0]\nCOMMIT\n");
	collect_run(root, collect_firewall, "firewall", 0, &r);
	assert_jstr(&r, "data.iptables.v4.file", "/etc/sysconfig/iptables");
	assert_jbool(&r, "data.iptables.v4.complete", 0);
	assert_int_equal(jlen(&r, "data.iptables.v4.tables"), 1);
	assert_int_equal(jlen(&r, "data.iptables.v4.tables[0].chains"), 3);
	assert_jstr(&r, "data.iptables.v4.tables[0].chains[0].name", "INPUT");
	assert_jstr(&r, "data.iptables.v4.tables[0].chains[0].policy", "DROP");
	assert_jint(&r, "data.iptables.v4.tables[0].chains[0].rules", 2);
	assert_jstr(&r, "data.iptables.v4.tables[0].chains[1].name",
	    "LOGDROP");
	assert_jabsent(&r, "data.iptables.v4.tables[0].chains[1].policy");
	assert_jint(&r, "data.iptables.v4.tables[0].chains[1].rules", 1);
	assert_jstr(&r, "data.iptables.v4.input_policy", "DROP");
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/sysconfig/iptables:17: rule for an undeclared chain"), 1);
	assert_jbool(&r, "data.iptables.v6.complete", 0);
	assert_int_equal(jlen(&r, "data.iptables.v6.tables"), 0);
	assert_jabsent(&r, "data.iptables.v6.input_policy");
	assert_int_equal(collect_errors_matching(&r, "bad policy name"), 1);
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_ufw(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/etc/default/ufw",
	    "IPV6=no\n"
	    "DEFAULT_INPUT_POLICY='ACCEPT'\n"
	    "DEFAULT_OUTPUT_POLICY=\"ALLOW\"\n"
	    "DEFAULT_FORWARD_POLICY=\"REJECT\"  # comment\n");
	/* ufw.conf is sourced after /etc/default/ufw: it wins. */
	tmproot_write(root, "/etc/ufw/ufw.conf",
	    "ENABLED=yes\n"
	    "DEFAULT_INPUT_POLICY=DROP\n"
	    "IPV6=\"maybe\n");
	tmproot_write(root, "/etc/ufw/user6.rules",
	    "### tuple ### allow tcp 22 ::/0 any ::/0 in\n"
	    "### tuple ### allow tcp 443 ::/0 any ::/0 in\n"
	    "#### tuple ### not one\n");
	collect_run(root, collect_firewall, "firewall", 0, &r);
	assert_jbool(&r, "data.ufw.enabled", 1);
	assert_jstr(&r, "data.ufw.default_input_policy", "drop");
	assert_jabsent(&r, "data.ufw.default_output_policy");
	assert_jstr(&r, "data.ufw.default_forward_policy", "reject");
	/* A bad line is not applied: the earlier IPV6=no stands. */
	assert_jbool(&r, "data.ufw.ipv6", 0);
	assert_int_equal(collect_errors_matching(&r, "bad quoting"), 1);
	assert_int_equal(collect_errors_matching(&r,
	    "/etc/default/ufw:3: DEFAULT_OUTPUT_POLICY: unknown policy"), 1);
	assert_jabsent(&r, "data.ufw.user_rules");
	assert_jint(&r, "data.ufw.user6_rules", 2);
	/* No package database, no init system: nothing claimed. */
	assert_jabsent(&r, "data.products.ufw.installed");
	assert_jabsent(&r, "data.products.ufw.enabled");
	assert_jabsent(&r, "data.active_firewall");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_firewalld(void **state)
{
	struct collect_result	 r;
	char			*root = tmproot_new();

	tmproot_write(root, "/etc/firewalld/firewalld.conf",
	    "# comment\nDefaultZone=drop\r\nDefaultZone=public\n");
	tmproot_write(root, "/usr/lib/firewalld/zones/drop.xml",
	    "<?xml version=\"1.0\"?>\n"
	    "<!-- <zone target=\"ACCEPT\"> in a comment -->\n"
	    "<zone target='DROP' version=\"1\">\n"
	    "  <short>Drop</short>\n"
	    "  <service name=\"ssh\"/>\n"
	    "  <port protocol=\"tcp\" port=\"9100\"/>\n"
	    "  <port port=\"60000-61000\" protocol=\"udp\" />\n"
	    "  <source address=\"10.0.0.0/8\"/>\n"
	    "  <interface name=\"eth&amp;1\"/>\n"
	    "  <rule family=\"ipv4\"><source address=\"1.2.3.4\"/>"
	    "<service name=\"http\"/><accept/></rule>\n"
	    "  <rule><port port=\"1\" protocol=\"tcp\"/><drop/></rule>\n"
	    "</zone>\n");
	collect_run(root, collect_firewall, "firewall", 0, &r);
	/* The first DefaultZone counts, as firewalld ignores duplicates. */
	assert_jstr(&r, "data.firewalld.default_zone", "drop");
	assert_int_equal(collect_errors_matching(&r, "duplicate DefaultZone"),
	    1);
	assert_jstr(&r, "data.firewalld.zone.file",
	    "/usr/lib/firewalld/zones/drop.xml");
	assert_jstr(&r, "data.firewalld.zone.target", "DROP");
	assert_int_equal(jlen(&r, "data.firewalld.zone.services"), 1);
	assert_jstr(&r, "data.firewalld.zone.services[0]", "ssh");
	assert_jstr(&r, "data.firewalld.zone.ports[0]", "60000-61000/udp");
	assert_jstr(&r, "data.firewalld.zone.ports[1]", "9100/tcp");
	assert_jstr(&r, "data.firewalld.zone.sources[0]", "10.0.0.0/8");
	assert_int_equal(jlen(&r, "data.firewalld.zone.sources"), 1);
	assert_jstr(&r, "data.firewalld.zone.interfaces[0]", "eth&1");
	assert_jint(&r, "data.firewalld.zone.rich_rules", 2);
	collect_result_free(&r);

	/* A zone name that is not a file name is not looked up. */
	tmproot_write(root, "/etc/firewalld/firewalld.conf",
	    "DefaultZone=../../../etc/passwd\n");
	collect_run(root, collect_firewall, "firewall", 0, &r);
	assert_jstr(&r, "data.firewalld.default_zone",
	    "../../../etc/passwd");
	assert_jabsent(&r, "data.firewalld.zone");
	assert_int_equal(collect_errors_matching(&r, "not a file name"), 1);
	collect_result_free(&r);

	/* No DefaultZone: firewalld's fallback, public. */
	tmproot_write(root, "/etc/firewalld/firewalld.conf", "LogDenied=all\n");
	collect_run(root, collect_firewall, "firewall", 0, &r);
	assert_jstr(&r, "data.firewalld.default_zone", "public");
	assert_jabsent(&r, "data.firewalld.zone");
	collect_result_free(&r);
	fixture_remove(root);
}

static void
test_deterministic(void **state)
{
	struct collect_result	 a, b;
	char			*root = fixture_copy("debian12-weak");

	collect_run(root, collect_firewall, "firewall", 0, &a);
	collect_run(root, collect_firewall, "firewall", 0, &b);
	assert_string_equal(jsonutil_to_string(a.section, 0),
	    jsonutil_to_string(b.section, 0));
	collect_result_free(&a);
	collect_result_free(&b);
	fixture_remove(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hardened),
		cmocka_unit_test(test_drifted),
		cmocka_unit_test(test_weak),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_rhel9),
		cmocka_unit_test(test_alpine),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_nft_syntax),
		cmocka_unit_test(test_nft_includes),
		cmocka_unit_test(test_iptables),
		cmocka_unit_test(test_ufw),
		cmocka_unit_test(test_firewalld),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
