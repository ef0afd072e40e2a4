import Swasm

/// The configurations compared: everything interpreted; every function the native tier can
/// compile compiled at its first call; and functions compiled once they have run a few
/// entries or loop iterations in the interpreter, which enters machine code in the middle of
/// a running loop (the loop entry stubs). All other settings are equal and bounded, so a
/// module that grows memory or tables or allocates without end fails the same way on each.
public enum Tier: Hashable, Sendable, CustomStringConvertible {
    case interpreter
    case native
    case warmingUp(threshold: Int)

    public var configuration: EngineConfiguration {
        var configuration = EngineConfiguration()
        switch self {
        case .interpreter:
            configuration.nativeCode = false
        case .native:
            configuration.nativeCodeThreshold = 0
        case .warmingUp(let threshold):
            configuration.nativeCodeThreshold = threshold
        }
        return configuration
    }

    public var description: String {
        switch self {
        case .interpreter: return "interpreter"
        case .native: return "native"
        case .warmingUp(let threshold): return "native after \(threshold)"
        }
    }

    /// The warming-up tier for `seed`: thresholds from one entry or iteration (compiled
    /// during the first loop) to a hundred (compiled in a later call, or never).
    static func warmingUp(seed: UInt64) -> Tier {
        var random = FuzzRandom(seed: seed ^ 0x5741_524D_0000_0000)
        return .warmingUp(threshold: random.pick([1, 2, 5, 20, 100]))
    }

    static let storeLimits = StoreLimits(memorySize: 16 << 20, tableElements: 100_000, gcHeapSize: 64 << 20)
}

/// What one module did on one tier, as lines of text: instantiation, then each call with its
/// arguments and outcome, then the exported state. Two tiers agree when their transcripts are
/// equal. Values are written as bit patterns, except that every NaN is written as `nan`
/// (the spec lets an operation return any NaN; what reaches memory is canonical already,
/// see ``SmithGenerator/fixedOptions``).
public struct Transcript: Equatable, Sendable {
    public var lines: [String] = []
    /// Whether the module validated (every function body included).
    public var accepted = false
    /// Calls made, and how many of them trapped.
    public var calls = 0
    public var traps = 0

    mutating func record(_ line: String) { lines.append(line) }
}

public enum Verdict: Equatable, Sendable {
    /// Every tier did the same.
    case agree
    /// Swasm refused the module (every tier alike): smith only makes valid modules, so this
    /// is a validator or decoder disagreement with wasm-tools, counted apart from divergences.
    case rejected(String)
    /// A tier differs from the interpreter; the first line where their transcripts do.
    case divergence(tier: String, interpreter: String, other: String)
}

public struct Comparison: Sendable {
    public var verdict: Verdict
    /// The interpreter's transcript first, then each native configuration's.
    public var transcripts: [(tier: Tier, transcript: Transcript)]

    public var interpreter: Transcript { transcripts[0].transcript }
}

/// Runs `module` on every tier and compares the transcripts with the interpreter's. `seed`
/// chooses the arguments and the warming-up tier's threshold. `inspectNative` sees the
/// native tier's module after its calls (tests count what the tier compiled).
public func compareTiers(module: [UInt8], seed: UInt64, inspectNative: ((Module) -> Void)? = nil) -> Comparison {
    let interpreter = TierRunner(tier: .interpreter, module: module, seed: seed).run()
    var transcripts: [(tier: Tier, transcript: Transcript)] = [(.interpreter, interpreter)]
    var verdict = interpreter.accepted ? Verdict.agree : .rejected(interpreter.lines.first ?? "")
    for tier in [Tier.native, .warmingUp(seed: seed)] {
        let other = TierRunner(tier: tier, module: module, seed: seed, inspect: tier == .native ? inspectNative : nil).run()
        transcripts.append((tier, other))
        if case .divergence = verdict { continue }
        if let difference = firstDifference(interpreter.lines, other.lines) {
            verdict = .divergence(tier: tier.description, interpreter: difference.0, other: difference.1)
        }
    }
    return Comparison(verdict: verdict, transcripts: transcripts)
}

private func firstDifference(_ a: [String], _ b: [String]) -> (String, String)? {
    for index in 0..<max(a.count, b.count) {
        let left = index < a.count ? a[index] : "(end)"
        let right = index < b.count ? b[index] : "(end)"
        if left != right { return (left, right) }
    }
    return nil
}

struct TierRunner {
    let tier: Tier
    let module: [UInt8]
    let seed: UInt64
    var inspect: ((Module) -> Void)? = nil

    /// A third of the seeds also meter the store's fuel (and make the engine interruptible,
    /// with no interrupt: the checks must change nothing): each call starts with a budget
    /// drawn from the seed, often too small to finish, and the fuel left after it is part of
    /// the transcript, so the tiers must charge the same fuel and run out at the same point.
    static func metersFuel(seed: UInt64) -> Bool { seed % 3 == 2 }
    static let fuelBudgets: [UInt64] = [0, 1, 7, 50, 300, 2_000, 20_000, 1_000_000]

