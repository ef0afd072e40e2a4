// One plugin: its own store (so limits, fuel and interruption apply to it alone), its
// instance, the host API it sees and the typed entry points the host calls.

import Foundation
import Swasm
import SwasmText
import SwasmWASI

/// What the host gives each plugin and how much it may take.
struct HostPolicy {
    /// Largest linear memory of a plugin, in bytes.
    var memoryLimit = 16 << 20
    /// Work a plugin may do per request (units of the engine's fuel).
    var fuelPerRequest: UInt64 = 5_000_000
    /// Wall-clock time a plugin may take per request, in milliseconds.
    var deadlineMilliseconds = 250
}

/// The state host functions work on. Kept apart from `Plugin` so the closures the store
/// holds do not keep the store itself alive.
final class PluginContext {
    let name: String
    var values: [String: [UInt8]] = [:]
    var reply: String?
    var logLines: [String] = []

    init(name: String) { self.name = name }
}

/// A loaded plugin and why it stopped, if it did.
final class Plugin {
    let name: String
    let store: Store
    let context: PluginContext
    private let memory: Memory
    private let alloc: (UInt32) throws -> UInt32
    private let handle: (UInt32, UInt32) throws -> Int32
    private(set) var stopReason: String?
    private(set) var answered = 0

    /// Loads, links and instantiates the plugin at `path`. Errors are the engine's: malformed,
    /// invalid, unlinkable, limit, or a trap in its initialisation.
    init(path: String, engine: Engine, policy: HostPolicy) throws {
        name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let module = try Module(engine: engine, file: path)
        store = Store(engine: engine, limits: StoreLimits(memorySize: policy.memoryLimit, instances: 1))
        context = PluginContext(name: name)

        let linker = Linker()
        Plugin.defineHostAPI(in: linker, store: store, context: context)
        if WASI.isImported(by: module) {
            // C plugins built with wasi-libc may import a few WASI functions (stdio); they
            // get no files, no environment and no input.
            let wasi = try WASI(configuration: WASIConfiguration(arguments: [name], stdin: .null))
            wasi.define(in: linker, store: store)
        }
        let instance = try linker.instantiate(store: store, module: module)
        guard let memory = instance.memory("memory") else { throw PluginFailure("exports no memory named \"memory\"") }
        self.memory = memory
        alloc = try instance.typedFunction("alloc", params: UInt32.self, results: UInt32.self)
        handle = try instance.typedFunction("handle", params: (UInt32, UInt32).self, results: Int32.self)
        if let initialize = instance.function("_initialize") {
            // A reactor (e.g. C without main) runs its constructors here, once.
            try store.setFuel(policy.fuelPerRequest)
            _ = try initialize.call([])
        }
    }

    /// The host API, module "host" (see README.md). Pointers are checked by the memory
    /// helpers: a bad one traps the plugin, never the host.
    static func defineHostAPI(in linker: Linker, store: Store, context: PluginContext) {
        linker.defineFunction(store: store, module: "host", name: "log") { (caller: Caller, text: UInt32, length: UInt32) in
            context.logLines.append(try caller.memory.readString(offset: text, length: length))
        }
        linker.defineFunction(store: store, module: "host", name: "reply") { (caller: Caller, text: UInt32, length: UInt32) in
            context.reply = try caller.memory.readString(offset: text, length: length)
        }
        linker.defineFunction(store: store, module: "host", name: "now") { () -> Int64 in
            Int64(Date().timeIntervalSince1970 * 1000)
        }
        linker.defineFunction(store: store, module: "host", name: "sleep") { (milliseconds: UInt32) in
            // Stands for a slow backend; capped so that one call cannot block for long.
            _ = usleep(Swift.min(milliseconds, 100) * 1000)
        }
        linker.defineFunction(store: store, module: "host", name: "kv_get") {
            (caller: Caller, key: UInt32, keyLength: UInt32, out: UInt32, capacity: UInt32) -> Int32 in
            let memory = try caller.memory
            guard let value = context.values[try memory.readString(offset: key, length: keyLength)] else { return -1 }
            try memory.writeBytes(value.prefix(Int(capacity)), offset: out)
            return Int32(clamping: value.count)
        }
        linker.defineFunction(store: store, module: "host", name: "kv_set") {
            (caller: Caller, key: UInt32, keyLength: UInt32, value: UInt32, valueLength: UInt32) in
            let memory = try caller.memory
            context.values[try memory.readString(offset: key, length: keyLength)] = try memory.readBytes(offset: value, count: valueLength)
        }
    }

    var isRunning: Bool { stopReason == nil }

    /// Hands `request` to the plugin within its fuel and deadline and returns its answer.
    /// A plugin that fails is stopped for good; `stopReason` says why.
    func serve(_ request: String, policy: HostPolicy, watchdog: Watchdog) -> Result<String, PluginFailure> {
        context.reply = nil
        do {
            try store.setFuel(policy.fuelPerRequest)
            let bytes = Array(request.utf8)
            let buffer = try alloc(UInt32(bytes.count))
            guard buffer != 0 else { throw PluginFailure("no room for a \(bytes.count)-byte request") }
            try memory.writeBytes(bytes, offset: buffer)
            let status = try watchdog.guarding(store.interruptHandle, for: .milliseconds(policy.deadlineMilliseconds)) {
                try handle(buffer, UInt32(bytes.count))
            }
            guard status == 0 else { throw PluginFailure("answered with error status \(status)") }
            answered += 1
            return .success(context.reply ?? "")
        } catch {
            let failure = PluginFailure(explaining: error, in: store, policy: policy)
            stopReason = failure.message
            return .failure(failure)
        }
    }

    /// Takes the lines the plugin logged since the last call.
    func takeLog() -> [String] {
        defer { context.logLines.removeAll() }
        return context.logLines
    }
}

/// Why a plugin was stopped, in words for the operator.
struct PluginFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }

    init(_ message: String) { self.message = message }

    /// Explains an error of the engine, naming the limit a trap came from.
    init(explaining error: Error, in store: Store, policy: HostPolicy) {
        switch error {
        case SwasmError.trap(let trap):
            message = "\(trap.reason)"
            if let frame = trap.backtrace.first {
                message += " in \(frame.functionName ?? "function \(frame.functionIndex)")"
            }
            switch trap.reason {
            case .fuelExhausted:
                message += " (its budget is \(policy.fuelPerRequest) per request)"
            case .interrupted:
                message += " (it missed its \(policy.deadlineMilliseconds) ms deadline)"
            case .callStackExhausted:
                message += " (recursion without end)"
            default:
                if store.refusedMemoryGrowths > 0 {
                    message += " (after memory.grow was refused at the \(policy.memoryLimit >> 20) MiB limit)"
                }
            }
        case let error as SwasmError:
            message = error.description
        case let error as PluginFailure:
            message = error.message
        case let error as APIError:
            message = error.message
        default:
            message = "\(error)"
        }
    }
}
