/* RFC 3339 and duration parsers on arbitrary text: no crash, and any time
 * accepted formats to a string that parses back to the same instant. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 s[64], buf[TIMEFMT_RFC3339_LEN];
	time_t		 t, back;
	long long	 secs;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)timefmt_parse_duration(s, &secs);
	if (timefmt_parse_rfc3339(s, &t) == -1)
		return 0;
	/* strftime does not pad years before 1000, and years after 9999 do
	 * not fit the format: only 1000-9999 must round-trip. */
	if (t < -30610224000LL || t > 253402300799LL)
		return 0;
	timefmt_rfc3339(t, buf, sizeof(buf));
	if (timefmt_parse_rfc3339(buf, &back) == -1 || back != t)
		abort();
	return 0;
}
