#!/usr/bin/env bash
# bench_verify.sh — how long `hj admin journal verify` takes over a journal of
# N synthetic events (default 1,000,000), sealed by the relay's own function.
#
#   HJ_BENCH_PG="host=127.0.0.1 port=7732 user=postgres" tests/bench/bench_verify.sh [N]
#
# Makes a scratch database hj_bench_verify in that cluster (dropped at the end
# unless HJ_BENCH_KEEP=1),
# migrates it with build/bin/hj-migrate, inserts and seals N rows, then times
# verify on the whole chain, with an anchor, and with one row changed by hand
# in the middle (it must name that seq).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${HJ_BIN_DIR:-$ROOT/build/bin}
PG=${HJ_BENCH_PG:?set HJ_BENCH_PG to a conninfo of a PostgreSQL cluster (no dbname)}
N=${1:-1000000}
DB=hj_bench_verify
psql_do() { psql -X -q -v ON_ERROR_STOP=1 "$PG dbname=$1" -c "$2"; }
elapsed() { local t0=$1; echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; }

psql_do postgres "DROP DATABASE IF EXISTS $DB"
psql_do postgres "CREATE DATABASE $DB"
[ -n "${HJ_BENCH_KEEP:-}" ] || trap 'psql_do postgres "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
HJ_DB="$PG dbname=$DB" "$BIN/hj-migrate" >/dev/null 2>&1
t=$(date +%s%N)
psql_do $DB "INSERT INTO bus.journal (request_id, request_digest, service, kind, community, actor, payload, reply)
  SELECT gen_random_uuid(), sha256(i::text::bytea), 'registry', 'community_added', 'KBS-BH-' || (i % 100),
         'bench', convert_to(repeat('x', 80) || i, 'UTF8'), '\\x'::bytea FROM generate_series(1, $N) i"
echo "inserted $N rows: $(elapsed "$t")"
t=$(date +%s%N)
psql_do $DB "DO \$\$ BEGIN LOOP EXIT WHEN (SELECT count(*) FROM bus.relay_assign(100000)) = 0; END LOOP; END \$\$"
psql_do $DB "VACUUM ANALYZE bus.journal"
echo "sealed them (relay_assign): $(elapsed "$t")"
verify() { HJ_DB="$PG dbname=$DB" "$BIN/hj" admin journal verify "$@" || true; }
for run in 1 2; do
    t=$(date +%s%N); out=$(verify); echo "verify, run $run: $(elapsed "$t") — $out"
done
anchor=$(verify | sed -n 's/.*head \([0-9]*:[0-9a-f]*\).*/\1/p')
t=$(date +%s%N); out=$(verify --anchor "$anchor" | tail -1); echo "verify --anchor: $(elapsed "$t") — $out"
mid=$((N / 2))
psql_do $DB "SET session_replication_role = replica; UPDATE bus.journal SET actor = 'intruder' WHERE seq = $mid"
t=$(date +%s%N); out=$(verify); echo "verify after a change at seq $mid: $(elapsed "$t") — $out"
