// Per-store resource limits, after wasmtime's `StoreLimits`: how large each linear memory and
// table of a store may grow and how many instances, memories and tables it may hold. A store
// is the unit an embedder gives to one untrusted guest, so its limits bound what that guest
// can take from the host.
//
// The size limits are folded into each memory's and table's own growth limit when it is
// created (`MemoryInstance.pageLimit`, `TableInstance.elementLimit`), so `memory.grow` and
// `table.grow` pay nothing extra for them.

/// Limits on what one ``Store`` may allocate; pass them to ``Store/init(engine:limits:)``.
///
/// ```swift
/// let store = Store(engine: engine, limits: StoreLimits(memorySize: 16 << 20))
/// ```
///
/// Past `memorySize` or `tableElements`, `memory.grow` and `table.grow` return -1 (as they do
/// at a module's declared maximum) and ``Memory/grow(by:)`` returns nil; instantiating a
/// module whose initial memory or table is already larger, or that would exceed the counts,
/// throws ``SwasmError/limit(_:)`` before anything is created. Wasmtime's `StoreLimitsBuilder`
/// has the same five limits, with the same defaults.
public struct StoreLimits: Sendable, Hashable {
    /// Largest size in bytes of each linear memory; nil for no limit but the engine's
    /// (``EngineConfiguration/maxMemoryPages``). Rounded down to whole 64 KiB pages.
    public var memorySize: Int?
    /// Largest number of elements of each table; nil for no limit but the engine's
    /// (``EngineConfiguration/maxTableElements``).
    public var tableElements: Int?
    /// Most instances the store may hold, counting those whose instantiation trapped.
    public var instances: Int
    /// Most linear memories the store may hold (defined by its instances or created by the host).
    public var memories: Int
    /// Most tables the store may hold (defined by its instances or created by the host).
    public var tables: Int
    /// Most bytes the store's GC heap (structs and arrays) may hold; nil for
    /// ``defaultGCHeapSize``. An allocation that would pass it, even after a collection,
    /// traps with ``TrapReason/gcHeapExhausted``.
    public var gcHeapSize: Int?

    /// The GC heap limit of a store that sets none: 4 GiB.
    public static let defaultGCHeapSize = 4 << 30

    /// Limits with the given values; the defaults limit nothing but the counts.
    public init(memorySize: Int? = nil, tableElements: Int? = nil,
                instances: Int = 10_000, memories: Int = 10_000, tables: Int = 10_000,
                gcHeapSize: Int? = nil) {
        self.memorySize = memorySize
        self.tableElements = tableElements
        self.instances = instances
        self.memories = memories
        self.tables = tables
        self.gcHeapSize = gcHeapSize
    }
}

/// What a store's limits have refused so far, shared with its memories and tables so that
/// `grow` can record a refusal without a reference back to the store.
final class LimitCounters {
    var refusedMemoryGrowths = 0
    var refusedTableGrowths = 0
    var memories = 0
    var tables = 0
}

extension Store {
    /// How many times a memory of this store could not grow because of the store's or the
    /// engine's limit (growth refused at a module's own declared maximum is not counted).
    /// A host that sees a guest fail can tell from this that it ran into its memory limit.
    public var refusedMemoryGrowths: Int { limitCounters.refusedMemoryGrowths }

    /// How many times a table of this store could not grow because of the store's or the
    /// engine's limit.
    public var refusedTableGrowths: Int { limitCounters.refusedTableGrowths }

    /// The page limit of a new memory of `type` in this store: the address type's, capped by
    /// the engine's and the store's.
    func pageLimit(for type: MemoryType) -> UInt64 {
        let engineLimit = MemoryInstance.pageLimit(for: type, configuration: engine.configuration)
        guard let bytes = limits.memorySize else { return engineLimit }
        return Swift.min(engineLimit, UInt64(Swift.max(bytes, 0) / wasmPageSize))
    }

    /// The element limit of a new table of `type` in this store.
    func elementLimit(for type: TableType) -> UInt64 {
        let engineLimit = TableInstance.elementLimit(for: type, configuration: engine.configuration)
        guard let elements = limits.tableElements else { return engineLimit }
        return Swift.min(engineLimit, UInt64(Swift.max(elements, 0)))
    }

    /// Checks that the store may take `instances` more instances with the given memories and
    /// tables, before anything is allocated; throws `SwasmError.limit` naming the limit.
    func checkLimits(instances: Int, memories: [MemoryType], tables: [TableType]) throws {
        if instances > 0, self.instances.count + instances > limits.instances {
            throw SwasmError.limit("the store may hold at most \(limits.instances) instance(s)")
        }
        if !memories.isEmpty, limitCounters.memories + memories.count > limits.memories {
            throw SwasmError.limit("the store may hold at most \(limits.memories) memories")
        }
        if !tables.isEmpty, limitCounters.tables + tables.count > limits.tables {
            throw SwasmError.limit("the store may hold at most \(limits.tables) table(s)")
        }
        for (i, memory) in memories.enumerated() where memory.limits.min > pageLimit(for: memory) {
            let bytes = memory.limits.min.multipliedReportingOverflow(by: UInt64(wasmPageSize))
            let size = bytes.overflow ? "\(memory.limits.min) pages" : "\(memory.limits.min) pages (\(bytes.partialValue) bytes)"
            if let limit = limits.memorySize, UInt64(Swift.max(limit, 0) / wasmPageSize) < memory.limits.min {
                throw SwasmError.limit("memory \(i) needs \(size), more than the store's limit of \(limit) bytes")
            }
            throw SwasmError.limit("memory \(i) needs \(size), more than the engine's limit of \(pageLimit(for: memory)) pages")
        }
        for (i, table) in tables.enumerated() where table.limits.min > elementLimit(for: table) {
            if let limit = limits.tableElements, UInt64(Swift.max(limit, 0)) < table.limits.min {
                throw SwasmError.limit("table \(i) needs \(table.limits.min) elements, more than the store's limit of \(limit)")
            }
            throw SwasmError.limit("table \(i) needs \(table.limits.min) elements, more than the engine's limit of \(elementLimit(for: table))")
        }
    }

    /// A new memory of `type` under this store's limits (counted against them).
    func allocateMemory(_ type: MemoryType) throws -> MemoryInstance {
        let memory = try MemoryInstance.allocate(type: type, pageLimit: pageLimit(for: type),
                                                 guarded: engine.configuration.reservesGuardRegions)
        memory.limitCounters = limitCounters
        limitCounters.memories += 1
        return memory
    }

    /// A new table of `type` filled with `fill`, under this store's limits.
    func allocateTable(_ type: TableType, fill: UInt64) throws -> TableInstance {
        let table = try TableInstance.allocate(type: type, fill: fill, elementLimit: elementLimit(for: type))
        table.limitCounters = limitCounters
        limitCounters.tables += 1
        return table
    }
}
