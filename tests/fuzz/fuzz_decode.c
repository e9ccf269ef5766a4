/* libFuzzer target: one service's request decoder + validator (its
 * hj_service_t.decode), exactly as the worker calls it on a request body from
 * the network. Built once per service (HJ_FUZZ_SERVICE names its
 * hj_service_t). Whatever the bytes, decode must return 0 or -1 with a status
 * naming a field, and release must free what decode made. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hj_worker.h"

extern const hj_service_t HJ_FUZZ_SERVICE;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The service state decode may read (the registry's key, ...): zeroed. */
    static uint64_t svc[64];
    hj_call_t *call = hj_call_new();
    if (!call)
        return 0;
    int rc = HJ_FUZZ_SERVICE.decode(call, data, size, svc);
    if (rc != 0) {
        /* A refusal is INVALID_ARGUMENT and names what is wrong. */
        if (call->status.code != HJ__CODE__INVALID_ARGUMENT || !call->status.field[0]) {
            fprintf(stderr, "refusal without a field: code %d (%s)\n", call->status.code,
                    call->status.message);
            abort();
        }
    } else if (call->status.code != HJ__CODE__OK) {
        fprintf(stderr, "accepted with status %d\n", call->status.code);
        abort();
    }
    /* A request id, when set, is a UUID (it becomes the journal's key). */
    if (call->request_id[0] && !hj_uuid_valid(call->request_id))
        abort();
    if (call->request)
        HJ_FUZZ_SERVICE.release(call);
    hj_call_destroy(&call);
    return 0;
}
