#ifndef HJ_REPORT_DOC_H
#define HJ_REPORT_DOC_H
/* The page of a report (hj report briefing, hj report community) on stdout:
 * headings, "key：value" lines, paragraphs, marks and tables, written as
 * Markdown (--format md) or as plain text whose columns line up by display
 * width (txt). One blank line between blocks, as Markdown wants. */
#include <stddef.h>

#include "cli.h"

typedef struct {
    int md;    /* Markdown, else plain text */
    int blank; /* the last line written was blank (or nothing was written) */
} report_doc_t;

void report_doc_init(report_doc_t *d, int md);
/* Level 1 the title, 2 a section, 3 a part of one. */
void report_heading(report_doc_t *d, int level, const char *text);
/* "key：value": a list item in Markdown, a line with the keys lined up in text. */
void report_item(report_doc_t *d, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A paragraph. */
void report_para(report_doc_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* What must catch the eye (open, overdue, red): bold in Markdown, "!! " in text. Returns buf. */
const char *report_mark(const report_doc_t *d, const char *text, char *buf, size_t size);

/* A table, row by row: Markdown rows go out at once, text rows when it ends. */
typedef struct {
    report_doc_t *d;
    int columns, rows;
    const char *const *head;
    cli_table_t *t; /* text */
} report_table_t;
void report_table_begin(report_table_t *t, report_doc_t *d, int columns, const char *const *head);
/* report_table_begin under a heading of level 3 (NULL: none), with a column
 * a header of head (NULL-ended; it lives as long as the table). */
void report_table_open(report_table_t *t, report_doc_t *d, const char *heading,
                       const char *const *head);
void report_table_row(report_table_t *t, const char *const *cells);
/* Writes what is left; a table without rows says `empty` instead (NULL: nothing). */
void report_table_end(report_table_t *t, const char *empty);

#endif
