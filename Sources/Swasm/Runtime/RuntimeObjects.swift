// Internal runtime objects shared by the runtime (instantiation, public API) and the
// interpreter. Values everywhere are untyped 64-bit slots; the validator guarantees types.
//
// Reference encoding in a slot (tables, globals, locals, operands):
//   0                      null (of any heap type)
//   funcref   non-null     FunctionAddress.rawValue + 1   (index into Store.functions)
//   exnref    non-null     index into Store.exceptions + 1
//   any and extern         tagged: i31, host value or heap object (GCHeap.swift)
// Nothing outside these files and the interpreter depends on the encoding.

enum RefEncoding {
    @inline(__always) static func function(_ a: FunctionAddress) -> UInt64 { UInt64(a.rawValue) &+ 1 }
    static let null: UInt64 = 0
}

/// A linear memory. `base`/`byteCount` are read by the interpreter's bounds checks;
/// `grow` refreshes them.
final class MemoryInstance {
    // Unchecked: the interpreter reloads both after every host call, and a dynamic
    // exclusivity check per read would cost more than the rest of an empty call.
    @exclusivity(unchecked) var base: UnsafeMutableRawPointer
    @exclusivity(unchecked) var byteCount: Int
    var type: MemoryType
    /// Who owns `base`; memories allocated by the runtime release it on deinit.
    var storage: MemoryStorage = .borrowed
    /// Most pages `grow` may reach: the address type's limit capped by the engine's setting.
    var pageLimit: UInt64 = 65_536
    /// The owning store's record of refused growth (nil for memories made outside a store).
    var limitCounters: LimitCounters?
    /// A shared memory's waiters and growth lock (SharedMemory.swift); nil when unshared.
    let shared: SharedMemoryState?
    /// Whether the memory lies in a reservation with guard regions (GuardRegions.swift), so
    /// that machine code may leave its bounds to the hardware.
    var isGuarded = false
    init(type: MemoryType, base: UnsafeMutableRawPointer, byteCount: Int) {
        self.type = type
        self.base = base
        self.byteCount = byteCount
        shared = type.limits.shared ? SharedMemoryState() : nil
    }
    deinit { releaseStorage() }
}

/// A table of references (encoded as above).
final class TableInstance {
    @exclusivity(unchecked) var elements: [UInt64]
    var type: TableType
    /// Most elements `grow` may reach: the index type's limit capped by the engine's setting.
    var elementLimit: UInt64 = 10_000_000
    /// The owning store's record of refused growth (nil for tables made outside a store).
    var limitCounters: LimitCounters?
    init(type: TableType, elements: [UInt64]) {
        self.type = type
        self.elements = elements
    }
}

/// A global variable; `v128` uses both words.
final class GlobalInstance {
    /// The value's (low) word, kept outside the object so that native code can address it.
    let cell: UnsafeMutablePointer<UInt64>
    var value: UInt64 {
        @inline(__always) get { cell.pointee }
        @inline(__always) set { cell.pointee = newValue }
    }
    var high: UInt64 = 0
    let type: GlobalType
    init(type: GlobalType, value: UInt64) {
        self.type = type
        cell = .allocate(capacity: 1)
        cell.initialize(to: value)
    }
    deinit { cell.deallocate() }
}

