/* `?`: the keys, over whatever view is shown. */
#include "draw.h"
#include "top.h"

#include <string.h>

void view_help_draw(top_t *t)
{
    const char *text = label(t->lang, L_HELP_TEXT);
    char line[512];
    int lines = 1, widest = layout_width(label(t->lang, L_HELP_TITLE));
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        snprintf(line, sizeof line, "%.*s", (int)len, s);
        int w = layout_width(line);
        widest = w > widest ? w : widest;
        lines++;
        s += len + (nl ? 1 : 0);
    }
    int width = widest + 4 < COLS ? widest + 4 : COLS;
    int height = lines + 2 < LINES - 1 ? lines + 2 : LINES - 1;
    int x = (COLS - width) / 2, y = (LINES - 1 - height) / 2;
    for (int r = 0; r < height; r++)
        draw_cell(y + r, x, width, "", HJ_TEXT_ALIGN_LEFT, A_REVERSE);
    draw_cell(y, x + 2, width - 4, label(t->lang, L_HELP_TITLE), HJ_TEXT_ALIGN_LEFT,
              A_REVERSE | A_BOLD);
    int r = 1;
    for (const char *s = text; *s && r < height - 1; r++) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        snprintf(line, sizeof line, "%.*s", (int)len, s);
        draw_cell(y + r, x + 2, width - 4, line, HJ_TEXT_ALIGN_LEFT, A_REVERSE);
        s += len + (nl ? 1 : 0);
    }
    view_status_draw(t, LINES - 1);
}
