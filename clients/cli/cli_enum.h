#ifndef HJ_CLI_ENUM_H
#define HJ_CLI_ENUM_H
/* Categorical options an official may type in English or in Chinese
 * (--channel 电子屏, --committee 居委会), as the CSV imports accept them
 * (issue #20). Each option's values are one table of the command group: the
 * wire's word, the label officials read, and another spelling people write.
 * A value that is none of them is refused before anything is sent, naming the
 * option and listing what it accepts, in Chinese. */
#include "cli.h"

typedef struct {
    const char *word;  /* on the wire */
    const char *label; /* the Chinese an official reads and may type */
    const char *alias; /* another Chinese spelling people type, or NULL */
} cli_enum_t;

/* The wire's word for `given` (the word itself or one of its Chinese
 * spellings), or NULL. values ends with a {NULL} row. */
const char *cli_enum_word(const cli_enum_t *values, const char *given);

/* The Chinese label of `word` (the word itself when it has none). */
const char *cli_enum_label(const cli_enum_t *values, const char *word);

/* The value of --key as the wire's word into *out; def (may be NULL) when
 * the option is absent. CLI_OK, or CLI_USAGE after saying which option had
 * which value and listing the accepted values: 电子屏 (screen)、… */
int cli_enum(cli_t *cli, const char *key, const cli_enum_t *values, const char *def,
             const char **out);

/* As cli_enum, but a value of no spelling is sent as typed, for the server
 * to judge and refuse naming its field: for the options whose refusal the
 * server must give (its permission check comes before any field's, and
 * scripts read `(field: body)`). */
int cli_enum_lenient(cli_t *cli, const char *key, const cli_enum_t *values, const char *def,
                     const char **out);

/* As cli_enum for a value the caller took apart itself (e.g. the KIND of
 * --box NAME:KIND:...); `option` names it in the refusal. */
int cli_enum_value(const char *option, const char *given, const cli_enum_t *values,
                   const char **out);

#endif