/// A function: Wasm code of an instance, or a host closure.
final class FunctionInstance {
    enum Kind {
        /// `definedIndex` indexes the module's `code`/`functions` (not the function index space).
        case wasm(instance: InstanceState, definedIndex: Int)
        case host((Caller, [Value]) throws -> [Value])
    }
    let type: FuncType
    /// Engine-wide canonical id of `type`: equal ids ⇔ equal types (fast call_indirect check).
    let typeID: Int
    let kind: Kind
    /// Index in the owning `Store.functions`; set when the store registers the function.
    /// Read by every call through an import (unchecked for the same reason as `MemoryInstance.base`).
    @exclusivity(unchecked) var address = FunctionAddress(rawValue: -1)
    /// For host functions whose types are all numbers (typed closures, slot bodies): the body
    /// over the caller's slots, arguments in `slots[0...]` and results written there, with
    /// results already valid for their types. The interpreter may call it instead of `kind`'s
    /// `[Value]` closure to avoid boxing; both behave the same.
    /// Set once, as the function is created and before any code can call it: the interpreter
    /// caches it unretained (`ResolvedFunction.host`).
    var slotBody: HostSlotFunction?
    init(type: FuncType, typeID: Int, kind: Kind) {
        self.type = type
        self.typeID = typeID
        self.kind = kind
    }
}

/// The runtime state of an instance: its index spaces resolved to store objects.
final class InstanceState {
    let module: Module
    @exclusivity(unchecked) var functions: [FunctionInstance] = []
    @exclusivity(unchecked) var memories: [MemoryInstance] = []
    @exclusivity(unchecked) var tables: [TableInstance] = []
    @exclusivity(unchecked) var globals: [GlobalInstance] = []
    /// The tag index space (exception handling), imports first.
    var tags: [TagInstance] = []
    /// Element segments' references; a dropped segment is empty.
    var elementSegments: [[UInt64]] = []
    /// Data segments' byte ranges in `module.sections.bytes`; a dropped segment is empty.
    var dataSegments: [Range<Int>] = []
    /// Canonical type ids of the module's type section, for call_indirect.
    var typeIDs: [Int] = []
    /// Object layouts of the module's struct and array types, filled in on first use
    /// (`gcLayout`).
    /// Unmanaged: the engine's type registry keeps layouts for its lifetime.
    @exclusivity(unchecked) var gcLayouts: [Unmanaged<GCLayout>?] = []
    /// The public handle, for `Caller.instance`; weak because the handle owns nothing extra.
    weak var handle: Instance?
    /// The store it lives in, for what rare paths need of it (a blocked `memory.atomic.wait`
    /// watches the store's interrupt handle).
    weak var store: Store?
    /// The same store, unmanaged, for the interpreter's out-of-line paths: an instance runs
    /// only while its store does, and a strong or weak reference would cost reference counting
    /// there (a store's counts are slow ones: weak references point at it).
    var owner: Unmanaged<Store>?
    /// The store's GC heap, unmanaged for the same reason.
    var heap: Unmanaged<GCHeap>?
    /// The memory exported as "memory", once a host function has asked (`Caller.memory`).
    var memoryExport: MemoryLookup = .notLookedUp
    /// The globals' cells in index order, for native code (built on its first entry).
    @exclusivity(unchecked) var nativeGlobalCells: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>?
    /// What the interpreter caches about this instance (`InstanceContext`), built when code
    /// first runs in it (after instantiation has filled in its memories and tables, which
    /// never change after), so that entering the instance again costs a copy and a reload
    /// of memory 0's size instead of a lock and reference counting.
    @exclusivity(unchecked) var interpreterContext: InstanceContext?
    /// False when the module's machine code relies on guard regions and memory 0 has none (its
    /// reservation was refused, or it came from elsewhere): the instance then runs interpreted.
    var runsMachineCode = true
    init(module: Module) { self.module = module }
    deinit { nativeGlobalCells?.deallocate() }
}

/// A host function body over 64-bit slots (see `FunctionInstance.slotBody`).
typealias HostSlotBody = (Caller, UnsafeMutablePointer<UInt64>) throws -> Void

/// A slot body in an object of its own, so that the interpreter can keep it unretained and
/// call it in place: copying a closure out of a `var` costs a retain and a release.
final class HostSlotFunction {
    let body: HostSlotBody
    init(_ body: @escaping HostSlotBody) { self.body = body }
}

/// A cached export lookup: not done yet, or its outcome.
enum MemoryLookup {
    case notLookedUp
    case found(MemoryInstance?)
}
