/* hj-top: the live ops dashboard in the terminal.
 *
 * main → options → terminal → connect → loop: wait in zmq_poll on the event
 * bus, the snapshot fetcher and stdin (at most until the next second, for
 * the clock and the age of the newest event), apply what came, redraw only
 * when something changed or the second turned. */
#include "conn.h"
#include "draw.h"
#include "hj_envelope.h"
#include "top.h"

#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Messages handled before the screen is brought up to date again. */
#define S_BATCH 2000
/* Pause between snapshot attempts that got no answer. */
#define S_RETRY_US 1000000
/* How often the broker is asked whether hj-tallyd is there. */
#define S_SERVICE_CHECK_US 3000000
/* Redraws for a stream of events are at most this often (keys at once). */
#define S_REDRAW_US 100000

static volatile sig_atomic_t s_quit;

static void s_on_signal(int sig)
{
    (void)sig;
    s_quit = 1;
}

static int64_t s_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: hj-top [--device FILE] [--bus ENDPOINT] [--events ENDPOINT] [--lang zh|en]\n\n"
            "The live ops dashboard: readiness of every community (the eight gates),\n"
            "the district totals, per community the gate reasons, counters and the last\n"
            "journal events, and on election day the live count (t). Press ? inside for\n"
            "the keys, q to quit.\n\n"
            "Environment: HJ_BUS (default tcp://127.0.0.1:7700), HJ_BUS_EVENTS\n"
            "(tcp://127.0.0.1:7701), HJ_DEVICE, as for hj; HJ_DEVICE_PASSPHRASE opens a\n"
            "sealed device file (else it is asked once on the terminal).\n");
}

/* Feeds one message from the backbone into the state. */
static void s_handle(top_t *t, conn_msg_t *m, int64_t *next_try_us)
{
    switch (m->kind) {
    case CONN_EVENT: {
        Hj__Event *ev = m->event;
        pulse_event(&t->pulse, t->now_us, ev->time_us);
        if (strncmp(ev->topic, BOARD_TOPIC_BOARD, strlen(BOARD_TOPIC_BOARD)) == 0 ||
            strncmp(ev->topic, BOARD_TOPIC_COUNT, strlen(BOARD_TOPIC_COUNT)) == 0) {
            if (board_update(t->board, ev->topic, ev->seq, ev->payload.data, ev->payload.len) ==
                    BOARD_GAP &&
                !t->stale_since_us)
                t->stale_since_us = t->now_us;
        } else {
            recent_add(t->recent, ev->community, ev->seq, ev->time_us, ev->service, ev->kind,
                       ev->actor);
        }
        break;
    }
    case CONN_LINK_UP:
        t->link_up = 1;
        t->ever_up = 1;
        /* Whatever happened while we were away is not in the picture. */
        board_resync(t->board);
        *next_try_us = 0;
        break;
    case CONN_LINK_DOWN:
        t->link_up = 0;
        if (!t->stale_since_us)
            t->stale_since_us = t->now_us;
        break;
    case CONN_SNAPSHOT:
        board_apply_snapshot(t->board, m->snapshot);
        t->snapshot_error[0] = 0;
        break;
    case CONN_SNAPSHOT_FAILED:
        snprintf(t->snapshot_error, sizeof t->snapshot_error, "%s", m->why);
        *next_try_us = t->now_us + S_RETRY_US;
        break;
    case CONN_REFUSED:
        /* Nothing more will come: say why on the way out (main prints it). */
        snprintf(t->refused, sizeof t->refused, "%s", m->why);
        s_quit = 1;
        break;
    case CONN_SERVICE:
        if (!m->service_up && t->tally_up && !t->stale_since_us)
            t->stale_since_us = t->now_us;
        /* Back after an absence: what it published meanwhile may not have
         * reached us; a snapshot settles it. */
        if (m->service_up && !t->tally_up)
            board_resync(t->board);
        t->tally_up = m->service_up;
        break;
    }
    if (t->link_up && t->tally_up && !board_wants_snapshot(t->board))
        t->stale_since_us = 0;
}

/* 1 when the key asks to quit. */
static int s_key(top_t *t, int key)
{
    if (key == 'q' || key == 'Q')
        return 1;
    if (key == KEY_RESIZE)
        return 0;
    if (t->help) {
        t->help = 0; /* any key closes the help */
        return 0;
    }
    switch (key) {
    case '?':
        t->help = 1;
        break;
    case 'L':
        t->lang = t->lang == LANG_ZH ? LANG_EN : LANG_ZH;
        break;
    case 'R':
        board_resync(t->board);
        break;
    case 't':
        t->view = VIEW_COUNT;
        t->scroll = 0;
        break;
    case 'b':
        t->view = VIEW_BOARD;
        break;
    default:
        if (t->view == VIEW_COMMUNITY)
            view_community_key(t, key);
        else if (t->view == VIEW_COUNT)
            view_count_key(t, key);
        else
            view_board_key(t, key);
    }
    return 0;
}

static void s_draw(top_t *t)
{
    if (t->view == VIEW_COMMUNITY)
        view_community_draw(t);
    else if (t->view == VIEW_COUNT)
        view_count_draw(t);
    else
        view_board_draw(t);
    if (t->help)
        view_help_draw(t);
    refresh();
}

