#include "cli.h"
#include "hj_envelope.h"
#include "hj_pbjson.h"
#include "hj_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_parse(cli_t *cli, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) == 0 && a[2]) {
            if (cli->nopt >= CLI_MAX_ARGS)
                return cli_usage("too many options");
            cli->opt[cli->nopt].key = a + 2;
            cli->opt[cli->nopt].used = 0;
            /* A following word that is not itself an option is this option's value. */
            if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                cli->opt[cli->nopt].value = argv[++i];
            else
                cli->opt[cli->nopt].value = "";
            cli->nopt++;
        } else {
            if (cli->npos >= CLI_MAX_ARGS)
                return cli_usage("too many arguments");
            cli->pos[cli->npos++] = a;
        }
    }
    return CLI_OK;
}

const char *cli_opt(cli_t *cli, const char *key)
{
    for (int i = 0; i < cli->nopt; i++)
        if (strcmp(cli->opt[i].key, key) == 0) {
            cli->opt[i].used = 1;
            return cli->opt[i].value;
        }
    return NULL;
}

const char *cli_opt_or(cli_t *cli, const char *key, const char *def)
{
    const char *v = cli_opt(cli, key);
    return v ? v : def;
}

int cli_flag(cli_t *cli, const char *key)
{
    return cli_opt(cli, key) != NULL;
}

int cli_unused(cli_t *cli)
{
    for (int i = 0; i < cli->nopt; i++)
        if (!cli->opt[i].used)
            return cli_usage("unknown option --%s", cli->opt[i].key);
    return CLI_OK;
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("hj: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see hj --help)\n", stderr);
    va_end(ap);
    return CLI_USAGE;
}

const char *cli_request_id(cli_t *cli, char buf[37])
{
    const char *given = cli_opt(cli, "request-id");
    if (given) {
        snprintf(buf, 37, "%s", given);
        return buf;
    }
    hj_uuid_new(buf);
    return buf;
}

static int s_no_device(cli_t *cli)
{
    char path[512];
    hj_device_default_path(path, sizeof path);
    fprintf(stderr,
            "hj: no device file, so no key to talk to Huanjie with: give --device FILE or "
            "HJ_DEVICE, or put one at %s (hj admin device enrol makes one on the server)\n",
            path);
    return CLI_UNREACHABLE;
}

hj_client_t *cli_client(cli_t *cli, int tries)
{
    if (!cli->has_device) {
        s_no_device(cli);
        return NULL;
    }
    hj_client_t *c = hj_client_new(NULL, cli->bus, cli->timeout_ms, tries);
    if (!c || hj_client_set_device(c, &cli->device) != 0) {
        fprintf(stderr, "hj: cannot open a connection to %s\n", cli->bus);
        hj_client_destroy(&c);
    }
    return c;
}

int cli_curve(cli_t *cli, void *socket)
{
    if (!cli->has_device)
        return s_no_device(cli);
    if (hj_curve_client_socket(socket, &cli->device) != 0) {
        fprintf(stderr, "hj: cannot use the keys of %s\n", cli->device_path);
        return CLI_UNREACHABLE;
    }
    return CLI_OK;
}

int cli_call(cli_t *cli, const char *service, const ProtobufCMessage *req,
             const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply)
{
    size_t len = protobuf_c_message_get_packed_size(req), answer_len = 0;
    uint8_t *body = malloc(len ? len : 1), *answer = NULL;
    int rc = CLI_UNREACHABLE;
    hj_client_t *client = cli_client(cli, cli->tries);
    *reply = NULL;
    if (!body || !client)
        goto out;
    protobuf_c_message_pack(req, body);
    if (hj_client_call(client, service, body, len, &answer, &answer_len) != 0) {
        fprintf(stderr, "hj: no answer from %s after %d tries: is Huanjie running? "
                        "(deploy/huanjie up; HJ_BUS or --bus names the endpoint)\n",
                cli->bus, cli->tries);
        goto out;
    }
    hj_status_t st;
    if (hj_status_unpack(answer, answer_len, &st) != 0) {
        fprintf(stderr, "hj: the answer from %s is not a reply message\n", service);
        rc = CLI_REFUSED;
        goto out;
    }
    if (st.code != HJ__CODE__OK) {
        if (st.field[0])
            fprintf(stderr, "hj: %s: %s (field: %s)\n", hj_code_name(st.code), st.message, st.field);
        else
            fprintf(stderr, "hj: %s: %s\n", hj_code_name(st.code), st.message);
        rc = st.code == HJ__CODE__UNAVAILABLE ? CLI_UNREACHABLE : CLI_REFUSED;
        goto out;
    }
    *reply = protobuf_c_message_unpack(reply_desc, NULL, answer_len, answer);
    if (!*reply) {
        fprintf(stderr, "hj: the answer from %s does not decode\n", service);
        rc = CLI_REFUSED;
        goto out;
    }
    rc = CLI_OK;
out:
    hj_client_destroy(&client);
    free(body);
    free(answer);
    return rc;
}

/* ---- tables ------------------------------------------------------------- */

struct cli_table {
    int columns;
    int rows;
    char **cells; /* rows+1 (headers) x columns */
};

cli_table_t *cli_table_new(int columns, const char *const *headers)
{
    cli_table_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->columns = columns;
    cli_table_row(t, headers);
    return t;
}

void cli_table_row(cli_table_t *t, const char *const *cells)
{
    char **grown = realloc(t->cells, sizeof(char *) * (size_t)t->columns * (size_t)(t->rows + 1));
    if (!grown)
        return;
    t->cells = grown;
    for (int c = 0; c < t->columns; c++)
        t->cells[t->rows * t->columns + c] = strdup(cells[c] ? cells[c] : "");
    t->rows++;
}

static size_t s_width(const char *s)
{
    size_t w = 0;
    if (hj_text_width(s, strlen(s), &w) != 0)
        w = strlen(s);
    return w;
}

void cli_table_print(cli_table_t *t)
{
    size_t *width = calloc((size_t)t->columns, sizeof *width);
    for (int r = 0; r < t->rows; r++)
        for (int c = 0; c < t->columns; c++) {
            size_t w = s_width(t->cells[r * t->columns + c]);
            if (w > width[c])
                width[c] = w;
        }
    for (int r = 0; r < t->rows; r++) {
        for (int c = 0; c < t->columns; c++) {
            const char *cell = t->cells[r * t->columns + c];
            fputs(cell, stdout);
            if (c + 1 < t->columns)
                for (size_t pad = s_width(cell); pad < width[c] + 2; pad++)
                    fputc(' ', stdout);
        }
        fputc('\n', stdout);
    }
    free(width);
}

void cli_table_destroy(cli_table_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    cli_table_t *t = *self_p;
    *self_p = NULL;
    for (int i = 0; i < t->rows * t->columns; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

void cli_json(const ProtobufCMessage *msg)
{
    hj_pbjson_write(stdout, msg);
    fputc('\n', stdout);
}
