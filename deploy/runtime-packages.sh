#!/bin/sh
# runtime-packages.sh BINARY...: the Debian packages holding the shared
# libraries the binaries link directly (libc6 and sanitizer runtimes left out:
# every image has the first, a release build never links the others). apt
# brings their own dependencies. Used by deploy/Dockerfile's build stage to
# make the runtime stage's package list, and by tests/deploy/check_deploy.sh.
set -eu
for bin in "$@"; do
    for lib in $(objdump -p "$bin" | awk '$1 == "NEEDED" {print $2}'); do
        case "$lib" in libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*) continue ;;
                       libasan.so.*|libubsan.so.*|liblsan.so.*|libtsan.so.*) continue ;; esac
        path=$(ldd "$bin" | awk -v l="$lib" '$1 == l {print $3}')
        [ -n "$path" ] || { echo "runtime-packages: $bin needs $lib, which is not found" >&2; exit 1; }
        real=$(readlink -f "$path")
        pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$real" 2>/dev/null) \
            || { echo "runtime-packages: no package holds $path" >&2; exit 1; }
        echo "${pkg%%:*}"
    done
done | sort -u
