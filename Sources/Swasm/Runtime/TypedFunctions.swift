// The typed function API: host functions written as Swift closures over Swift numbers, and
// exports called as Swift closures. Signatures are derived from the Swift types with
// parameter packs and checked once (at definition or lookup), so calls convert numbers to
// slots and back with no per-call type checks.
//
// The generic entry points are inlinable: the embedder's module specialises them for its
// concrete types, so a call converts numbers directly instead of walking parameter-pack
// metadata at run time (which costs more than the call itself).

extension Function {
    /// Creates a host function from a Swift closure; its Wasm signature comes from the
    /// closure's parameter and result types (see ``WasmValueConvertible``).
    ///
    /// ```swift
    /// let add = Function(store: store) { (caller: Caller, a: Int32, b: Int32) -> Int32 in a &+ b }
    /// ```
    ///
    /// Return `Void` for no results and a tuple for several. Errors the closure throws
    /// propagate to whoever called into Wasm; throw `SwasmError.trap(Trap(.host("...")))` to
    /// trap the guest with a message.
    @inlinable
    public init<each P: WasmValueConvertible, each R: WasmValueConvertible>(
        store: Store, _ body: @escaping (Caller, repeat each P) throws -> (repeat each R)
    ) {
        let type = FuncType(params: wasmTypes(repeat (each P).self), results: wasmTypes(repeat (each R).self))
        self.init(store: store, type: type) { caller, arguments in
            var reader = ValueReader(arguments)
            let results = try body(caller, repeat reader.next((each P).self))
            var values: [Value] = []
            values.reserveCapacity(type.results.count)
            repeat values.append(Value(slot: (each results).wasmSlot, type: (each R).wasmType))
            return values
        }
        if type.params.allSatisfy(\.isNumber) && type.results.allSatisfy(\.isNumber) {
            setSlotBody { caller, slots in
                var reader = SlotReader(slots: slots)
                let results = try body(caller, repeat reader.next((each P).self))
                var writer = SlotWriter(slots: slots)
                repeat writer.put(each results)
            }
        }
    }

    /// Gives a host function its body over slots (see `FunctionInstance.slotBody`).
    @usableFromInline
    func setSlotBody(_ body: @escaping (Caller, UnsafeMutablePointer<UInt64>) throws -> Void) {
        instance?.slotBody = HostSlotFunction(body)
    }

    /// Creates a host function from a Swift closure that does not need its ``Caller``.
    ///
    /// ```swift
    /// let square = Function(store: store) { (x: Double) -> Double in x * x }
    /// ```
    @inlinable
    public init<each P: WasmValueConvertible, each R: WasmValueConvertible>(
        store: Store, _ body: @escaping (repeat each P) throws -> (repeat each R)
    ) {
        self.init(store: store) { (_: Caller, arguments: repeat each P) in try body(repeat each arguments) }
    }

