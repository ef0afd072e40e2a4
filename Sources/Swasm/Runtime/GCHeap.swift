// The garbage-collected heap of a store: the structs and arrays of the GC proposal, i31
// references, and the collector that frees what nothing can reach.
//
// References of the `any` and `extern` hierarchies share one slot encoding, so that
// `any.convert_extern` and `extern.convert_any` cost nothing and a value converted there and
// back is the same value:
//   0                   null
//   ...xxxx1            an i31: the 31-bit value in bits 1...31
//   ...xxx10            a host value (`ref.extern n`, or `ref.host n` once internalised): n << 2
//   ...xxx00, not 0     a heap object: its address (allocations are 16-byte aligned)
// Function references (func hierarchy) and exception references keep their own encodings
// (RuntimeObjects.swift); no instruction converts them into the hierarchies above.
//
// An object is one allocation: a 16-byte header, then its fields or elements at their natural
// sizes (packed i8/i16 as 1 and 2 bytes, references as 8), struct fields in declaration order,
// each aligned to its size.
//   +0   the type's `GCLayout`, unretained (the engine's type registry keeps layouts forever)
//   +8   UInt32 element count (arrays; 0 for structs)
//   +12  UInt32 the collector's mark
//
// The collector is a non-moving mark-and-sweep run when the bytes allocated since the last
// collection pass a threshold (the larger of 1 MiB and the bytes that survived it), so a loop
// that allocates garbage runs in memory proportional to what it keeps. Roots are the live part
// of the value stack, every instance's globals, tables and element segments, the tables and
// globals the host created, the values of registered exceptions, and the references the host
// holds (`GCObject` handles). Slots carry no types, so a stack word that equals an object's
// address keeps that object alive (conservative: an integer may retain garbage, a live object
// is never freed); fields are traced precisely by their layout.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension RefEncoding {
    @inline(__always) static func i31(_ value: UInt32) -> UInt64 { UInt64(value & 0x7FFF_FFFF) << 1 | 1 }
    @inline(__always) static func isI31(_ slot: UInt64) -> Bool { slot & 1 != 0 }
    /// The i31's value as an i32, sign- or zero-extended from 31 bits.
    @inline(__always) static func i31Value(_ slot: UInt64, signed: Bool) -> UInt32 {
        let bits = UInt32(truncatingIfNeeded: slot >> 1) & 0x7FFF_FFFF
        return signed ? UInt32(bitPattern: Int32(bitPattern: bits << 1) >> 1) : bits
    }
    /// Host payloads must be below 2^62 to fit (``Reference/extern(_:)`` checks).
    @inline(__always) static func extern(_ payload: UInt64) -> UInt64 { payload << 2 | 2 }
    @inline(__always) static func isHost(_ slot: UInt64) -> Bool { slot & 3 == 2 }
    @inline(__always) static func hostPayload(_ slot: UInt64) -> UInt64 { slot >> 2 }
    @inline(__always) static func isObject(_ slot: UInt64) -> Bool { slot != 0 && slot & 3 == 0 }
    /// The largest host payload a slot can carry.
    static let maxHostPayload: UInt64 = (1 << 62) - 1
}

/// How a field or element is stored: its size, and whether it is a reference to trace.
enum GCStorage: UInt8 {
    case i8, i16, i32, i64, v128, reference

    init(_ storage: StorageType) {
        switch storage {
        case .i8: self = .i8
        case .i16: self = .i16
        case .value(.i32), .value(.f32): self = .i32
        case .value(.i64), .value(.f64): self = .i64
        case .value(.v128): self = .v128
        case .value(.ref): self = .reference
        }
    }

    var size: Int {
        switch self {
        case .i8: return 1
        case .i16: return 2
        case .i32: return 4
        case .i64, .reference: return 8
        case .v128: return 16
        }
    }
}

/// The layout of the objects of one struct or array type (by engine-wide type id), and its
/// place among its supertypes for casts.
final class GCLayout {
    let typeID: Int
    let kind: CompositeKind
    /// The declared supertype chain from its root down to this type: `display[d]` is the
    /// ancestor at depth d, so "is a subtype of t" is one comparison at t's depth.
    let display: [Int]
    /// Structs: the payload size.
    let payloadSize: Int
    /// Arrays: the element's storage.
    let element: GCStorage
    /// `display` in memory of its own, and its last index, for the interpreter's casts, which
    /// read them without reference counting (layouts live as long as the engine).
    let depth: Int
    let ancestors: UnsafeMutablePointer<Int>
    /// Structs: each field's storage and byte offset in the payload, in memory of their own
    /// (read by the interpreter and the collector without reference counting).
    let fieldCount: Int
    let fieldTable: UnsafeMutablePointer<(storage: GCStorage, offset: Int)>

