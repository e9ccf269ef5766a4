#ifndef HJ_SCRIPTED_H
#define HJ_SCRIPTED_H
/* The broker's side of a call, for unit tests that play the broker to the
 * real client (hj_client) on a ROUTER socket of their own. */
#include "hj_envelope.h"
#include "hj_frames.h"

/* Answers `request` (as the ROUTER received it: client, "", MDPC01, service,
 * body) as hj-busd would: to the same client, from "registry", with the body
 * Reply{st}. Takes the request's frames (closed on return). 0 / -1. */
int hj_scripted_reply(void *router, hj_frames_t *request, const hj_status_t *st);

#endif
