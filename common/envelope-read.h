/*
 * Reading a DSSE envelope's members out of its JSON text, for
 * envelope.c.  Envelopes as signers write them (the three members once
 * each, strings without escapes) are read in one pass over the text;
 * anything else goes through json-c, so both readers give the same
 * members for any text, and the same refusals.
 */
#ifndef EXHIBIT_ENVELOPE_READ_H
#define EXHIBIT_ENVELOPE_READ_H

#include <stddef.h>

#define ENVELOPE_MAX_SIGNATURES	16

struct json_object;

/* Bytes inside the text or a json-c string; not NUL-terminated. */
struct envelope_span {
	const char	*p;
	size_t		 len;
};

struct envelope_sig {
	struct envelope_span	 keyid, sig;
	int			 has_keyid, has_sig;	/* string members */
};

struct envelope_fields {
	struct envelope_span	 type, payload;
	int			 has_type, has_payload;	/* string members */
	int			 has_sigs;		/* an array */
	size_t			 nsigs;		/* its length, even when over */
	struct envelope_sig	 sigs[ENVELOPE_MAX_SIGNATURES];	/* the first */
	struct json_object	*json;		/* holds json-c's strings */
};

/*
 * Read text into f: 0, or -1 with a sentence in err when text is not a
 * JSON object.  Members missing or of the wrong type are left unset for
 * the caller to judge.  envelope_read_clear() afterwards in any case.
 */
int	envelope_read(const char *text, size_t len, struct envelope_fields *f,
	    char *err, size_t errlen);
void	envelope_read_clear(struct envelope_fields *);

/* Whether s holds exactly the string want. */
int	envelope_span_is(const struct envelope_span *s, const char *want);

/* The two readers, for the fuzzer that holds them to the same answers:
 * the one-pass reader returns 0 only for text it reads whole, and -1
 * (nothing set) for any other. */
int	envelope_read_simple(const char *text, size_t len,
	    struct envelope_fields *f);
int	envelope_read_json(const char *text, size_t len,
	    struct envelope_fields *f, char *err, size_t errlen);

#endif
