#include "hj_curve.h"
#include "hj_log.h"
#include "hj_seal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

int hj_curve_keypair(char public_key[HJ_KEY_LEN], char secret_key[HJ_KEY_LEN])
{
    return zmq_curve_keypair(public_key, secret_key) == 0 ? 0 : -1;
}

int hj_curve_key_valid(const char *s)
{
    uint8_t bin[32];
    return s && strlen(s) == 40 && zmq_z85_decode(bin, s) != NULL;
}

/* ---- key = value files ---------------------------------------------------- */

typedef struct {
    const char *key;
    char *value;
    size_t size;
} s_field_t;

static char *s_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

/* Fills the fields named in the file; unknown keys are ignored (newer files).
 * 0, or -1 with err set. */
static int s_read(const char *path, s_field_t *fields, size_t n, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int lineno = 0, rc = 0;
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = s_trim(line);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s line %d: expected key = value", path, lineno);
            rc = -1;
            break;
        }
        *eq = 0;
        char *key = s_trim(s), *value = s_trim(eq + 1);
        for (size_t i = 0; i < n; i++)
            if (strcmp(fields[i].key, key) == 0) {
                if (strlen(value) >= fields[i].size) {
                    snprintf(err, errlen, "%s line %d: %s is too long", path, lineno, key);
                    rc = -1;
                } else {
                    strcpy(fields[i].value, value);
                }
            }
    }
    fclose(f);
    return rc;
}

/* Writes text to a new file path, mode 0600, atomically: a temporary file,
 * then link(), which fails with EEXIST when the path is taken. 0 / -1. */
static int s_write_new(const char *path, const char *text)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    int ok = fchmod(fd, 0600) == 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    close(fd);
    int saved = 0;
    if (ok && link(tmp, path) != 0) {
        saved = errno;
        ok = 0;
    }
    unlink(tmp);
    if (saved)
        errno = saved;
    return ok ? 0 : -1;
}

/* ---- the server's keypair ----------------------------------------------- */

int hj_curve_key_file(const char *path, int create, const char *comment,
                      char public_key[HJ_KEY_LEN], char secret_key[HJ_KEY_LEN])
{
    char err[1200];
    if (create && access(path, F_OK) != 0) {
        char pub[HJ_KEY_LEN], sec[HJ_KEY_LEN], text[1024];
        if (hj_curve_keypair(pub, sec) != 0)
            return -1;
        snprintf(text, sizeof text, "%spublic_key = %s\nsecret_key = %s\n", comment, pub, sec);
        if (s_write_new(path, text) == 0)
            hj_info("created the keypair %s (public key %s)", path, pub);
        else if (errno != EEXIST) {
            hj_error("cannot create %s: %s", path, strerror(errno));
            return -1;
        }
        /* EEXIST: another maker won; its keypair is the one. */
    }
    public_key[0] = secret_key[0] = 0;
    s_field_t fields[] = {{"public_key", public_key, HJ_KEY_LEN},
                          {"secret_key", secret_key, HJ_KEY_LEN}};
    if (s_read(path, fields, 2, err, sizeof err) != 0) {
        hj_error("%s", err);
        return -1;
    }
    if (!hj_curve_key_valid(public_key) || !hj_curve_key_valid(secret_key)) {
        hj_error("%s does not hold a valid public_key and secret_key", path);
        return -1;
    }
    return 0;
}

int hj_curve_server_key(const char *run_dir, int create, char public_key[HJ_KEY_LEN],
                        char secret_key[HJ_KEY_LEN])
{
    char path[1024];
    snprintf(path, sizeof path, "%s/busd.key", run_dir);
    if (!create && access(path, R_OK) != 0) {
        hj_error("cannot read %s: %s (start hj-busd once, or run hj admin keygen, to make it)",
                 path, strerror(errno));
        return -1;
    }
    return hj_curve_key_file(
        path, create,
        "# hj-busd's CURVE keypair. Keep it secret and back it up: every device\n"
        "# file names this public key, and a new keypair means enrolling every\n"
        "# device again.\n",
        public_key, secret_key);
}

