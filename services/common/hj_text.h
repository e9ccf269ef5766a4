/*  hj_text - UTF-8 validation and terminal display width.

    All functions take a byte string and its length (s, len); s need not be
    NUL-terminated.  A NUL byte inside len is treated as INVALID UTF-8: our
    texts travel as C strings, so an embedded NUL would silently cut them.

    Display width follows a compact built-in table (no wcwidth, no locale):
      - East Asian Wide / Fullwidth (CJK ideographs, Hangul, kana, Bopomofo,
        fullwidth forms, CJK punctuation such as 、。「」，, common emoji): 2
      - combining marks, zero-width and format characters (ZWSP, ZWJ, BOM,
        variation selectors, Hangul medial/final jamo): 0
      - C0/C1 control characters and DEL: 0
      - everything else (including U+2026 HORIZONTAL ELLIPSIS): 1
    Bytes are never altered: control characters are counted as 0 columns but
    are copied through by hj_text_truncate / hj_text_pad unchanged.
*/
#ifndef HJ_TEXT_H_INCLUDED
#define HJ_TEXT_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    HJ_TEXT_ALIGN_LEFT, /* text first, spaces after  */
    HJ_TEXT_ALIGN_RIGHT /* spaces first, text after  */
} hj_text_align_t;

/* The ellipsis appended when text is cut: U+2026, 3 bytes, 1 column. */
#define HJ_TEXT_ELLIPSIS "\xE2\x80\xA6"

/* 1 if s[0..len) is well-formed UTF-8 without NUL bytes, else 0.
   Rejects overlong forms, surrogates (U+D800..DFFF), code points above
   U+10FFFF and truncated sequences.  An empty string is valid. */
int hj_utf8_valid(const char *s, size_t len);

/* Decode the code point at the start of s[0..len) into *cp and its byte
   length into *nbytes.  Returns 0, or -1 if the sequence is invalid (same
   rules as hj_utf8_valid) or len is 0; outputs are untouched on -1. */
int hj_utf8_decode(const char *s, size_t len, uint32_t *cp, size_t *nbytes);

/* Display width of one code point: 0, 1 or 2. */
int hj_text_cp_width(uint32_t cp);

/* Display width of s[0..len) in columns into *width.
   Returns 0, or -1 on invalid UTF-8 (*width untouched). */
int hj_text_width(const char *s, size_t len, size_t *width);

/* Copy s[0..len) into dst, cut to at most max_cols columns.
   If the text fits it is copied unchanged.  Otherwise the longest prefix of
   whole code points that fits in max_cols - 1 columns is kept, followed by
   HJ_TEXT_ELLIPSIS, followed by one space if a wide character would have
   straddled the limit, so a cut result is EXACTLY max_cols columns wide
   (max_cols == 0 gives "").  Zero-width characters following the last kept
   character are kept.  The result is NUL-terminated; its width goes to
   *cols if cols is not NULL.
   Returns 0, or -1 on invalid UTF-8 or if dst_size cannot hold the result
   and its NUL (then dst is "" when dst_size > 0). */
int hj_text_truncate(char *dst, size_t dst_size, const char *s, size_t len, size_t max_cols,
                     size_t *cols);

/* Copy s[0..len) into dst as EXACTLY cols columns: text narrower than cols
   is padded with spaces per align; wider text is cut as hj_text_truncate
   does.  Returns 0, or -1 as hj_text_truncate. */
int hj_text_pad(char *dst, size_t dst_size, const char *s, size_t len, size_t cols,
                hj_text_align_t align);

#ifdef __cplusplus
}
#endif

#endif
