/* The page of a report, in Markdown or plain text (report_doc.h). */
#include "report_doc.h"
#include "hj_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void report_doc_init(report_doc_t *d, int md)
{
    d->md = md;
    d->blank = 1;
}

static void s_gap(report_doc_t *d)
{
    if (!d->blank)
        printf("\n");
    d->blank = 1;
}

void report_heading(report_doc_t *d, int level, const char *text)
{
    size_t width = 0;
    if (d->md) {
        s_gap(d);
        printf("%.*s %s\n\n", level, "###", text);
        return;
    }
    if (level == 3) {
        printf("\n%s：\n", text);
        return;
    }
    if (hj_text_width(text, strlen(text), &width) != 0)
        width = strlen(text);
    printf("%s%s\n", level > 1 ? "\n" : "", text);
    for (size_t i = 0; i < width; i++)
        fputs(level == 1 ? "=" : "-", stdout);
    printf("\n");
}

void report_item(report_doc_t *d, const char *key, const char *fmt, ...)
{
    char value[1024], padded[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    if (d->md) {
        printf("- %s：%s\n", key, value);
        d->blank = 0;
    } else if (hj_text_pad(padded, sizeof padded, key, strlen(key), 12, HJ_TEXT_ALIGN_LEFT) == 0)
        printf("%s%s\n", padded, value);
    else
        printf("%s  %s\n", key, value);
}

void report_para(report_doc_t *d, const char *fmt, ...)
{
    va_list ap;
    if (d->md)
        s_gap(d);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    d->blank = 0;
}

const char *report_mark(const report_doc_t *d, const char *text, char *buf, size_t size)
{
    snprintf(buf, size, d->md ? "**%s**" : "!! %s", text);
    return buf;
}

void report_table_begin(report_table_t *t, report_doc_t *d, int columns, const char *const *head)
{
    t->d = d;
    t->columns = columns;
    t->rows = 0;
    t->head = head;
    t->t = d->md ? NULL : cli_table_new(columns, head);
}

void report_table_open(report_table_t *t, report_doc_t *d, const char *heading,
                       const char *const *head)
{
    int columns = 0;
    while (head[columns])
        columns++;
    if (heading)
        report_heading(d, 3, heading);
    report_table_begin(t, d, columns, head);
}

/* A Markdown row: '|' escaped, a line break in a cell made a space. */
static void s_md_row(int columns, const char *const *cells)
{
    printf("|");
    for (int c = 0; c < columns; c++) {
        printf(" ");
        for (const char *p = cells[c] ? cells[c] : ""; *p; p++)
            if (*p == '|')
                printf("\\|");
            else
                putchar(*p == '\n' ? ' ' : *p);
        printf(" |");
    }
    printf("\n");
}

void report_table_row(report_table_t *t, const char *const *cells)
{
    if (t->t)
        cli_table_row(t->t, cells);
    else if (t->d->md) {
        if (!t->rows) {
            s_gap(t->d);
            s_md_row(t->columns, t->head);
            printf("|");
            for (int c = 0; c < t->columns; c++)
                printf(" --- |");
            printf("\n");
        }
        s_md_row(t->columns, cells);
        t->d->blank = 0;
    }
    t->rows++;
}

void report_table_end(report_table_t *t, const char *empty)
{
    if (t->t) {
        if (t->rows) {
            fflush(stdout);
            cli_table_print(t->t);
        }
        cli_table_destroy(&t->t);
    }
    if (!t->rows && empty)
        report_para(t->d, "%s", empty);
}