int hj_curve_server_socket(void *socket, const char *secret_key)
{
    return hj_curve_server_socket_in(socket, secret_key, HJ_ZAP_DEVICES);
}

int hj_curve_server_socket_in(void *socket, const char *secret_key, const char *domain)
{
    int server = 1;
    return zmq_setsockopt(socket, ZMQ_ZAP_DOMAIN, domain, strlen(domain)) ||
                   zmq_setsockopt(socket, ZMQ_CURVE_SERVER, &server, sizeof server) ||
                   zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, secret_key, 40)
               ? -1
               : 0;
}

int hj_curve_refusal(const void *event_frame, size_t size)
{
    uint16_t event;
    uint32_t value;
    if (size != 6)
        return 0;
    memcpy(&event, event_frame, 2);
    memcpy(&value, (const char *)event_frame + 2, 4);
    return event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH && value >= 400 && value < 500 ? (int)value : 0;
}

int hj_curve_client_socket(void *socket, const hj_device_t *d)
{
    return zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, d->server_key, 40) ||
                   zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, d->public_key, 40) ||
                   zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, d->secret_key, 40)
               ? -1
               : 0;
}

/* ---- device files ------------------------------------------------------- */

/* Opens a sealed secret key (hj_seal.h) into d->secret_key with the
 * passphrase from HJ_DEVICE_PASSPHRASE or the terminal, and checks it is the
 * secret half of d->public_key (the box is not bound to the rest of the file). */
static hj_device_rc_t s_device_open(hj_device_t *d, const char *path, const char *params,
                                    const char *box, char *err, size_t errlen)
{
    char passphrase[HJ_SEAL_PASSPHRASE_MAX], prompt[1200], why[256], public_key[HJ_KEY_LEN];
    uint8_t key[HJ_SEAL_KEY_BYTES];
    hj_device_rc_t rc = HJ_DEVICE_LOCKED;
    snprintf(prompt, sizeof prompt, "Passphrase for the device file %s: ", path);
    if (hj_seal_passphrase(prompt, 0, passphrase, why, sizeof why) == 0) {
        hj_seal_rc_t opened = hj_seal_open(params, box, passphrase, key, why, sizeof why);
        rc = opened == HJ_SEAL_OK      ? HJ_DEVICE_OK
             : opened == HJ_SEAL_WRONG ? HJ_DEVICE_LOCKED
                                       : HJ_DEVICE_INVALID;
    }
    if (rc == HJ_DEVICE_OK && (!zmq_z85_encode(d->secret_key, key, sizeof key) ||
                               zmq_curve_public(public_key, d->secret_key) != 0 ||
                               strcmp(public_key, d->public_key) != 0)) {
        snprintf(why, sizeof why, "the sealed secret key is not public_key's");
        rc = HJ_DEVICE_INVALID;
    }
    if (rc != HJ_DEVICE_OK)
        snprintf(err, errlen, "the device file %s could not be opened: %s", path, why);
    hj_seal_wipe(passphrase, sizeof passphrase);
    hj_seal_wipe(key, sizeof key);
    return rc;
}

