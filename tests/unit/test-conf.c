/*
 * conf.c: the configuration parser.  Every rule a user can trip over has a
 * test here, and error texts are asserted exactly where people will read
 * them, since a vague message is a bug in a tool whose job is evidence.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf.h"
#include "xmalloc.h"

struct tconf {
	char		*name;
	char		*dir;
	char		*url;
	char		*listen;
	char		*ca_file;
	long long	 workers;
	long long	 offset;
	int		 verbose;
	uint64_t	 max_size;
	uint64_t	 any_size;
	long long	 interval;
	long long	 timeout;
	int		 mode;
};

static const char *const mode_names[] = { "fast", "safe", "paranoid", NULL };

static const struct conf_key keys[] = {
	{ "main", "name", CONF_STRING, offsetof(struct tconf, name),
	    "exhibit", 0, 0, NULL },
	{ "main", "dir", CONF_PATH, offsetof(struct tconf, dir),
	    "/var/lib/exhibit", 0, 0, NULL },
	{ "main", "workers", CONF_INT, offsetof(struct tconf, workers),
	    "4", 1, 64, NULL },
	{ "main", "offset", CONF_INT, offsetof(struct tconf, offset),
	    NULL, 0, 0, NULL },
	{ "main", "verbose", CONF_BOOL, offsetof(struct tconf, verbose),
	    "no", 0, 0, NULL },
	{ "main", "interval", CONF_DURATION, offsetof(struct tconf, interval),
	    "15m", 10, 7 * 86400, NULL },
	{ "main", "mode", CONF_ENUM, offsetof(struct tconf, mode),
	    "safe", 0, 0, mode_names },
	{ "server", "url", CONF_URL, offsetof(struct tconf, url),
	    NULL, 0, 0, NULL },
	{ "server", "listen", CONF_HOSTPORT, offsetof(struct tconf, listen),
	    "localhost:8443", 0, 0, NULL },
	{ "limits", "max_size", CONF_SIZE, offsetof(struct tconf, max_size),
	    "4M", 1024, 1024 * 1024 * 1024, NULL },
	{ "limits", "any_size", CONF_SIZE, offsetof(struct tconf, any_size),
	    NULL, 0, 0, NULL },
	{ "limits", "timeout", CONF_DURATION, offsetof(struct tconf, timeout),
	    NULL, 0, 0, NULL },
	{ "tls-client", "ca_file", CONF_PATH, offsetof(struct tconf, ca_file),
	    NULL, 0, 0, NULL },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static char	tmpdir[] = "/tmp/test-conf.XXXXXX";

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write a file in the temporary directory; returns its path, allocated. */
static char *
tfile(const char *name, const char *data, size_t len)
{
	char	*path;
	int	 fd;

	path = xasprintf("%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return path;
}

static int
load(const char *text, struct tconf *c, struct conf_errors *e)
{
	return conf_load_buffer("t.conf", text, strlen(text), keys, NKEYS, c,
	    e);
}

/* Exactly the messages in want, in order. */
static void
expect_errors(const struct conf_errors *e, const char *const *want)
{
	size_t	n, i;
	int	same;

	for (n = 0; want[n] != NULL; n++)
		/* nothing */;
	same = n == e->count;
	for (i = 0; same && i < n; i++)
		same = strcmp(e->msg[i], want[i]) == 0;
	for (i = 0; !same && i < e->count; i++)
		print_message("got error %zu: %s\n", i, e->msg[i]);
	for (i = 0; i < n && i < e->count; i++)
		assert_string_equal(e->msg[i], want[i]);
	assert_int_equal(e->count, n);
}

static void
expect_one(const char *text, const char *want)
{
	struct tconf		c = { 0 };
	struct conf_errors	e = { 0 };
	const char *const	w[] = { want, NULL };

	assert_int_equal(load(text, &c, &e), 1);
	expect_errors(&e, w);
	conf_errors_free(&e);
	conf_free(keys, NKEYS, &c);
}

static void
expect_ok(const char *text, struct tconf *c)
{
	struct conf_errors	e = { 0 };
	const char *const	w[] = { NULL };

	assert_int_equal(load(text, c, &e), 0);
	expect_errors(&e, w);
}

static void
test_defaults(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	conf_defaults(keys, NKEYS, &c);
	assert_string_equal(c.name, "exhibit");
	assert_string_equal(c.dir, "/var/lib/exhibit");
	assert_string_equal(c.listen, "localhost:8443");
	assert_null(c.url);
	assert_null(c.ca_file);
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.verbose, 0);
	assert_int_equal(c.interval, 15 * 60);
	assert_int_equal(c.mode, 1);
	assert_int_equal(c.max_size, 4 * 1024 * 1024);
	conf_free(keys, NKEYS, &c);
	assert_null(c.name);
	assert_null(c.dir);
	assert_null(c.listen);
}

static void
test_empty_keeps_defaults(void **state)
{
	struct tconf		 c = { 0 };
	struct conf_errors	 e = { 0 };
	char			*path;

	(void)state;
	conf_defaults(keys, NKEYS, &c);
	expect_ok("", &c);
	expect_ok("\n\n   \n\t\n# only comments\n", &c);
	path = tfile("empty.conf", "", 0);
	assert_int_equal(conf_load_file(path, keys, NKEYS, &c, &e), 0);
	assert_int_equal(e.count, 0);
	assert_string_equal(c.name, "exhibit");
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.interval, 900);
	free(path);
	conf_free(keys, NKEYS, &c);
}

