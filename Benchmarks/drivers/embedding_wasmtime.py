"""Per-call and per-instantiation costs of wasmtime's embedding API, through its Python
binding (PyPI `wasmtime`), printed as JSON lines like Benchmarks/embedding's Swift program.

    python embedding_wasmtime.py MODULE_FOLDER [SCALE]

Python's own costs are part of these numbers; `python_loop` (an empty `for` loop) and
`python_call` (the loop calling a no-op Python function) are printed so the harness can
subtract them.
"""
import json
import statistics
import sys
import time

from wasmtime import Engine, Func, FuncType, Instance, Module, Store

folder = sys.argv[1]
scale = int(sys.argv[2]) if len(sys.argv) > 2 else 1
with open(f"{folder}/calls.wat") as f:
    calls_wat = f.read()
with open(f"{folder}/instantiate.wat") as f:
    instantiate_wat = f.read()


def measure(n, body, rounds=7):
    """Median over rounds of the time per operation of body(n), which does n operations."""
    body(max(1, n // 10))
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        body(n)
        samples.append((time.perf_counter_ns() - start) / n)
    return statistics.median(samples)


def report(name, ns, n):
    print(json.dumps({"name": name, "ns": round(ns, 2), "n": n}), flush=True)


engine = Engine()
store = Store(engine)
module = Module(engine, calls_wat)
host_empty = Func(store, FuncType([], []), lambda: None)
instance = Instance(store, module, [host_empty])
exports = instance.exports(store)
empty, call_host, guest_loop = exports["empty"], exports["call_host"], exports["loop"]


def noop(_store):
    pass


def loop_empty(n):
    for _ in range(n):
        pass


def loop_call(n):
    for _ in range(n):
        noop(store)


def call_export(n):
    for _ in range(n):
        empty(store)


call_n = 20_000 * scale
report("python_loop", measure(call_n, loop_empty), call_n)
report("python_call", measure(call_n, loop_call), call_n)
report("call_export", measure(call_n, call_export), call_n)

host_n = 50_000 * scale
report("call_host", measure(host_n, lambda n: call_host(store, n)), host_n)
report("guest_loop", measure(host_n, lambda n: guest_loop(store, n)), host_n)

small = Module(engine, instantiate_wat)
instantiate_n = 2_000 * scale


def instantiate(n):
    for _ in range(n):
        Instance(Store(engine), small, [])


report("instantiate", measure(instantiate_n, instantiate), instantiate_n)
