/*
 * The evidence document's schema ("exhibit.evidence/1", see
 * doc/protocol.md), checked on the daemon's side before anything in a
 * document is stored or believed.
 */
#ifndef EXHIBIT_SCHEMA_H
#define EXHIBIT_SCHEMA_H

#include <stddef.h>

#include <json-c/json.h>

#define SCHEMA_EVIDENCE		"exhibit.evidence/1"
#define SCHEMA_MAX_SECTIONS	64

/* 0 when doc is a valid document; else -1 and err names the first
 * problem with its JSON path ("$.sections.sshd.digest: ..."). */
int	schema_check_evidence(struct json_object *doc, char *err,
	    size_t errlen);

#endif