static void
test_comments_and_blanks(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	expect_ok(
	    "# leading comment\n"
	    "\n"
	    "   # indented comment\n"
	    "\t#tab-indented comment = with an equals sign\n"
	    "  \t  \n"
	    "[main]\n"
	    "# name = commented-out\n"
	    "name = a\n"
	    "#[server]\n", &c);
	assert_string_equal(c.name, "a");
	assert_null(c.url);
	conf_free(keys, NKEYS, &c);
}

static void
test_spaces_and_tabs(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	expect_ok(
	    "  \t[main]\t \n"
	    "\t name\t=\t value with  inner  blanks \t\n"
	    "workers=8\n"
	    "verbose =yes\n"
	    "   mode= fast\n"
	    "interval\t= 1h30m\n", &c);
	assert_string_equal(c.name, "value with  inner  blanks");
	assert_int_equal(c.workers, 8);
	assert_int_equal(c.verbose, 1);
	assert_int_equal(c.mode, 0);
	assert_int_equal(c.interval, 5400);
	conf_free(keys, NKEYS, &c);
}

static void
test_hash_is_part_of_value(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	expect_ok("[main]\nname = pa#ss # not a comment\n"
	    "[server]\nurl = https://h/p#frag\n", &c);
	assert_string_equal(c.name, "pa#ss # not a comment");
	assert_string_equal(c.url, "https://h/p#frag");
	conf_free(keys, NKEYS, &c);
}

static void
test_crlf(void **state)
{
	static const char	 text[] =
	    "# windows\r\n[main]\r\nname = x\r\nworkers = 9\r\n\r\n"
	    "dir = rel\r\n";
	struct tconf		 c = { 0 };
	struct conf_errors	 e = { 0 };
	const char		*wfile[] = { NULL, NULL };
	const char *const	 wbuf[] = {
		"t.conf:6: dir: not an absolute path \"rel\" "
		    "(must start with /)",
		NULL
	};
	char			*path, *want;

	(void)state;
	path = tfile("crlf.conf", text, sizeof(text) - 1);
	want = xasprintf("%s:6: dir: not an absolute path \"rel\" "
	    "(must start with /)", path);
	wfile[0] = want;
	assert_int_equal(conf_load_file(path, keys, NKEYS, &c, &e), 1);
	expect_errors(&e, wfile);
	assert_string_equal(c.name, "x");
	assert_int_equal(c.workers, 9);
	assert_null(c.dir);
	conf_errors_free(&e);

	/* The same in memory, and without a final line end. */
	assert_int_equal(conf_load_buffer("t.conf", text, sizeof(text) - 3,
	    keys, NKEYS, &c, &e), 1);
	expect_errors(&e, wbuf);
	conf_errors_free(&e);
	free(want);
	free(path);
	conf_free(keys, NKEYS, &c);
}

static void
test_bom_and_no_final_newline(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	expect_ok("\xef\xbb\xbf[main]\nname = bom", &c);
	assert_string_equal(c.name, "bom");
	conf_free(keys, NKEYS, &c);
	/* A BOM anywhere else is not blank: an error, on the right line. */
	expect_one("[main]\n\xef\xbb\xbfname = x\n",
	    "t.conf:2: invalid key name \"\xef\xbb\xbfname\" "
	    "(allowed: a-z, 0-9 and _)");
}

static void
test_quoted(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	expect_ok("[main]\nname = \"  padded\tvalue  \"\n", &c);
	assert_string_equal(c.name, "  padded\tvalue  ");
	conf_free(keys, NKEYS, &c);
	/* No escapes: backslashes and inner quotes are literal. */
	expect_ok("[main]\nname = \"a\\\"b\\n\"\n", &c);
	assert_string_equal(c.name, "a\\\"b\\n");
	conf_free(keys, NKEYS, &c);
	/* A quote that does not open the value is just a character. */
	expect_ok("[main]\nname = it's \"x\"\n", &c);
	assert_string_equal(c.name, "it's \"x\"");
	conf_free(keys, NKEYS, &c);
	/* Quoted values are checked like any other. */
	expect_ok("[main]\nworkers = \"12\"\n", &c);
	assert_int_equal(c.workers, 12);

	expect_one("[main]\nname = \"open\n",
	    "t.conf:2: name: missing closing quote");
	expect_one("[main]\nname = \"\n",
	    "t.conf:2: name: missing closing quote");
	expect_one("[main]\nname = \"a\" b\n",
	    "t.conf:2: name: unexpected text after closing quote: \" b\"");
	expect_one("[main]\nname = \"\"\n",
	    "t.conf:2: name: empty value (to use the default, remove the "
	    "line)");
	expect_one("[main]\nworkers = \" 12\"\n",
	    "t.conf:2: workers: invalid integer \" 12\"");
}

