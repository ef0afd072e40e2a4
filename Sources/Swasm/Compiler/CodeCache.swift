#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The compiled code of one module, shared by all its instances: each function body is
/// validated and translated on first use (or all at once by `compileAll`) and kept.
///
/// `entries` is what the interpreter reads on a `call`: the compiled function's header
/// pointer by defined index, nil until translated. It holds no instance pointers, so every
/// instance of the module runs the same code.
///
/// Thread safety: a module is shared by stores on different threads, so translation results
/// are published under `lock`. Translation itself runs outside it; two threads that race on
/// the same function both translate it and the first to publish wins. An entry is written
/// once, from nil to a header that is never freed before the cache, with a releasing store
/// that the interpreter's acquiring load pairs with (SharedCodeWords.swift), so a reader that
/// sees it non-nil sees a complete function. Machine code is published the same way: into
/// the function's `native` and `loopEntry` words and `nativeEntries`; it is compiled outside
/// the lock, by one thread per function (a background worker's or the guest's, see
/// `compileNative`).
final class CodeCache: @unchecked Sendable {
    private let lock = Lock()
    let sections: ModuleSections
    let context: FunctionValidationContext
    /// Emit `checkpoint` at function entries and loop headers: fuel needs them. They also check
    /// for interruption; without fuel the interpreter checks at back-edges and calls instead,
    /// which costs no dispatch (see `Interpreter.run`), and machine code at loop headers and
    /// calls. Machine code compiles checkpoints as the interpreter runs them.
    let emitCheckpoints: Bool

    /// Compiled header pointers by defined index (nil: not translated yet).
    let entries: UnsafeMutablePointer<UnsafePointer<UInt64>?>
    /// Native entry points by defined index (nil: none, or not translated yet).
    let nativeEntries: UnsafeMutablePointer<UnsafeRawPointer?>
    /// Translate functions on to native code (see Native/), kept in `nativeArena`.
    let compilesNative: Bool
    /// Machine code leaves memory 0's bounds to its guard region (GuardRegions.swift): an
    /// instance whose memory 0 has none runs interpreted.
    let guardsMemory: Bool
    /// Machine code checks for interrupts (an interruptible engine); fuel's checkpoints
    /// compile whenever the code has them.
    let checksInterrupts: Bool
    /// Machine code counts what it runs (`EngineConfiguration.collectsExecutionStatistics`).
    let countsStatistics: Bool
    /// Each function compiled to machine code is added to perf's map (PerfMap.swift).
    let writesPerfMap: Bool
    /// Functions that reach the native tier's threshold are queued for `BackgroundCompiler`'s
    /// workers instead of being compiled by the thread that runs them
    /// (`EngineConfiguration.compilesInBackground`, with a threshold above 0 and more than
    /// one core).
    let compilesInBackground: Bool
    private let nativeArena = ExecutableArena()
    /// Where each function's machine code is (under `lock`): not compiled, or compiled (see
    /// `CompiledFunction.nativeCode`), `.compiling` on some thread, or `.failed` (out of
    /// executable memory or of the budget): then it stays interpreted.
    private var nativeStates: [NativeState]
    private enum NativeState: UInt8 { case none, compiling, failed }
    private var compiled: [CompiledFunction?]
    /// A translator kept between lazy translations (under `lock`; nil while one is in use).
    private var spareTranslator: Translator?
    /// The engine's allowance for compiled code, and how much of it this module holds (under
    /// `lock`), given back when the module is freed.
    let budget: CompiledCodeBudget
    private var reservedBytes = 0

    init(sections: ModuleSections, configuration: EngineConfiguration = EngineConfiguration(),
         budget: CompiledCodeBudget? = nil) {
        self.sections = sections
        self.budget = budget ?? CompiledCodeBudget(limit: configuration.maxCompiledCodeBytes)
        var features: InstructionReader.Features = [.tailCall]
        if configuration.multipleMemories { features.insert(.multiMemory) }
        if configuration.functionReferences { features.insert(.functionReferences) }
        if configuration.features.contains(.gc) { features.insert(.gc) }
        context = FunctionValidationContext(module: sections, features: features)
        emitCheckpoints = configuration.consumeFuel
        let count = sections.code.count
        entries = .allocate(capacity: Swift.max(count, 1))
        entries.initialize(repeating: nil, count: Swift.max(count, 1))
        nativeEntries = .allocate(capacity: Swift.max(count, 1))
        nativeEntries.initialize(repeating: nil, count: Swift.max(count, 1))
        compilesNative = configuration.nativeCode && NativeTier.isAvailable
        guardsMemory = compilesNative && configuration.reservesGuardRegions
        checksInterrupts = configuration.interruptible
        countsStatistics = configuration.collectsExecutionStatistics
        writesPerfMap = configuration.writesPerfMap
        compilesInBackground = compilesNative && configuration.compilesInBackground
            && configuration.nativeCodeThreshold > 0 && BackgroundCompiler.shared.isAvailable
        compiled = Array(repeating: nil, count: count)
        nativeStates = Array(repeating: .none, count: count)
    }

