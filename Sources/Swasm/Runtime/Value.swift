// Values as the embedder sees them, and their conversion to and from the untyped 64-bit slots
// the engine uses internally (encoding documented in RuntimeObjects.swift).

/// A WebAssembly value. Floats are carried as bit patterns so NaN payloads survive.
/// Spec: https://webassembly.github.io/spec/core/exec/runtime.html#values
///
/// `Value(Int32(5))` and ``as(_:)`` convert to and from Swift numbers.
public enum Value: Hashable, Sendable {
    /// A 32-bit integer (its bits; signedness belongs to the operations).
    case i32(UInt32)
    /// A 64-bit integer.
    case i64(UInt64)
    /// A 32-bit float, as its bit pattern.
    case f32(UInt32)
    /// A 64-bit float, as its bit pattern.
    case f64(UInt64)
    /// A 128-bit vector: low 64 bits, high 64 bits.
    case v128(UInt64, UInt64)
    /// A reference: null, a function, a host value, an i31 or a GC object.
    case ref(Reference)

    /// The value's type; nil for references, whose precise type depends on the context
    /// (a null reference belongs to every nullable type of its heap type's hierarchy).
    public var type: ValueType? {
        switch self {
        case .i32: return .i32
        case .i64: return .i64
        case .f32: return .f32
        case .f64: return .f64
        case .v128: return .v128
        case .ref: return nil
        }
    }
}

/// A reference value.
///
/// The `any` and `extern` hierarchies share their values: `any.convert_extern` and
/// `extern.convert_any` change a reference's type, not the reference, so a host value is an
/// `externref` and (internalised) an `anyref`, and an i31 or object that Wasm externalised
/// arrives as an `externref` with the same case. A concrete heap type in a ``RefType`` the API
/// takes or gives is an engine-wide type id (as in ``Module/exports``), not a module's index.
public enum Reference: Hashable, Sendable {
    /// A null reference of the given heap type.
    case null(HeapType)
    /// A function reference (store address of the function).
    case function(FunctionAddress)
    /// A host reference; the payload is chosen by the host and at most
    /// `2^62 - 1` (`ref.extern N` in WAST, and `ref.host N` where it is an `anyref`).
    case extern(UInt64)
    /// An `i31ref`: a 31-bit value, `0...0x7FFF_FFFF` (`i31.get_s` sign-extends it).
    case i31(UInt32)
    /// A struct or array of the store's GC heap.
    case object(GCObject)
    /// An `exnref`: a caught exception (`catch_ref`, `catch_all_ref`), with its tag and values.
    indirect case exception(WasmException)

    /// Whether this is a null reference.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// Identifies a function within a `Store`.
public struct FunctionAddress: Hashable, Sendable {
    /// The function's index among its store's functions.
    public let rawValue: Int
    /// The address with index `rawValue` (meaningful only for the store it came from).
    public init(rawValue: Int) { self.rawValue = rawValue }
}

extension Value {
    /// A zero value of `type` (numbers 0, references null), as locals and new globals start.
    public static func zero(of type: ValueType) -> Value {
        switch type {
        case .i32: return .i32(0)
        case .i64: return .i64(0)
        case .f32: return .f32(0)
        case .f64: return .f64(0)
        case .v128: return .v128(0, 0)
        case .ref(let r): return .ref(.null(r.heapType))
        }
    }
}

// MARK: - Slot conversion

/// The three hierarchies of reference types; a null of any heap type is a value of every
/// nullable type in the same hierarchy.
enum HeapHierarchy {
    case function, extern, any, exception

    init(_ heapType: HeapType) {
        switch heapType {
        case .func, .nofunc, .concrete: self = .function
        case .extern, .noextern: self = .extern
        case .any, .eq, .i31, .struct, .array, .none: self = .any
        case .exn, .noexn: self = .exception
        }
    }

    /// The hierarchy of a closed heap type: a concrete type's (an engine-wide id) depends on
    /// whether it is a function, struct or array type.
    init(_ heapType: HeapType, types: TypeRegistry) {
        if case .concrete(let id) = heapType {
            self = types.kind(Int(id)) == .function ? .function : .any
        } else {
            self.init(heapType)
        }
    }
}

extension Reference {
    /// Whether this reference is a value of `type` (closed: concrete heap types are
    /// engine-wide ids) in `store`. Functions and objects must belong to that store, so a
    /// reference can never reach into another store.
    func matches(_ type: RefType, in store: Store) -> Bool {
        let types = store.engine.types
        switch self {
        case .null(let heapType):
            return type.nullable && HeapHierarchy(heapType, types: types) == HeapHierarchy(type.heapType, types: types)
        case .function(let address):
            guard let function = store.function(at: address) else { return false }
            switch type.heapType {
            case .func: return true
            case .concrete(let id):
                // A host function of a type that names no other types may have no id (-1):
                // its structure alone cannot say which concrete type it is, so only a function
                // with an id is checked.
                return function.typeID < 0 ? types.kind(Int(id)) == .function
                    : types.isSubtype(function.typeID, Int(id))
            default: return false
            }
        case .extern(let payload):
            // The payload travels in the slot's upper 62 bits (GCHeap.swift).
            guard payload <= RefEncoding.maxHostPayload else { return false }
            return type.heapType == .extern || type.heapType == .any
        case .i31(let value):
            guard value <= 0x7FFF_FFFF else { return false }
            switch type.heapType {
            case .any, .eq, .i31, .extern: return true
            default: return false
            }
        case .exception(let exception):
            guard exception.tag.store === store else { return false }
            return type.heapType == .exn
        case .object(let object):
            guard object.belongs(to: store) else { return false }
            switch type.heapType {
            case .any, .eq, .extern: return true
            case .struct: return object.isStruct
            case .array: return object.isArray
            case .concrete(let id): return types.isSubtype(object.layout.typeID, Int(id))
            default: return false
            }
        }
    }

