#ifndef HJ_CURVE_H
#define HJ_CURVE_H
/* CURVE (zeromq rfc 26) keys as Huanjie keeps them, and the socket set-up.
 *
 * - hj-busd's keypair: run_dir/busd.key, mode 0600, made once (first start of
 *   hj-busd, or `hj admin keygen`), atomically, so two makers agree.
 * - A device file, one per enrolled laptop or operator (`hj admin device
 *   enrol`): the server's public key and endpoints, and the device's own
 *   keypair. Mode 0600; it is the device's only credential. Its secret key
 *   may be sealed with a passphrase (hj_seal.h), so a stolen copy is not one.
 *
 * Both are text, one `key = value` a line, '#' starts a comment. Keys are
 * Z85 text (40 characters). */
#include <stddef.h>

#define HJ_KEY_LEN 41 /* Z85 text of a 32-byte key + NUL */

typedef struct {
    char name[64]; /* the enrolled name: the journal's actor */
    char team[256];
    char role[32];
    char bus[256];    /* request endpoint, e.g. tcp://hj.example.gov.cn:7700 */
    char events[256]; /* event endpoint */
    char server_key[HJ_KEY_LEN];
    char public_key[HJ_KEY_LEN];
    char secret_key[HJ_KEY_LEN];
} hj_device_t;

/* A fresh keypair. 0 / -1. */
int hj_curve_keypair(char public_key[HJ_KEY_LEN], char secret_key[HJ_KEY_LEN]);
/* 1 when s is the Z85 text of a 32-byte key. */
int hj_curve_key_valid(const char *s);

/* A keypair file (public_key / secret_key lines, mode 0600). When it is
 * missing and `create`, makes it atomically with `comment` ('#' lines) on
 * top, so two makers agree. 0, or -1 after logging why. */
int hj_curve_key_file(const char *path, int create, const char *comment,
                      char public_key[HJ_KEY_LEN], char secret_key[HJ_KEY_LEN]);

/* Reads run_dir/busd.key; when it is missing and `create`, makes it (0600).
 * 0, or -1 after logging why. */
int hj_curve_server_key(const char *run_dir, int create, char public_key[HJ_KEY_LEN],
                        char secret_key[HJ_KEY_LEN]);

/* The ZAP domains of hj-busd's CURVE sockets: what a key may do depends on
 * the endpoint it connects to (services/busd/zap.c). */
#define HJ_ZAP_DEVICES "huanjie"                         /* requests and events: devices */
#define HJ_ZAP_WORKERS "huanjie-workers"                 /* workers: daemons' keys, own service */
#define HJ_ZAP_EVENTS_IN "huanjie-events-in"             /* derived events: hj-tallyd's keys */
#define HJ_ZAP_EVENTS_INTERNAL "huanjie-events-internal" /* the services' bus: daemons' keys */

/* Makes socket a CURVE server with this secret key, in ZAP domain "huanjie"
 * (devices). Call before bind. 0 / -1. */
int hj_curve_server_socket(void *socket, const char *secret_key);
/* The same in another ZAP domain (HJ_ZAP_*). */
int hj_curve_server_socket_in(void *socket, const char *secret_key, const char *domain);
/* Makes socket a CURVE client of d's server with d's keypair. Before connect. */
int hj_curve_client_socket(void *socket, const hj_device_t *d);
/* The ZAP status (400..499) when a socket monitor's first frame (event,
 * value) says the server refused our key in the handshake (not enrolled, or
 * revoked: retrying cannot help), else 0 (300 / 500 are temporary). */
int hj_curve_refusal(const void *event_frame, size_t size);

/* What hj_device_load found. */
typedef enum {
    HJ_DEVICE_OK = 0,
    HJ_DEVICE_INVALID = -1, /* missing, unreadable, not a device file, a malformed seal */
    HJ_DEVICE_LOCKED = -2,  /* sealed, and not opened: wrong passphrase, or none to be had */
} hj_device_rc_t;

/* Reads the device file at path into d. A sealed file (`seal` and
 * `secret_key_sealed` lines instead of `secret_key`, hj_seal.h) is opened
 * with $HJ_DEVICE_PASSPHRASE, else with a passphrase asked on /dev/tty.
 * HJ_DEVICE_OK, or an error with a reason in err and d all zero (no half
 * loaded key): "the device file PATH could not be opened: wrong passphrase". */
hj_device_rc_t hj_device_load(hj_device_t *d, const char *path, char *err, size_t errlen);
/* The device file's text into text (size bytes). 0 / -1 when it does not fit. */
int hj_device_text(const hj_device_t *d, char *text, size_t size);
/* Writes a new device file, mode 0600; refuses to replace one (-1, errno EEXIST). */
int hj_device_save(const hj_device_t *d, const char *path);
/* The same, with the secret key sealed under passphrase (Argon2id at
 * HJ_SEAL_OPS / HJ_SEAL_MEM, then secretbox) when passphrase is not NULL. */
int hj_device_text_sealed(const hj_device_t *d, const char *passphrase, char *text, size_t size);
int hj_device_save_sealed(const hj_device_t *d, const char *passphrase, const char *path);
/* The device file to use: explicit_path when given, else $HJ_DEVICE, else the
 * operator's default $XDG_CONFIG_HOME/huanjie/device (~/.config/huanjie/device)
 * when it exists. 1 with path set, 0 when there is none. */
int hj_device_find(const char *explicit_path, char *path, size_t size);
/* The operator's default device path (may not exist). */
void hj_device_default_path(char *path, size_t size);

/* 1 when binding endpoint exposes it only on loopback or a private network
 * (inproc, ipc, 127/8, 10/8, 172.16/12, 192.168/16, 169.254/16, ::1, fc00::/7,
 * fe80::/10, or a name whose every address is one of those); 0 for "*",
 * 0.0.0.0, :: and public addresses. For the broker's internal endpoints. */
int hj_endpoint_private(const char *endpoint);

#endif
