#include "hj_idcard.h"
#include "hj_log.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

int hj_idcard_valid(const char *s)
{
    static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    if (!s || strlen(s) != 18)
        return 0;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        sum += (s[i] - '0') * weight[i];
    }
    return toupper((unsigned char)s[17]) == check[sum % 11];
}

/* Only the first and the last character: the birth date (readable beside
 * the mask by whoever reads it) and the region code are in the middle, and a
 * mask that kept them with four more digits gave the whole number back. */
void hj_idcard_mask(const char *s, char out[19])
{
    memset(out, '*', 18);
    out[0] = s[0];
    out[17] = (char)toupper((unsigned char)s[17]);
    out[18] = 0;
}

void hj_idcard_hash(const uint8_t key[32], const char *s, uint8_t out[32])
{
    char norm[19];
    unsigned int len = 32;
    snprintf(norm, sizeof norm, "%s", s);
    norm[17] = (char)toupper((unsigned char)norm[17]);
    HMAC(EVP_sha256(), key, 32, (const unsigned char *)norm, 18, out, &len);
}

void hj_idcard_digest(const uint8_t key[32], const uint8_t *body, size_t len, uint8_t out[32])
{
    unsigned int n = 32;
    HMAC(EVP_sha256(), key, 32, body, len, out, &n);
}

/* Writes a new random key to path atomically: a temporary file, then link()
 * (which fails if another instance got there first; then theirs is used). */
static int s_key_create(const char *path)
{
    uint8_t key[32];
    char tmp[1100], hex[66];
    if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key)
        return -1;
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    hex[64] = '\n';
    hex[65] = 0;
    snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        hj_error("cannot create %s", tmp);
        return -1;
    }
    int ok = write(fd, hex, 65) == 65 && fsync(fd) == 0;
    close(fd);
    if (ok && link(tmp, path) == 0)
        hj_info("created identity-card hash key %s", path);
    else if (!ok || errno != EEXIST) {
        hj_error("cannot create %s", path);
        ok = 0;
    }
    unlink(tmp);
    return ok ? 0 : -1;
}

int hj_idcard_key_load(const char *dir, uint8_t key[32])
{
    char path[1024], hex[65] = "";
    snprintf(path, sizeof path, "%s/idcard.key", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (s_key_create(path) != 0 || !(f = fopen(path, "r")))
            return -1;
    }
    int ok = fscanf(f, "%64s", hex) == 1 && strlen(hex) == 64;
    fclose(f);
    for (int i = 0; ok && i < 32; i++) {
        unsigned v;
        ok = sscanf(hex + 2 * i, "%2x", &v) == 1;
        key[i] = (uint8_t)v;
    }
    if (!ok)
        hj_error("%s is not 64 hex digits", path);
    return ok ? 0 : -1;
}
