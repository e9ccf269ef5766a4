/* hj watch [TOPIC-PREFIX]: prints events as they arrive, with their sequence.
 * When the journal's sequence jumps (the bus is lossy by design) it reads the
 * missing events back from the journal through hj-tallyd (tally.journal: the
 * same payload-free events the bus carries) and prints them marked
 * "read back", so what it shows has no hole. */
#include "cli.h"
#include "hj.pb-c.h"
#include "hj_frames.h"
#include "hj_pbjson.h"
#include "tally.pb-c.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

/* One event as a line (or JSON); `back`: it was read back from the journal. */
static void s_print(cli_t *cli, const Hj__Event *ev, int back)
{
    if (cli->json) {
        hj_pbjson_write(stdout, &ev->base);
        fputc('\n', stdout);
    } else {
        time_t t = (time_t)(ev->time_us / 1000000) + 8 * 3600;
        struct tm tm;
        char when[32];
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        printf("seq %-8" PRIu64 " %s  %-40s actor %s%s\n", ev->seq, when, ev->topic, ev->actor,
               back ? "  (read back)" : "");
    }
}

/* Reads journal events last+1 .. upto-1 back and prints those under prefix.
 * Returns the last seq covered (last when nothing could be read). */
static uint64_t s_fill(cli_t *cli, const char *prefix, uint64_t last, uint64_t upto)
{
    while (last + 1 < upto) {
        Hj__Tally__Request req = HJ__TALLY__REQUEST__INIT;
        Hj__Tally__JournalQuery q = HJ__TALLY__JOURNAL_QUERY__INIT;
        Hj__Tally__Reply *reply = NULL;
        q.after = last;
        q.limit = upto - last - 1 > 1000 ? 1000 : (uint32_t)(upto - last - 1);
        req.op_case = HJ__TALLY__REQUEST__OP_JOURNAL;
        req.journal = &q;
        if (cli_call(cli, "tally", &req.base, &hj__tally__reply__descriptor,
                     (ProtobufCMessage **)&reply) != CLI_OK)
            return last;
        size_t n =
            reply->result_case == HJ__TALLY__REPLY__RESULT_JOURNAL ? reply->journal->n_events : 0;
        for (size_t i = 0; i < n; i++) {
            const Hj__Event *ev = reply->journal->events[i];
            if (strncmp(ev->topic, prefix, strlen(prefix)) == 0)
                s_print(cli, ev, 1);
            last = ev->seq;
        }
        protobuf_c_message_free_unpacked(&reply->base, NULL);
        if (!n)
            break;
    }
    return last;
}

/* hj-busd cuts every subscription when a device is revoked; ours then comes
 * back through ZAP and is refused. The monitor says so: the ZAP status when
 * the key was refused, else 0. */
static int s_refused(void *monitor)
{
    hj_frames_t f;
    int refused = 0;
    while (!refused && hj_frames_recv(monitor, &f, ZMQ_DONTWAIT) == 0) {
        if (f.count == 2)
            refused = hj_curve_refusal(hj_frames_data(&f, 0), hj_frames_size(&f, 0));
        hj_frames_close(&f);
    }
    return refused;
}

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
    char monitor_endpoint[64];
    snprintf(monitor_endpoint, sizeof monitor_endpoint, "inproc://hj-watch-monitor-%p",
             (void *)sub);
    void *monitor = NULL;
    if (zmq_socket_monitor(sub, monitor_endpoint, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0 ||
        !(monitor = zmq_socket(ctx, ZMQ_PAIR)) ||
        zmq_setsockopt(monitor, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_connect(monitor, monitor_endpoint) != 0 || zmq_connect(sub, cli->events) != 0) {
        fprintf(stderr, "hj: cannot connect to %s: %s\n", cli->events, zmq_strerror(zmq_errno()));
        if (monitor)
            zmq_close(monitor);
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
        zmq_pollitem_t items[2] = {{sub, 0, ZMQ_POLLIN, 0}, {monitor, 0, ZMQ_POLLIN, 0}};
        if (deadline && time(NULL) >= deadline)
            break;
        if (zmq_poll(items, 2, 200) <= 0)
            continue;
        int refused = (items[1].revents & ZMQ_POLLIN) ? s_refused(monitor) : 0;
        if (refused) {
            fprintf(stderr,
                    "hj: %s refused device %s's key (ZAP status %d): it was revoked, or "
                    "is not enrolled; watch stops\n",
                    cli->events, cli->device.name, refused);
            rc = CLI_REFUSED;
            break;
        }
        if (!(items[0].revents & ZMQ_POLLIN))
            continue;
        hj_frames_t f;
        if (hj_frames_recv(sub, &f, 0) != 0)
            break;
        Hj__Event *ev = f.count == 2
                            ? hj__event__unpack(NULL, hj_frames_size(&f, 1), hj_frames_data(&f, 1))
                            : NULL;
        if (ev) {
            int journal = strncmp(ev->topic, "tally.", 6) != 0;
            if (journal && last && ev->seq > last + 1 &&
                s_fill(cli, prefix, last, ev->seq) + 1 < ev->seq && !cli->json)
                printf("-- gap: events %" PRIu64 "..%" PRIu64 " were not received here and could "
                       "not be read back; the journal has them\n",
                       last + 1, ev->seq - 1);
            if (journal)
                last = ev->seq;
            s_print(cli, ev, 0);
            fflush(stdout);
            hj__event__free_unpacked(ev, NULL);
            seen++;
        }
        hj_frames_close(&f);
    }
    zmq_socket_monitor(sub, NULL, 0);
    zmq_close(monitor);
    zmq_close(sub);
    zmq_ctx_term(ctx);
    return rc;
}
