#ifndef HJ_RECORD_REF_H
#define HJ_RECORD_REF_H
/* A record a field team corrects, as a user names it on the command line:
 * its UUID or its short code (sql/024: T talk, X publicity, A assessment,
 * E training, J task, R reserve entry). A code is looked up in one read
 * (talk_get for a talk, record_resolve for the registry's records); offline,
 * as for persons (person_ref.h), a code cannot be looked up and the command
 * is refused (exit 3) saying so: only a UUID is saved in the spool. */
#include "cli.h"

/* *id (37 bytes) set to the record's UUID: CLI_OK. Else the code is unknown
 * or names a record of another kind (CLI_REFUSED), or the service cannot be
 * reached (CLI_UNREACHABLE). kind: "talk", "publicity", "assessment",
 * "training", "task" or "reserve". */
int record_ref(cli_t *cli, const char *kind, const char *given, char id[37]);

/* A UUID needs no look-up: 1 with it copied into id, else 0 with id "". */
int record_ref_uuid(const char *given, char id[37]);

/* When verb is one of verbs (NULL-ended: the verbs that take the record's
 * ID), the first positional word resolved in place by record_ref; nothing
 * happens for other verbs or without one (the verb names its usage). */
int record_ref_pos(cli_t *cli, const char *verb, const char *const *verbs, const char *kind);
/* A command group of a kind of record: record_ref_pos, then run(cli, verb). */
int record_ref_run(cli_t *cli, const char *verb, const char *const *verbs, const char *kind,
                   int (*run)(cli_t *cli, const char *verb));

#endif