static void
test_string_and_path(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	expect_ok("[main]\ndir = /srv/x y\n[tls-client]\nca_file = /ca.pem\n",
	    &c);
	assert_string_equal(c.dir, "/srv/x y");
	assert_string_equal(c.ca_file, "/ca.pem");
	conf_free(keys, NKEYS, &c);
	expect_one("[main]\ndir = srv\n",
	    "t.conf:2: dir: not an absolute path \"srv\" (must start with /)");
	expect_one("[main]\ndir = ./srv\n",
	    "t.conf:2: dir: not an absolute path \"./srv\" "
	    "(must start with /)");
	expect_one("[main]\ndir = ~/srv\n",
	    "t.conf:2: dir: not an absolute path \"~/srv\" "
	    "(must start with /)");
}

static void
test_url(void **state)
{
	static const char *const good[] = {
		"http://h", "https://h", "https://exhibit.example:8443/api/v1",
		"http://10.0.0.1/", "https://[::1]:443/x", "https://u:p@h/",
		"https://h?q=1",
	};
	static const char *const bad[] = {
		"ftp://h", "h", "//h", "HTTP//h", "http:/h", "http://",
		"https://", "https:///x", "http://:80/", "http://u@/",
		"http://[]/", "http://[::1/", "http://h /x", "https://?q",
	};
	struct tconf	 c = { 0 };
	char		*text, *want;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		text = xasprintf("[server]\nurl = %s\n", good[i]);
		expect_ok(text, &c);
		assert_string_equal(c.url, good[i]);
		free(text);
	}
	conf_free(keys, NKEYS, &c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct conf_errors	e = { 0 };

		text = xasprintf("[server]\nurl = %s\n", bad[i]);
		assert_int_equal(load(text, &c, &e), 1);
		want = xasprintf("t.conf:2: url: ");
		assert_int_equal(strncmp(e.msg[0], want, strlen(want)), 0);
		assert_non_null(strstr(e.msg[0], bad[i]));
		assert_null(c.url);
		free(want);
		free(text);
		conf_errors_free(&e);
	}
	expect_one("[server]\nurl = ftp://h\n",
	    "t.conf:2: url: invalid URL \"ftp://h\" (must start with http:// "
	    "or https://)");
	expect_one("[server]\nurl = https:///x\n",
	    "t.conf:2: url: missing host in URL \"https:///x\"");
}

static void
test_hostport(void **state)
{
	static const char *const good[] = {
		"h:1", "h:65535", "localhost:8443", "10.0.0.1:80",
		"[::1]:443", "[fe80::1%eth0]:22", "*:8443", "h:080",
	};
	static const char *const bad[] = {
		"h", "h:", ":80", "h:0", "h:65536", "h:99999999999999999999",
		"::1:80", "[::1]80", "[::1]", "[::1:80", "[]:80", "h:8x",
		"h:-1", "h: 80", "a[b:80",
	};
	struct tconf	 c = { 0 };
	char		*text;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		text = xasprintf("[server]\nlisten = %s\n", good[i]);
		expect_ok(text, &c);
		assert_string_equal(c.listen, good[i]);
		free(text);
	}
	conf_free(keys, NKEYS, &c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct conf_errors	e = { 0 };

		text = xasprintf("[server]\nlisten = %s\n", bad[i]);
		assert_int_equal(load(text, &c, &e), 1);
		assert_non_null(strstr(e.msg[0], "t.conf:2: listen: "));
		assert_null(c.listen);
		free(text);
		conf_errors_free(&e);
	}
	expect_one("[server]\nlisten = h:99999\n",
	    "t.conf:2: listen: port out of range in \"h:99999\"");
	expect_one("[server]\nlisten = h:0\n",
	    "t.conf:2: listen: port out of range in \"h:0\"");
	expect_one("[server]\nlisten = h\n",
	    "t.conf:2: listen: missing port in \"h\" (expected host:port)");
	expect_one("[server]\nlisten = :80\n",
	    "t.conf:2: listen: missing host in \":80\"");
	expect_one("[server]\nlisten = ::1:80\n",
	    "t.conf:2: listen: IPv6 address without brackets in \"::1:80\" "
	    "(expected [address]:port)");
	expect_one("[server]\nlisten = h:8x\n",
	    "t.conf:2: listen: invalid port in \"h:8x\"");
}

static void
test_int(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	expect_ok("[main]\nworkers = 1\noffset = -42\n", &c);
	assert_int_equal(c.workers, 1);
	assert_true(c.offset == -42);
	expect_ok("[main]\nworkers = 64\noffset = 9223372036854775807\n", &c);
	assert_int_equal(c.workers, 64);
	assert_true(c.offset == 9223372036854775807LL);
	expect_ok("[main]\noffset = -9223372036854775808\n", &c);
	assert_true(c.offset == -9223372036854775807LL - 1);

	expect_one("[main]\nworkers = 0\n",
	    "t.conf:2: workers: \"0\" out of range (1 to 64)");
	expect_one("[main]\nworkers = 65\n",
	    "t.conf:2: workers: \"65\" out of range (1 to 64)");
	expect_one("[main]\nworkers = abc\n",
	    "t.conf:2: workers: invalid integer \"abc\"");
	expect_one("[main]\noffset = 9223372036854775808\n",
	    "t.conf:2: offset: integer too large \"9223372036854775808\"");
	expect_one("[main]\noffset = -9223372036854775809\n",
	    "t.conf:2: offset: integer too small \"-9223372036854775809\"");
	expect_one("[main]\nworkers = 1.5\n",
	    "t.conf:2: workers: invalid integer \"1.5\"");
	expect_one("[main]\nworkers = +3\n",
	    "t.conf:2: workers: invalid integer \"+3\"");
	expect_one("[main]\nworkers = 0x10\n",
	    "t.conf:2: workers: invalid integer \"0x10\"");
	expect_one("[main]\nworkers = 3 4\n",
	    "t.conf:2: workers: invalid integer \"3 4\"");
	expect_one("[main]\noffset = -\n",
	    "t.conf:2: offset: invalid integer \"-\"");
}