    /// The module's engine-wide type ids, copied once into memory the interpreter can index
    /// without Swift array checks.
    private var typeIDTable: UnsafeMutablePointer<Int>?

    deinit {
        budget.release(reservedBytes)
        entries.deallocate()
        nativeEntries.deallocate()
        typeIDTable?.deallocate()
    }

    /// `typeIDs` (the module's canonical type ids) as a stable buffer.
    func canonicalTypeIDs(_ typeIDs: [Int]) -> UnsafePointer<Int> {
        lock.withLock {
            if let table = typeIDTable { return UnsafePointer(table) }
            let table = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(typeIDs.count, 1))
            table.initialize(repeating: -2, count: Swift.max(typeIDs.count, 1))
            for (i, id) in typeIDs.enumerated() { table[i] = id }
            typeIDTable = table
            return UnsafePointer(table)
        }
    }

    /// Number of functions defined by the module.
    var count: Int { sections.code.count }

    /// The compiled code of defined function `definedIndex`, validating and translating it on
    /// first use. Throws `SwasmError.invalid` (naming the function and offset) or `.malformed`.
    func function(_ definedIndex: Int) throws -> CompiledFunction {
        guard definedIndex >= 0, definedIndex < count else {
            throw SwasmError.invalid("unknown function", function: UInt32(truncatingIfNeeded: context.importedFunctionCount + definedIndex), offset: nil)
        }
        // Lazy translations reuse one translator's storage; a thread that finds it taken
        // (another is translating) starts a translator of its own.
        var scratch: Translator?
        if let function = lock.withLock({ () -> CompiledFunction? in
            if let function = compiled[definedIndex] { return function }
            scratch = spareTranslator.take()
            return nil
        }) {
            return function
        }
        defer {
            if let scratch { lock.withLock { spareTranslator = scratch } }
        }
        return try function(definedIndex, scratch: &scratch)
    }

    /// `function(_:)`, translating with `scratch` (and leaving it for the next call) so that a
    /// run of translations reuses one translator's storage.
    func function(_ definedIndex: Int, scratch: inout Translator?) throws -> CompiledFunction {
        guard definedIndex >= 0, definedIndex < count else {
            throw SwasmError.invalid("unknown function", function: UInt32(truncatingIfNeeded: context.importedFunctionCount + definedIndex), offset: nil)
        }
        if let function = lock.withLock({ compiled[definedIndex] }) { return function }
        let function = try translate(definedIndex, scratch: &scratch)
        let bytes = function.memoryBytes
        guard budget.reserve(bytes) else {
            throw budget.exceeded(needing: bytes, for: "function \(function.functionIndex)")
        }
        let winner = lock.withLock { () -> CompiledFunction? in
            if let winner = compiled[definedIndex] { return winner }
            compiled[definedIndex] = function
            entries.publish(UnsafePointer(function.header), at: definedIndex)
            reservedBytes += bytes
            return nil
        }
        if let winner {
            budget.release(bytes)
            return winner
        }
        return function
    }

    /// Compiles translated function `definedIndex` to machine code, if it can be and has not
    /// been: its `native` and `loopEntry` instructions then lead there.
    ///
    /// The compilation runs outside `lock` (translations of other functions go on meanwhile),
    /// on one thread per function: a thread that finds the function being compiled elsewhere
    /// waits for that result when `waits` (it returns with the code there, or none if it
    /// failed) and otherwise returns at once (a background worker, which has other work).
    @discardableResult
    func compileNative(_ definedIndex: Int, waits: Bool = true) -> Bool {
        var spins = 0
        var claimed: CompiledFunction?
        while true {
            let busy = lock.withLock { () -> Bool in
                guard definedIndex >= 0, definedIndex < count, let function = compiled[definedIndex],
                      function.hasTierChecks, function.nativeCode == nil else { return false }
                switch nativeStates[definedIndex] {
                case .failed: return false
                case .compiling: return true
                case .none:
                    nativeStates[definedIndex] = .compiling
                    claimed = function
                    return false
                }
            }
            guard busy, waits else { break }
            // Compilations take microseconds to milliseconds: yield to the compiling thread
            // a while, then sleep between looks.
            spins += 1
            if spins < 64 { sched_yield() } else { usleep(50) }
        }
        guard let function = claimed else { return false }
        let native = NativeCompiler.compile(function, definedIndex: definedIndex, into: nativeArena,
                                            budget: budget, guardedMemory: guardsMemory,
                                            checksInterrupts: checksInterrupts,
                                            countsStatistics: countsStatistics)
        return lock.withLock {
            guard let native else {
                nativeStates[definedIndex] = .failed
                return false
            }
            nativeStates[definedIndex] = .none
            reservedBytes += native.byteCount
            function.nativeCodeBytes = native.byteCount
            let words = UnsafeMutablePointer(mutating: function.entry)
            for loop in native.loopEntries {
                SharedCodeWord.publish(words + loop.index + 1, UInt64(UInt(bitPattern: loop.code)))
            }
            function.nativeSnippets = native.snippets
            SharedCodeWord.publish(words + 1, UInt64(UInt(bitPattern: native.code)))
            nativeEntries.publish(native.code, at: definedIndex)
            if writesPerfMap {
                PerfMap.shared.record(start: native.code, size: native.codeByteCount, index: function.functionIndex,
                                      name: sections.names.functionNames[function.functionIndex],
                                      module: sections.names.moduleName)
            }
            return true
        }
    }

    /// Has defined function `definedIndex` compiled to machine code by a background worker
    /// (see `compilesInBackground`); false when no worker could take it.
    func requestNative(_ definedIndex: Int) -> Bool {
        BackgroundCompiler.shared.enqueue(self, definedIndex)
    }

    /// The function index (in the module's index space) of the function whose machine code
    /// contains `pc`: the one whose code starts last at or before it.
    func nativeFunction(containing pc: UInt) -> UInt32? {
        lock.withLock {
            var best: (start: UInt, index: UInt32)?
            for function in compiled {
                guard let function, let code = function.nativeCode else { continue }
                let start = UInt(bitPattern: code)
                if start <= pc && start >= (best?.start ?? 0) { best = (start, function.functionIndex) }
            }
            return best?.index
        }
    }

    /// Validates and translates every function now (eager mode, `swasm validate`), on
    /// `threads` threads (see ParallelCompilation.swift). The error is the first function's
    /// in index order, whatever the number of threads.
    func compileAll(threads: Int = 1) throws {
        if threads > 1 && count > 1 {
            try compileAllInParallel(threads: Swift.min(threads, count))
            return
        }
        var scratch: Translator?
        for index in 0..<count { _ = try function(index, scratch: &scratch) }
    }

    private func translate(_ definedIndex: Int, scratch: inout Translator?) throws -> CompiledFunction {
        do {
            // Taken out of `scratch` while in use, so its arrays stay uniquely referenced.
            var translator: Translator
            if var reused = scratch.take() {
                try reused.restart(sections: sections, definedIndex: definedIndex)
                translator = reused
            } else {
                translator = try Translator(sections: sections, context: context, definedIndex: definedIndex,
                                            emitCheckpoints: emitCheckpoints)
            }
            limitToBudget(&translator)
            translator.emitTierChecks = compilesNative
            var function = try translator.translate()
            if compilesNative && !NativeCompiler.isEligible(function) {
                // Counting would only cost the interpreter: translate again without the checks.
                try translator.restart(sections: sections, definedIndex: definedIndex)
                limitToBudget(&translator)
                translator.emitTierChecks = false
                function = try translator.translate()
            }
            scratch = translator
            return function
        } catch SwasmError.limit(let what) {
            // As for `unsupported`: an invalid body is reported as invalid.
            try FunctionValidator.validateFunction(module: sections, context: context, definedIndex: definedIndex)
            throw SwasmError.limit(what)
        } catch SwasmError.unsupported(let what) {
            // A body the interpreter cannot run yet may still be invalid further on, and
            // invalid must win: validation alone covers more than translation does.
            try FunctionValidator.validateFunction(module: sections, context: context, definedIndex: definedIndex)
            throw SwasmError.unsupported(what)
        } catch SwasmError.invalid(let message, let function, let offset) {
            // Name the function as the name section does, when it does.
            if let function, let name = sections.names.functionNames[function] {
                throw SwasmError.invalid("\(message) (function \(name))", function: function, offset: offset)
            }
            throw SwasmError.invalid(message, function: function, offset: offset)
        }
    }

    /// Lowers the translator's code limit to what the engine's budget has left, so that a
    /// function stops translating before it allocates more than could be kept.
    private func limitToBudget(_ translator: inout Translator) {
        let remainingWords = budget.remainingBytes / 8
        if remainingWords < translator.codeWordLimit {
            translator.codeWordLimit = remainingWords
            translator.codeWordLimitReason = "more than the \(budget.remainingBytes) bytes left of the engine's "
                + "\(budget.limit) for compiled code (EngineConfiguration.maxCompiledCodeBytes)"
        }
    }
}
