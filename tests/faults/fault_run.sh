#!/usr/bin/env bash
# fault_run.sh — proof that nothing a user submitted is lost or counted twice
# while the server side crashes and restarts under load.
#
#   tests/faults/fault_run.sh [--short | --long] [--seconds N] [--clients N] [--keep]
#
# Starts a private Huanjie (deploy/huanjie up, own PostgreSQL and ports) with
# two instances of every service (of hj-tallyd, the journal's consumer: one)
# and one `hj watch` subscriber. Several field clients then write through the
# real CLI (spool on: person add, talk add, audit scope add, audit finding
# add, each carrying its UUID in its text), each with a background `hj sync`,
# while this script at random moments:
#   kill -9 one instance of a service (the other keeps serving), restarts it;
#   kill -9 every instance of a service (none left), restarts them;
#   kill -9 hj-busd, restarts it;
#   kill -9 hj-tallyd (one instance, mid-way through the journal), restarts it;
#   restarts PostgreSQL as after a crash (pg_ctl -m immediate);
#   pauses the subscriber (SIGSTOP ... SIGCONT).
# Then every client syncs until its spool is empty, and the script checks:
#   every UUID a client was told "sent" or "saved offline" is in the journal
#   once and its record is in the database exactly once; no record without a
#   UUID the clients know of; nothing refused; the journal's seq is 1..N with
#   no gap and its hash chain verifies.
# Last, the readiness board: hj-tallyd (started by `up` with the others,
# killed and restarted among the faults) must have applied the whole journal
# (tally.cursor.journal_seq = the last bus.journal seq); its stored
# boards (packed with tally_seq 0: equal facts, equal bytes) and district
# totals are saved, tally.rebuild() empties the projection and moves the
# cursor to 0, hj-tallyd replays the journal, and the boards it ends with must
# be byte for byte the saved ones ("board = rebuilt"; else "board differs"
# and the communities that differ). The load's talks land on the demo's
# communities KBS-BH-01..04 and its audit scope items and findings on FR-01,
# so those boards carry counters that moved under the faults.
# It prints one summary line and exits 1 if anything was lost or duplicated,
# or the board differs from the rebuilt one.
#
# --short (the default, what `deploy/huanjie test` runs): 45 s of load, 3 clients.
# --long: 600 s, 4 clients. Environment: HJ_BUILD_DIR (default <checkout>/build).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${HJ_BUILD_DIR:-$ROOT/build}
HJ=$BUILD/bin/hj
LOAD_SECONDS=45
CLIENTS=3
KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
        --short) LOAD_SECONDS=45; CLIENTS=3 ;;
        --long) LOAD_SECONDS=600; CLIENTS=4 ;;
        --seconds) LOAD_SECONDS=$2; shift ;;
        --clients) CLIENTS=$2; shift ;;
        --keep) KEEP=1 ;;
        *) echo "usage: $0 [--short|--long] [--seconds N] [--clients N] [--keep]" >&2; exit 2 ;;
    esac
    shift
done

