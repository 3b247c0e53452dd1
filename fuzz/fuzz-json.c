/* jsonutil_parse on arbitrary bytes: never crashes, never leaks, and what
 * it accepts serialises and parses again. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*o, *again;
	const char		*s;
	char			 err[128];

	if ((o = jsonutil_parse((const char *)data, size, err,
	    sizeof(err))) == NULL)
		return 0;
	s = jsonutil_to_string(o, 0);
	if ((again = jsonutil_parse(s, strlen(s), err, sizeof(err))) == NULL)
		abort();
	json_object_put(again);
	json_object_put(o);
	return 0;
}
