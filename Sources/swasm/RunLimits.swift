import Swasm

/// What `swasm run` allows a guest: fuel, a wall-clock deadline, memory and table sizes and
/// call depth, gathered from `--fuel`, `--timeout`, `--max-memory-size`,
/// `--max-table-elements`, `--max-call-depth` and wasmtime's `-W KEY=VALUE` spellings; and
/// the engine's compiled-code limit (`-W max-code-size`, which wasmtime does not have).
struct RunLimits {
    var fuel: UInt64?
    /// Seconds of wall time before the guest is interrupted.
    var timeout: Double?
    var maxMemorySize: Int?
    var maxTableElements: Int?
    var maxCallDepth: Int?
    /// Bytes of compiled code (IR and machine code) the engine may hold (`-W max-code-size`).
    var maxCodeSize: Int?
    /// The proposals a module may use (`-W simd=n` and the like).
    var features: WasmFeatures = .all
    /// Run functions as native code where the engine can (`-C native=n` interprets them).
    var nativeCode = true
    /// Entries and loop iterations a function runs interpreted before it is compiled
    /// (`-C native-threshold=N`; 0 compiles each function at its first call).
    var nativeCodeThreshold: Int?
    /// Compile functions to machine code on background threads while the guest runs on
    /// (`-C background-compile=n` compiles each on the guest's thread, which waits for it).
    var compilesInBackground = true
    /// Leave 32-bit memories' bounds to guard regions in machine code
    /// (`-O signals-based-traps=n` checks every access).
    var signalsBasedTraps = true
    /// Print what machine code ran at exit (`-C stats`).
    var statistics = false
    /// Write perf's map of generated code (`--profile perfmap`).
    var perfMap = false

    /// The engine settings these limits need; fuel and interruption checks are compiled in
    /// only when asked for, so a run without them pays nothing.
    func apply(to configuration: inout EngineConfiguration) {
        if fuel != nil { configuration.consumeFuel = true }
        if timeout != nil { configuration.interruptible = true }
        if let maxCallDepth {
            configuration.maxCallDepth = maxCallDepth
            // Room on the value stack for that many frames of a few locals each, so that the
            // limit, not the value stack, stops a deep recursion (the memory is only reserved).
            let (slots, overflow) = maxCallDepth.multipliedReportingOverflow(by: Self.slotsPerFrame)
            configuration.valueStackSlots = Swift.max(configuration.valueStackSlots, overflow ? Int.max : slots)
        }
        if let maxCodeSize { configuration.maxCompiledCodeBytes = maxCodeSize }
        configuration.features = features
        configuration.nativeCode = nativeCode
        if let nativeCodeThreshold { configuration.nativeCodeThreshold = nativeCodeThreshold }
        configuration.compilesInBackground = compilesInBackground
        configuration.memoryGuardRegions = signalsBasedTraps
        configuration.collectsExecutionStatistics = statistics
        configuration.writesPerfMap = perfMap
    }

    /// Applies one `-O KEY=VALUE` option: `signals-based-traps=y|n`.
    mutating func applyOptimizeOption(_ text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        switch parts[0] {
        case "signals-based-traps":
            signalsBasedTraps = try Self.switchValue(parts, option: "-O", text: text)
        default:
            throw CLIFailure.error("unsupported -O option '\(parts[0])' (supported: signals-based-traps=y|n)")
        }
    }

    static let slotsPerFrame = 8

    /// The value of a `KEY[=y|n]` switch of `option` (`parts`: KEY and its value, if given;
    /// `text`: the whole option, for the error): y when no value is given.
    static func switchValue(_ parts: [Substring], option: String, text: String) throws -> Bool {
        switch parts.count == 2 ? String(parts[1]) : "y" {
        case "y", "yes", "true": return true
        case "n", "no", "false": return false
        default: throw CLIFailure.error("invalid \(option) \(text): expected \(parts[0])=y or \(parts[0])=n")
        }
    }

    /// The machine stack the guest's thread needs: native frames take 16 bytes of it per call
    /// (docs/native-tier.md), and the runtime, WASI functions and the reserve the engine keeps
    /// below the deepest frame need a few MiB besides. The interpreter's frames take none.
    var guestStackSize: Int {
        let depth = maxCallDepth ?? EngineConfiguration().maxCallDepth
        let (frames, overflow) = depth.multipliedReportingOverflow(by: 16)
        return overflow ? Int.max : frames + (2 << 20)
    }

    /// Applies one `-C KEY=VALUE` code generation option: `native=y|n`, `native-threshold=N`,
    /// `background-compile=y|n` or `stats=y|n`.
    mutating func applyCodegenOption(_ text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        switch parts[0] {
        case "native":
            nativeCode = try Self.switchValue(parts, option: "-C", text: text)
        case "native-threshold":
            guard parts.count == 2, let value = Int(String(parts[1]).removingUnderscores), value >= 0 else {
                throw CLIFailure.error(
                    "invalid -C \(text): expected native-threshold=N, the entries and loop iterations a function runs interpreted before it is compiled (0: at its first call)")
            }
            nativeCodeThreshold = value
        case "background-compile":
            compilesInBackground = try Self.switchValue(parts, option: "-C", text: text)
        case "stats":
            statistics = try Self.switchValue(parts, option: "-C", text: text)
        default:
            throw CLIFailure.error("unsupported -C option '\(parts[0])' (supported: native=y|n, native-threshold=N, background-compile=y|n, stats=y|n)")
        }
    }

