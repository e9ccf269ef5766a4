#ifndef HJ_PGROW_H
#define HJ_PGROW_H
/* A row of a PGresult into a protobuf message, column by name: a column
 * named as a field of the message (`to_char(filed_on, ...) AS filed_on`)
 * sets that field, so a SELECT and the message it fills are read side by
 * side instead of through a run of column numbers. Columns that name no
 * field are the caller's to read. */
#include <libpq-fe.h>
#include <protobuf-c/protobuf-c.h>

#include "hj_arena.h"

/* Sets every singular string, number, enum and bool field of m (made with
 * its __init) that a column of r names, from row `row`: strings point into r
 * (keep r as long as m), numbers are parsed as decimal, a bool is 't'. A NULL
 * value gives "" or 0. Repeated, message and oneof fields are left alone. */
void hj_pgrow_fill(PGresult *r, int row, ProtobufCMessage *m);
/* hj_arena_rows by column name: rows 0..n-1 of r as n messages of `desc`,
 * each made with the descriptor's init and filled by hj_pgrow_fill, in the
 * arena, and the pointer array (a NULL after the last) protobuf-c wants. NULL
 * when out of memory. r must hold at least n rows. */
void **hj_pgrow_list(hj_arena_t *a, PGresult *r, int n, const ProtobufCMessageDescriptor *desc);

#endif
