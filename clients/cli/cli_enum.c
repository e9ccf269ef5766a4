/* Categorical options in English or in Chinese: one table per option. */
#include "cli_enum.h"

#include <stdio.h>
#include <string.h>

const char *cli_enum_word(const cli_enum_t *values, const char *given)
{
    for (const cli_enum_t *v = values; given && v->word; v++)
        if (strcmp(given, v->word) == 0 || strcmp(given, v->label) == 0 ||
            (v->alias && strcmp(given, v->alias) == 0))
            return v->word;
    return NULL;
}

const char *cli_enum_label(const cli_enum_t *values, const char *word)
{
    for (const cli_enum_t *v = values; v->word; v++)
        if (strcmp(word, v->word) == 0)
            return v->label;
    return word;
}

int cli_enum_value(const char *option, const char *given, const cli_enum_t *values,
                   const char **out)
{
    char allowed[1024] = "";
    size_t len = 0;
    if ((*out = cli_enum_word(values, given)) != NULL)
        return CLI_OK;
    for (const cli_enum_t *v = values; v->word && len < sizeof allowed; v++)
        len += (size_t)snprintf(allowed + len, sizeof allowed - len, "%s%s (%s)",
                                v == values ? "" : "、", v->label, v->word);
    return cli_usage("%s 的值 '%s' 不可用，可选：%s", option, given ? given : "", allowed);
}

int cli_enum(cli_t *cli, const char *key, const cli_enum_t *values, const char *def,
             const char **out)
{
    char option[64];
    const char *given = cli_opt(cli, key);
    *out = def;
    if (!given)
        return CLI_OK;
    snprintf(option, sizeof option, "--%s", key);
    return cli_enum_value(option, given, values, out);
}

int cli_enum_lenient(cli_t *cli, const char *key, const cli_enum_t *values, const char *def,
                     const char **out)
{
    const char *given = cli_opt(cli, key), *word = cli_enum_word(values, given);
    *out = !given ? def : word ? word : given;
    return CLI_OK;
}