say() { printf 'fault run: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }
msleep() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
between() { echo $(($1 + RANDOM % ($2 - $1 + 1))); } # between LO HI

[ -x "$HJ" ] || die "no $HJ: build first (cmake -S . -B build && cmake --build build)"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Below the ephemeral range (32768-), where no outgoing connection lands.
pick_ports() {
    while :; do
        PG_PORT=$(between 20000 25999)
        BUS_PORT=$(between 26000 32700)
        port_free "$PG_PORT" && port_free "$BUS_PORT" && port_free $((BUS_PORT + 1)) &&
            port_free $((BUS_PORT + 2)) && port_free $((BUS_PORT + 3)) && port_free $((BUS_PORT + 4)) && return
    done
}

RUN=$(mktemp -d /tmp/hj-fault.XXXXXX)
# Its own home: `up` links its operator device under ~/.config, which must not
# be the home of whoever runs this.
export HOME="$RUN/home"
mkdir -p "$HOME"
chmod 755 "$RUN"
mkdir -p "$RUN/log"
use_ports() {
    pick_ports
    export HJ_RUN_DIR=$RUN HJ_PG_PORT=$PG_PORT HJ_BUS_PORT=$BUS_PORT
    export HJ_DB="host=127.0.0.1 port=$PG_PORT user=postgres dbname=huanjie"
    export HJ_BUS="tcp://127.0.0.1:$BUS_PORT" HJ_BUS_EVENTS="tcp://127.0.0.1:$((BUS_PORT + 1))"
    export HJ_BUS_WORKERS="tcp://127.0.0.1:$((BUS_PORT + 2))" HJ_BUS_EVENTS_IN="tcp://127.0.0.1:$((BUS_PORT + 3))" \
        HJ_BUS_EVENTS_INTERNAL="tcp://127.0.0.1:$((BUS_PORT + 4))"
    PSQL=(psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d huanjie)
}
export HJ_SPOOL=$RUN/spool-setup HJ_BUILD_DIR=$BUILD

BACKGROUND=()
cleanup() {
    touch "$RUN/stop"
    local pid
    "$ROOT/deploy/huanjie" down >/dev/null 2>&1
    for pid in "${BACKGROUND[@]}"; do
        kill -CONT "$pid" 2>/dev/null
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [ "$KEEP" = 1 ]; then
        say "kept $RUN"
    else
        [ -f "$RUN/pgdata.path" ] && rm -rf "$(cat "$RUN/pgdata.path")"
        rm -rf "$RUN"
    fi
}
trap cleanup EXIT

# ---- the stack: two instances of every service ------------------------------

# A port taken between the look and the bind makes `up` fail: new ports, again.
for attempt in 1 2 3; do
    use_ports
    say "starting a private Huanjie (PostgreSQL :$PG_PORT, bus :$BUS_PORT)"
    timeout 300 "$ROOT/deploy/huanjie" up >"$RUN/log/up.log" 2>&1 && break
    tail -5 "$RUN/log/up.log" >&2
    "$ROOT/deploy/huanjie" down >/dev/null 2>&1
    [ -f "$RUN/pgdata.path" ] && rm -rf "$(cat "$RUN/pgdata.path")" && rm -f "$RUN/pgdata.path"
    [ "$attempt" = 3 ] && die "deploy/huanjie up failed (logs in $RUN/log)"
done

prog_of() {
    case ${1%-2} in
        busd) echo hj-busd ;; registry) echo hj-registryd ;; audit) echo hj-auditd ;;
        interviews) echo hj-interviewsd ;; tally) echo hj-tallyd ;;
    esac
}
# Instances live in $RUN/<name>.pid, as `up` left them, so `down` stops them all.
start_instance() {
    nohup "$BUILD/bin/$(prog_of "$1")" >>"$RUN/log/$1.log" 2>&1 &
    echo $! >"$RUN/$1.pid"
}
kill_instance() {
    local pid
    pid=$(cat "$RUN/$1.pid" 2>/dev/null) || return 0
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null # ours: reaped here; started by `up`: init reaps it
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; msleep 20; done
}
serving() { "$HJ" status --service "$1" --timeout 300 --tries 1 >/dev/null 2>&1; }
wait_serving() {
    local svc
    for svc in registry audit interviews tally; do
        for _ in $(seq 1 150); do serving "$svc" && continue 2; msleep 100; done
        die "$svc did not come back (logs in $RUN/log)"
    done
}

for svc in registry audit interviews; do start_instance "$svc-2"; done
wait_serving

# What the load writes into (its own, so the demo district may change freely):
# a community, two persons, an audit in fieldwork.
P1=00000000-0000-4000-8000-0000000000b1
P2=00000000-0000-4000-8000-0000000000b2
"$HJ" community add --code FR-01 --name 演练社区 --subdistrict KBS-BH \
    --request-id 00000000-0000-4000-8000-0000000000b0 >/dev/null 2>&1 || die "community add failed"
"$HJ" person add --name 演练甲 --gender female --request-id "$P1" >/dev/null 2>&1 || die "person add failed"
"$HJ" person add --name 演练乙 --gender male --request-id "$P2" >/dev/null 2>&1 || die "person add failed"
"$HJ" audit open --community FR-01 --term 2021-2026 --from 2021-01-01 --to 2025-12-31 \
    --auditor 张审计 --request-id 00000000-0000-4000-8000-0000000000a1 >/dev/null 2>&1 || die "audit open failed"
"$HJ" audit advance FR-01 --to fieldwork --request-id 00000000-0000-4000-8000-0000000000a2 \
    >/dev/null 2>&1 || die "audit advance failed"
TALK_DATE=$(date -u -d '-1 day' +%F)

# ---- the subscriber, the clients --------------------------------------------

"$HJ" watch >"$RUN/watch.log" 2>&1 &
WATCH_PID=$!
BACKGROUND+=("$WATCH_PID")

