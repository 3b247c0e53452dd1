/*
 * The rule engine on arbitrary input.  Rule packs are written by people
 * and evidence by agents that may be compromised, so neither may crash,
 * leak or hang it.  The first byte picks what the rest is:
 *   0: a path, parsed as a document path and as a relative one;
 *   1: a condition, put into a pack, loaded, and if it loads evaluated
 *      against a document that has every JSON type in it;
 *   2: an evidence document, judged by a pack that uses every operator.
 * Wrapping the input keeps the fuzzer inside the parsers instead of
 * spending its time rediscovering a pack's outer shape.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonutil.h"
#include "log.h"
#include "rule-int.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char doc_text[] =
    "{\"sections\":{\"s\":{\"digest\":\"sha256:0\",\"sources\":["
    "{\"path\":\"/etc/f\",\"sha256\":\"aa\"}],\"data\":{\"n\":5,\"d\":1.5,"
    "\"t\":true,\"z\":null,\"str\":\"abc\",\"v\":\"1:2.0-1\",\"a\":[1,"
    "{\"k\":\"x\",\"source\":\"/etc/f:3\"},[2]],\"o\":{\"x.y\":{\"value\":"
    "\"1\",\"file\":\"/etc/f\",\"line\":2}}}},\"packages\":{\"data\":"
    "{\"manager\":\"rpm\"}}},\"errors\":[{\"section\":\"s\",\"message\":"
    "\"/etc/f:3: odd\"}]}";

#define RULE(id, check) \
	"{\"id\":\"" id "\",\"title\":\"t\",\"description\":\"d\"," \
	"\"rationale\":\"r\",\"remediation\":\"m\",\"severity\":\"low\"," \
	"\"controls\":{\"iso27001:2022\":[\"A.8.9\"]},\"check\":" check "}"

static const char pack_all_ops[] =
    "{\"pack\":\"p\",\"version\":\"1\",\"rules\":["
    RULE("a", "{\"path\":\"sections.s.data.n\",\"op\":\"le\",\"value\":5}") ","
    RULE("b", "{\"path\":\"sections.s.data.a[*].k\",\"op\":\"in\","
	"\"value\":[\"x\"],\"match\":\"any\"}") ","
    RULE("c", "{\"path\":\"sections.s.data.str\",\"op\":\"matches\","
	"\"value\":\"^a(b|c)+$\"}") ","
    RULE("d", "{\"path\":\"sections.s.data.v\",\"op\":\"version_ge\","
	"\"value\":\"1:2.0\"}") ","
    RULE("e", "{\"op\":\"count\",\"path\":\"sections.s.data.o\",\"where\":"
	"{\"any\":[{\"path\":\"@key\",\"op\":\"eq\",\"value\":\"x.y\"},"
	"{\"not\":{\"path\":\"@.value\",\"op\":\"exists\"}}]},\"cmp\":\"ge\","
	"\"value\":1}") ","
    RULE("f", "{\"all\":[{\"path\":\"sections.s.data.z\",\"op\":\"absent\"},"
	"{\"path\":\"sections.s.data.a[-1][0]\",\"op\":\"ne\",\"value\":2},"
	"{\"path\":\"sections.s.data.o[\\\"x.y\\\"].line\",\"op\":\"gt\","
	"\"value\":1}]}")
    "]}";

static struct ruleset		*fixed_rules;
static struct json_object	*fixed_doc;

static void
fuzz_init(void)
{
	char	err[128];

	log_init("fuzz-rules", 0, LOG_DEST_STDERR);
	fixed_rules = ruleset_load_buffer("all-ops.json", pack_all_ops,
	    strlen(pack_all_ops));
	fixed_doc = jsonutil_parse(doc_text, strlen(doc_text), err,
	    sizeof(err));
	if (fixed_rules == NULL || fixed_doc == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpath		 p;
	struct ruleset		*set;
	struct json_object	*doc, *res;
	char			*text, *pack, err[128];

	if (fixed_rules == NULL)
		fuzz_init();
	if (size < 1 || size > 64 * 1024)
		return 0;
	text = xmalloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		if (rpath_parse(text, 0, &p, err, sizeof(err)) == 0) {
			struct rpath_result r;

			rpath_select(&p, fixed_doc, "", NULL, &r);
			rpath_result_free(&r);
			rpath_free(&p);
		}
		if (rpath_parse(text, 1, &p, err, sizeof(err)) == 0)
			rpath_free(&p);
		break;
	case 1:
		pack = xasprintf("{\"pack\":\"p\",\"version\":\"1\",\"rules\":["
		    RULE("r", "%s") "]}", text);
		if ((set = ruleset_load_buffer("fuzz.json", pack,
		    strlen(pack))) != NULL) {
			res = ruleset_evaluate(set, fixed_doc);
			json_object_put(res);
			ruleset_free(set);
		}
		free(pack);
		break;
	default:
		if ((doc = jsonutil_parse(text, size - 1, err,
		    sizeof(err))) != NULL) {
			res = ruleset_evaluate(fixed_rules, doc);
			json_object_put(res);
			json_object_put(doc);
		}
		break;
	}
	free(text);
	return 0;
}
