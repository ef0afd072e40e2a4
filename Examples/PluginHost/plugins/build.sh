#!/bin/sh
# Rebuilds the C plugins (the committed .wasm files are these builds). Needs wasi-cc from
# the bench-c workloads (../../../../shared/bench-c/wasi-cc, or WASI_CC) and Debian's
# wasi-libc; see that folder's README. WAT plugins need no build: the host loads text.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cc=${WASI_CC:-$here/../../../../shared/bench-c/wasi-cc}
for source in "$here"/*.c; do
  name=$(basename "$source" .c)
  # A reactor: no main, `_initialize` runs constructors, the host calls the exports.
  "$cc" -O2 -mexec-model=reactor -Wl,--strip-debug "$source" -o "$here/$name.wasm"
done
