/// Owns all runtime objects (instances, functions, memories, tables, globals).
/// A store is used by one thread at a time.
///
/// Functions live in `functions` for as long as the store does, even those of an instance
/// whose instantiation trapped: a table it initialised may still refer to them (the spec's
/// store never frees anything). Everything is released with the store, once no handle
/// (`Instance`, `Function`, `Memory`, `Table`, `Global`) refers to it. A host function whose
/// closure captures its own store keeps that store alive: capture it weakly, or use the
/// `Caller`'s store.
public final class Store {
    /// The engine whose modules run in this store.
    public let engine: Engine
    /// What this store may allocate; see ``StoreLimits``.
    public let limits: StoreLimits
    /// Stops this store's running guest from another thread (see ``InterruptHandle``).
    public let interruptHandle = InterruptHandle()
    /// Every function of the store; a function reference holds its index here
    /// (`FunctionAddress`), encoded in a slot as index + 1.
    var functions: [FunctionInstance] = []
    /// Exceptions an `exnref` refers to, by reference - 1 (see `exceptionReference`); nil
    /// entries were reclaimed and are listed in `freeExceptionEntries`.
    var exceptions: [ExceptionInstance?] = []
    var freeExceptionEntries: [Int] = []
    /// Registering past this many entries first reclaims those no slot refers to.
    var exceptionCollectionThreshold = 4096
    /// Every instance created in the store, including those whose instantiation trapped.
    var instances: [InstanceState] = []
    /// The interpreter's stacks, allocated on the first call into Wasm.
    lazy var execution = ExecutionState(configuration: engine.configuration, interruptHandle: interruptHandle)
    /// The structs and arrays of the GC proposal (GCHeap.swift), created on first use.
    let gcHeap: GCHeap
    /// Tables and globals the host created (not in any instance): roots of the GC heap.
    var hostTables: [TableInstance] = []
    var hostGlobals: [GlobalInstance] = []

    /// Counts against `limits`, shared with the store's memories and tables.
    let limitCounters = LimitCounters()
    /// Fuel left (see `fuel`); the interpreter draws on it when the engine consumes fuel.
    var remainingFuel: UInt64 = 0

    /// A store for `engine`'s modules whose memories, tables and instances stay within `limits`.
    public init(engine: Engine, limits: StoreLimits = StoreLimits()) {
        self.engine = engine
        self.limits = limits
        gcHeap = GCHeap(byteLimit: limits.gcHeapSize ?? StoreLimits.defaultGCHeapSize)
    }

    deinit {
        // An instance's functions refer back to it (`FunctionInstance.Kind.wasm`), a cycle
        // that would keep its memories alive forever. No handle outlives the store (they all
        // hold it), so nothing can run once it goes, and the cycle may be cut here.
        for instance in instances {
            instance.functions.removeAll()
        }
    }

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
