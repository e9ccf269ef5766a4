/*  hj_text - UTF-8 validation and terminal display width.  See hj_text.h. */
#include "hj_text.h"

#include <string.h>

typedef struct {
    uint32_t first;
    uint32_t last;
} s_range_t;

/*  Zero-width: combining marks (Mn/Me) of the scripts we are likely to meet
    (Latin, Greek, Cyrillic, Hebrew, Arabic, Syriac, Devanagari, Tibetan,
    Mongolian, CJK), generic combining blocks, and format characters.
    Kept sorted; checked before the wide table. */
static const s_range_t s_zero[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD},   {0x05BF, 0x05BF},   {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},   {0x061C, 0x061C},   {0x064B, 0x065F},
    {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},   {0x06E7, 0x06E8},   {0x06EA, 0x06ED},
    {0x0711, 0x0711}, {0x0730, 0x074A}, {0x08CA, 0x08E1},   {0x08E3, 0x0902},   {0x093A, 0x093A},
    {0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D},   {0x0951, 0x0957},   {0x0962, 0x0963},
    {0x0F18, 0x0F19}, {0x0F35, 0x0F35}, {0x0F37, 0x0F37},   {0x0F39, 0x0F39},   {0x0F71, 0x0F7E},
    {0x0F80, 0x0F84}, {0x0F86, 0x0F87}, {0x0F8D, 0x0F97},   {0x0F99, 0x0FBC},   {0x0FC6, 0x0FC6},
    {0x1160, 0x11FF}, {0x180B, 0x180F}, {0x1885, 0x1886},   {0x18A9, 0x18A9},   {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},
    {0x20D0, 0x20F0}, {0x302A, 0x302D}, {0x3099, 0x309A},   {0xD7B0, 0xD7FF},   {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0000, 0xE007F}, {0xE0100, 0xE01EF},
};

/*  East Asian Wide (W) and Fullwidth (F).  Whole CJK blocks are merged
    (unassigned holes inside them count as wide, which is what terminals
    do); emoji follow the Unicode 15 W assignments. */
