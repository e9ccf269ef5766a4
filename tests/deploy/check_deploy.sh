#!/usr/bin/env bash
# check_deploy.sh SOURCE_DIR BIN_DIR: what can be checked of the docker-compose
# deployment without a Docker engine (none runs on the build machine).
#   1. docker-compose.yml is valid against the compose schema (docker-compose config -q)
#   2. every program the compose file runs (commands and health checks) is built
#      and is one the Dockerfile puts in the image
#   3. every environment variable the daemons read (hj_config.c, as listed in
#      hj_config.h) is set for every service that runs the image
#   4. only 7700 and 7701 are published; every service restarts on failure and
#      waits for what it needs; postgres has a named volume and a health check
#   5. deploy/packages.txt (role build) holds the package of every library and
#      tool CMake asks for; the Dockerfile installs from that list and from
#      what deploy/runtime-packages.sh derives from the binaries, names no
#      package itself, and runs as a non-root user
#   6. no secret can reach the image (.dockerignore) or git (.gitignore)
# Not checked here: building the images and running the stack, which
# deploy/huanjie compose-test does where containers can run.
set -euo pipefail
SRC=${1:?source dir}
BIN=${2:?bin dir}
COMPOSE="$SRC/docker-compose.yml"
DOCKERFILE="$SRC/deploy/Dockerfile"
fails=0
fail() { echo "check_deploy: FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "check_deploy: ok: $*"; }

command -v docker-compose >/dev/null || { echo "check_deploy: docker-compose is not installed (deploy/packages.txt lists it)" >&2; exit 1; }
PY=/usr/bin/python3   # Debian's, which has python3-yaml with docker-compose
"$PY" -c 'import yaml' 2>/dev/null || { echo "check_deploy: $PY lacks the yaml module (python3-yaml)" >&2; exit 1; }

# 1. Schema. The password is the operator's (.env); a stand-in is enough to validate.
export HJ_DB_PASSWORD=${HJ_DB_PASSWORD:-check-only}
if docker-compose -f "$COMPOSE" --project-directory "$SRC" config -q; then
    ok "docker-compose.yml is valid (docker-compose $(docker-compose version --short))"
else
    fail "docker-compose config rejects docker-compose.yml"
fi
RESOLVED=$(mktemp)
trap 'rm -f "$RESOLVED"' EXIT
docker-compose -f "$COMPOSE" --project-directory "$SRC" config > "$RESOLVED" 2>/dev/null || true

# The variables the daemons read: the code's table, which the header must list too.
CONFIG_VARS=$(grep -o '"HJ_[A-Z_]*"' "$SRC/services/common/hj_config.c" | tr -d '"' | sort -u)
HEADER_VARS=$(grep -o '\bHJ_[A-Z_]*\b' "$SRC/services/common/hj_config.h" | grep -v '^HJ_CONFIG_H$' | sort -u)
[ "$CONFIG_VARS" = "$HEADER_VARS" ] || fail "hj_config.c reads {$(echo $CONFIG_VARS)} but hj_config.h lists {$(echo $HEADER_VARS)}"
IMAGE_PROGRAMS=$(sed -n 's/^ARG HJ_PROGRAMS="\(.*\)"$/\1/p' "$DOCKERFILE")
[ -n "$IMAGE_PROGRAMS" ] || fail "deploy/Dockerfile has no ARG HJ_PROGRAMS list"

# 2-4. The resolved compose file.
CONFIG_VARS="$CONFIG_VARS" IMAGE_PROGRAMS="$IMAGE_PROGRAMS" BIN="$BIN" "$PY" - "$RESOLVED" <<'PY' || fails=$((fails + 1))
import os, sys, yaml
doc = yaml.safe_load(open(sys.argv[1])) or {}
services = doc.get("services", {})
want_vars = os.environ["CONFIG_VARS"].split()
image_programs = set(os.environ["IMAGE_PROGRAMS"].split())
bin_dir = os.environ["BIN"]
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)
    return cond

check("postgres" in services, "no postgres service")
pg = services.get("postgres", {})
check(pg.get("healthcheck"), "postgres has no health check")
vols = [v if isinstance(v, str) else "%s:%s" % (v.get("source"), v.get("target")) for v in pg.get("volumes", [])]
check(any(v.split(":")[0] in (doc.get("volumes") or {}) for v in vols), "postgres data is not on a named volume")
published = set()
ours = {n: s for n, s in services.items() if n != "postgres"}
check({"migrate", "busd", "registry", "audit", "interviews"} <= set(ours),
      "services missing: %s" % sorted({"migrate", "busd", "registry", "audit", "interviews"} - set(ours)))
for name, s in services.items():
    for p in s.get("ports", []):
        published.add(str(p.get("published") if isinstance(p, dict) else str(p).split(":")[-2]).split("/")[0])