    func run() -> Transcript {
        var transcript = Transcript()
        var compiledModule: Module?
        defer { if let compiledModule { inspect?(compiledModule) } }
        var configuration = tier.configuration
        let metered = TierRunner.metersFuel(seed: seed)
        if metered {
            configuration.consumeFuel = true
            configuration.interruptible = true
        }
        let engine = Engine(configuration: configuration)
        let compiled: Module
        do {
            compiled = try Module(engine: engine, bytes: module)
            // Lazy compilation would report an invalid body at its first call, in the middle
            // of the transcript; validating first keeps rejection a property of the module.
            try compiled.validateAllFunctions()
        } catch {
            transcript.record("rejected: \(error)")
            return transcript
        }
        transcript.accepted = true
        compiledModule = compiled
        let store = Store(engine: engine, limits: Tier.storeLimits)
        let host = HostImports()
        let linker = Linker()
        host.define(in: linker, store: store)
        let instance: Instance
        do {
            instance = try linker.instantiate(store: store, module: compiled)
            transcript.record("instantiated")
        } catch {
            transcript.record("instantiation failed: \(describe(error))")
            return transcript
        }
        let fuel = instance.global(SmithGenerator.fuelExportName)
        var random = FuzzRandom(seed: seed ^ 0x4152_4753_0000_0000)
        var budgets = FuzzRandom(seed: seed ^ 0x4655_454C_0000_0000)
        for (name, value) in instance.exports {
            guard case .function(let function) = value else { continue }
            let params = function.type.params
            let argumentSets = params.isEmpty ? 2 : 3
            for set in 0..<argumentSets {
                guard let arguments = Arguments.values(for: params, zeros: set == 0, random: &random) else {
                    transcript.record("call \(quoted(name)): skipped, a parameter needs a non-null reference")
                    break
                }
                if let fuel { try? fuel.set(.i32(SmithGenerator.fuel)) }
                if metered { try? store.setFuel(budgets.pick(TierRunner.fuelBudgets)) }
                transcript.calls += 1
                var line = "call \(quoted(name))(\(arguments.map(describe).joined(separator: ", "))) -> "
                do {
                    line += try function.call(arguments).map(describe).joined(separator: ", ")
                } catch {
                    transcript.traps += 1
                    line += describe(error)
                }
                if metered { line += "; fuel left \(store.fuel)" }
                transcript.record(line)
            }
        }
        if host.calls > 0 { transcript.record("host: \(host.calls) calls, hash \(hex(host.hash.value))") }
        for (name, value) in instance.exports where name != SmithGenerator.fuelExportName {
            switch value {
            case .memory(let memory):
                let hash = memory.withUnsafeMutableBytes { StateHash.bytes(UnsafeRawBufferPointer($0)) }
                transcript.record("memory \(quoted(name)): \(memory.pageCount) pages, hash \(hex(hash))")
            case .global(let global):
                transcript.record("global \(quoted(name)) = \(describe(global.value))")
            case .table(let table):
                var hash = StateHash()
                for index in 0..<table.size {
                    hash.add((try? table.get(index)).map { describe(Value.ref($0)) } ?? "?")
                }
                transcript.record("table \(quoted(name)): \(table.size) elements, hash \(hex(hash.value))")
            case .function, .tag:
                continue
            }
        }
        return transcript
    }
}

/// Arguments by parameter type: zeros first, then values drawn from each type's edge cases
/// (and random bits), the same draws on both tiers.
enum Arguments {
    static func values(for params: [ValueType], zeros: Bool, random: inout FuzzRandom) -> [Value]? {
        var values: [Value] = []
        for type in params {
            guard let value = zeros ? zero(type) : draw(type, &random) else { return nil }
            values.append(value)
        }
        return values
    }

    static func zero(_ type: ValueType) -> Value? {
        guard case .ref(let reference) = type, !reference.nullable else { return .zero(of: type) }
        return nonNull(reference.heapType, 0)
    }

    static let interestingI32: [UInt32] = [0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 63, 64, 255, 256, 0x7FFF, 0x8000,
                                            0xFFFF, 0x1_0000, 0xF_FFF0, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
                                            0xFFFF_FFFE, 0xFFFF_FF80]
    static let interestingI64: [UInt64] = [0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, UInt64.max, 0xFFFF_FFFF_0000_0000,
                                            0x1_0000_0000, 0x1_0000_0001]
    static let interestingF32: [Float] = [0, -0.0, 1, -1, 0.5, -1.5, 2.5, 3.5, .infinity, -.infinity, .nan,
                                          .greatestFiniteMagnitude, .leastNonzeroMagnitude, 2_147_483_648,
                                          -2_147_483_904, 4_294_967_296, 9.223372e18]
    static let interestingF64: [Double] = [0, -0.0, 1, -1, 0.5, -1.5, 2.5, 3.5, .infinity, -.infinity, .nan,
                                           .greatestFiniteMagnitude, .leastNonzeroMagnitude, 2_147_483_648,
                                           -2_147_483_649, 4_294_967_296, 9.223372036854775807e18, 1e300]

