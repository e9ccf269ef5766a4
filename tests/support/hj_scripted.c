/* hj_scripted: the broker's answer in unit tests. See hj_scripted.h. */
#include "hj_scripted.h"
#include "hj_mdp.h"

#include <stdlib.h>

int hj_scripted_reply(void *router, hj_frames_t *request, const hj_status_t *st)
{
    size_t len = 0;
    hj_frames_t out;
    uint8_t *body = hj_status_pack(st, &len);
    hj_frames_init(&out);
    int rc = body && hj_frames_move(&out, request, 0) == 0 && hj_frames_add(&out, "", 0) == 0 &&
                     hj_frames_addstr(&out, HJ_MDPC) == 0 &&
                     hj_frames_addstr(&out, "registry") == 0 && hj_frames_add(&out, body, len) == 0
                 ? hj_frames_send(router, &out)
                 : -1;
    hj_frames_close(&out); /* sent frames are closed already; this is for a failure */
    hj_frames_close(request);
    free(body);
    return rc;
}
