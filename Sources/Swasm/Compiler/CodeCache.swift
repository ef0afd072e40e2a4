/// The compiled code of one module, shared by all its instances: each function body is
/// validated and translated on first use (or all at once by `compileAll`) and kept.
///
/// `entries` is what the interpreter reads on a `call`: the compiled function's header
/// pointer by defined index, nil until translated. It holds no instance pointers, so every
/// instance of the module runs the same code.
final class CodeCache {
    let sections: ModuleSections
    let context: FunctionValidationContext
    /// Emit `checkpoint` at function entries and loop headers (fuel, interruption).
    let emitCheckpoints: Bool

    /// Compiled header pointers by defined index (nil: not translated yet).
    let entries: UnsafeMutablePointer<UnsafePointer<UInt64>?>
    private var compiled: [CompiledFunction?]

    init(sections: ModuleSections, configuration: EngineConfiguration = EngineConfiguration()) {
        self.sections = sections
        context = FunctionValidationContext(module: sections)
        emitCheckpoints = configuration.consumeFuel || configuration.interruptible
        let count = sections.code.count
        entries = .allocate(capacity: Swift.max(count, 1))
        entries.initialize(repeating: nil, count: Swift.max(count, 1))
        compiled = Array(repeating: nil, count: count)
    }

    /// The module's engine-wide type ids, copied once into memory the interpreter can index
    /// without Swift array checks.
    private var typeIDTable: UnsafeMutablePointer<Int>?

    deinit {
        entries.deallocate()
        typeIDTable?.deallocate()
    }

    /// `typeIDs` (the module's canonical type ids) as a stable buffer.
    func canonicalTypeIDs(_ typeIDs: [Int]) -> UnsafePointer<Int> {
        if let table = typeIDTable { return UnsafePointer(table) }
        let table = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(typeIDs.count, 1))
        table.initialize(repeating: -2, count: Swift.max(typeIDs.count, 1))
        for (i, id) in typeIDs.enumerated() { table[i] = id }
        typeIDTable = table
        return UnsafePointer(table)
    }

    /// Number of functions defined by the module.
    var count: Int { compiled.count }

    /// The compiled code of defined function `definedIndex`, validating and translating it on
    /// first use. Throws `SwasmError.invalid` (naming the function and offset) or `.malformed`.
    func function(_ definedIndex: Int) throws -> CompiledFunction {
        // Single-threaded for now: when modules are shared across threads, a lock goes around
        // this check-translate-publish sequence (translation outside it, publish under it).
        guard definedIndex >= 0, definedIndex < compiled.count else {
            throw SwasmError.invalid("unknown function", function: UInt32(truncatingIfNeeded: context.importedFunctionCount + definedIndex), offset: nil)
        }
        if let function = compiled[definedIndex] { return function }
        let function = try translate(definedIndex)
        compiled[definedIndex] = function
        entries[definedIndex] = UnsafePointer(function.header)
        return function
    }

    /// Validates and translates every function now (eager mode, `swasm validate`).
    func compileAll() throws {
        for index in 0..<compiled.count { _ = try function(index) }
    }

    private func translate(_ definedIndex: Int) throws -> CompiledFunction {
        do {
            var translator = try Translator(sections: sections, context: context, definedIndex: definedIndex,
                                            emitCheckpoints: emitCheckpoints)
            return try translator.translate()
        } catch SwasmError.invalid(let message, let function, let offset) {
            // Name the function as the name section does, when it does.
            if let function, let name = sections.names.functionNames[function] {
                throw SwasmError.invalid("\(message) (function \(name))", function: function, offset: offset)
            }
            throw SwasmError.invalid(message, function: function, offset: offset)
        }
    }
}
