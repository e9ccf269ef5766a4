#ifndef HJ_PBJSON_H
#define HJ_PBJSON_H
/* Any protobuf-c message as JSON, from its descriptor: field names as in the
 * .proto, enums as lower-case names, bytes as hex, every field present (so a
 * script sees a stable shape). One writer for every `--json` output. */
#include <protobuf-c/protobuf-c.h>
#include <stdio.h>

void hj_pbjson_write(FILE *out, const ProtobufCMessage *msg);
/* A JSON string literal with escapes. */
void hj_json_string(FILE *out, const char *s);

#endif
