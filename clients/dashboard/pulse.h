#ifndef HJ_TOP_PULSE_H
#define HJ_TOP_PULSE_H
/* Is the picture live? Events per second over the last few seconds and the
 * age of the newest event, for the status line. Times are passed in (UTC
 * microseconds), so the arithmetic is testable. */
#include <stddef.h>
#include <stdint.h>

#define PULSE_WINDOW 5 /* seconds averaged by pulse_rate */

typedef struct {
    /* one bucket per second: the window plus the second now filling */
    int64_t second[PULSE_WINDOW + 1];
    unsigned count[PULSE_WINDOW + 1];
    int64_t newest_us; /* commit time of the newest event; 0: none yet */
    uint64_t total;
} pulse_t;

void pulse_init(pulse_t *p);
/* An event received at now_us, committed at event_us. */
void pulse_event(pulse_t *p, int64_t now_us, int64_t event_us);
/* Events per second over the last PULSE_WINDOW whole seconds before now. */
double pulse_rate(const pulse_t *p, int64_t now_us);
/* now - newest event time (never negative), or -1 with no event yet. */
int64_t pulse_age_us(const pulse_t *p, int64_t now_us);
/* A short age: "8秒" "3分12秒" "2时05分" "4天" / "8s" "3m12s" "2h05m" "4d". */
void pulse_age_text(char *dst, size_t size, int64_t age_us, int english);

#endif
