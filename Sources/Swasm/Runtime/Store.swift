/// Owns all runtime objects (instances, functions, memories, tables, globals).
/// A store is used by one thread at a time.
///
/// Functions live in `functions` for as long as the store does, even those of an instance
/// whose instantiation trapped: a table it initialised may still refer to them (the spec's
/// store never frees anything). Memories, tables and globals are kept alive by the instances
/// and handles that refer to them, and a memory's pages are released with its last user.
/// A host function whose closure captures its own store keeps that store alive.
public final class Store {
    public let engine: Engine
    /// Every function of the store; a function reference holds its index here
    /// (`FunctionAddress`), encoded in a slot as index + 1.
    var functions: [FunctionInstance] = []
    /// The interpreter's stacks, allocated on the first call into Wasm.
    lazy var execution = ExecutionState(configuration: engine.configuration)

    public init(engine: Engine) { self.engine = engine }

    /// Adds `function` to the store and gives it its address.
    @discardableResult
    func register(_ function: FunctionInstance) -> FunctionAddress {
        let address = FunctionAddress(rawValue: functions.count)
        function.address = address
        functions.append(function)
        return address
    }

    /// The function at `address`, or nil when the address does not belong to this store.
    func function(at address: FunctionAddress) -> FunctionInstance? {
        guard address.rawValue >= 0, address.rawValue < functions.count else { return nil }
        return functions[address.rawValue]
    }
}
