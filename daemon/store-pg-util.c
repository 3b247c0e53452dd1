/*
 * Parameters and results for the PostgreSQL store.  Values always travel
 * as PQexecParams parameters, never inside the SQL text; integers as
 * text, bytes as binary.  Results come back as text: bytea in
 * PostgreSQL's hex form ("\x..."), decoded here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "encode.h"
#include "log.h"
#include "store-pg-int.h"
#include "xmalloc.h"

void
pg_p_init(struct pg_params *p)
{
	memset(p, 0, sizeof(*p));
}

static int
pg_p_next(struct pg_params *p)
{
	/* A programming error, not a runtime condition. */
	if (p->n == PG_MAXPARAMS)
		fatalx("store: more than %d parameters", PG_MAXPARAMS);
	return p->n++;
}

void
pg_p_text(struct pg_params *p, const char *s)
{
	int	i = pg_p_next(p);

	p->values[i] = s;
}

void
pg_p_int(struct pg_params *p, int64_t v)
{
	int	i = pg_p_next(p);

	snprintf(p->nums[i], sizeof(p->nums[i]), "%lld", (long long)v);
	p->values[i] = p->nums[i];
}

void
pg_p_bin(struct pg_params *p, const void *v, size_t len)
{
	int	i = pg_p_next(p);

	/* A zero-length value must not read as NULL. */
	p->values[i] = v != NULL ? v : "";
	p->lengths[i] = (int)len;
	p->formats[i] = 1;
}

void
pg_p_limit(struct pg_params *p, size_t limit)
{
	if (limit == 0)
		pg_p_text(p, NULL);
	else
		pg_p_int(p, (int64_t)limit);
}

int64_t
pg_int(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void
pg_str(char *dst, size_t size, const PGresult *r, int row, int col)
{
	snprintf(dst, size, "%s", PQgetisnull(r, row, col) ? "" :
	    PQgetvalue(r, row, col));
}

char *
pg_strdup(const PGresult *r, int row, int col)
{
	return xstrdup(PQgetisnull(r, row, col) ? "" :
	    PQgetvalue(r, row, col));
}

char *
pg_bytea(const PGresult *r, int row, int col, size_t *len)
{
	const char	*v = PQgetvalue(r, row, col);
	size_t		 n = (size_t)PQgetlength(r, row, col);
	char		*out;

	*len = 0;
	if (n < 2 || v[0] != '\\' || v[1] != 'x' || (n - 2) % 2 != 0) {
		out = xmalloc(1);
		out[0] = '\0';
		if (!PQgetisnull(r, row, col))
			log_warnx("store: a bytea value is not in hex form");
		return out;
	}
	*len = (n - 2) / 2;
	out = xmalloc(*len + 1);
	if (hex_decode(v + 2, n - 2, out, *len) == -1) {
		log_warnx("store: a bytea value is not in hex form");
		*len = 0;
	}
	out[*len] = '\0';
	return out;
}

int
pg_bytea_fixed(const PGresult *r, int row, int col, void *out, size_t len)
{
	const char	*v = PQgetvalue(r, row, col);
	size_t		 n = (size_t)PQgetlength(r, row, col);

	if (PQgetisnull(r, row, col) || n != 2 + 2 * len || v[0] != '\\' ||
	    v[1] != 'x')
		return -1;
	return hex_decode(v + 2, n - 2, out, len);
}