hj_device_rc_t hj_device_load(hj_device_t *d, const char *path, char *err, size_t errlen)
{
    char params[HJ_SEAL_PARAMS_LEN] = "", box[HJ_SEAL_BOX_LEN] = "";
    hj_device_rc_t rc = HJ_DEVICE_INVALID;
    memset(d, 0, sizeof *d);
    s_field_t fields[] = {
        {"name", d->name, sizeof d->name},
        {"team", d->team, sizeof d->team},
        {"role", d->role, sizeof d->role},
        {"bus", d->bus, sizeof d->bus},
        {"events", d->events, sizeof d->events},
        {"server_key", d->server_key, sizeof d->server_key},
        {"public_key", d->public_key, sizeof d->public_key},
        {"secret_key", d->secret_key, sizeof d->secret_key},
        {"seal", params, sizeof params},
        {"secret_key_sealed", box, sizeof box},
    };
    if (s_read(path, fields, sizeof fields / sizeof fields[0], err, errlen) != 0)
        goto out;
    int sealed = box[0] || params[0];
    const char *bad = !d->name[0]                          ? "name is missing or invalid"
                      : !hj_curve_key_valid(d->server_key) ? "server_key is missing or invalid"
                      : !hj_curve_key_valid(d->public_key) ? "public_key is missing or invalid"
                      : sealed && d->secret_key[0]         ? "secret_key beside a sealed one"
                      : sealed && (!box[0] || !params[0])  ? "seal or secret_key_sealed is missing"
                      : !sealed && !hj_curve_key_valid(d->secret_key)
                          ? "secret_key is missing or invalid"
                          : NULL;
    if (bad)
        snprintf(err, errlen, "%s is not a device file: %s", path, bad);
    else
        rc = sealed ? s_device_open(d, path, params, box, err, errlen) : HJ_DEVICE_OK;
out:
    /* Never half a device: what failed leaves nothing behind, least of all a key. */
    if (rc != HJ_DEVICE_OK)
        hj_seal_wipe(d, sizeof *d);
    return rc;
}

int hj_device_text_sealed(const hj_device_t *d, const char *passphrase, char *text, size_t size)
{
    char secret[400], params[HJ_SEAL_PARAMS_LEN], box[HJ_SEAL_BOX_LEN], why[256];
    uint8_t key[HJ_SEAL_KEY_BYTES];
    int n = -1;
    if (!passphrase) {
        snprintf(secret, sizeof secret, "secret_key = %s\n", d->secret_key);
    } else if (!hj_curve_key_valid(d->secret_key) || !zmq_z85_decode(key, d->secret_key) ||
               hj_seal_key(key, passphrase, HJ_SEAL_OPS, HJ_SEAL_MEM, params, box, why,
                           sizeof why) != 0) {
        /* The callers say "cannot write FILE: strerror(errno)". */
        errno = errno == ENOMEM ? ENOMEM : EINVAL;
        goto out;
    } else {
        snprintf(secret, sizeof secret, "seal = %s\nsecret_key_sealed = %s\n", params, box);
    }
    n = snprintf(text, size,
                 "# Huanjie device file (hj admin device enrol). It is this device's\n"
                 "# credential: keep it secret, mode 0600. Use it with hj --device FILE,\n"
                 "# HJ_DEVICE=FILE, or copy it to ~/.config/huanjie/device.\n%s"
                 "name = %s\nteam = %s\nrole = %s\nbus = %s\nevents = %s\n"
                 "server_key = %s\npublic_key = %s\n%s",
                 passphrase ? "# Its secret key is sealed with a passphrase: hj and hj-top ask for "
                              "it on the\n# terminal, or read it from HJ_DEVICE_PASSPHRASE.\n"
                            : "",
                 d->name, d->team, d->role, d->bus, d->events, d->server_key, d->public_key,
                 secret);
out:
    hj_seal_wipe(secret, sizeof secret);
    hj_seal_wipe(key, sizeof key);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

int hj_device_text(const hj_device_t *d, char *text, size_t size)
{
    return hj_device_text_sealed(d, NULL, text, size);
}

int hj_device_save_sealed(const hj_device_t *d, const char *passphrase, const char *path)
{
    char text[2048];
    int rc =
        hj_device_text_sealed(d, passphrase, text, sizeof text) == 0 ? s_write_new(path, text) : -1;
    hj_seal_wipe(text, sizeof text);
    return rc;
}

int hj_device_save(const hj_device_t *d, const char *path)
{
    return hj_device_save_sealed(d, NULL, path);
}

void hj_device_default_path(char *path, size_t size)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(path, size, "%s/huanjie/device", xdg);
    else
        snprintf(path, size, "%s/.config/huanjie/device", home && *home ? home : ".");
}

