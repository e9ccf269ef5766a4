#ifndef HJ_PERSON_REF_H
#define HJ_PERSON_REF_H
/* A person as a user names one on the command line: a UUID, a code (P0042)
 * or a name. A name is looked up by the registry in one read
 * (person_resolve): among the persons of `community` (with `cadre`, the
 * cadres of its subdistrict: interviewers, leaders), else district-wide.
 *
 * Offline: a UUID needs no look-up and works as always; a code or a name
 * needs the registry, so when it cannot be reached the command is refused
 * (exit 3) saying so, and nothing is saved in the spool. (A record saved
 * with a name that only `hj sync` resolved could name someone else by then:
 * what is saved offline is what the user can check before it is sent.) */
#include "cli.h"

/* *id (37 bytes) set to the person's UUID: CLI_OK. Else the person is
 * unknown or the name ambiguous (CLI_REFUSED, the matches listed with their
 * codes and communities), or the registry cannot be reached (CLI_UNREACHABLE);
 * `option` ("--person") names the option in the messages. */
int person_ref(cli_t *cli, const char *option, const char *given, const char *community, int cadre,
               char id[37]);

/* Each of values[0..n) resolved as by person_ref, into ids[i]; values[i]
 * then points to ids[i]. CLI_OK or the first failure. */
int person_refs(cli_t *cli, const char *option, char **values, size_t n, const char *community,
                int cadre, char (*ids)[37]);

#endif
