/// The host side of a call from Wasm into a host function: the store, and the instance whose
/// code made the call, whose exports (above all its memory) the host function works on.
///
/// A caller is valid during the host function's call only: keep the ``store`` or the
/// ``instance`` it gives, never the caller itself.
public struct Caller {
    // Unretained, so that making a caller for every call from Wasm costs no reference
    // counting: whoever makes one (the interpreter, `Function.call`) holds both for the call.
    private unowned(unsafe) let unretainedStore: Store
    /// The running function's instance state; nil when the host called the function directly.
    unowned(unsafe) let state: InstanceState?

    /// The store the call runs in.
    public var store: Store { unretainedStore }

    /// The caller as the interpreter knows it: the running function's instance state.
    init(store: Store, state: InstanceState?) {
        self.unretainedStore = store
        self.state = state
    }

    /// The instance whose code made the call; nil when the host called the function directly.
    /// Made on demand, so host calls that never ask cost no allocation.
    public var instance: Instance? { state.map { Instance.handle(for: $0, in: store) } }

    /// The calling instance's export `name` (WASI looks up its guest's "memory" this way);
    /// nil when there is none or the host called the function directly.
    public func export(_ name: String) -> Extern? {
        guard let state else { return nil }
        if let handle = state.handle { return handle.export(name) }
        guard let index = state.module.exportIndex[WasmName(name)] else { return nil }
        return Extern(state.module.sections.exports[index], of: state, in: store)
    }

    /// The calling instance's memory exported as "memory", the convention of C, Rust and WASI
    /// toolchains. Throws a trap naming the problem when there is no such export, so a host
    /// function can simply write `try caller.memory.readString(...)`.
    public var memory: Memory {
        get throws {
            guard let state else {
                throw SwasmError.trap(Trap(.host("a host function called directly by the host has no caller memory")))
            }
            let object: MemoryInstance?
            switch state.memoryExport {
            case .found(let cached):
                object = cached
            case .notLookedUp:
                if case .memory(let memory)? = export("memory") { object = memory.object } else { object = nil }
                state.memoryExport = .found(object)
            }
            guard let object else {
                throw SwasmError.trap(Trap(.host("the calling module does not export a memory named \"memory\"")))
            }
            return Memory(store: store, object: object)
        }
    }
}

/// A function in a store: Wasm-defined or a host function.
/// Spec: https://webassembly.github.io/spec/core/exec/runtime.html#function-instances
///
/// Call it with ``Value``s through ``call(_:)``, or check its signature once with
/// ``typed(params:results:)`` and call the returned Swift closure with Swift numbers.
public struct Function {
    /// The store the function belongs to.
    public let store: Store
    /// The function's address in its store; a `funcref` to it holds this address.
    public let address: FunctionAddress

    /// Creates a host function. The body receives arguments of the declared parameter types
    /// and must return values of the declared result types (anything else traps). Errors it
    /// throws propagate to the embedder's `call`; throwing `SwasmError.trap` traps.
    public init(store: Store, type: FuncType, body: @escaping (Caller, [Value]) throws -> [Value]) {
        self.store = store
        let function = FunctionInstance(type: type, typeID: store.engine.typeID(for: type), kind: .host(body))
        self.address = store.register(function)
    }

    init(store: Store, address: FunctionAddress) {
        self.store = store
        self.address = address
    }

    var instance: FunctionInstance? { store.function(at: address) }

    /// The function's signature; concrete heap types in it are engine-wide type ids.
    public var type: FuncType { instance?.closedType ?? FuncType(params: [], results: []) }

    /// Calls the function with `arguments` of its parameter types. Throws `APIError` when the
    /// arguments do not match, `SwasmError.trap` on a trap, and whatever a host function threw.
    public func call(_ arguments: [Value]) throws -> [Value] {
        guard let function = instance else {
            throw APIError("function #\(address.rawValue) does not belong to this store")
        }
        try checkArguments(arguments, for: function.closedType, in: store)
        if case .host(let body) = function.kind {
            // No Wasm frame is involved, so the interpreter need not be.
            return try callHost(body, type: function.type, arguments: arguments, caller: Caller(store: store, state: nil))
        }
        return try Execution.invoke(function, arguments: arguments, store: store)
    }

    /// Calls the function; variadic convenience for `call(_:)`.
    public func callAsFunction(_ arguments: Value...) throws -> [Value] {
        try call(arguments)
    }
}

/// An error in how the embedding API was used or in what it was given: arguments of the wrong
/// type, setting an immutable global, a module file that cannot be read. Wasm-level failures
/// use `SwasmError`.
public struct APIError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in a sentence that names the object involved.
    public var message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

extension FunctionInstance {
    /// The type with concrete heap types as engine-wide ids, as the API takes and gives them.
    /// A Wasm function's type uses its module's type indices; a host function's is given
    /// closed.
    var closedType: FuncType {
        guard case .wasm(let instance, _) = kind else { return type }
        func isConcrete(_ type: ValueType) -> Bool {
            if case .ref(let reference) = type, case .concrete = reference.heapType { return true }
            return false
        }
        guard type.params.contains(where: isConcrete) || type.results.contains(where: isConcrete) else { return type }
        return TypeCloser(typeIDs: instance.typeIDs)(type)
    }
}

func checkArguments(_ arguments: [Value], for type: FuncType, in store: Store) throws {
    guard arguments.count == type.params.count else {
        throw APIError("expected \(type.params.count) argument(s) for \(describe(type)), got \(arguments.count)")
    }
    for (i, (argument, param)) in zip(arguments, type.params).enumerated() where !argument.matches(param, in: store) {
        throw APIError("argument \(i) is \(describe(argument)), expected \(describe(param))")
    }
}

/// Calls a host function body and checks what it returned against its type: the engine relies
/// on result types being right, so a wrong result traps rather than corrupting a frame.
/// The interpreter uses this for calls from Wasm into the host.
func callHost(
    _ body: (Caller, [Value]) throws -> [Value], type: FuncType, arguments: [Value], caller: Caller
) throws -> [Value] {
    let results = try body(caller, arguments)
    guard results.count == type.results.count else {
        throw SwasmError.trap(Trap(.host(
            "host function returned \(results.count) value(s), its type \(describe(type)) has \(type.results.count)")))
    }
    for (i, (result, expected)) in zip(results, type.results).enumerated()
    where !result.matches(expected, in: caller.store) {
        throw SwasmError.trap(Trap(.host(
            "host function result \(i) is \(describe(result)), its type requires \(describe(expected))")))
    }
    return results
}
