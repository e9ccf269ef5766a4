#ifndef HJ_RATELIMIT_H
#define HJ_RATELIMIT_H
/* Fair share at the broker: what one device may ask of it.
 *
 * Each device (by its enrolled name) has a token bucket: it holds up to
 * `burst` requests' worth, refills at `rate_per_s`, and each admitted request
 * takes one. A device also has a count of its requests queued or in flight at
 * the broker, which the broker caps. Buckets are created on a device's first
 * request and forgotten once they have refilled to full with nothing in
 * flight (a forgotten bucket and a full one behave alike), so memory follows
 * the devices busy in the last burst/rate seconds, not every device ever
 * seen. Every call is O(1): a hash table, plus one table slot swept for idle
 * buckets per call.
 *
 * Time is the caller's (milliseconds, monotonic), so tests drive a fake clock. */
#include <stddef.h>
#include <stdint.h>

typedef struct hj_ratelimit hj_ratelimit_t;

/* rate_per_s and burst >= 1. NULL when out of memory or given 0. */
hj_ratelimit_t *hj_ratelimit_new(uint32_t rate_per_s, uint32_t burst);
void hj_ratelimit_destroy(hj_ratelimit_t **self_p);

/* Takes one token of device's bucket: 1 admitted; 0 refused (nothing taken)
 * with *retry_after_ms = how long until a token is there (>= 1). -1 when out
 * of memory (the caller admits: the limit is a courtesy to others, not a
 * security check). */
int hj_ratelimit_take(hj_ratelimit_t *rl, const char *device, uint64_t now_ms,
                      uint32_t *retry_after_ms);

/* Counts one more request of device's queued or in flight: 1 held; 0 when it
 * already has `max` (nothing counted); -1 when out of memory. Each 1 is
 * paired with one hj_ratelimit_release. */
int hj_ratelimit_hold(hj_ratelimit_t *rl, const char *device, uint32_t max);
void hj_ratelimit_release(hj_ratelimit_t *rl, const char *device);
/* How many requests device has held (0 for a device without a bucket). */
uint32_t hj_ratelimit_held(const hj_ratelimit_t *rl, const char *device);

/* Counts a refusal of device's. Returns 1 when it is time to log them (the
 * first refusal, then at most once per interval_ms while they go on) with
 * *refused = the refusals since the last time it returned 1, this one
 * included; else 0. */
int hj_ratelimit_refused(hj_ratelimit_t *rl, const char *device, uint64_t now_ms,
                         uint64_t interval_ms, uint64_t *refused);

/* How many buckets are kept now. */
size_t hj_ratelimit_devices(const hj_ratelimit_t *rl);

#endif