    /// The slot encoding; only meaningful after `matches` has accepted the reference.
    var slot: UInt64 {
        switch self {
        case .null: return RefEncoding.null
        case .function(let address): return RefEncoding.function(address)
        case .extern(let payload): return RefEncoding.extern(payload)
        case .i31(let value): return RefEncoding.i31(value)
        case .object(let object): return object.address
        case .exception(let exception):
            // Registered in its store on first use, as `catch_ref` registers one.
            let store = exception.tag.store
            return store.exceptionReference(exception.object, liveSlots: store.execution.slotTop)
        }
    }

    /// Decodes a slot holding a reference of `type` (closed) in `store`. Without a store
    /// (numbers-only callers) no object can be named: an object's slot then decodes as null,
    /// which no caller that may see one relies on.
    init(slot: UInt64, type: RefType, store: Store?) {
        if slot == RefEncoding.null {
            self = .null(type.heapType)
            return
        }
        let hierarchy = store.map { HeapHierarchy(type.heapType, types: $0.engine.types) } ?? HeapHierarchy(type.heapType)
        switch hierarchy {
        case .extern, .any:
            if RefEncoding.isI31(slot) {
                self = .i31(RefEncoding.i31Value(slot, signed: false))
            } else if RefEncoding.isHost(slot) {
                self = .extern(RefEncoding.hostPayload(slot))
            } else if let store, store.gcHeap.contains(slot) {
                self = .object(GCObject(heap: store.gcHeap, address: slot))
            } else {
                self = .null(type.heapType)
            }
        case .function:
            self = .function(FunctionAddress(rawValue: Int(truncatingIfNeeded: slot &- 1)))
        case .exception:
            if let store, let exception = store.exception(reference: slot) {
                self = .exception(WasmException(store: store, object: exception))
            } else {
                self = .null(type.heapType)
            }
        }
    }
}

extension Value {
    /// Whether the value belongs to `type` (references: see `Reference.matches`).
    func matches(_ type: ValueType, in store: Store) -> Bool {
        switch (self, type) {
        case (.i32, .i32), (.i64, .i64), (.f32, .f32), (.f64, .f64), (.v128, .v128): return true
        case (.ref(let r), .ref(let t)): return r.matches(t, in: store)
        default: return false
        }
    }

    /// The low slot word. i32 and f32 are zero-extended.
    @usableFromInline
    var slot: UInt64 {
        switch self {
        case .i32(let v): return UInt64(v)
        case .i64(let v): return v
        case .f32(let v): return UInt64(v)
        case .f64(let v): return v
        case .v128(let low, _): return low
        case .ref(let r): return r.slot
        }
    }

    /// The high slot word (only `v128` has one).
    var highSlot: UInt64 {
        if case .v128(_, let high) = self { return high }
        return 0
    }

    /// Decodes slot words holding a value of a number or vector `type` (the typed API's).
    @usableFromInline
    init(slot: UInt64, high: UInt64 = 0, type: ValueType) {
        self.init(slot: slot, high: high, type: type, store: nil)
    }

    /// Decodes slot words holding a value of `type` (closed) in `store`, which a reference to
    /// a GC object needs (see `Reference.init(slot:type:store:)`).
    init(slot: UInt64, high: UInt64 = 0, type: ValueType, store: Store?) {
        switch type {
        case .i32: self = .i32(UInt32(truncatingIfNeeded: slot))
        case .i64: self = .i64(slot)
        case .f32: self = .f32(UInt32(truncatingIfNeeded: slot))
        case .f64: self = .f64(slot)
        case .v128: self = .v128(slot, high)
        case .ref(let r): self = .ref(Reference(slot: slot, type: r, store: store))
        }
    }
}

/// Describes a type for error messages in the notation of the text format.
func describe(_ type: ValueType) -> String { type.description }

func describe(_ value: Value) -> String {
    switch value {
    case .i32(let v): return "i32 \(v)"
    case .i64(let v): return "i64 \(v)"
    case .f32(let v): return "f32 bits 0x\(String(v, radix: 16))"
    case .f64(let v): return "f64 bits 0x\(String(v, radix: 16))"
    case .v128(let l, let h): return "v128 0x\(String(h, radix: 16)):\(String(l, radix: 16))"
    case .ref(.null(let h)): return "ref.null \(h)"
    case .ref(.function(let a)): return "funcref #\(a.rawValue)"
    case .ref(.extern(let p)): return "ref.extern \(p)"
    case .ref(.i31(let v)): return "ref.i31 \(v)"
    case .ref(.object(let o)): return "ref \(o)"
    case .ref(.exception(let e)): return "exnref (\(e))"
    }
}

func describe(_ type: FuncType) -> String {
    let params = type.params.map(describe).joined(separator: " ")
    let results = type.results.map(describe).joined(separator: " ")
    return "(func (param \(params)) (result \(results)))"
}