# One field client: writes in a loop, each through the spool; logs what it was told.
client() {
    local i=$1 u kind out rc outcome
    local opts=(--timeout 1500 --tries 2)
    export HJ_SPOOL=$RUN/spool-$i
    while [ ! -f "$RUN/stop" ]; do
        u=$(cat /proc/sys/kernel/random/uuid)
        case $((RANDOM % 4)) in
            0) kind=person
               out=$("$HJ" person add --name "负载 $u" --gender female --request-id "$u" "${opts[@]}" 2>>"$RUN/log/client-$i.err") ;;
            1) kind=talk
               out=$("$HJ" talk add --community "KBS-BH-0$((RANDOM % 4 + 1))" --phase survey --date "$TALK_DATE" \
                     --interviewer "$P1" --person "$P2" --summary "负载 $u" --request-id "$u" "${opts[@]}" \
                     2>>"$RUN/log/client-$i.err") ;;
            2) kind=scope
               out=$("$HJ" audit scope add FR-01 --title "负载 $u" --request-id "$u" "${opts[@]}" \
                     2>>"$RUN/log/client-$i.err") ;;
            3) kind=finding
               out=$("$HJ" audit finding add FR-01 --item 1 --severity observation --text "负载 $u" \
                     --request-id "$u" "${opts[@]}" 2>>"$RUN/log/client-$i.err") ;;
        esac
        rc=$?
        if [ $rc -eq 0 ] && [[ $out == *"saved offline"* ]]; then outcome=saved
        elif [ $rc -eq 0 ]; then outcome=sent
        elif [ $rc -eq 1 ]; then outcome=refused
        else outcome=failed; fi
        echo "$u $kind $outcome $rc" >>"$RUN/client-$i.log"
    done
}
# The laptop's own periodic sync, racing the client on the same spool.
syncer() {
    export HJ_SPOOL=$RUN/spool-$1
    while [ ! -f "$RUN/stop" ]; do
        "$HJ" sync --json --timeout 1500 --tries 2 >>"$RUN/sync-$1.log" 2>>"$RUN/log/sync-$1.err"
        msleep "$(between 1000 3000)"
    done
}
for i in $(seq 1 "$CLIENTS"); do
    client "$i" &
    BACKGROUND+=($!)
    syncer "$i" &
    BACKGROUND+=($!)
done
LOAD_PIDS=("${BACKGROUND[@]:1}")

# ---- faults -----------------------------------------------------------------

FAULTS=0
fault() { FAULTS=$((FAULTS + 1)); echo "$(date -u +%T) $*" >>"$RUN/faults.log"; }
fault_kill_one() {
    local svc inst
    svc=$(shuf -n1 -e registry audit interviews)
    inst=$(shuf -n1 -e "$svc" "$svc-2")
    kill_instance "$inst"
    fault "kill -9 $inst (its twin kept serving)"
    msleep "$(between 500 2500)"
    start_instance "$inst"
}
fault_kill_all() {
    local svc
    svc=$(shuf -n1 -e registry audit interviews)
    kill_instance "$svc"
    kill_instance "$svc-2"
    fault "kill -9 every $svc instance (none left)"
    msleep "$(between 1000 3000)"
    start_instance "$svc"
    start_instance "$svc-2"
}
fault_busd() {
    kill_instance busd
    fault "kill -9 hj-busd"
    msleep "$(between 300 1500)"
    start_instance busd
}
fault_tally() {
    kill_instance tally
    fault "kill -9 hj-tallyd"
    msleep "$(between 300 1500)"
    start_instance tally
}
fault_postgres() {
    fault "PostgreSQL restarted as after a crash"
    "$ROOT/deploy/huanjie" pg-restart --immediate >>"$RUN/log/faults.log" 2>&1 || die "PostgreSQL did not come back"
}
fault_pause_subscriber() {
    kill -STOP "$WATCH_PID"
    fault "subscriber paused"
    msleep "$(between 1500 4000)"
    kill -CONT "$WATCH_PID"
}

