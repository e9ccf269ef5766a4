#include "hj_frames.h"

#include <errno.h>
#include <string.h>

void hj_frames_init(hj_frames_t *f)
{
    f->count = 0;
}

void hj_frames_close(hj_frames_t *f)
{
    for (int i = 0; i < f->count; i++)
        zmq_msg_close(&f->part[i]);
    f->count = 0;
}

int hj_frames_recv(void *socket, hj_frames_t *f, int flags)
{
    int more = 1, overflow = 0;
    hj_frames_init(f);
    while (more) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        /* Only the first frame may be absent; the rest of a message is atomic. */
        if (zmq_msg_recv(&msg, socket, f->count == 0 && !overflow ? flags : 0) < 0) {
            int e = errno;
            zmq_msg_close(&msg);
            hj_frames_close(f);
            errno = e;
            return -1;
        }
        more = zmq_msg_more(&msg);
        if (f->count < HJ_FRAMES_MAX && !overflow)
            f->part[f->count++] = msg;
        else {
            overflow = 1;
            zmq_msg_close(&msg);
        }
    }
    if (overflow) {
        hj_frames_close(f);
        errno = EMSGSIZE;
        return -1;
    }
    return 0;
}

static int s_send(void *socket, hj_frames_t *f, int flags)
{
    int rc = 0;
    for (int i = 0; i < f->count; i++) {
        if (rc == 0 &&
            zmq_msg_send(&f->part[i], socket, flags | (i + 1 < f->count ? ZMQ_SNDMORE : 0)) < 0)
            rc = -1;
        zmq_msg_close(&f->part[i]);
    }
    f->count = 0;
    return rc;
}

int hj_frames_send(void *socket, hj_frames_t *f)
{
    return s_send(socket, f, 0);
}

int hj_frames_send_nowait(void *socket, hj_frames_t *f)
{
    return s_send(socket, f, ZMQ_DONTWAIT);
}

int hj_frames_add(hj_frames_t *f, const void *data, size_t size)
{
    if (f->count >= HJ_FRAMES_MAX)
        return -1;
    zmq_msg_t *m = &f->part[f->count];
    if (zmq_msg_init_size(m, size) != 0)
        return -1;
    if (size)
        memcpy(zmq_msg_data(m), data, size);
    f->count++;
    return 0;
}

int hj_frames_addstr(hj_frames_t *f, const char *s)
{
    return hj_frames_add(f, s, strlen(s));
}

int hj_frames_move(hj_frames_t *f, hj_frames_t *src, int from)
{
    if (f->count >= HJ_FRAMES_MAX || from >= src->count)
        return -1;
    zmq_msg_init(&f->part[f->count]);
    zmq_msg_move(&f->part[f->count], &src->part[from]);
    f->count++;
    return 0;
}

const void *hj_frames_data(hj_frames_t *f, int i)
{
    return i < f->count ? zmq_msg_data(&f->part[i]) : NULL;
}

size_t hj_frames_size(hj_frames_t *f, int i)
{
    return i < f->count ? zmq_msg_size(&f->part[i]) : 0;
}

int hj_frames_is(hj_frames_t *f, int i, const char *s)
{
    size_t n = strlen(s);
    return i < f->count && hj_frames_size(f, i) == n && memcmp(hj_frames_data(f, i), s, n) == 0;
}

int hj_frames_str(hj_frames_t *f, int i, char *buf, size_t size)
{
    size_t n = hj_frames_size(f, i);
    if (i >= f->count || n >= size || memchr(hj_frames_data(f, i), 0, n))
        return -1;
    memcpy(buf, hj_frames_data(f, i), n);
    buf[n] = 0;
    return 0;
}
