/*
 * Shared harness for collector tests: run one collector against a fixture
 * root and look values up in what it produced.
 */
#ifndef EXHIBIT_COLLECT_TEST_H
#define EXHIBIT_COLLECT_TEST_H

#include <stdint.h>

#include <json-c/json.h>

#include "section.h"

struct hostroot;

struct collect_result {
	struct json_object	*section;	/* {"digest","sources","data"} */
	struct json_object	*errors;	/* [{"section","message"}] */
};

/* Directory of the named fixture root under tests/fixtures. */
const char	*fixture_path(const char *name);

/* Copy a fixture to a fresh temporary directory, applying its .modes file
 * (mode, uid, gid, path lines) when there is one, and building its rpm
 * database from NAME.rpms.tsv when there is one.  Returns the copy's
 * path; fixture_remove() deletes it. */
char		*fixture_copy(const char *name);
void		 fixture_remove(char *path);

/* The suite's valgrind pass sets EXHIBIT_TEST_QUICK: tests that build
 * tens of thousands of files skip that part there (it proves limits,
 * not memory safety, and takes minutes under valgrind). */
int		 test_quick(void);

/* A fresh empty temporary root (remove with fixture_remove), and files
 * written into it: parent directories are created as needed. */
char		*tmproot_new(void);
void		 tmproot_write(const char *root, const char *path,
		    const char *content);

/* Run collect on root (a directory path) with the given file size limit
 * (0 for the agent's default of 4 MiB). */
void	collect_run(const char *root, int (*collect)(struct section *),
	    const char *name, size_t max_file_size, struct collect_result *);
void	collect_result_free(struct collect_result *);

/* section_finish() parsed back into a tree. */
struct json_object *section_finish_json(struct section *,
	    struct json_object *errors);

/* A whole evidence document for root, parsed (a failure if it is not
 * strict JSON). */
struct json_object *collect_document(struct hostroot *,
	    const char *const *only, size_t nonly);

/*
 * Look up a dotted path in obj: "data.login_defs.pass_max_days",
 * "data.users[2].name".  NULL when any step is missing.
 */
struct json_object *jpath(struct json_object *obj, const char *path);

/* Assert helpers that print the path and the whole section on failure. */
void	assert_jstr(struct collect_result *, const char *path, const char *want);
void	assert_jint(struct collect_result *, const char *path, int64_t want);
void	assert_jbool(struct collect_result *, const char *path, int want);
void	assert_jabsent(struct collect_result *, const char *path);

/* Count of errors whose message contains text (all errors when NULL). */
int	collect_errors_matching(struct collect_result *, const char *text);

/* Whether a source with this path exists, and with which status ("read"
 * for a file that was read). */
const char *collect_source_status(struct collect_result *, const char *path);

#endif