say "load: $CLIENTS clients for $LOAD_SECONDS s, with faults"
END=$((SECONDS + LOAD_SECONDS))
ORDER=$(shuf -e kill_one kill_all busd tally postgres pause_subscriber) # each kind at least once, first
while [ $SECONDS -lt $END ]; do
    msleep "$(between 1500 4000)"
    [ $SECONDS -lt $END ] || break
    if [ -n "$ORDER" ]; then
        next=${ORDER%%$'\n'*}
        [ "$next" = "$ORDER" ] && ORDER="" || ORDER=${ORDER#*$'\n'}
    else
        next=$(shuf -n1 -e kill_one kill_all busd tally postgres pause_subscriber)
    fi
    "fault_$next"
done
touch "$RUN/stop"
for pid in "${LOAD_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
wait_serving

# ---- drain every spool --------------------------------------------------------

for i in $(seq 1 "$CLIENTS"); do
    for _ in $(seq 1 30); do
        HJ_SPOOL=$RUN/spool-$i "$HJ" sync --json >>"$RUN/sync-$i.log" 2>>"$RUN/log/sync-$i.err"
        [ "$(HJ_SPOOL=$RUN/spool-$i "$HJ" spool status --json | sed -n 's/.*"waiting": \([0-9]*\).*/\1/p')" = 0 ] && break
        sleep 1
    done
done

# ---- the proof -----------------------------------------------------------------

cat "$RUN"/client-*.log >"$RUN/told.log"
REQUESTS=$(wc -l <"$RUN/told.log")
SENT=$(awk '$3 == "sent"' "$RUN/told.log" | wc -l)
SAVED=$(awk '$3 == "saved"' "$RUN/told.log" | wc -l)
REFUSED=$(awk '$3 == "refused"' "$RUN/told.log" | wc -l)
FAILED=$(awk '$3 == "failed"' "$RUN/told.log" | wc -l)
WAITING=0
REJECTED=0
for i in $(seq 1 "$CLIENTS"); do
    st=$(HJ_SPOOL=$RUN/spool-$i "$HJ" spool status --json)
    WAITING=$((WAITING + $(sed -n 's/.*"waiting": \([0-9]*\).*/\1/p' <<<"$st")))
    REJECTED=$((REJECTED + $(sed -n 's/.*"rejected": \([0-9]*\).*/\1/p' <<<"$st")))
done
REPLAYED=$(cat "$RUN"/sync-*.log 2>/dev/null | grep -c '"already_there"')

# The relay numbers rows a moment after they commit.
for _ in $(seq 1 300); do
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM bus.journal WHERE seq IS NULL")" = 0 ] && break
    msleep 100
done

awk '$3 == "sent" || $3 == "saved" { print $1 "\t" $2 }' "$RUN/told.log" >"$RUN/expected.tsv"
# lost | duplicated | unknown (a record no client was told about) | journal rows | gaps | chain breaks
read -r LOST DUPLICATED UNKNOWN JOURNAL GAPS BROKEN < <("${PSQL[@]}" -F ' ' <<SQL
CREATE TEMP TABLE expected (id uuid PRIMARY KEY, kind text);
\copy expected FROM '$RUN/expected.tsv'
CREATE TEMP TABLE stored AS
      SELECT 'person' AS kind, substr(name, 4) AS marker FROM registry.person WHERE name LIKE '负载 %'
UNION ALL SELECT 'talk', substr(summary, 4) FROM interviews.talk WHERE summary LIKE '负载 %'
UNION ALL SELECT 'scope', substr(title, 4) FROM audit.scope_item WHERE title LIKE '负载 %'
UNION ALL SELECT 'finding', substr(text, 4) FROM audit.finding WHERE text LIKE '负载 %';
WITH per AS (
    SELECT e.id, (SELECT count(*) FROM stored s WHERE s.kind = e.kind AND s.marker = e.id::text) AS records,
           (SELECT count(*) FROM bus.journal j WHERE j.request_id = e.id) AS journal
    FROM expected e),
chain AS (SELECT count(*) AS broken FROM bus.journal a JOIN bus.journal b ON b.seq = a.seq + 1
          WHERE b.prev_hash <> a.hash),
hashes AS (SELECT count(*) AS bad FROM bus.journal j
           WHERE j.hash IS DISTINCT FROM sha256(j.prev_hash || bus.journal_digest_input(j)))
SELECT (SELECT count(*) FROM per WHERE records = 0 OR journal = 0),
       (SELECT count(*) FROM per WHERE records > 1 OR journal > 1),
       (SELECT count(*) FROM stored s WHERE NOT EXISTS (SELECT 1 FROM expected e WHERE e.id::text = s.marker)),
       (SELECT count(*) FROM bus.journal),
       (SELECT count(*) - count(seq) + CASE WHEN coalesce(min(seq), 1) = 1 AND coalesce(max(seq), 0) = count(*)
                                             AND count(DISTINCT seq) = count(*) THEN 0 ELSE 1 END
          FROM bus.journal),
       (SELECT broken FROM chain) + (SELECT bad FROM hashes)
          + (SELECT count(*) FROM bus.journal WHERE seq = 1 AND prev_hash <> '\\x'::bytea);
SQL
)
[ -n "${BROKEN:-}" ] || die "the check did not run (see $RUN)"

