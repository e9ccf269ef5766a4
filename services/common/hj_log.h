#ifndef HJ_LOG_H
#define HJ_LOG_H
/* Levelled logging to stderr, one line per record:
 *   2026-11-26T20:49:41.123Z hj-registryd[1234] INFO message
 * Never log personal data (identity-card numbers): callers pass masks only. */

typedef enum { HJ_LOG_ERROR = 0, HJ_LOG_WARN, HJ_LOG_INFO, HJ_LOG_DEBUG } hj_log_level_t;

void hj_log_init(const char *program, hj_log_level_t level);
/* "error" | "warn" | "info" | "debug" -> level; -1 when unknown. */
int hj_log_level_parse(const char *name);
void hj_log(hj_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define hj_error(...) hj_log(HJ_LOG_ERROR, __VA_ARGS__)
#define hj_warn(...) hj_log(HJ_LOG_WARN, __VA_ARGS__)
#define hj_info(...) hj_log(HJ_LOG_INFO, __VA_ARGS__)
#define hj_debug(...) hj_log(HJ_LOG_DEBUG, __VA_ARGS__)

#endif