    init(typeID: Int, composite: CompositeType, display: [Int]) {
        self.typeID = typeID
        self.display = display
        kind = composite.kind
        depth = display.count - 1
        ancestors = .allocate(capacity: Swift.max(display.count, 1))
        ancestors.initialize(repeating: typeID, count: Swift.max(display.count, 1))
        for (i, id) in display.enumerated() { ancestors[i] = id }
        var element = GCStorage.i64
        var fields: [(storage: GCStorage, offset: Int)] = []
        switch composite {
        case .function: break
        case .structure(let types): fields = GCLayout.structFields(types)
        case .array(let type): element = GCStorage(type.storage)
        }
        fieldCount = fields.count
        fieldTable = .allocate(capacity: Swift.max(fields.count, 1))
        fieldTable.initialize(from: fields, count: fields.count)
        self.payloadSize = fields.last.map { $0.offset + $0.storage.size } ?? 0
        self.element = element
    }

    deinit {
        ancestors.deallocate()
        fieldTable.deallocate()
    }

    /// Where a struct's fields go: in declaration order, each aligned to its size. The
    /// translator uses it too (the static type's fields are a prefix of every subtype's).
    static func structFields(_ types: [FieldType]) -> [(storage: GCStorage, offset: Int)] {
        var result: [(storage: GCStorage, offset: Int)] = []
        var size = 0
        for type in types {
            let storage = GCStorage(type.storage)
            size = (size + storage.size - 1) / storage.size * storage.size
            result.append((storage, size))
            size += storage.size
        }
        return result
    }

    /// Whether objects of this type are values of type `other` (declared subtyping).
    @inline(__always)
    func isSubtype(of other: GCLayout) -> Bool {
        let depth = other.depth
        return depth >= 0 && depth <= self.depth && ancestors[depth] == other.typeID
    }
}

/// One object's header fields (see the file comment).
enum GCObjectHeader {
    static let size = 16

    @inline(__always) static func layout(_ object: UnsafeRawPointer) -> Unmanaged<GCLayout> {
        Unmanaged.fromOpaque(UnsafeRawPointer(bitPattern: UInt(object.load(as: UInt64.self)))!)
    }
    @inline(__always) static func length(_ object: UnsafeRawPointer) -> UInt32 {
        object.load(fromByteOffset: 8, as: UInt32.self)
    }
    @inline(__always) static func payload(_ object: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        object + size
    }
    @inline(__always) static func object(_ slot: UInt64) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(slot))!
    }
}

/// A set of object addresses: open addressing with linear probing and a multiplicative hash
/// (addresses are 16-byte aligned, so their low bits carry nothing). Swift's `Set` hashes with
/// SipHash, which cost more than the rest of an allocation. The owner frees it (`release`).
struct AddressSet {
    private var slots: UnsafeMutablePointer<UInt>
    private var capacity: Int
    private(set) var count = 0

    init(capacity wanted: Int = 1024) {
        var size = 16
        while size < wanted * 2 { size <<= 1 }
        capacity = size
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
    }

    func release() { slots.deallocate() }

    @inline(__always) private func home(_ address: UInt) -> Int {
        Int(truncatingIfNeeded: (address >> 4) &* 0x9E37_79B9_7F4A_7C15 >> 20) & (capacity - 1)
    }

    func contains(_ address: UInt) -> Bool {
        guard address != 0 else { return false }
        var i = home(address)
        while true {
            let entry = slots[i]
            if entry == address { return true }
            if entry == 0 { return false }
            i = (i + 1) & (capacity - 1)
        }
    }

    @inline(__always)
    mutating func insert(_ address: UInt) {
        if (count + 1) * 2 > capacity { grow() }
        var i = home(address)
        while slots[i] != 0 {
            if slots[i] == address { return }
            i = (i + 1) & (capacity - 1)
        }
        slots[i] = address
        count += 1
    }