int hj_device_find(const char *explicit_path, char *path, size_t size)
{
    const char *env = getenv("HJ_DEVICE");
    if (explicit_path && *explicit_path) {
        snprintf(path, size, "%s", explicit_path);
        return 1;
    }
    if (env && *env) {
        snprintf(path, size, "%s", env);
        return 1;
    }
    hj_device_default_path(path, size);
    return access(path, F_OK) == 0;
}

/* ---- private endpoints ---------------------------------------------------- */

static int s_private_v4(const struct in_addr *a)
{
    uint32_t ip = ntohl(a->s_addr);
    return (ip >> 24) == 127 || (ip >> 24) == 10 || (ip >> 20) == 0xac1 || (ip >> 16) == 0xc0a8 ||
           (ip >> 16) == 0xa9fe;
}

static int s_private_v6(const struct in6_addr *a)
{
    static const struct in6_addr loopback = IN6ADDR_LOOPBACK_INIT;
    if (IN6_IS_ADDR_V4MAPPED(a)) {
        struct in_addr v4;
        memcpy(&v4, &a->s6_addr[12], 4);
        return s_private_v4(&v4);
    }
    return memcmp(a, &loopback, sizeof loopback) == 0 || (a->s6_addr[0] & 0xfe) == 0xfc ||
           (a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80);
}

static int s_private_sockaddr(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return s_private_v4(&((const struct sockaddr_in *)sa)->sin_addr);
    if (sa->sa_family == AF_INET6)
        return s_private_v6(&((const struct sockaddr_in6 *)sa)->sin6_addr);
    return 0;
}

/* A network interface's name: private when each of its addresses is. -1: no such interface. */
static int s_private_interface(const char *name)
{
    struct ifaddrs *all = NULL;
    int found = 0, ok = 1;
    if (getifaddrs(&all) != 0)
        return -1;
    for (struct ifaddrs *i = all; i; i = i->ifa_next)
        if (i->ifa_addr && strcmp(i->ifa_name, name) == 0 &&
            (i->ifa_addr->sa_family == AF_INET || i->ifa_addr->sa_family == AF_INET6)) {
            found = 1;
            ok = ok && s_private_sockaddr(i->ifa_addr);
        }
    freeifaddrs(all);
    return found ? ok : -1;
}

int hj_endpoint_private(const char *endpoint)
{
    char host[256];
    if (strncmp(endpoint, "inproc://", 9) == 0 || strncmp(endpoint, "ipc://", 6) == 0)
        return 1;
    if (strncmp(endpoint, "tcp://", 6) != 0)
        return 0;
    const char *h = endpoint + 6, *semi = strchr(h, ';'), *colon = strrchr(h, ':');
    if (semi)
        h = semi + 1; /* "tcp://source;host:port": the bound host is after ';' */
    if (!colon || colon < h || (size_t)(colon - h) >= sizeof host)
        return 0;
    memcpy(host, h, (size_t)(colon - h));
    host[colon - h] = 0;
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = 0;
    }
    struct in_addr v4;
    struct in6_addr v6;
    if (strcmp(host, "*") == 0)
        return 0;
    if (inet_pton(AF_INET, host, &v4) == 1)
        return s_private_v4(&v4);
    if (inet_pton(AF_INET6, host, &v6) == 1)
        return s_private_v6(&v6);
    int iface = s_private_interface(host);
    if (iface >= 0)
        return iface;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo(host, NULL, &hints, &res) != 0)
        return 0;
    int ok = res != NULL;
    for (struct addrinfo *a = res; a; a = a->ai_next)
        ok = ok && s_private_sockaddr(a->ai_addr);
    freeaddrinfo(res);
    return ok;
}
