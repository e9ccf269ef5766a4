/* hj watch [TOPIC-PREFIX]: prints events as they arrive, with their sequence,
 * and says so when the sequence jumps (the bus is lossy by design: the
 * journal has every event). */
#include "cli.h"
#include "hj.pb-c.h"
#include "hj_frames.h"
#include "hj_pbjson.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

int cmd_watch(cli_t *cli, const char *verb)
{
    const char *prefix = verb ? verb : "";
    long count = atol(cli_opt_or(cli, "count", "0"));
    long seconds = atol(cli_opt_or(cli, "seconds", "0"));
    int rc = cli_unused(cli);
    if (rc != CLI_OK)
        return rc;
    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    int linger = 0;
    zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, prefix, strlen(prefix));
    if ((rc = cli_curve(cli, sub)) != CLI_OK) {
        zmq_close(sub);
        zmq_ctx_term(ctx);
        return rc;
    }
    if (zmq_connect(sub, cli->events) != 0) {
        fprintf(stderr, "hj: cannot connect to %s: %s\n", cli->events, zmq_strerror(zmq_errno()));
        zmq_close(sub);
        zmq_ctx_term(ctx);
        return CLI_UNREACHABLE;
    }
    if (!cli->json)
        fprintf(stderr, "watching %s events on %s (Ctrl-C stops)\n", prefix[0] ? prefix : "all",
                cli->events);
    fflush(stderr);
    uint64_t last = 0;
    long seen = 0;
    time_t deadline = seconds > 0 ? time(NULL) + seconds : 0;
    while (!count || seen < count) {
        zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
        if (deadline && time(NULL) >= deadline)
            break;
        if (zmq_poll(&item, 1, 200) <= 0)
            continue;
        hj_frames_t f;
        if (hj_frames_recv(sub, &f, 0) != 0)
            break;
        Hj__Event *ev = f.count == 2 ? hj__event__unpack(NULL, hj_frames_size(&f, 1),
                                                          hj_frames_data(&f, 1))
                                     : NULL;
        if (ev) {
            int journal = strncmp(ev->topic, "tally.", 6) != 0;
            if (journal && last && ev->seq > last + 1 && !cli->json)
                printf("-- gap: events %" PRIu64 "..%" PRIu64 " were not received here; "
                       "the journal has them\n", last + 1, ev->seq - 1);
            if (journal)
                last = ev->seq;
            if (cli->json) {
                hj_pbjson_write(stdout, &ev->base);
                fputc('\n', stdout);
            } else {
                time_t t = (time_t)(ev->time_us / 1000000) + 8 * 3600;
                struct tm tm;
                char when[32];
                gmtime_r(&t, &tm);
                strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
                printf("seq %-8" PRIu64 " %s  %-40s actor %s\n", ev->seq, when, ev->topic, ev->actor);
            }
            fflush(stdout);
            hj__event__free_unpacked(ev, NULL);
            seen++;
        }
        hj_frames_close(&f);
    }
    zmq_close(sub);
    zmq_ctx_term(ctx);
    return CLI_OK;
}
