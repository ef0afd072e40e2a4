// The host's handle to a struct or array of a store's GC heap (GCHeap.swift).

/// A struct or array allocated by Wasm code (or a constant expression) in a store's GC heap,
/// as the host sees it in ``Reference/object(_:)``.
/// Spec: https://webassembly.github.io/spec/core/exec/runtime.html#aggregate-instances
///
/// While any handle to an object exists, the collector keeps the object (and what it refers
/// to) alive; dropping the last handle lets it be freed once nothing else reaches it. Handles
/// compare equal when they name the same object, as `ref.eq` does.
///
/// Sendable because its only mutable state is shared through locks: the heap's count of the
/// host's roots is lock-guarded (a handle may be released on any thread), and what the
/// properties read (the object's type and length) never changes after allocation. Reading a
/// field's contents is not offered, so no race with the store's running thread can arise.
public final class GCObject: Hashable, CustomStringConvertible, @unchecked Sendable {
    /// Owned so that the object's memory outlives every handle, even when the store is gone.
    let heap: GCHeap
    /// The object's slot encoding (its address).
    let address: UInt64
    /// Owned for the same reason: the engine keeps layouts, but the handle may outlive it.
    let layout: GCLayout

    /// A handle to the object at `address`, which must be a live object of `heap`.
    init(heap: GCHeap, address: UInt64) {
        self.heap = heap
        self.address = address
        layout = GCObjectHeader.layout(UnsafeRawPointer(GCObjectHeader.object(address))).takeUnretainedValue()
        heap.retainRoot(address)
    }

    deinit {
        heap.releaseRoot(address)
    }

    /// Whether the object is a struct.
    public var isStruct: Bool { layout.kind == .structure }
    /// Whether the object is an array.
    public var isArray: Bool { layout.kind == .array }
    /// The number of elements of an array; nil for a struct.
    public var count: Int? {
        guard isArray else { return nil }
        return Int(GCObjectHeader.length(UnsafeRawPointer(GCObjectHeader.object(address))))
    }

    /// Whether `store` holds this object (a reference into another store is never valid there).
    func belongs(to store: Store) -> Bool { heap === store.gcHeap }

    /// Whether both handles name the same object of the same heap.
    public static func == (lhs: GCObject, rhs: GCObject) -> Bool {
        lhs.heap === rhs.heap && lhs.address == rhs.address
    }

    /// Hashes the object's identity (its heap and address).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(heap))
        hasher.combine(address)
    }

    /// "struct", or "array[n]", with the engine-wide id of its type.
    public var description: String {
        if let count { return "array[\(count)] of type #\(layout.typeID)" }
        return "struct of type #\(layout.typeID)"
    }
}

extension GCObject {
    /// Handles to the objects among slot words holding values of `types` (closed), in order.
    static func handles(in slots: [UInt64], types: [ValueType], store: Store) -> [GCObject] {
        var handles: [GCObject] = []
        var slot = 0
        for type in types {
            defer { slot += type.slotCount }
            guard case .ref(let reference) = type, slot < slots.count,
                  RefEncoding.isObject(slots[slot]) else { continue }
            switch HeapHierarchy(reference.heapType, types: store.engine.types) {
            case .any, .extern:
                if store.gcHeap.contains(slots[slot]) { handles.append(GCObject(heap: store.gcHeap, address: slots[slot])) }
            case .function, .exception:
                continue
            }
        }
        return handles
    }
}