    static func draw(_ type: ValueType, _ random: inout FuzzRandom) -> Value? {
        switch type {
        case .i32:
            return .i32(random.oneIn(4) ? UInt32(truncatingIfNeeded: random.next()) : random.pick(interestingI32))
        case .i64:
            switch random.below(4) {
            case 0: return .i64(random.next())
            case 1: return .i64(random.pick(interestingI64))
            default: return .i64(UInt64(bitPattern: Int64(Int32(bitPattern: random.pick(interestingI32)))))
            }
        case .f32:
            return .f32(random.oneIn(4) ? UInt32(truncatingIfNeeded: random.next()) : random.pick(interestingF32).bitPattern)
        case .f64:
            return .f64(random.oneIn(4) ? random.next() : random.pick(interestingF64).bitPattern)
        case .v128:
            return random.oneIn(3) ? .v128(0, 0) : .v128(random.next(), random.next())
        case .ref(let reference):
            if reference.nullable, random.oneIn(2) { return .ref(.null(reference.heapType)) }
            return nonNull(reference.heapType, UInt32(random.below(1 << 20)))
                ?? (reference.nullable ? .ref(.null(reference.heapType)) : nil)
        }
    }

    /// A non-null value of a heap type the host can make without the module's help.
    static func nonNull(_ heapType: HeapType, _ payload: UInt32) -> Value? {
        switch heapType {
        case .extern: return .ref(.extern(UInt64(payload)))
        case .any, .eq, .i31: return .ref(.i31(payload & 0x7FFF_FFFF))
        default: return nil
        }
    }
}

/// FNV-1a, 64 bits: enough to tell two final states apart, and stable across processes
/// (Swift's `Hasher` is seeded per process).
struct StateHash {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    mutating func add(_ text: String) {
        for byte in text.utf8 { add(byte) }
        add(0)
    }

    mutating func add(word: UInt64) {
        value = (value ^ word) &* 0x0000_0100_0000_01B3
    }

    /// Word by word, since memories of several MiB are hashed after every module.
    static func bytes(_ buffer: UnsafeRawBufferPointer) -> UInt64 {
        var hash = StateHash()
        let words = buffer.count / 8
        for index in 0..<words {
            hash.add(word: buffer.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        for byte in buffer[(words * 8)...] { hash.add(byte) }
        return hash.value
    }
}

func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

func quoted(_ name: String) -> String { "\"\(name)\"" }

/// A value as the transcript writes it: numbers as bit patterns, any NaN as `nan`, and
/// references by what the host can see of them (a function's store address, an object's kind
/// and type, an exception's values).
func describe(_ value: Value) -> String {
    switch value {
    case .i32(let bits): return "i32:\(hex(UInt64(bits)))"
    case .i64(let bits): return "i64:\(hex(bits))"
    case .f32(let bits): return Float(bitPattern: bits).isNaN ? "f32:nan" : "f32:\(hex(UInt64(bits)))"
    case .f64(let bits): return Double(bitPattern: bits).isNaN ? "f64:nan" : "f64:\(hex(bits))"
    case .v128(let low, let high): return "v128:\(hex(high)):\(hex(low))"
    case .ref(let reference):
        switch reference {
        case .null: return "ref.null"
        case .function(let address): return "ref.func:\(address.rawValue)"
        case .extern(let payload): return "ref.extern:\(payload)"
        case .i31(let bits): return "ref.i31:\(hex(UInt64(bits)))"
        case .object(let object): return "ref.\(object.description)"
        case .exception(let exception): return "ref.exn[\(exception.values.map(describe).joined(separator: ", "))]"
        }
    }
}

/// An error as the transcript writes it: a trap with its reason, its backtrace's function
/// indices and, for an uncaught exception, the exception's values.
func describe(_ error: Error) -> String {
    guard case SwasmError.trap(let trap) = error else { return "error: \(error)" }
    var text = "trap: \(trap.reason) at \(describe(backtrace: trap.backtrace.map(\.functionIndex)))"
    if let exception = trap.exception {
        text += " exception [\(exception.values.map(describe).joined(separator: ", "))]"
    }
    return text
}

/// Function indices, innermost first, with runs written once and counted: a recursion a
/// thousand calls deep is one entry, `[0, 1 x999]`.
func describe(backtrace: [UInt32]) -> String {
    var entries: [String] = []
    var index = 0
    while index < backtrace.count {
        var end = index + 1
        while end < backtrace.count, backtrace[end] == backtrace[index] { end += 1 }
        entries.append(end - index == 1 ? "\(backtrace[index])" : "\(backtrace[index]) x\(end - index)")
        index = end
    }
    return "[" + entries.joined(separator: ", ") + "]"
}