    /// Creates a host function over raw 64-bit slots, the cheapest kind to call: no `Value`
    /// is built. `body` finds argument `i` in `slots[i]` (a `v128` takes two slots) and
    /// writes result `i` to `slots[i]`; the buffer holds as many slots as the larger of the
    /// two. An `i32` or `f32` occupies the low 32 bits of its slot (the high bits of a result
    /// are ignored). Throws `APIError` when `type` uses references, whose slot encoding is
    /// private to the engine.
    ///
    /// ```swift
    /// let add = try Function.slotFunction(store: store, type: FuncType(params: [.i64, .i64], results: [.i64])) { _, slots in
    ///     slots[0] = slots[0] &+ slots[1]
    /// }
    /// ```
    public static func slotFunction(
        store: Store, type: FuncType,
        _ body: @escaping (Caller, UnsafeMutableBufferPointer<UInt64>) throws -> Void
    ) throws -> Function {
        guard !(type.params + type.results).contains(where: { if case .ref = $0 { return true } else { return false } }) else {
            throw APIError("a slot host function cannot take or return references: \(describe(type))")
        }
        let paramSlots = type.params.reduce(0) { $0 + $1.slotCount }
        let resultSlots = type.results.reduce(0) { $0 + $1.slotCount }
        let slotCount = Swift.max(paramSlots, resultSlots)
        let results = type.results
        let slotBody: HostSlotBody = { caller, slots in
            try body(caller, UnsafeMutableBufferPointer(start: slots, count: slotCount))
            // The engine keeps 32-bit values zero-extended; a body need not know that.
            var slot = 0
            for result in results {
                if result == .i32 || result == .f32 { slots[slot] &= 0xFFFF_FFFF }
                slot += result.slotCount
            }
        }
        let function = Function(store: store, type: type) { caller, arguments in
            var slots = [UInt64](repeating: 0, count: Swift.max(slotCount, 1))
            var slot = 0
            for argument in arguments {
                slots[slot] = argument.slot
                if case .v128 = argument { slots[slot + 1] = argument.highSlot }
                slot += argument.type?.slotCount ?? 1
            }
            try slots.withUnsafeMutableBufferPointer { buffer in
                if let base = buffer.baseAddress { try slotBody(caller, base) }
            }
            var values: [Value] = []
            slot = 0
            for result in results {
                values.append(Value(slot: slots[slot], high: result == .v128 ? slots[slot + 1] : 0, type: result))
                slot += result.slotCount
            }
            return values
        }
        function.instance?.slotBody = HostSlotFunction(slotBody)
        return function
    }

    /// This function as a Swift closure over Swift types, after checking once that its Wasm
    /// signature is `params -> results`; throws `APIError` naming both signatures otherwise.
    ///
    /// ```swift
    /// let add = try function.typed(params: (Int32, Int32).self, results: Int32.self)
    /// let sum = try add(2, 3)
    /// ```
    ///
    /// Use `Void.self` for no parameters or no results, a tuple type for several. Calling the
    /// closure throws as ``call(_:)`` does (`SwasmError.trap` when the guest traps).
    @inlinable
    public func typed<each P: WasmValueConvertible, each R: WasmValueConvertible>(
        params: (repeat each P).Type, results: (repeat each R).Type
    ) throws -> (repeat each P) throws -> (repeat each R) {
        let expected = FuncType(params: wasmTypes(repeat (each P).self), results: wasmTypes(repeat (each R).self))
        let invoke = try invoker(checkedAgainst: expected)
        return { (arguments: repeat each P) in
            var values: [Value] = []
            values.reserveCapacity(expected.params.count)
            repeat values.append(Value(slot: (each arguments).wasmSlot, type: (each P).wasmType))
            var reader = ValueReader(try invoke(values))
            return (repeat reader.next((each R).self))
        }
    }

    /// Checks the function's type against `expected` once and returns what calls it with
    /// arguments of that type (checking only references, whose store matters).
    @usableFromInline
    func invoker(checkedAgainst expected: FuncType) throws -> ([Value]) throws -> [Value] {
        guard let function = instance else {
            throw APIError("function #\(address.rawValue) does not belong to this store")
        }
        guard function.type == expected else {
            throw APIError("the function has type \(describe(function.type)), not \(describe(expected))")
        }
        let store = self.store
        let argumentsNeedChecks = !expected.params.allSatisfy(\.isNumber)
        return { values in
            if argumentsNeedChecks { try checkArguments(values, for: expected, in: store) }
            return try Execution.invoke(function, arguments: values, store: store)
        }
    }

    /// This function as a Swift closure whose types come from the context:
    ///
    /// ```swift
    /// let add: (Int32, Int32) throws -> Int32 = try function.typed()
    /// ```
    @inlinable
    public func typed<each P: WasmValueConvertible, each R: WasmValueConvertible>(
    ) throws -> (repeat each P) throws -> (repeat each R) {
        try typed(params: (repeat each P).self, results: (repeat each R).self)
    }
}