    @inline(never)
    private mutating func grow() {
        let old = slots, oldCapacity = capacity
        capacity *= 2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        count = 0
        for i in 0..<oldCapacity where old[i] != 0 { insert(old[i]) }
        old.deallocate()
    }

    /// Calls `body` with every address.
    func forEach(_ body: (UInt) -> Void) {
        for i in 0..<capacity where slots[i] != 0 { body(slots[i]) }
    }
}

/// A store's GC heap.
final class GCHeap {
    // The allocator's state is read and written on every allocation by the one thread that
    // runs the store, so it is exempt from dynamic exclusivity checks.
    /// Every live allocation's address: what the collector sweeps, and how a conservative
    /// root tells an object's address from an integer.
    @exclusivity(unchecked) private var objects = AddressSet()
    /// Bytes allocated since the last collection, and what it kept.
    @exclusivity(unchecked) private var allocatedSinceCollection = 0
    @exclusivity(unchecked) private(set) var liveBytes = 0
    @exclusivity(unchecked) private var threshold = GCHeap.minimumThreshold
    /// Blocks the collector freed, by size in 16-byte granules (up to `reusedGranules`), for
    /// reuse before asking malloc; bounded by `reusableBytes`.
    @exclusivity(unchecked) private var freeBlocks = [UnsafeMutableRawPointer?](repeating: nil, count: GCHeap.reusedGranules + 1)
    @exclusivity(unchecked) private var freeBlockBytes = 0
    /// The collector's queue of marked objects still to trace.
    @exclusivity(unchecked) private var markStack: [UnsafeMutableRawPointer] = []
    static let reusedGranules = 32
    static let reusableBytes = 8 << 20
    static let minimumThreshold = 1 << 20
    /// Most bytes the heap may hold after a collection before allocation traps.
    let byteLimit: Int
    /// Collections run so far (observable in tests).
    private(set) var collections = 0
    /// Non-zero while allocation must not collect (`withoutCollection`).
    @exclusivity(unchecked) fileprivate var suppressed = 0

    /// Objects the host holds handles to, with their handle counts. Guarded by `rootsLock`:
    /// a handle may be released on any thread.
    private var hostRoots: [UInt: Int] = [:]
    private let rootsLock = Lock()

    init(byteLimit: Int) { self.byteLimit = byteLimit }

    deinit {
        objects.forEach { free(UnsafeMutableRawPointer(bitPattern: $0)) }
        objects.release()
        for var block in freeBlocks {
            while let current = block {
                block = current.load(as: UnsafeMutableRawPointer?.self)
                free(current)
            }
        }
    }

    var objectCount: Int { objects.count }

    /// Whether `slot` is the address of one of this heap's objects.
    func contains(_ slot: UInt64) -> Bool {
        RefEncoding.isObject(slot) && objects.contains(UInt(slot))
    }

    /// A new zeroed object of `layout` with `length` elements (arrays), or nil when it would
    /// pass the heap's limit even after a collection. `collect` runs the collector, which
    /// must see every root.
    func allocate(_ layout: GCLayout, length: Int, collect: () -> Void) -> UnsafeMutableRawPointer? {
        let payload: Int
        if layout.kind == .array {
            guard length >= 0, length <= Int(UInt32.max) else { return nil }
            let (bytes, overflow) = length.multipliedReportingOverflow(by: layout.element.size)
            guard !overflow else { return nil }
            payload = bytes
        } else {
            payload = layout.payloadSize
        }
        let size = GCObjectHeader.size + payload
        guard size <= byteLimit else { return nil }
        if suppressed == 0 && (allocatedSinceCollection + size > threshold
                               || liveBytes + allocatedSinceCollection + size > byteLimit) {
            collect()
        }
        guard liveBytes + allocatedSinceCollection + size <= byteLimit,
              let object = takeBlock(size) else { return nil }
        object.storeBytes(of: UInt64(UInt(bitPattern: Unmanaged.passUnretained(layout).toOpaque())), as: UInt64.self)
        object.storeBytes(of: UInt32(truncatingIfNeeded: length), toByteOffset: 8, as: UInt32.self)
        objects.insert(UInt(bitPattern: object))
        allocatedSinceCollection += size
        return object
    }

