#ifndef HJ_FRAMES_H
#define HJ_FRAMES_H
/* A multipart ZeroMQ message as a small array of frames. */
#include <stddef.h>
#include <zmq.h>

#define HJ_FRAMES_MAX 16

typedef struct {
    int count;
    zmq_msg_t part[HJ_FRAMES_MAX];
} hj_frames_t;

/* Receives one whole multipart message. Returns 0; -1 with errno EAGAIN when
 * nothing is waiting (flags ZMQ_DONTWAIT); -1 with EMSGSIZE after draining a
 * message with more than HJ_FRAMES_MAX frames (nothing is kept). */
int hj_frames_recv(void *socket, hj_frames_t *f, int flags);
/* Sends and closes every frame (also on error). */
int hj_frames_send(void *socket, hj_frames_t *f);
/* The same without waiting: -1 (EAGAIN) when the socket has no peer to take
 * it now, e.g. a DEALER whose connection failed its handshake. */
int hj_frames_send_nowait(void *socket, hj_frames_t *f);
void hj_frames_init(hj_frames_t *f);
void hj_frames_close(hj_frames_t *f);
/* Appends a copy of data. Returns 0 / -1 when full. */
int hj_frames_add(hj_frames_t *f, const void *data, size_t size);
int hj_frames_addstr(hj_frames_t *f, const char *s);
/* Moves frame `from` of src to the end of f. */
int hj_frames_move(hj_frames_t *f, hj_frames_t *src, int from);
const void *hj_frames_data(hj_frames_t *f, int i);
size_t hj_frames_size(hj_frames_t *f, int i);
/* 1 when frame i holds exactly the string s. */
int hj_frames_is(hj_frames_t *f, int i, const char *s);
/* Copies frame i as a NUL-terminated string into buf; -1 if it does not fit. */
int hj_frames_str(hj_frames_t *f, int i, char *buf, size_t size);

#endif