extension Instance {
    /// The exported function `name` as a Swift closure, its signature checked once here.
    /// Throws `APIError` when there is no such function export or its type differs.
    ///
    /// ```swift
    /// let add = try instance.typedFunction("add", params: (Int32, Int32).self, results: Int32.self)
    /// print(try add(2, 3))
    /// ```
    @inlinable
    public func typedFunction<each P: WasmValueConvertible, each R: WasmValueConvertible>(
        _ name: String, params: (repeat each P).Type, results: (repeat each R).Type
    ) throws -> (repeat each P) throws -> (repeat each R) {
        guard let function = function(name) else {
            throw APIError("the instance exports no function named \"\(name)\"")
        }
        do {
            return try function.typed(params: (repeat each P).self, results: (repeat each R).self)
        } catch let error as APIError {
            throw APIError("export \"\(name)\": \(error.message)")
        }
    }

    /// The exported function `name` as a Swift closure whose types come from the context:
    ///
    /// ```swift
    /// let handle: (UInt32, UInt32) throws -> Int32 = try instance.typedFunction("handle")
    /// ```
    @inlinable
    public func typedFunction<each P: WasmValueConvertible, each R: WasmValueConvertible>(
        _ name: String
    ) throws -> (repeat each P) throws -> (repeat each R) {
        try typedFunction(name, params: (repeat each P).self, results: (repeat each R).self)
    }
}

extension Linker {
    /// Defines `module`.`name` as a host function written as a Swift closure; its Wasm
    /// signature comes from the closure's types (see ``WasmValueConvertible``).
    ///
    /// ```swift
    /// linker.defineFunction(store: store, module: "env", name: "log") { (caller: Caller, ptr: UInt32, len: UInt32) in
    ///     print(try caller.memory.readString(offset: ptr, length: len))
    /// }
    /// ```
    @inlinable
    public func defineFunction<each P: WasmValueConvertible, each R: WasmValueConvertible>(
        store: Store, module: String, name: String,
        _ body: @escaping (Caller, repeat each P) throws -> (repeat each R)
    ) {
        define(module: module, name: name, .function(Function(store: store, body)))
    }

    /// Defines `module`.`name` as a host function written as a Swift closure that does not
    /// need its ``Caller``.
    ///
    /// ```swift
    /// linker.defineFunction(store: store, module: "env", name: "now") { () -> Int64 in 42 }
    /// ```
    @inlinable
    public func defineFunction<each P: WasmValueConvertible, each R: WasmValueConvertible>(
        store: Store, module: String, name: String,
        _ body: @escaping (repeat each P) throws -> (repeat each R)
    ) {
        define(module: module, name: name, .function(Function(store: store, body)))
    }

    /// Defines `module`.`name` as a host function over raw slots
    /// (see ``Function/slotFunction(store:type:_:)``). Throws `APIError` for reference types.
    public func defineSlotFunction(
        store: Store, module: String, name: String, type: FuncType,
        _ body: @escaping (Caller, UnsafeMutableBufferPointer<UInt64>) throws -> Void
    ) throws {
        define(module: module, name: name, .function(try Function.slotFunction(store: store, type: type, body)))
    }
}

/// Writes consecutive typed results to slots, one slot each.
@usableFromInline
struct SlotWriter {
    @usableFromInline let slots: UnsafeMutablePointer<UInt64>
    @usableFromInline var index = 0

    @inlinable init(slots: UnsafeMutablePointer<UInt64>) { self.slots = slots }

    @inlinable mutating func put<T: WasmValueConvertible>(_ value: T) {
        // The engine keeps 32-bit values zero-extended; a custom conformance may not.
        let narrow = T.wasmType == .i32 || T.wasmType == .f32
        slots[index] = narrow ? value.wasmSlot & 0xFFFF_FFFF : value.wasmSlot
        index += 1
    }
}