int main(int argc, char **argv)
{
    const char *bus = getenv("HJ_BUS"), *events = getenv("HJ_BUS_EVENTS"), *device_flag = NULL;
    static hj_device_t device;
    char device_path[512], err[1024];
    static top_t t;
    t.lang = LANG_ZH;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            s_usage(stdout);
            return 0;
        }
        if (i + 1 >= argc || (strcmp(a, "--bus") && strcmp(a, "--events") && strcmp(a, "--lang") &&
                              strcmp(a, "--device"))) {
            fprintf(stderr, "hj-top: unknown or incomplete option '%s'\n", a);
            s_usage(stderr);
            return 2;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--bus") == 0)
            bus = v;
        else if (strcmp(a, "--events") == 0)
            events = v;
        else if (strcmp(a, "--device") == 0)
            device_flag = v;
        else if (strcmp(v, "zh") == 0 || strcmp(v, "en") == 0)
            t.lang = strcmp(v, "en") == 0 ? LANG_EN : LANG_ZH;
        else {
            fprintf(stderr, "hj-top: --lang is zh or en, not '%s'\n", v);
            return 2;
        }
    }
    /* hj-top reads the system only as an enrolled device, like hj. */
    if (!hj_device_find(device_flag, device_path, sizeof device_path)) {
        fprintf(stderr, "hj-top: no device file: give --device FILE or HJ_DEVICE (hj admin device "
                        "enrol --role observer makes one on the server)\n");
        return 3;
    }
    hj_device_rc_t loaded = hj_device_load(&device, device_path, err, sizeof err);
    if (loaded != HJ_DEVICE_OK) {
        fprintf(stderr, "hj-top: %s\n", err);
        /* A sealed file nobody could open is no key, like no file at all. */
        return loaded == HJ_DEVICE_LOCKED ? 3 : 2;
    }
    if (!bus || !*bus)
        bus = device.bus[0] ? device.bus : "tcp://127.0.0.1:7700";
    if (!events || !*events)
        events = device.events[0] ? device.events : "tcp://127.0.0.1:7701";
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "hj-top: needs a terminal (for a script, use hj board --json)\n");
        return 2;
    }
    /* ncursesw writes UTF-8 only under a UTF-8 locale; names are UTF-8. */
    setlocale(LC_ALL, "");
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8");

    t.events_endpoint = events;
    t.tally_up = 1;
    t.board = board_new();
    t.recent = recent_new();
    pulse_init(&t.pulse);
    conn_t *conn = conn_new(bus, events, &device);
    if (!t.board || !t.recent || !conn) {
        fprintf(stderr, "hj-top: cannot set up the connection to %s / %s\n", bus, events);
        conn_destroy(&conn);
        board_destroy(&t.board);
        recent_destroy(&t.recent);
        return 3;
    }
    struct sigaction sa = {0};
    sa.sa_handler = s_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    set_escdelay(25);
    initscr();
    cbreak();
    noecho();
    nodelay(stdscr, TRUE);
    keypad(stdscr, TRUE);
    curs_set(0);
    draw_init();

    int64_t next_try_us = 0, last_second = -1, next_check_us = 0, last_draw_us = 0;
    uint64_t drawn_version = (uint64_t)-1;
    int urgent = 1, changed = 0;
    while (!s_quit) {
        t.now_us = s_now_us();
        if (t.link_up && !conn_fetching(conn)) {
            if (board_wants_snapshot(t.board) && t.now_us >= next_try_us)
                conn_request_snapshot(conn);
            else if (!board_wants_snapshot(t.board) && t.now_us >= next_check_us &&
                     conn_check_service(conn) == 0)
                next_check_us = t.now_us + S_SERVICE_CHECK_US;
        }
        if (t.now_us / 1000000 != last_second) {
            last_second = t.now_us / 1000000;
            hj_date_today(t.today);
            urgent = 1; /* the clock and the age of the newest event */
        }
        if (board_version(t.board) != drawn_version)
            changed = 1;
        /* Keys and the second hand redraw at once; a stream of events at
         * most every S_REDRAW_US, so a busy bus does not cost a redraw each. */
        if (urgent || (changed && t.now_us - last_draw_us >= S_REDRAW_US)) {
            drawn_version = board_version(t.board);
            s_draw(&t);
            last_draw_us = t.now_us;
            urgent = changed = 0;
        }

        zmq_pollitem_t items[CONN_POLLITEMS + 1];
        conn_pollitems(conn, items);
        items[CONN_POLLITEMS] = (zmq_pollitem_t){NULL, STDIN_FILENO, ZMQ_POLLIN, 0};
        int64_t wake_us = (t.now_us / 1000000 + 1) * 1000000; /* the next second */
        if (t.link_up && !conn_fetching(conn) && board_wants_snapshot(t.board) &&
            next_try_us < wake_us)
            wake_us = next_try_us;
        if (changed && last_draw_us + S_REDRAW_US < wake_us)
            wake_us = last_draw_us + S_REDRAW_US;
        long timeout_ms = wake_us > t.now_us ? (long)((wake_us - t.now_us + 999) / 1000) : 0;
        if (zmq_poll(items, CONN_POLLITEMS + 1, timeout_ms) < 0 && zmq_errno() != EINTR)
            break;

        t.now_us = s_now_us();
        conn_msg_t m;
        for (int n = 0; n < S_BATCH && conn_next(conn, &m); n++) {
            /* an answer or a link change is news even when the board did not move */
            if (m.kind != CONN_EVENT)
                urgent = 1;
            else
                changed = 1;
            s_handle(&t, &m, &next_try_us);
            conn_msg_free(&m);
        }
        int key;
        while ((key = getch()) != ERR) {
            if (s_key(&t, key))
                s_quit = 1;
            urgent = 1;
        }
    }
    endwin();
    conn_destroy(&conn);
    board_destroy(&t.board);
    recent_destroy(&t.recent);
    if (t.refused[0])
        fprintf(stderr, "hj-top: %s; it stops\n", t.refused);
    return t.refused[0] ? 1 : 0;
}