    /// A new zeroed object when no collection is due and the limit allows it, else nil (the
    /// caller then allocates through `allocate`, which collects).
    @inline(__always)
    /// `initialized`: the caller writes every field or element before anything can read the
    /// object, so the block need not be zeroed (the header's mark is cleared either way).
    func allocateIfRoom(_ layout: Unmanaged<GCLayout>, length: Int, initialized: Bool = false) -> UnsafeMutableRawPointer? {
        let (kind, element, payloadSize) = layout._withUnsafeGuaranteedRef { ($0.kind, $0.element, $0.payloadSize) }
        let payload: Int
        if kind == .array {
            guard length >= 0, length <= 1 << 24 else { return nil }
            payload = length << element.shift
        } else {
            payload = payloadSize
        }
        let size = GCObjectHeader.size + payload
        guard allocatedSinceCollection + size <= threshold, liveBytes + allocatedSinceCollection + size <= byteLimit,
              let object = takeBlock(size, zeroed: !initialized) else { return nil }
        object.storeBytes(of: UInt64(UInt(bitPattern: layout.toOpaque())), as: UInt64.self)
        object.storeBytes(of: UInt32(truncatingIfNeeded: length), toByteOffset: 8, as: UInt32.self)
        objects.insert(UInt(bitPattern: object))
        allocatedSinceCollection += size
        return object
    }

    /// A zeroed block of `size` bytes: a freed one of the same granule count, or malloc's.
    @inline(__always)
    private func takeBlock(_ size: Int, zeroed: Bool = true) -> UnsafeMutableRawPointer? {
        let granules = (size + 15) >> 4
        if granules <= GCHeap.reusedGranules, let block = freeBlocks[granules] {
            freeBlocks[granules] = block.load(as: UnsafeMutableRawPointer?.self)
            freeBlockBytes -= granules << 4
            if zeroed {
                block.initializeMemory(as: UInt8.self, repeating: 0, count: granules << 4)
            } else {
                block.storeBytes(of: 0, toByteOffset: 12, as: UInt32.self)
            }
            return block
        }
        guard !zeroed, let block = malloc(granules << 4) else { return calloc(1, granules << 4) }
        block.storeBytes(of: 0, toByteOffset: 12, as: UInt32.self)
        return block
    }

    /// Gives a dead object's block back: kept for reuse while the kept bytes stay bounded.
    @inline(__always)
    private func releaseBlock(_ block: UnsafeMutableRawPointer, size: Int) {
        let granules = (size + 15) >> 4
        guard granules <= GCHeap.reusedGranules, freeBlockBytes + (granules << 4) <= GCHeap.reusableBytes else {
            free(block)
            return
        }
        block.storeBytes(of: freeBlocks[granules], as: UnsafeMutableRawPointer?.self)
        freeBlocks[granules] = block
        freeBlockBytes += granules << 4
    }

    /// The bytes an object takes.
    @inline(__always)
    private func size(of object: UnsafeMutableRawPointer) -> Int {
        GCObjectHeader.layout(object)._withUnsafeGuaranteedRef { layout in
            layout.kind == .array
                ? GCObjectHeader.size + Int(GCObjectHeader.length(object)) << layout.element.shift
                : GCObjectHeader.size + layout.payloadSize
        }
    }

    // MARK: Host handles

    func retainRoot(_ slot: UInt64) {
        rootsLock.withLock { hostRoots[UInt(slot), default: 0] += 1 }
    }

    func releaseRoot(_ slot: UInt64) {
        rootsLock.withLock {
            guard let count = hostRoots[UInt(slot)] else { return }
            if count <= 1 { hostRoots[UInt(slot)] = nil } else { hostRoots[UInt(slot)] = count - 1 }
        }
    }

    // MARK: Collection

    /// Calls `visit` with every reference field and element of every object (an `exnref` kept
    /// in a struct is a root of the exception table).
    func forEachReferenceWord(_ visit: (UInt64) -> Void) {
        objects.forEach { address in
            guard let object = UnsafeMutableRawPointer(bitPattern: address) else { return }
            let payload = GCObjectHeader.payload(object)
            GCObjectHeader.layout(object)._withUnsafeGuaranteedRef { layout in
                if layout.kind == .array {
                    guard layout.element == .reference else { return }
                    for i in 0..<Int(GCObjectHeader.length(object)) { visit(payload.load(fromByteOffset: i * 8, as: UInt64.self)) }
                } else {
                    for i in 0..<layout.fieldCount where layout.fieldTable[i].storage == .reference {
                        visit(payload.load(fromByteOffset: layout.fieldTable[i].offset, as: UInt64.self))
                    }
                }
            }
        }
    }

