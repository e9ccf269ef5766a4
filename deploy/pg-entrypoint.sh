#!/bin/sh
# The database container's start (deploy/Dockerfile.postgres). On the first
# start, an empty $PGDATA: initdb with the owner role huanjie (its password
# from HJ_DB_PASSWORD, scram-sha-256) and its database huanjie. Then serve on
# every interface of the container, which only the compose network reaches
# (docker-compose.yml publishes no database port); over TCP only with a
# password; over the container's own socket (only what runs inside it) without.
set -eu
: "${PGDATA:?}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${HJ_DB_PASSWORD:?set HJ_DB_PASSWORD in .env (docs/deploy.md)}"
    pw=$(mktemp)
    printf '%s\n' "$HJ_DB_PASSWORD" > "$pw"
    initdb -D "$PGDATA" -U huanjie --pwfile="$pw" --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pw"
    # The compose network's addresses are not known in advance: any address,
    # a password always (initdb's lines cover 127.0.0.1 and ::1 only).
    printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
    # Without TCP while the database is made, so the health check (over TCP)
    # is not green before it exists.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    createdb -U huanjie huanjie
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    echo "hj-pg-entrypoint: initialised $PGDATA (owner huanjie, database huanjie)"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*'
