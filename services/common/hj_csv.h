/*  hj_csv - RFC 4180 CSV reader (over a memory buffer) and writer.

    Reader
      - an optional UTF-8 BOM (EF BB BF) at the start of the buffer is skipped;
      - records end at LF, CRLF or the end of the buffer; a final line ending
        does not start an empty record, and blank lines are skipped (so a
        record of one empty field must be written as "", as the writer does);
      - a field is quoted if its first byte is '"'; inside quotes "" stands
        for one quote, and commas, CR and LF are data (kept byte for byte);
      - rejected, with "line N: ..." in hj_csv_error(): invalid UTF-8 or a NUL
        byte (see hj_text.h), an unterminated quoted field (N = the line the
        field opened on), a quote inside an unquoted field, anything but a
        comma or line end after a closing quote, and a CR not followed by LF
        outside quotes.  Errors are sticky: every later hj_csv_next is -1.
      - line numbers are 1-based and count LF bytes, so a record after a
        quoted field holding newlines reports its true line in the file.

    Writer
      - a field is quoted only if it contains a comma, quote, CR or LF, or
        begins or ends with a space or tab, or is the only, empty field of
        its record; quotes are doubled;
      - records end with LF, or CRLF with HJ_CSV_CRLF;
      - HJ_CSV_BOM writes a UTF-8 BOM when the writer is created, for
        spreadsheet programs that otherwise guess a legacy encoding;
      - fields must be valid UTF-8 without NUL (as the reader requires), or
        hj_csv_write fails and writes nothing.
*/
#ifndef HJ_CSV_H_INCLUDED
#define HJ_CSV_H_INCLUDED

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _hj_csv_reader_t hj_csv_reader_t;
typedef struct _hj_csv_writer_t hj_csv_writer_t;

//  One record.  fields[i] points to lengths[i] bytes followed by a NUL;
//  all of it belongs to the reader and is valid until the next
//  hj_csv_next or hj_csv_reader_destroy.
typedef struct {
    size_t count; //  number of fields, >= 1
    const char *const *fields;
    const size_t *lengths;
    size_t line; //  1-based line the record starts on
} hj_csv_record_t;

//  Writer flags, OR-ed together.
#define HJ_CSV_CRLF 1 //  end records with CRLF instead of LF
#define HJ_CSV_BOM 2  //  emit a UTF-8 BOM first

//  Reader over buf[0..len).  The buffer is borrowed, not copied: it must
//  outlive the reader.  buf may be NULL if len is 0.  NULL on failure.
hj_csv_reader_t *hj_csv_reader_new(const char *buf, size_t len);

//  Parse the next record into *rec: 1 record, 0 end of input, -1 error.
int hj_csv_next(hj_csv_reader_t *r, hj_csv_record_t *rec);

//  Text of the last error ("line N: ..."), or "" if none.
const char *hj_csv_error(hj_csv_reader_t *r);

//  Line of the last error, or 0 if none.
size_t hj_csv_error_line(hj_csv_reader_t *r);

//  Destroy the reader; idempotent, nulls *p.
void hj_csv_reader_destroy(hj_csv_reader_t **p);

//  Writer into a growable memory buffer (see hj_csv_writer_data).
//  NULL on failure.
hj_csv_writer_t *hj_csv_writer_new(int flags);

//  Writer onto an open FILE, which stays owned by the caller; each record is
//  written with one fwrite.  NULL on failure (incl. failing to write the BOM).
hj_csv_writer_t *hj_csv_writer_new_file(FILE *file, int flags);

//  Append one record of count >= 1 NUL-terminated fields.  0 or -1 (invalid
//  arguments, invalid UTF-8, out of memory, write error); on -1 nothing of
//  the record is appended to the memory buffer.
int hj_csv_write(hj_csv_writer_t *w, const char *const *fields, size_t count);

//  Memory writer: the bytes written so far (NUL-terminated) and their length
//  into *len if len is not NULL; valid until the next write or destroy.
//  NULL for a FILE writer.
const char *hj_csv_writer_data(hj_csv_writer_t *w, size_t *len);

//  Destroy the writer (does not close a FILE); idempotent, nulls *p.
void hj_csv_writer_destroy(hj_csv_writer_t **p);

#ifdef __cplusplus
}
#endif

#endif
