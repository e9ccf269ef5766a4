/* pulse: event rate and newest-event age for the status line. */
#include "pulse.h"

#include <stdio.h>
#include <string.h>

void pulse_init(pulse_t *p)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i <= PULSE_WINDOW; i++)
        p->second[i] = -1;
}

static int64_t s_floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

void pulse_event(pulse_t *p, int64_t now_us, int64_t event_us)
{
    int64_t sec = s_floor_div(now_us, 1000000);
    int slot = (int)(((sec % (PULSE_WINDOW + 1)) + PULSE_WINDOW + 1) % (PULSE_WINDOW + 1));
    if (p->second[slot] != sec) {
        p->second[slot] = sec;
        p->count[slot] = 0;
    }
    p->count[slot]++;
    p->total++;
    if (event_us > p->newest_us)
        p->newest_us = event_us;
}

double pulse_rate(const pulse_t *p, int64_t now_us)
{
    int64_t sec = s_floor_div(now_us, 1000000);
    unsigned sum = 0;
    /* Whole seconds only: the current one is still filling. */
    for (int i = 0; i <= PULSE_WINDOW; i++)
        if (p->second[i] >= sec - PULSE_WINDOW && p->second[i] < sec)
            sum += p->count[i];
    return (double)sum / PULSE_WINDOW;
}

int64_t pulse_age_us(const pulse_t *p, int64_t now_us)
{
    if (!p->newest_us)
        return -1;
    return now_us > p->newest_us ? now_us - p->newest_us : 0;
}

void pulse_age_text(char *dst, size_t size, int64_t age_us, int english)
{
    int64_t s = age_us / 1000000;
    if (s < 60)
        snprintf(dst, size, english ? "%llds" : "%lld秒", (long long)s);
    else if (s < 3600)
        snprintf(dst, size, english ? "%lldm%02llds" : "%lld分%02lld秒", (long long)(s / 60),
                 (long long)(s % 60));
    else if (s < 86400)
        snprintf(dst, size, english ? "%lldh%02lldm" : "%lld时%02lld分", (long long)(s / 3600),
                 (long long)(s % 3600 / 60));
    else
        snprintf(dst, size, english ? "%lldd" : "%lld天", (long long)(s / 86400));
}
