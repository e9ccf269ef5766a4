#ifndef HJ_IDCARD_H
#define HJ_IDCARD_H
/* Identity-card numbers (居民身份证号码, GB 11643): checked, then kept only as
 * a keyed hash (HMAC-SHA256, key file outside the database) and a mask.
 * Never log the number itself. */
#include <stddef.h>
#include <stdint.h>

/* 1 when s is 17 digits plus a check character (digit or X) that matches. */
int hj_idcard_valid(const char *s);
/* The first and the last character, the 16 between as '*' (1****************X).
 * out: 19 bytes. */
void hj_idcard_mask(const char *s, char out[19]);
void hj_idcard_hash(const uint8_t key[32], const char *s, uint8_t out[32]);
/* The request digest (journal request_digest) of a body that carries a
 * number: HMAC-SHA256 with the same key, where other bodies get a plain
 * SHA-256. A plain digest of such a body could be searched for the number
 * (the rest of the body is in the journal; region and sequence are a few
 * million guesses); a keyed one cannot without the key. */
void hj_idcard_digest(const uint8_t key[32], const uint8_t *body, size_t len, uint8_t out[32]);
/* Reads dir/idcard.key (64 hex digits); creates it with mode 0600 when missing. 0 / -1. */
int hj_idcard_key_load(const char *dir, uint8_t key[32]);

#endif
