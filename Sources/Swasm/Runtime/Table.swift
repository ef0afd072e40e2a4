/// A table in a store. Spec: https://webassembly.github.io/spec/core/exec/runtime.html#table-instances
public struct Table {
    /// The store the table belongs to.
    public let store: Store
    let object: TableInstance

    /// Creates a table of `type.limits.min` elements, each `initial`. Throws `APIError` when
    /// `initial` is not of the element type, `SwasmError.limit` when the table is too large.
    public init(store: Store, type: TableType, initial: Reference) throws {
        guard initial.matches(type.elementType, in: store) else {
            throw APIError("initial value \(describe(Value.ref(initial))) is not a \(describe(ValueType.ref(type.elementType)))")
        }
        try store.checkLimits(instances: 0, memories: [], tables: [type])
        self.store = store
        self.object = try store.allocateTable(type, fill: initial.slot)
        // The collector must see the references it holds: no instance lists it.
        store.hostTables.append(object)
    }

    init(store: Store, object: TableInstance) {
        self.store = store
        self.object = object
    }

    /// The table's type; `limits.min` is the current size.
    public var type: TableType { object.type }
    /// The current number of elements.
    public var size: Int { object.elements.count }

    /// The element at `index`; throws a trap when out of bounds.
    public func get(_ index: Int) throws -> Reference {
        guard index >= 0, index < object.elements.count else { throw SwasmError.trap(Trap(.outOfBoundsTableAccess)) }
        return Reference(slot: object.elements[index], type: object.type.elementType, store: store)
    }

    /// Sets the element at `index`; throws a trap when out of bounds and `APIError` when
    /// `value` is not of the element type.
    public func set(_ index: Int, _ value: Reference) throws {
        guard value.matches(object.type.elementType, in: store) else {
            throw APIError("\(describe(Value.ref(value))) is not a \(describe(ValueType.ref(object.type.elementType)))")
        }
        guard index >= 0, index < object.elements.count else { throw SwasmError.trap(Trap(.outOfBoundsTableAccess)) }
        object.elements[index] = value.slot
    }

    /// Grows by `count` elements set to `initial`; returns the old size, or nil when the table
    /// cannot grow (its maximum or the engine's limit).
    public func grow(by count: UInt64, initial: Reference) throws -> UInt64? {
        guard initial.matches(object.type.elementType, in: store) else {
            throw APIError("\(describe(Value.ref(initial))) is not a \(describe(ValueType.ref(object.type.elementType)))")
        }
        let old = object.grow(by: count, fill: initial.slot)
        return old < 0 ? nil : UInt64(old)
    }
}

extension TableInstance {
    /// The largest size the table's index type allows (spec limit), capped by the engine.
    /// A 64-bit table stays below 2^32 - 1 elements: its i64 operands are narrowed to u32,
    /// saturating (TranslatorMemory64.swift), and a saturated index or sum must stay out of
    /// bounds. Such a table would need 32 GiB of host memory anyway.
    static func elementLimit(for type: TableType, configuration: EngineConfiguration) -> UInt64 {
        let architectural: UInt64 = type.limits.is64 ? UInt64(UInt32.max) - 1 : UInt64(UInt32.max)
        return Swift.min(architectural, UInt64(Swift.max(configuration.maxTableElements, 0)))
    }

    static func allocate(type: TableType, fill: UInt64, configuration: EngineConfiguration) throws -> TableInstance {
        try allocate(type: type, fill: fill, elementLimit: elementLimit(for: type, configuration: configuration))
    }

    /// A table of `type.limits.min` elements holding `fill`, that may grow to `limit` elements.
    static func allocate(type: TableType, fill: UInt64, elementLimit limit: UInt64) throws -> TableInstance {
        guard type.limits.min <= limit else {
            throw SwasmError.limit("table of \(type.limits.min) elements exceeds the limit of \(limit) elements")
        }
        let table = TableInstance(type: type, elements: [UInt64](repeating: fill, count: Int(type.limits.min)))
        table.elementLimit = limit
        return table
    }

    /// `table.grow`: appends `delta` elements holding `fill` and returns the old size, or -1
    /// when the table would exceed its maximum or the engine's limit (nothing changes then).
    func grow(by delta: UInt64, fill: UInt64) -> Int64 {
        let oldSize = UInt64(elements.count)
        let (newSize, overflow) = oldSize.addingReportingOverflow(delta)
        guard newSize <= (type.limits.max ?? UInt64.max) || overflow else { return -1 }
        guard !overflow, newSize <= elementLimit else {
            limitCounters?.refusedTableGrowths += 1
            return -1
        }
        if delta > 0 {
            elements.append(contentsOf: repeatElement(fill, count: Int(delta)))
            type.limits.min = newSize
        }
        return Int64(oldSize)
    }
}