    var storeLimits: StoreLimits {
        StoreLimits(memorySize: maxMemorySize, tableElements: maxTableElements)
    }

    /// Applies one `-W KEY=VALUE` option (wasmtime's names): a limit, or a feature
    /// switch `-W FEATURE[=y|n]`.
    mutating func applyWasmOption(_ text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = String(parts[0])
        if let feature = WasmFeatures(name: key) {
            if try Self.switchValue(parts, option: "-W", text: text) {
                features.insert(feature)
            } else {
                features.remove(feature)
            }
            return
        }
        guard parts.count == 2 else {
            throw CLIFailure.error("malformed -W \(text): expected KEY=VALUE")
        }
        let value = String(parts[1])
        switch key {
        case "fuel": fuel = try Self.parseFuel(value, option: "-W fuel")
        case "timeout": timeout = try Self.parseDuration(value, option: "-W timeout")
        case "max-memory-size": maxMemorySize = try Self.parseSize(value, option: "-W max-memory-size")
        case "max-table-elements": maxTableElements = try Self.parseCount(value, option: "-W max-table-elements")
        case "max-call-depth": maxCallDepth = try Self.parseCallDepth(value, option: "-W max-call-depth")
        case "max-code-size": maxCodeSize = try Self.parseSize(value, option: "-W max-code-size")
        default:
            throw CLIFailure.error(
                "unsupported -W option '\(key)' (supported: fuel, timeout, max-memory-size, max-table-elements, max-call-depth, max-code-size, and FEATURE=y|n for \(WasmFeatures.all.names.joined(separator: ", ")))")
        }
    }

    static func parseFuel(_ text: String, option: String) throws -> UInt64 {
        guard let value = UInt64(text.removingUnderscores) else {
            throw CLIFailure.error("invalid \(option) '\(text)': expected a whole number of fuel units (0 to \(UInt64.max))")
        }
        return value
    }

    /// `2s`, `500ms`, `1.5m`, `1h`, `250us`, or plain seconds (`2`, `0.5`), as wasmtime's
    /// humantime durations read them (plus plain seconds).
    static func parseDuration(_ text: String, option: String) throws -> Double {
        let trimmed = text.trimmingSpaces
        let units: [(String, Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("hours", 3600), ("hour", 3600),
            ("sec", 1), ("s", 1), ("min", 60), ("m", 60), ("h", 3600),
        ]
        var number = Substring(trimmed)
        var scale = 1.0
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            number = Substring(number.dropLast(suffix.count).trimmingSpaces)
            scale = factor
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value.isFinite
        else {
            throw CLIFailure.error("invalid \(option) '\(text)': expected a duration such as 2s, 500ms, 1m or plain seconds")
        }
        return value * scale
    }

    /// Bytes, optionally with a binary suffix: `65536`, `64KiB`, `16MiB`, `1GiB` (also K, M, G).
    static func parseSize(_ text: String, option: String) throws -> Int {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
                                      ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30)]
        var number = Substring(text.removingUnderscores)
        var scale = 1
        for (suffix, factor) in units where number.hasSuffix(suffix) {
            number = number.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Int(number), value >= 0 else {
            throw CLIFailure.error("invalid \(option) '\(text)': expected a size in bytes such as 1048576 or 16MiB")
        }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw CLIFailure.error("invalid \(option) '\(text)': too large") }
        return bytes
    }

    static func parseCount(_ text: String, option: String) throws -> Int {
        guard let value = Int(text.removingUnderscores), value >= 0 else {
            throw CLIFailure.error("invalid \(option) '\(text)': expected a whole number")
        }
        return value
    }

    /// The engine reserves its call records and value stack for the whole limit up front (and
    /// the guest's thread its machine stack), so a limit is kept to what memory can hold.
    static let deepestCallDepth = 100_000_000

    static func parseCallDepth(_ text: String, option: String) throws -> Int {
        guard let value = Int(text.removingUnderscores), value >= 1 else {
            throw CLIFailure.error("invalid \(option) '\(text)': expected a call depth of at least 1")
        }
        guard value <= deepestCallDepth else {
            throw CLIFailure.error("invalid \(option) '\(text)': at most \(deepestCallDepth)")
        }
        return value
    }
}

/// Interrupts a store's guest when a deadline passes, from its own thread, unless cancelled
/// first. The guest traps with "interrupted" at its next function entry or loop header.
final class Watchdog: @unchecked Sendable {
    private let condition = HostCondition()
    private var cancelled = false

    init(seconds: Double, handle: InterruptHandle) {
        // Clamped so that an enormous timeout (`1e300s`) cannot overflow the deadline.
        let nanoseconds = Int(Swift.min(Swift.max(seconds, 0), 1e9) * 1e9)
        var deadline = conditionClockNow()
        let total = deadline.tv_nsec + nanoseconds % 1_000_000_000
        deadline.tv_sec += nanoseconds / 1_000_000_000 + total / 1_000_000_000
        deadline.tv_nsec = total % 1_000_000_000
        startThread { [self] in
            condition.lock()
            var timedOut = false
            while !cancelled && !timedOut {
                timedOut = !condition.wait(until: deadline)
            }
            let fire = !cancelled
            condition.unlock()
            if fire { handle.interrupt() }
        }
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