    /// Marks the object `word` is the address of, if it is one and not yet marked, and queues
    /// it for tracing.
    @inline(__always)
    private func mark(_ word: UInt64) {
        guard RefEncoding.isObject(word), objects.contains(UInt(word)) else { return }
        let object = GCObjectHeader.object(word)
        guard object.load(fromByteOffset: 12, as: UInt32.self) == 0 else { return }
        object.storeBytes(of: 1, toByteOffset: 12, as: UInt32.self)
        markStack.append(object)
    }

    /// Marks what `roots` reaches and frees the rest. `roots` calls its argument with every
    /// root word (any word: those that are not object addresses are ignored).
    func collect(roots: ((UInt64) -> Void) -> Void) {
        collections += 1
        markStack.removeAll(keepingCapacity: true)
        roots { self.mark($0) }
        let held = rootsLock.withLock { Array(hostRoots.keys) }
        for address in held { mark(UInt64(address)) }
        while let object = markStack.popLast() {
            let payload = GCObjectHeader.payload(object)
            GCObjectHeader.layout(object)._withUnsafeGuaranteedRef { layout in
                if layout.kind == .array {
                    guard layout.element == .reference else { return }
                    let count = Int(GCObjectHeader.length(object))
                    for i in 0..<count { mark(payload.load(fromByteOffset: i * 8, as: UInt64.self)) }
                } else {
                    for i in 0..<layout.fieldCount where layout.fieldTable[i].storage == .reference {
                        mark(payload.load(fromByteOffset: layout.fieldTable[i].offset, as: UInt64.self))
                    }
                }
            }
        }
        var live = 0
        var survivors = AddressSet(capacity: objects.count)
        objects.forEach { address in
            guard let object = UnsafeMutableRawPointer(bitPattern: address) else { return }
            let bytes = size(of: object)
            if object.load(fromByteOffset: 12, as: UInt32.self) != 0 {
                object.storeBytes(of: 0, toByteOffset: 12, as: UInt32.self)
                survivors.insert(address)
                live += bytes
            } else {
                releaseBlock(object, size: bytes)
            }
        }
        objects.release()
        objects = survivors
        liveBytes = live
        allocatedSinceCollection = 0
        threshold = Swift.max(GCHeap.minimumThreshold, live)
    }
}

extension Store {
    /// Runs the collector. `liveSlots` ends the value stack's live part (the running frame's
    /// last slot + 1); nil when no Wasm frame is running here beyond the host's entries.
    func collectGarbage(liveSlots: UnsafeMutablePointer<UInt64>?) {
        gcHeap.collect { visit in
            forEachRootWord(liveSlots: liveSlots ?? execution.slotTop, visit)
            for case let exception? in exceptions { exception.payload.forEach(visit) }
        }
    }

    /// Calls `visit` with every word outside the GC heap and the exception table that may
    /// hold a reference: the live part of the value stack (up to `end`), every instance's
    /// globals, tables and element segments, and the tables and globals the host created.
    func forEachRootWord(liveSlots end: UnsafeMutablePointer<UInt64>, _ visit: (UInt64) -> Void) {
        var slot = execution.slots
        while slot < end {
            visit(slot.pointee)
            slot += 1
        }
        for instance in instances {
            for global in instance.globals { visit(global.value) }
            for table in instance.tables { table.elements.forEach(visit) }
            for segment in instance.elementSegments { segment.forEach(visit) }
        }
        for table in hostTables { table.elements.forEach(visit) }
        for global in hostGlobals { visit(global.value) }
    }

    /// A new object of `layout` (see `GCHeap.allocate`), collecting first when due.
    func allocateObject(_ layout: GCLayout, length: Int, liveSlots: UnsafeMutablePointer<UInt64>?) -> UnsafeMutableRawPointer? {
        gcHeap.allocate(layout, length: length) { collectGarbage(liveSlots: liveSlots) }
    }
}

// MARK: - Field access