for name, s in sorted(ours.items()):
    cmd = s.get("command") or []
    cmd = cmd.split() if isinstance(cmd, str) else cmd
    progs = [cmd[0]] if cmd else []
    hc = (s.get("healthcheck") or {}).get("test") or []
    if isinstance(hc, list) and hc and hc[0] in ("CMD", "CMD-SHELL"):
        progs.append(hc[1].split()[0])
    check(cmd, "%s has no command" % name)
    for p in progs:
        check(os.access(os.path.join(bin_dir, p), os.X_OK), "%s runs %s, which the build does not make" % (name, p))
        check(p in image_programs, "%s runs %s, which the Dockerfile does not put in the image" % (name, p))
    env = s.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) for e in env)
    missing = [v for v in want_vars if not str(env.get(v, "")).strip()]
    check(not missing, "%s does not set %s" % (name, " ".join(missing)))
    if name == "migrate":
        check(str(s.get("restart", "no")) == "no", "migrate is one-shot: restart must be \"no\"")
    else:
        check(str(s.get("restart", "")).startswith("on-failure"), "%s does not restart on failure" % name)
        check(s.get("healthcheck"), "%s has no health check" % name)
        deps = s.get("depends_on") or {}
        check(isinstance(deps, dict) and deps.get("postgres", {}).get("condition") == "service_healthy",
              "%s does not wait for a healthy postgres" % name)
        check(deps.get("migrate", {}).get("condition") == "service_completed_successfully",
              "%s does not wait for the migration" % name)
        if name != "busd":
            check(deps.get("busd", {}).get("condition") == "service_healthy",
                  "%s does not wait for a healthy busd" % name)
check(published == {"7700", "7701"}, "published ports are %s, not 7700 and 7701 only" % sorted(published))
for b in bad:
    print("check_deploy: FAIL: %s" % b, file=sys.stderr)
if not bad:
    print("check_deploy: ok: %d services run built programs, set all %d variables, wait for their "
          "dependencies; only 7700 and 7701 published" % (len(ours), len(want_vars)))
sys.exit(1 if bad else 0)
PY

# 5. Packages: what CMake asks for must be in deploy/packages.txt with role build.
BUILD_PKGS=$(awk '!/^#/ && $2 == "build" {print $1}' "$SRC/deploy/packages.txt" | sort -u)
owner() { local p; p=$(dpkg -S "$1" 2>/dev/null || dpkg -S "$(readlink -f "$1")" 2>/dev/null) || return 1; echo "${p%%:*}" | head -1; }
need=()
for mod in $(grep -ho 'pkg_check_modules([A-Z_]* [A-Z ]*IMPORTED_TARGET [^)]*)' "$SRC/CMakeLists.txt" | sed 's/.*IMPORTED_TARGET //; s/)//'); do
    pc="$(pkg-config --variable=pcfiledir "$mod" 2>/dev/null)/$mod.pc"
    if [ -f "$pc" ] && pkg=$(owner "$pc"); then need+=("$pkg:$mod"); else fail "CMake asks for pkg-config module $mod, which no installed package provides"; fi
done
for prog in $(grep -ho 'find_program([A-Z_]* [a-z0-9_-]*' "$SRC"/CMakeLists.txt "$SRC"/*/CMakeLists.txt | awk '{print $2}'); do
    if path=$(command -v "$prog") && pkg=$(owner "$path"); then need+=("$pkg:$prog"); else fail "CMake looks for the program $prog, which no installed package provides"; fi
done
for tool in cmake pkg-config; do need+=("$tool:$tool"); done
need+=("build-essential:the C compiler")
for n in "${need[@]}"; do
    pkg=${n%%:*}
    echo "$BUILD_PKGS" | grep -qx "$pkg" || fail "CMake needs $pkg (for ${n#*:}); deploy/packages.txt does not list it as build"
done
[ $fails -eq 0 ] && ok "deploy/packages.txt (build) covers CMake's ${#need[@]} needs"
# The Dockerfile installs only from the list and from the derived runtime list.
installs=$(grep -c 'apt-get install' "$DOCKERFILE")
fed=$(grep -B2 -A0 'apt-get install' "$DOCKERFILE" | grep -c 'packages.txt\|runtime-packages.txt' || true)
[ "$installs" -eq 2 ] && [ "$fed" -ge 2 ] || fail "deploy/Dockerfile must install only from deploy/packages.txt and the derived runtime list ($installs installs, $fed fed by a list)"
grep -q 'deploy/runtime-packages.sh' "$DOCKERFILE" || fail "deploy/Dockerfile does not derive its runtime packages"
[ "$(grep -c '^FROM ' "$DOCKERFILE")" -ge 2 ] || fail "deploy/Dockerfile is not multi-stage"
grep -q '^FROM debian:\${DEBIAN_RELEASE}-slim' "$DOCKERFILE" || fail "deploy/Dockerfile's runtime stage is not Debian slim"
user=$(awk '$1 == "USER" {u = $2} END {print u}' "$DOCKERFILE")
case "$user" in ""|root|0|0:*|root:*) fail "deploy/Dockerfile does not end as a non-root user" ;; esac
# The runtime list derives from the binaries the image carries.
progs=()
for p in $IMAGE_PROGRAMS; do progs+=("$BIN/$p"); done
if runtime=$(sh "$SRC/deploy/runtime-packages.sh" "${progs[@]}"); then
    ok "runtime stage derives: $(echo $runtime)"
else
    fail "deploy/runtime-packages.sh cannot derive the runtime packages"
fi

# 6. Secrets stay out of the image and out of git.
for s in .env secrets/; do
    grep -qx "$s" "$SRC/.dockerignore" 2>/dev/null || fail ".dockerignore does not keep $s out of the image"
    grep -qx "$s" "$SRC/.gitignore" 2>/dev/null || fail ".gitignore does not keep $s out of git"
done
if grep -v '^ *#' "$DOCKERFILE" | grep -Eiq 'PASSWORD=|idcard\.key|COPY.*secrets'; then fail "deploy/Dockerfile mentions a secret"; fi

if [ $fails -ne 0 ]; then
    echo "check_deploy: $fails check(s) failed" >&2
    exit 1
fi
echo "check_deploy: all deployment checks passed (the images are built and the stack run by deploy/huanjie compose-test)"
