// Per-call and per-instantiation costs of Swasm's embedding API, printed as JSON lines
// (`{"name": …, "ns": …}`) for Benchmarks/run. Each figure is the median of several rounds
// of N operations, divided by N.
import Foundation
import Swasm
import SwasmText

// The modules come from files shared with the wasmtime driver (drivers/embedding_wasmtime.py).
let arguments = Array(CommandLine.arguments.dropFirst())
guard let folder = arguments.first else {
    print("usage: EmbeddingBench MODULE_FOLDER [SCALE]")
    exit(2)
}
// A fraction of the default work (e.g. 0.01) suits a run under callgrind.
let scale = arguments.dropFirst().first.flatMap(Double.init) ?? 1

func scaled(_ n: Int) -> Int { Swift.max(100, Int(Double(n) * scale)) }
let callModuleText = try String(contentsOfFile: folder + "/calls.wat", encoding: .utf8)
let instantiateModuleText = try String(contentsOfFile: folder + "/instantiate.wat", encoding: .utf8)

func nanoseconds(_ body: () throws -> Void) rethrows -> UInt64 {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return DispatchTime.now().uptimeNanoseconds - start
}

/// The median over `rounds` of the time per operation of `body(n)`, which does n operations.
func measure(_ n: Int, rounds: Int = 7, _ body: (Int) throws -> Void) rethrows -> Double {
    try body(n / 10)  // warm-up: lazy compilation, caches
    var samples: [Double] = []
    for _ in 0..<rounds {
        let elapsed = try nanoseconds { try body(n) }
        samples.append(Double(elapsed) / Double(n))
    }
    samples.sort()
    return samples[samples.count / 2]
}

func report(_ name: String, _ ns: Double, _ n: Int) {
    print("{\"name\": \"\(name)\", \"ns\": \(String(format: "%.2f", ns)), \"n\": \(n)}")
}

let engine = Engine()
let store = Store(engine: engine)
let module = try Module(engine: engine, wat: callModuleText)
let linker = Linker()
linker.defineFunction(store: store, module: "host", name: "empty") { () in }
let instance = try linker.instantiate(store: store, module: module)

// (a) host → guest: an empty export, through the typed API and through `[Value]` calls.
let empty = try instance.typedFunction("empty", params: Void.self, results: Void.self)
let callN = scaled(2_000_000)
report("call_export_typed", try measure(callN) { n in
    for _ in 0..<n { try empty() }
}, callN)
guard let emptyFunction = instance.function("empty") else { throw APIError("no export `empty`") }
report("call_export_values", try measure(callN / 4) { n in
    for _ in 0..<n { _ = try emptyFunction.call([]) }
}, callN / 4)

// (b) guest → host: one call into Wasm that calls an empty Swift closure n times; the
// guest's own loop is measured alone and reported for subtraction.
let callHost = try instance.typedFunction("call_host", params: Int32.self, results: Void.self)
let guestLoop = try instance.typedFunction("loop", params: Int32.self, results: Void.self)
let hostN = scaled(5_000_000)
report("call_host", try measure(hostN) { n in try callHost(Int32(n)) }, hostN)
report("guest_loop", try measure(hostN) { n in try guestLoop(Int32(n)) }, hostN)

// The same import as a raw slot function (`Linker.defineSlotFunction`), the API's fast path.
let slotLinker = Linker()
try slotLinker.defineSlotFunction(store: store, module: "host", name: "empty", type: FuncType(params: [], results: [])) { _, _ in }
let slotInstance = try slotLinker.instantiate(store: store, module: module)
let callSlotHost = try slotInstance.typedFunction("call_host", params: Int32.self, results: Void.self)
report("call_host_slots", try measure(hostN) { n in try callSlotHost(Int32(n)) }, hostN)

// (c) instantiation of a small module in a fresh store (the store's creation included).
let small = try Module(engine: engine, wat: instantiateModuleText)
let emptyLinker = Linker()
let instantiateN = scaled(20_000)
report("instantiate", try measure(instantiateN) { n in
    for _ in 0..<n {
        let fresh = Store(engine: engine)
        _ = try emptyLinker.instantiate(store: fresh, module: small)
    }
}, instantiateN)
