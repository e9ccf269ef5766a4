/* layout: column widths and cells by display width. See layout.h. */
#include "layout.h"

#include <string.h>

static int s_clamp(int v, int lo, int hi)
{
    if (hi > 0 && v > hi)
        v = hi;
    return v < lo ? lo : v;
}

static int s_total(const int *width, const layout_slot_t *slots, int n)
{
    int total = 0, shown = 0;
    for (int i = 0; i < n; i++)
        if (slots[i].shown) {
            total += width[i] + (shown ? LAYOUT_GAP : 0);
            shown++;
        }
    return total;
}

int layout_fit(const layout_col_t *cols, const int *want, int n, int screen, layout_slot_t *slots)
{
    int width[LAYOUT_COLS_MAX];
    if (n > LAYOUT_COLS_MAX)
        n = LAYOUT_COLS_MAX;
    for (int i = 0; i < n; i++) {
        width[i] = s_clamp(want[i], cols[i].min, cols[i].max);
        slots[i].shown = 1;
    }
    /* First leave out optional columns, lowest priority first: better one
     * column fewer than every name cut short. */
    while (s_total(width, slots, n) > screen) {
        int drop = -1;
        for (int i = 0; i < n; i++)
            if (slots[i].shown && cols[i].priority > 0 &&
                (drop < 0 || cols[i].priority < cols[drop].priority))
                drop = i;
        if (drop < 0)
            break;
        slots[drop].shown = 0;
    }
    /* Then the column with the most to spare gives one column at a time, so
     * two long columns share the cut. */
    while (s_total(width, slots, n) > screen) {
        int widest = -1;
        for (int i = 0; i < n; i++)
            if (slots[i].shown && width[i] > cols[i].min &&
                (widest < 0 || width[i] - cols[i].min > width[widest] - cols[widest].min))
                widest = i;
        if (widest < 0)
            break;
        width[widest]--;
    }
    int x = 0, shown = 0;
    for (int i = 0; i < n; i++) {
        slots[i].width = slots[i].shown ? width[i] : 0;
        slots[i].x = 0;
        if (!slots[i].shown)
            continue;
        x += shown ? LAYOUT_GAP : 0;
        slots[i].x = x;
        x += width[i];
        shown++;
    }
    return x;
}

void layout_clean(char *dst, size_t size, const char *s)
{
    size_t len = strlen(s), out = 0;
    if (size == 0)
        return;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n;
        const char *put = s + i;
        size_t put_len;
        if (hj_utf8_decode(s + i, len - i, &cp, &n) != 0) {
            put = "?";
            put_len = 1;
            n = 1;
        } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            put = "?";
            put_len = 1;
        } else {
            put_len = n;
        }
        if (out + put_len + 1 > size)
            break;
        memcpy(dst + out, put, put_len);
        out += put_len;
        i += n;
    }
    dst[out] = 0;
}

int layout_width(const char *s)
{
    char clean[LAYOUT_CELL_MAX];
    size_t w = 0;
    layout_clean(clean, sizeof clean, s);
    if (hj_text_width(clean, strlen(clean), &w) != 0)
        return 0;
    return (int)w;
}

void layout_cell(char *dst, size_t size, const char *s, int width, hj_text_align_t align)
{
    char clean[LAYOUT_CELL_MAX];
    if (size == 0)
        return;
    if (width < 0)
        width = 0;
    layout_clean(clean, sizeof clean, s);
    if (hj_text_pad(dst, size, clean, strlen(clean), (size_t)width, align) == 0)
        return;
    if ((size_t)width + 1 <= size) {
        memset(dst, ' ', (size_t)width);
        dst[width] = 0;
    } else {
        dst[0] = 0;
    }
}