static void
test_bool(void **state)
{
	static const char *const yes[] = { "yes", "YES", "true", "True",
		"on", "ON", "1" };
	static const char *const no[] = { "no", "No", "false", "FALSE",
		"off", "Off", "0" };
	struct tconf	 c = { 0 };
	char		*text;
	size_t		 i;
	int		 b;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		c.verbose = 0;
		text = xasprintf("[main]\nverbose = %s\n", yes[i]);
		expect_ok(text, &c);
		assert_int_equal(c.verbose, 1);
		free(text);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		c.verbose = 1;
		text = xasprintf("[main]\nverbose = %s\n", no[i]);
		expect_ok(text, &c);
		assert_int_equal(c.verbose, 0);
		free(text);
	}
	expect_one("[main]\nverbose = maybe\n",
	    "t.conf:2: verbose: invalid boolean \"maybe\" (use yes or no)");
	expect_one("[main]\nverbose = 2\n",
	    "t.conf:2: verbose: invalid boolean \"2\" (use yes or no)");
	expect_one("[main]\nverbose = y\n",
	    "t.conf:2: verbose: invalid boolean \"y\" (use yes or no)");

	assert_int_equal(conf_parse_bool("On", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(conf_parse_bool("oFF", &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(conf_parse_bool("", &b), -1);
	assert_int_equal(conf_parse_bool("yes ", &b), -1);
	assert_int_equal(conf_parse_bool("nope", &b), -1);
}

static void
test_size(void **state)
{
	static const struct {
		const char	*s;
		uint64_t	 v;
	} good[] = {
		{ "0", 0 }, { "512", 512 }, { "64K", 65536 }, { "64k", 65536 },
		{ "2KiB", 2048 }, { "4M", 4194304 }, { "3MiB", 3145728 },
		{ "1G", 1073741824 }, { "1GiB", 1073741824 },
		{ "18446744073709551615", UINT64_MAX },
		{ "17179869183G", 17179869183ULL << 30 },
	};
	static const char *const bad[] = {
		"", "K", "-1", "4 M", "1T", "1KB", "1.5M", "0x10", "M4",
		"18446744073709551616", "17179869184G", "99999999999999999999K",
	};
	struct tconf	 c = { 0 };
	char		*text;
	size_t		 i;
	uint64_t	 v;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		text = xasprintf("[limits]\nany_size = %s\n", good[i].s);
		expect_ok(text, &c);
		assert_true(c.any_size == good[i].v);
		free(text);
		v = 1;
		assert_int_equal(conf_parse_size(good[i].s, &v), 0);
		assert_true(v == good[i].v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(conf_parse_size(bad[i], &v), -1);

	expect_ok("[limits]\nmax_size = 1K\n", &c);
	assert_int_equal(c.max_size, 1024);
	expect_ok("[limits]\nmax_size = 1G\n", &c);
	assert_int_equal(c.max_size, 1073741824);
	expect_one("[limits]\nmax_size = 512\n",
	    "t.conf:2: max_size: \"512\" out of range (1K to 1G)");
	expect_one("[limits]\nmax_size = 1025M\n",
	    "t.conf:2: max_size: \"1025M\" out of range (1K to 1G)");
	expect_one("[limits]\nmax_size = lots\n",
	    "t.conf:2: max_size: invalid size \"lots\" "
	    "(examples: 512, 64K, 4M, 1G)");
	expect_one("[limits]\nany_size = 17179869184G\n",
	    "t.conf:2: any_size: size too large \"17179869184G\"");
	expect_one("[limits]\nany_size = 18446744073709551616\n",
	    "t.conf:2: any_size: size too large \"18446744073709551616\"");
}

static void
test_duration(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	expect_ok("[main]\ninterval = 90\n[limits]\ntimeout = 0\n", &c);
	assert_int_equal(c.interval, 90);
	assert_int_equal(c.timeout, 0);
	expect_ok("[main]\ninterval = 1h30m\n[limits]\ntimeout = 2w\n", &c);
	assert_int_equal(c.interval, 5400);
	assert_int_equal(c.timeout, 14 * 86400);
	expect_ok("[main]\ninterval = 7d\n", &c);
	assert_int_equal(c.interval, 7 * 86400);

	expect_one("[main]\ninterval = abc\n",
	    "t.conf:2: interval: invalid duration \"abc\" "
	    "(examples: 30s, 15m, 1h, 7d)");
	expect_one("[main]\ninterval = 5 m\n",
	    "t.conf:2: interval: invalid duration \"5 m\" "
	    "(examples: 30s, 15m, 1h, 7d)");
	expect_one("[main]\ninterval = -5s\n",
	    "t.conf:2: interval: invalid duration \"-5s\" "
	    "(examples: 30s, 15m, 1h, 7d)");
	expect_one("[main]\ninterval = 5s\n",
	    "t.conf:2: interval: \"5s\" out of range (10s to 1w)");
	expect_one("[main]\ninterval = 7d1s\n",
	    "t.conf:2: interval: \"7d1s\" out of range (10s to 1w)");
	expect_one("[limits]\ntimeout = 99999999999999999999\n",
	    "t.conf:2: timeout: invalid duration \"99999999999999999999\" "
	    "(examples: 30s, 15m, 1h, 7d)");
}

static void
test_enum(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	expect_ok("[main]\nmode = fast\n", &c);
	assert_int_equal(c.mode, 0);
	expect_ok("[main]\nmode = paranoid\n", &c);
	assert_int_equal(c.mode, 2);
	expect_one("[main]\nmode = Fast\n",
	    "t.conf:2: mode: invalid value \"Fast\" "
	    "(choices: fast, safe, paranoid)");
	expect_one("[main]\nmode = 1\n",
	    "t.conf:2: mode: invalid value \"1\" "
	    "(choices: fast, safe, paranoid)");
}

static void
test_duplicate_key(void **state)
{
	struct tconf		c = { 0 };
	struct conf_errors	e = { 0 };
	const char *const	w[] = {
		"t.conf:4: duplicate key 'name' (first set on line 2)",
		"t.conf:6: workers: invalid integer \"x\"",
		"t.conf:7: duplicate key 'workers' (first set on line 6)",
		NULL
	};

	(void)state;
	/* A bad value still counts as set: the second line is a duplicate,
	 * not a silent fix. */
	assert_int_equal(load(
	    "[main]\n"
	    "name = first\n"
	    "\n"
	    "name = second\n"
	    "\n"
	    "workers = x\n"
	    "workers = 5\n", &c, &e), 3);
	expect_errors(&e, w);
	assert_string_equal(c.name, "first");
	assert_int_equal(c.workers, 0);
	conf_errors_free(&e);
	conf_free(keys, NKEYS, &c);

	/* The same name in another section is another key. */
	expect_ok("[limits]\ntimeout = 1s\n[main]\ninterval = 1m\n", &c);
	assert_int_equal(c.timeout, 1);
	assert_int_equal(c.interval, 60);
}

static void
test_duplicate_section(void **state)
{
	struct tconf		c = { 0 };
	struct conf_errors	e = { 0 };
	const char *const	w[] = {
		"t.conf:5: duplicate section [main] (first on line 2)",
		"t.conf:7: duplicate key 'name' (first set on line 3)",
		NULL
	};

	(void)state;
	assert_int_equal(load(
	    "\n"
	    "[main]\n"
	    "name = a\n"
	    "[server]\n"
	    "[main]\n"
	    "workers = 3\n"
	    "name = b\n", &c, &e), 2);
	expect_errors(&e, w);
	/* Keys under the repeated header are still read and checked. */
	assert_int_equal(c.workers, 3);
	assert_string_equal(c.name, "a");
	conf_errors_free(&e);
	conf_free(keys, NKEYS, &c);
}

static void
test_unknown(void **state)
{
	struct tconf		c = { 0 };
	struct conf_errors	e = { 0 };
	const char *const	w[] = {
		"t.conf:1: unknown section [nosuch]",
		"t.conf:3: missing '=' in \"b\" (expected key = value)",
		"t.conf:5: unknown key 'colour' in section [main]",
		"t.conf:6: unknown key 'url' in section [main]",
		NULL
	};

	(void)state;
	/* Keys under an unknown section are not reported one by one, but
	 * their syntax still is. */
	assert_int_equal(load(
	    "[nosuch]\n"
	    "a = 1\n"
	    "b\n"
	    "[main]\n"
	    "colour = red\n"
	    "url = http://h\n", &c, &e), 4);
	expect_errors(&e, w);
	assert_null(c.url);
	conf_errors_free(&e);
}

static void
test_key_before_section(void **state)
{
	struct tconf	c = { 0 };

	(void)state;
	expect_one("# comment\nname = x\n[main]\n",
	    "t.conf:2: key 'name' before any [section]");
	expect_one("name = x\n[main]\n",
	    "t.conf:1: key 'name' before any [section]");
	expect_ok("[main]\n", &c);
	assert_null(c.name);
}

static void
test_bad_lines(void **state)
{
	struct tconf		c = { 0 };
	struct conf_errors	e = { 0 };
	const char *const	w[] = {
		"t.conf:1: missing ']' in section header",
		"t.conf:2: invalid section name \"Main\" "
		    "(allowed: a-z, 0-9, _, - and .)",
		"t.conf:3: empty section name",
		"t.conf:4: unexpected text after section header: \" # x\"",
		"t.conf:5: invalid section name \" main \" "
		    "(allowed: a-z, 0-9, _, - and .)",
		"t.conf:7: missing '=' in \"name\" (expected key = value)",
		"t.conf:8: missing '=' in \"name value\" "
		    "(expected key = value)",
		"t.conf:9: missing key name before '='",
		"t.conf:10: invalid key name \"Name\" (allowed: a-z, 0-9 and _)",
		"t.conf:11: invalid key name \"my name\" "
		    "(allowed: a-z, 0-9 and _)",
		"t.conf:12: name: empty value (to use the default, remove the "
		    "line)",
		"t.conf:13: name: empty value (to use the default, remove the "
		    "line)",
		"t.conf:14: control character 0x0c in line",
		"t.conf:15: control character 0x1b in line",
		NULL
	};

	(void)state;
	assert_int_equal(load(
	    "[main\n"
	    "[Main]\n"
	    "[]\n"
	    "[main] # x\n"
	    "[ main ]\n"
	    "[main]\n"
	    "name\n"
	    "name value\n"
	    " = value\n"
	    "Name = x\n"
	    "my name = x\n"
	    "name =\n"
	    "name = \t \n"
	    "name = a\fb\n"
	    "dir = \x1b[31m\n"
	    "# comments may hold \x01 anything\n"
	    "workers = 2\n", &c, &e), 14);
	expect_errors(&e, w);
	assert_null(c.name);
	assert_int_equal(c.workers, 2);
	conf_errors_free(&e);
}

static void
test_long_lines(void **state)
{
	struct tconf		 c = { 0 };
	struct conf_errors	 e = { 0 };
	char			*text, *want;
	char			 big[CONF_MAX_LINE + 2];
	const char *const	 w[] = {
		"t.conf:3: line too long (1025 bytes, limit 1024)",
		"t.conf:4: unknown key 'after' in section [main]",
		"t.conf:6: line too long (1025 bytes, limit 1024)",
		"t.conf:7: workers: invalid integer \"x\"",
		NULL
	};

	(void)state;
	/* Exactly the limit, also with a CR: accepted. */
	memset(big, 'v', sizeof(big));
	big[CONF_MAX_LINE - 7] = '\0';
	text = xasprintf("[main]\nname = %s\r\n", big);
	expect_ok(text, &c);
	assert_int_equal(strlen(c.name), CONF_MAX_LINE - 7);
	free(text);

	/* One byte more: an error for that line only; the lines after it
	 * are still read. */
	big[CONF_MAX_LINE - 7] = 'v';
	big[CONF_MAX_LINE - 6] = '\0';
	text = xasprintf("[main]\n"
	    "name = short\n"
	    "name = %s\n"
	    "after = 1\n"
	    "dir = /ok\n"
	    "#      %s\n"
	    "workers = x\n", big, big);
	assert_int_equal(load(text, &c, &e), 4);
	expect_errors(&e, w);
	assert_string_equal(c.name, "short");
	assert_string_equal(c.dir, "/ok");
	free(text);
	conf_errors_free(&e);

	/* A very long line with no end at all. */
	want = xmalloc(100000);
	memset(want, 'x', 99999);
	want[99999] = '\0';
	expect_one(want, "t.conf:1: line too long (99999 bytes, limit 1024)");
	free(want);
	conf_free(keys, NKEYS, &c);
}

static void
test_nul_byte(void **state)
{
	static const char	 text[] = "[main]\nname = x\nna\0me = y\n";
	struct tconf		 c = { 0 };
	struct conf_errors	 e = { 0 };
	char			*path, *want;

	(void)state;
	assert_int_equal(conf_load_buffer("t.conf", text, sizeof(text) - 1,
	    keys, NKEYS, &c, &e), 1);
	assert_int_equal(e.count, 1);
	assert_string_equal(e.msg[0], "t.conf: binary data (NUL byte on line 3)");
	/* Nothing from a binary file is taken, not even the good lines. */
	assert_null(c.name);
	conf_errors_free(&e);

	path = tfile("nul.conf", "\0", 1);
	want = xasprintf("%s: binary data (NUL byte on line 1)", path);
	assert_int_equal(conf_load_file(path, keys, NKEYS, &c, &e), 1);
	assert_string_equal(e.msg[0], want);
	conf_errors_free(&e);
	free(want);
	free(path);
}

static void
test_too_large(void **state)
{
	struct tconf		 c = { 0 };
	struct conf_errors	 e = { 0 };
	char			*buf, *path, *want;
	size_t			 i;

	(void)state;
	/* Exactly the limit is fine: a file of comment lines. */
	buf = xmalloc(CONF_MAX_FILE + 1);
	memset(buf, '#', CONF_MAX_FILE + 1);
	for (i = 99; i < CONF_MAX_FILE + 1; i += 100)
		buf[i] = '\n';
	path = tfile("limit.conf", buf, CONF_MAX_FILE);
	assert_int_equal(conf_load_file(path, keys, NKEYS, &c, &e), 0);
	assert_int_equal(e.count, 0);
	free(path);

	path = tfile("big.conf", buf, CONF_MAX_FILE + 1);
	want = xasprintf("%s: too large (more than 1048576 bytes)", path);
	assert_int_equal(conf_load_file(path, keys, NKEYS, &c, &e), 1);
	assert_int_equal(e.count, 1);
	assert_string_equal(e.msg[0], want);
	conf_errors_free(&e);

	assert_int_equal(conf_load_buffer("t.conf", buf, CONF_MAX_FILE + 1,
	    keys, NKEYS, &c, &e), 1);
	assert_string_equal(e.msg[0],
	    "t.conf: too large (more than 1048576 bytes)");
	conf_errors_free(&e);
	free(want);
	free(path);
	free(buf);
}

static void
expect_file_error(const char *path, const char *reason)
{
	struct tconf		 c = { 0 };
	struct conf_errors	 e = { 0 };
	char			*want;

	want = xasprintf("%s: %s", path, reason);
	assert_int_equal(conf_load_file(path, keys, NKEYS, &c, &e), 1);
	assert_int_equal(e.count, 1);
	assert_string_equal(e.msg[0], want);
	assert_null(c.name);
	free(want);
	conf_errors_free(&e);
}

static void
test_missing_file(void **state)
{
	char	*path;

	(void)state;
	path = xasprintf("%s/nonexistent.conf", tmpdir);
	expect_file_error(path, "cannot open: No such file or directory");
	free(path);
}

static void
test_directory(void **state)
{
	char	*path;

	(void)state;
	expect_file_error(tmpdir, "is a directory");
	path = xasprintf("%s/sub.conf", tmpdir);
	assert_int_equal(mkdir(path, 0755), 0);
	expect_file_error(path, "is a directory");
	free(path);
}

/* These hold for root too, unlike a chmod 000 file. */
static void
test_unreadable(void **state)
{
	struct sockaddr_un	 sun;
	char			*path, *file;
	int			 s;

	(void)state;
	/* A FIFO: refused at once rather than waiting for a writer. */
	path = xasprintf("%s/fifo.conf", tmpdir);
	assert_int_equal(mkfifo(path, 0644), 0);
	expect_file_error(path, "not a regular file");
	free(path);

	/* A socket cannot be opened at all. */
	path = xasprintf("%s/sock.conf", tmpdir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_true(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(s != -1);
	assert_int_equal(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	expect_file_error(path, "cannot open: No such device or address");
	close(s);
	free(path);

	/* A character device is no configuration either. */
	expect_file_error("/dev/null", "not a regular file");

	/* A path through a file, and a symlink loop. */
	file = tfile("plain.conf", "", 0);
	path = xasprintf("%s/x.conf", file);
	expect_file_error(path, "cannot open: Not a directory");
	free(path);
	free(file);
	path = xasprintf("%s/loop.conf", tmpdir);
	assert_int_equal(symlink("loop.conf", path), 0);
	expect_file_error(path,
	    "cannot open: Too many levels of symbolic links");
	free(path);
}

static void
test_permission_denied(void **state)
{
	char	*path;

	(void)state;
	if (geteuid() == 0)
		skip();	/* root reads mode 000 files; see test_unreadable */
	path = tfile("secret.conf", "[main]\n", 7);
	assert_int_equal(chmod(path, 0), 0);
	expect_file_error(path, "cannot open: Permission denied");
	free(path);
}

static void
test_override_without_leaks(void **state)
{
	static const char	 text[] =
	    "# exhibit test\n"
	    "[main]\n"
	    "name = from-file\n"
	    "dir = /srv/exhibit\n"
	    "workers = 16\n"
	    "verbose = on\n"
	    "interval = 1h\n"
	    "mode = paranoid\n"
	    "\n"
	    "[server]\n"
	    "url = https://exhibit.example/api\n"
	    "listen = [::]:9443\n"
	    "\n"
	    "[limits]\n"
	    "max_size = 16M\n"
	    "any_size = 0\n"
	    "timeout = 30s\n"
	    "\n"
	    "[tls-client]\n"
	    "ca_file = /etc/ssl/ca.pem\n";
	struct tconf		 c = { 0 };
	struct conf_errors	 e = { 0 };
	char			*path;

	(void)state;
	conf_defaults(keys, NKEYS, &c);
	path = tfile("good.conf", text, sizeof(text) - 1);
	assert_int_equal(conf_load_file(path, keys, NKEYS, &c, &e), 0);
	assert_int_equal(e.count, 0);
	assert_string_equal(c.name, "from-file");
	assert_string_equal(c.dir, "/srv/exhibit");
	assert_string_equal(c.url, "https://exhibit.example/api");
	assert_string_equal(c.listen, "[::]:9443");
	assert_string_equal(c.ca_file, "/etc/ssl/ca.pem");
	assert_int_equal(c.workers, 16);
	assert_int_equal(c.verbose, 1);
	assert_int_equal(c.interval, 3600);
	assert_int_equal(c.mode, 2);
	assert_int_equal(c.max_size, 16 * 1024 * 1024);
	assert_int_equal(c.any_size, 0);
	assert_int_equal(c.timeout, 30);

	/* Loading again replaces every string (ASan reports the old ones if
	 * they leak), and defaults again put the defaults back. */
	assert_int_equal(conf_load_file(path, keys, NKEYS, &c, &e), 0);
	assert_string_equal(c.name, "from-file");
	conf_defaults(keys, NKEYS, &c);
	assert_string_equal(c.name, "exhibit");
	assert_string_equal(c.dir, "/var/lib/exhibit");
	assert_string_equal(c.url, "https://exhibit.example/api");

	conf_free(keys, NKEYS, &c);
	assert_null(c.name);
	assert_null(c.dir);
	assert_null(c.url);
	assert_null(c.listen);
	assert_null(c.ca_file);
	conf_free(keys, NKEYS, &c);	/* twice is harmless */
	free(path);
}

static void
test_bad_value_keeps_previous(void **state)
{
	struct tconf		c = { 0 };
	struct conf_errors	e = { 0 };

	(void)state;
	conf_defaults(keys, NKEYS, &c);
	assert_int_equal(load("[main]\nname = ok\ndir = relative\n"
	    "workers = 100\nmode = x\n[server]\nlisten = nope\n", &c, &e), 4);
	assert_string_equal(c.name, "ok");
	assert_string_equal(c.dir, "/var/lib/exhibit");
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.mode, 1);
	assert_string_equal(c.listen, "localhost:8443");
	conf_errors_free(&e);
	conf_free(keys, NKEYS, &c);
}

static void
test_all_errors_collected(void **state)
{
	struct tconf		c = { 0 };
	struct conf_errors	e = { 0 };
	const char *const	w[] = {
		"earlier: kept",
		"t.conf:1: key 'workers' before any [section]",
		"t.conf:3: interval: invalid duration \"soon\" "
		    "(examples: 30s, 15m, 1h, 7d)",
		"t.conf:5: unknown key 'colour' in section [main]",
		"t.conf:7: listen: port out of range in \"h:99999\"",
		"t.conf:8: url: invalid URL \"exhibit.example\" "
		    "(must start with http:// or https://)",
		"t.conf:9: unknown section [extra]",
		"t.conf:11: duplicate section [server] (first on line 6)",
		"t.conf:12: duplicate key 'listen' (first set on line 7)",
		"t.conf:13: duplicate section [main] (first on line 2)",
		"t.conf:14: verbose: invalid boolean \"sometimes\" "
		    "(use yes or no)",
		NULL
	};

	(void)state;
	conf_errors_add(&e, "%s: %s", "earlier", "kept");
	/* Returns the errors it added, not the total. */
	assert_int_equal(load(
	    "workers = 2\n"
	    "[main]\n"
	    "interval = soon\n"
	    "name = fine\n"
	    "colour = blue\n"
	    "[server]\n"
	    "listen = h:99999\n"
	    "url = exhibit.example\n"
	    "[extra]\n"
	    "anything = goes\n"
	    "[server]\n"
	    "listen = h:1\n"
	    "[main]\n"
	    "verbose = sometimes\n"
	    "workers = 3\n", &c, &e), 10);
	expect_errors(&e, w);
	assert_string_equal(c.name, "fine");
	assert_int_equal(c.workers, 3);
	conf_errors_free(&e);
	assert_null(e.msg);
	assert_int_equal(e.count, 0);
	conf_free(keys, NKEYS, &c);
}

static void
test_bad_default_is_fatal(void **state)
{
	static const struct conf_key bad[] = {
		{ "main", "workers", CONF_INT, offsetof(struct tconf, workers),
		    "four", 0, 0, NULL },
	};
	struct tconf	c = { 0 };
	pid_t		pid;
	int		status, fd;

	(void)state;
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1)
			dup2(fd, STDERR_FILENO);
		conf_defaults(bad, 1, &c);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
}

static void
test_error_cap(void **state)
{
	struct tconf		c;
	struct conf_errors	e = { 0 };
	char			*text, *t;
	int			 i, n;

	memset(&c, 0, sizeof(c));
	conf_defaults(keys, NKEYS, &c);
	text = xstrdup("[main]\n");
	for (i = 0; i < 150; i++) {
		t = xasprintf("%sbogus%d = 1\n", text, i);
		free(text);
		text = t;
	}
	n = load(text, &c, &e);
	/* Every error counts; the first hundred are shown, then one line. */
	assert_int_equal(n, 150);
	assert_int_equal(e.total, 150);
	assert_int_equal(e.count, CONF_MAX_ERRORS + 1);
	assert_non_null(strstr(e.msg[0], ":2: unknown key 'bogus0'"));
	assert_string_equal(e.msg[CONF_MAX_ERRORS],
	    "too many errors; the rest are not shown");
	free(text);
	conf_errors_free(&e);
	conf_free(keys, NKEYS, &c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_keeps_defaults),
		cmocka_unit_test(test_comments_and_blanks),
		cmocka_unit_test(test_spaces_and_tabs),
		cmocka_unit_test(test_hash_is_part_of_value),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom_and_no_final_newline),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_string_and_path),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_hostport),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_duplicate_section),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_key_before_section),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_permission_denied),
		cmocka_unit_test(test_override_without_leaks),
		cmocka_unit_test(test_bad_value_keeps_previous),
		cmocka_unit_test(test_all_errors_collected),
		cmocka_unit_test(test_bad_default_is_fatal),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