extension GCStorage {
    /// Stores the value in slot words `low` (and `high` for v128) at `address`, narrowing
    /// packed integers.
    @inline(__always)
    func store(_ low: UInt64, _ high: UInt64, at address: UnsafeMutableRawPointer) {
        switch self {
        case .i8: address.storeBytes(of: UInt8(truncatingIfNeeded: low), as: UInt8.self)
        case .i16: address.storeBytes(of: UInt16(truncatingIfNeeded: low), as: UInt16.self)
        case .i32: address.storeBytes(of: UInt32(truncatingIfNeeded: low), as: UInt32.self)
        case .i64, .reference: address.storeBytes(of: low, as: UInt64.self)
        case .v128:
            address.storeBytes(of: low, as: UInt64.self)
            address.storeBytes(of: high, toByteOffset: 8, as: UInt64.self)
        }
    }

    /// The value at `address` as slot words; packed integers are sign-extended when `signed`,
    /// zero-extended otherwise.
    @inline(__always)
    func load(at address: UnsafeRawPointer, signed: Bool) -> (low: UInt64, high: UInt64) {
        switch self {
        case .i8:
            let byte = address.load(as: UInt8.self)
            return (signed ? UInt64(UInt32(bitPattern: Int32(Int8(bitPattern: byte)))) : UInt64(byte), 0)
        case .i16:
            let half = address.loadUnaligned(as: UInt16.self)
            return (signed ? UInt64(UInt32(bitPattern: Int32(Int16(bitPattern: half)))) : UInt64(half), 0)
        case .i32: return (UInt64(address.loadUnaligned(as: UInt32.self)), 0)
        case .i64, .reference: return (address.loadUnaligned(as: UInt64.self), 0)
        case .v128:
            return (address.loadUnaligned(as: UInt64.self), address.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
    }

    /// Stores the value `count` times from `address` on (`array.new`, `array.fill`), as
    /// whole runs of the element's width rather than one store per element.
    func fill(_ low: UInt64, _ high: UInt64, at address: UnsafeMutableRawPointer, count: Int) {
        guard count > 0 else { return }
        switch self {
        case .i8: address.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: low), count: count)
        case .i16: address.initializeMemory(as: UInt16.self, repeating: UInt16(truncatingIfNeeded: low), count: count)
        case .i32: address.initializeMemory(as: UInt32.self, repeating: UInt32(truncatingIfNeeded: low), count: count)
        case .i64, .reference: address.initializeMemory(as: UInt64.self, repeating: low, count: count)
        case .v128:
            for i in 0..<count { store(low, high, at: address + i * 16) }
        }
    }

    /// Slots a value of this storage takes on the value stack.
    var slotCount: Int { self == .v128 ? 2 : 1 }
}

extension GCLayout {
    /// Field `index`'s address in `object` (a struct of this layout).
    @inline(__always)
    func field(_ index: Int, of object: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        GCObjectHeader.payload(object) + fieldTable[index].offset
    }

    /// Writes a new struct's fields, or a new array's first `count` elements, from the
    /// consecutive slots at `slots` (a v128 takes two).
    @inline(__always)
    func initialize(_ object: UnsafeMutableRawPointer, from slots: UnsafeMutablePointer<UInt64>, count: Int) {
        let payload = GCObjectHeader.payload(object)
        var slot = 0
        if kind == .structure {
            for i in 0..<fieldCount {
                let (storage, offset) = fieldTable[i]
                storage.store(slots[slot], storage == .v128 ? slots[slot + 1] : 0, at: payload + offset)
                slot += storage.slotCount
            }
        } else {
            for i in 0..<count {
                element.store(slots[slot], element == .v128 ? slots[slot + 1] : 0, at: payload + i << element.shift)
                slot += element.slotCount
            }
        }
    }

    /// Element `index`'s address in `object` (an array of this layout).
    @inline(__always)
    func element(_ index: Int, of object: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        GCObjectHeader.payload(object) + index * element.size
    }
}

extension GCHeap {
    /// Allocation without collection, for the host and for instantiation, whose intermediate
    /// values (a constant expression's operands) are in no root the collector sees. Nested
    /// suppressions count.
    func withoutCollection<T>(_ body: () throws -> T) rethrows -> T {
        suppressed += 1
        defer { suppressed -= 1 }
        return try body()
    }
}