static const s_range_t s_wide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},
    {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},
    {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},
    {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},
    {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},
    {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},
    {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},
    {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},
    {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},
    {0x2B55, 0x2B55},   {0x2E80, 0x303E}, /* CJK radicals, Kangxi, CJK symbols 、。「」 */
    {0x3041, 0xA4CF},                     /* kana, Bopomofo, Hangul jamo, CJK, Yi */
    {0xA960, 0xA97F},                     /* Hangul Jamo Extended-A */
    {0xAC00, 0xD7A3},                     /* Hangul syllables */
    {0xF900, 0xFAFF},                     /* CJK compatibility ideographs */
    {0xFE10, 0xFE19},                     /* vertical forms */
    {0xFE30, 0xFE6F},                     /* CJK compatibility forms, small forms */
    {0xFF00, 0xFF60},                     /* fullwidth forms ，！（） */
    {0xFFE0, 0xFFE6},                     /* fullwidth signs ￥ */
    {0x16FE0, 0x16FE3}, {0x16FF0, 0x16FF1},
    {0x17000, 0x18DFF}, {0x1AFF0, 0x1B2FF},
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
    {0x1F200, 0x1F2FF}, {0x1F300, 0x1F320},
    {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C},
    {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
    {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0},
    {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
    {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC},
    {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
    {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A},
    {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
    {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5},
    {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
    {0x1F6D5, 0x1F6D7}, {0x1F6DC, 0x1F6DF},
    {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
    {0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0},
    {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
    {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

#define S_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int s_in_table(uint32_t cp, const s_range_t *table, size_t count)
{
    size_t lo = 0;
    size_t hi = count;
    int found = 0;
    if (cp < table[0].first || cp > table[count - 1].last)
        return 0;
    while (lo < hi && !found) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < table[mid].first)
            hi = mid;
        else if (cp > table[mid].last)
            lo = mid + 1;
        else
            found = 1;
    }
    return found;
}

static int s_is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* The well-formed lead bytes past ASCII (Unicode's table 3-7): how many
 * continuation bytes follow, the lead's bits of the value, and the bounds of
 * the second byte, narrower than 80..BF where a sequence would be an overlong,
 * a surrogate or above U+10FFFF. Any other byte (a stray continuation, C0/C1,
 * F5..FF) begins nothing. */
static const struct {
    unsigned char first, last, need, mask, lo, hi;
} s_leads[] = {
    {0xC2, 0xDF, 1, 0x1F, 0x80, 0xBF}, {0xE0, 0xE0, 2, 0x0F, 0xA0, 0xBF},
    {0xE1, 0xEC, 2, 0x0F, 0x80, 0xBF}, {0xED, 0xED, 2, 0x0F, 0x80, 0x9F},
    {0xEE, 0xEF, 2, 0x0F, 0x80, 0xBF}, {0xF0, 0xF0, 3, 0x07, 0x90, 0xBF},
    {0xF1, 0xF3, 3, 0x07, 0x80, 0xBF}, {0xF4, 0xF4, 3, 0x07, 0x80, 0x8F},
};

int hj_utf8_decode(const char *s, size_t len, uint32_t *cp, size_t *nbytes)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t value = 0;
    size_t need = 0;
    unsigned char lo = 0x80; /* bounds of the second byte */
    unsigned char hi = 0xBF;
    size_t i;

    if (!s || len == 0)
        goto fail;
    if (u[0] == 0)
        goto fail; /* NUL: invalid for our purposes */
    if (u[0] < 0x80) {
        *cp = u[0];
        *nbytes = 1;
        return 0;
    }
    for (i = 0; i < sizeof s_leads / sizeof s_leads[0] && !need; i++)
        if (u[0] >= s_leads[i].first && u[0] <= s_leads[i].last) {
            need = s_leads[i].need;
            value = u[0] & s_leads[i].mask;
            lo = s_leads[i].lo;
            hi = s_leads[i].hi;
        }
    if (!need)
        goto fail;

    if (len < need + 1)
        goto fail; /* truncated */
    if (u[1] < lo || u[1] > hi)
        goto fail;
    for (i = 1; i <= need; i++) {
        if (!s_is_cont(u[i]))
            goto fail;
        value = (value << 6) | (u[i] & 0x3F);
    }
    *cp = value;
    *nbytes = need + 1;
    return 0;

fail:
    return -1;
}

int hj_utf8_valid(const char *s, size_t len)
{
    size_t pos = 0;
    if (!s)
        return len == 0;
    while (pos < len) {
        uint32_t cp;
        size_t n;
        if (hj_utf8_decode(s + pos, len - pos, &cp, &n) != 0)
            return 0;
        pos += n;
    }
    return 1;
}

int hj_text_cp_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if (cp < 0x0300)
        return 1; /* fast path: ASCII and Latin-1 */
    if (s_in_table(cp, s_zero, S_COUNT(s_zero)))
        return 0;
    if (s_in_table(cp, s_wide, S_COUNT(s_wide)))
        return 2;
    return 1;
}

int hj_text_width(const char *s, size_t len, size_t *width)
{
    size_t pos = 0;
    size_t total = 0;
    if (!width || (!s && len > 0))
        goto fail;
    while (pos < len) {
        uint32_t cp;
        size_t n;
        if (hj_utf8_decode(s + pos, len - pos, &cp, &n) != 0)
            goto fail;
        total += (size_t)hj_text_cp_width(cp);
        pos += n;
    }
    *width = total;
    return 0;

fail:
    return -1;
}

//  Length in bytes of the longest prefix of s (already validated) whose
//  width is at most max_cols; its width goes to *cols.

static size_t s_prefix(const char *s, size_t len, size_t max_cols, size_t *cols)
{
    size_t pos = 0;
    size_t width = 0;
    int full = 0;
    while (pos < len && !full) {
        uint32_t cp = 0;
        size_t n = 1;
        size_t w;
        hj_utf8_decode(s + pos, len - pos, &cp, &n);
        w = (size_t)hj_text_cp_width(cp);
        if (width + w > max_cols)
            full = 1;
        else {
            width += w;
            pos += n;
        }
    }
    *cols = width;
    return pos;
}

//  Appends bytes to dst at *used, keeping room for the NUL; 0 or -1.

static int s_append(char *dst, size_t dst_size, size_t *used, const char *src, size_t n)
{
    if (n >= dst_size - *used)
        return -1;
    memcpy(dst + *used, src, n);
    *used += n;
    return 0;
}

static int s_append_spaces(char *dst, size_t dst_size, size_t *used, size_t n)
{
    if (n >= dst_size - *used)
        return -1;
    memset(dst + *used, ' ', n);
    *used += n;
    return 0;
}

//  Core of truncate/pad: writes s cut to max_cols at dst + *used.

static int s_truncate_into(char *dst, size_t dst_size, size_t *used, const char *s, size_t len,
                           size_t max_cols, size_t *cols)
{
    size_t width;
    size_t keep_cols;
    size_t keep;
    int rc = -1;

    if (hj_text_width(s, len, &width) != 0)
        goto done;
    if (width <= max_cols) {
        if (s_append(dst, dst_size, used, s, len) != 0)
            goto done;
        *cols = width;
        rc = 0;
        goto done;
    }
    if (max_cols == 0) {
        *cols = 0;
        rc = 0;
        goto done;
    }
    keep = s_prefix(s, len, max_cols - 1, &keep_cols);
    if (s_append(dst, dst_size, used, s, keep) != 0 ||
        s_append(dst, dst_size, used, HJ_TEXT_ELLIPSIS, sizeof HJ_TEXT_ELLIPSIS - 1) != 0 ||
        s_append_spaces(dst, dst_size, used, max_cols - 1 - keep_cols) != 0)
        goto done;
    *cols = max_cols;
    rc = 0;

done:
    return rc;
}

int hj_text_truncate(char *dst, size_t dst_size, const char *s, size_t len, size_t max_cols,
                     size_t *cols)
{
    size_t used = 0;
    size_t width = 0;
    if (!dst || dst_size == 0)
        goto fail;
    if (s_truncate_into(dst, dst_size, &used, s, len, max_cols, &width) != 0)
        goto fail;
    dst[used] = '\0';
    if (cols)
        *cols = width;
    return 0;

fail:
    if (dst && dst_size > 0)
        dst[0] = '\0';
    return -1;
}

int hj_text_pad(char *dst, size_t dst_size, const char *s, size_t len, size_t cols,
                hj_text_align_t align)
{
    size_t used = 0;
    size_t width = 0;
    if (!dst || dst_size == 0)
        goto fail;
    if (hj_text_width(s, len, &width) != 0)
        goto fail;
    if (width >= cols) {
        if (s_truncate_into(dst, dst_size, &used, s, len, cols, &width) != 0)
            goto fail;
    } else if (align == HJ_TEXT_ALIGN_RIGHT) {
        if (s_append_spaces(dst, dst_size, &used, cols - width) != 0 ||
            s_append(dst, dst_size, &used, s, len) != 0)
            goto fail;
    } else {
        if (s_append(dst, dst_size, &used, s, len) != 0 ||
            s_append_spaces(dst, dst_size, &used, cols - width) != 0)
            goto fail;
    }
    dst[used] = '\0';
    return 0;

fail:
    if (dst && dst_size > 0)
        dst[0] = '\0';
    return -1;
}
