#!/bin/sh
# Rebuilds exceptions.wasm (exception handling with exnref: try_table, throw, throw_ref) and
# exceptions-legacy.wasm (the legacy try/catch/rethrow form) from exceptions.cpp.
#
# The toolchain is zig from PyPI (`ziglang`, clang 22 with libc++ for wasm32-wasi). Its
# prebuilt libc++abi and libunwind for wasm32-wasi have exceptions turned off, so the three
# files that implement them are compiled here from the LLVM sources zig ships, with
# -fwasm-exceptions: libc++abi's cxa_exception.cpp and cxa_personality.cpp and libunwind's
# Unwind-wasm.c, plus the `__cpp_exception` tag (cpp_exception_tag.S).
set -eu
cd "$(dirname "$0")"
venv=${ZIG_VENV:-/tmp/swasm-zig-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import ziglang' 2>/dev/null || "$venv/bin/pip" install -q ziglang==0.17.0
zig() { "$venv/bin/python" -m ziglang "$@"; }
src=$("$venv/bin/python" -c 'import ziglang, os; print(os.path.dirname(ziglang.__file__))')/lib
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build() {  # build OUTPUT EXTRA-FLAGS
    flags="-target wasm32-wasi -O2 -fwasm-exceptions -mexception-handling $2"
    abi="-D_LIBCXXABI_BUILDING_LIBRARY -D_LIBCPP_BUILDING_LIBRARY -I$src/libcxxabi/include -I$src/libunwind/include -I$src/libcxx/src -std=c++23"
    zig c++ $flags $abi -c "$src/libcxxabi/src/cxa_exception.cpp" -o "$out/cxa_exception.o"
    zig c++ $flags $abi -c "$src/libcxxabi/src/cxa_personality.cpp" -o "$out/cxa_personality.o"
    zig cc $flags -D_LIBUNWIND_IS_NATIVE_ONLY -D_LIBUNWIND_HIDE_SYMBOLS -I"$src/libunwind/include" \
        -Wno-c23-extensions -c "$src/libunwind/src/Unwind-wasm.c" -o "$out/unwind_wasm.o"
    zig cc $flags -c cpp_exception_tag.S -o "$out/tag.o"
    zig c++ $flags -s exceptions.cpp "$out/cxa_exception.o" "$out/cxa_personality.o" "$out/unwind_wasm.o" \
        "$out/tag.o" -o "$1"
}
build exceptions.wasm "-mllvm -wasm-use-legacy-eh=false"
build exceptions-legacy.wasm ""
