#include "hj_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char s_program[64] = "hj";
static hj_log_level_t s_level = HJ_LOG_INFO;
static const char *s_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

void hj_log_init(const char *program, hj_log_level_t level)
{
    snprintf(s_program, sizeof s_program, "%s", program);
    s_level = level;
}

int hj_log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcasecmp(name, s_names[i]) == 0)
            return i;
    return -1;
}

void hj_log(hj_log_level_t level, const char *fmt, ...)
{
    if (level > s_level)
        return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char line[2048];
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%d] %s ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (long)(tv.tv_usec / 1000), s_program, (int)getpid(), s_names[level]);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof line)
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    /* One write per record so lines from several threads do not interleave. */
    fprintf(stderr, "%s\n", line);
}
