"""Runs a module on wasm3 through pywasm3 for Benchmarks/run.

    python run_wasm3.py bare FILE      load, call run(), print its i64
    python run_wasm3.py compile FILE   parse and load only (wasm3 compiles a function on its first
                                   call, so this measures decoding, not translation)

pywasm3 0.5 has no WASI bindings, so WASI commands are not run on wasm3.
"""
import sys

import wasm3

# wasm3's stack holds frames and operands; the deep-recursion workload needs a large one.
STACK_BYTES = 64 << 20


def main() -> int:
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        data = f.read()
    env = wasm3.Environment()
    runtime = env.new_runtime(STACK_BYTES)
    module = env.parse_module(data)
    runtime.load(module)
    if mode == "bare":
        value = runtime.find_function("run")()
        # pywasm3 hands an i64 back as a Python int; print it as a signed 64-bit value
        value &= (1 << 64) - 1
        print(value - (1 << 64) if value >= 1 << 63 else value)
    elif mode == "compile":
        print("loaded")
    else:
        print(f"usage: run_wasm3.py bare|compile FILE (got {mode})", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