# ---- the board against one rebuilt from the journal ----------------------------

# Waits until hj-tallyd has applied every journal row (the relay has numbered them all).
tally_caught_up() {
    for _ in $(seq 1 1200); do
        [ "$("${PSQL[@]}" -c "SELECT NOT EXISTS (SELECT 1 FROM bus.journal WHERE seq IS NULL) AND
                                     (SELECT journal_seq FROM tally.cursor) = (SELECT max(seq) FROM bus.journal)")" = t ] &&
            return 0
        msleep 50
    done
    return 1
}
# Every community's board, then the district totals, as hex: one line each.
boards() {
    "${PSQL[@]}" -F $'\t' -c "SELECT community, encode(board, 'hex') FROM tally.board ORDER BY 1" &&
        "${PSQL[@]}" -F $'\t' -c "SELECT '(district)', encode(district, 'hex') FROM tally.cursor"
}
BOARD="board NOT CHECKED"
BOARD_OK=0
if ! serving tally; then
    BOARD="board NOT CHECKED (hj-tallyd is not serving)"
elif ! tally_caught_up; then
    BOARD="board NOT CHECKED (hj-tallyd did not apply the whole journal)"
elif ! boards >"$RUN/board-live.tsv"; then
    BOARD="board NOT CHECKED (could not read it)"
elif ! REBUILT_AT=$(date +%s%N) || ! "${PSQL[@]}" -c "SELECT tally.rebuild()" >/dev/null; then
    BOARD="board NOT CHECKED (tally.rebuild() failed)"
elif ! tally_caught_up; then
    BOARD="board NOT CHECKED (hj-tallyd did not replay the journal after tally.rebuild())"
elif ! REPLAYED_AT=$(date +%s%N) || ! boards >"$RUN/board-rebuilt.tsv"; then
    BOARD="board NOT CHECKED (could not read the rebuilt one)"
else
    # Communities whose line is not the same in both (or is in one only).
    DIFFERS=$(sort "$RUN/board-live.tsv" "$RUN/board-rebuilt.tsv" | uniq -u | cut -f1 | sort -u | paste -sd, -)
    BOARDS=$(grep -vc '^(district)' "$RUN/board-live.tsv")
    if [ -z "$DIFFERS" ] && [ "$BOARDS" -gt 0 ]; then
        BOARD="board = rebuilt ($BOARDS communities; the journal replayed in $(((REPLAYED_AT - REBUILT_AT) / 1000000)) ms)"
        BOARD_OK=1
    elif [ -z "$DIFFERS" ]; then
        BOARD="board NOT CHECKED (no boards)"
    else
        BOARD="board differs from the rebuilt one: $DIFFERS"
    fi
fi
EVENTS=$(grep -c . "$RUN/watch.log" 2>/dev/null || true)

ok=1
[ "$LOST" = 0 ] && [ "$DUPLICATED" = 0 ] || ok=0
[ "$REFUSED" = 0 ] && [ "$FAILED" = 0 ] && [ "$REJECTED" = 0 ] && [ "$WAITING" = 0 ] || ok=0
[ "$UNKNOWN" = 0 ] && [ "$GAPS" = 0 ] && [ "$BROKEN" = 0 ] || ok=0
[ "$FAULTS" -gt 0 ] && [ "$REQUESTS" -gt 0 ] || ok=0
[ "$BOARD_OK" = 1 ] || ok=0
journal="journal 1..$JOURNAL contiguous, hash chain verifies"
[ "$GAPS" = 0 ] && [ "$BROKEN" = 0 ] || journal="journal BROKEN ($GAPS gap(s), $BROKEN bad link(s))"
echo "fault run: requests $REQUESTS ($SENT sent, $SAVED saved offline then synced, $REPLAYED of them already there)," \
     "faults injected $FAULTS, lost $LOST, duplicated $DUPLICATED;" \
     "refused $REFUSED, failed $FAILED, still waiting $WAITING, rejected $REJECTED, unknown records $UNKNOWN;" \
     "$journal; $BOARD; subscriber saw $EVENTS events"
if [ $ok = 1 ]; then
    exit 0
fi
KEEP=1
say "FAILED: what the clients were told is in $RUN/told.log, the faults in $RUN/faults.log, logs in $RUN/log" \
    "(the boards: $RUN/board-live.tsv, $RUN/board-rebuilt.tsv)"
exit 1
