#!/usr/bin/env bash
# check_format.sh SOURCE_DIR: every C source and header of the tree is as
# .clang-format writes it (STYLE.md 7). A file that is not names itself and
# the first lines clang-format would change; `clang-format -i FILE` fixes it.
set -euo pipefail
SRC=${1:?source dir}
command -v clang-format >/dev/null \
    || { echo "check_format: clang-format is not installed (deploy/packages.txt lists it)" >&2; exit 1; }
[ -f "$SRC/.clang-format" ] || { echo "check_format: $SRC/.clang-format is missing" >&2; exit 1; }
cd "$SRC"
mapfile -t files < <(find clients services sql tests -name build -prune -o -type f \( -name '*.c' -o -name '*.h' \) -print | sort)
[ "${#files[@]}" -gt 100 ] || { echo "check_format: only ${#files[@]} C files found under $SRC" >&2; exit 1; }
# One clang-format for every file (one per file took 30 s); its complaints
# name file:line.
if ! out=$(clang-format --dry-run -Werror "${files[@]}" 2>&1); then
    bad=$(printf '%s\n' "$out" | grep -oE '^[^: ]+\.[ch]:[0-9]+' | cut -d: -f1 | sort -u)
    printf '%s\n' "$out" | head -20 >&2
    echo "check_format: FAIL: $(printf '%s\n' "$bad" | grep -c .) of ${#files[@]} files differ from .clang-format (clang-format -i FILE):" >&2
    printf '  %s\n' $bad >&2
    exit 1
fi
echo "check_format: ok: ${#files[@]} C files as .clang-format writes them"
