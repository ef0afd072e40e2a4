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
    /// A reference: null, a function, or a host value.
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
public enum Reference: Hashable, Sendable {
    /// A null reference of the given heap type.
    case null(HeapType)
    /// A function reference (store address of the function).
    case function(FunctionAddress)
    /// A host reference; the payload is chosen by the host (`ref.extern N` in WAST).
    case extern(UInt64)

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
}

extension Reference {
    /// Whether this reference is a value of `type` in `store`. Function references must name
    /// a function of that store, so a reference can never reach into another store.
    func matches(_ type: RefType, in store: Store) -> Bool {
        switch self {
        case .null(let heapType):
            return type.nullable && HeapHierarchy(heapType) == HeapHierarchy(type.heapType)
        case .function(let address):
            guard address.rawValue >= 0, address.rawValue < store.functions.count else { return false }
            switch type.heapType {
            case .func: return true
            case .concrete(let index):
                // A concrete function type is only meaningful inside one module; the embedder
                // API can check the structure but not the index, so accept any function.
                _ = index
                return true
            default: return false
            }
        case .extern(let payload):
            // The payload travels in the slot's upper 62 bits (GCHeap.swift).
            return type.heapType == .extern && payload <= RefEncoding.maxHostPayload
        }
    }

    /// The slot encoding; only meaningful after `matches` has accepted the reference.
    var slot: UInt64 {
        switch self {
        case .null: return RefEncoding.null
        case .function(let address): return RefEncoding.function(address)
        case .extern(let payload): return RefEncoding.extern(payload)
        }
    }

    /// Decodes a slot holding a reference of `type`.
    init(slot: UInt64, type: RefType) {
        if slot == RefEncoding.null {
            self = .null(type.heapType)
            return
        }
        switch HeapHierarchy(type.heapType) {
        case .extern: self = .extern(RefEncoding.hostPayload(slot))
        default: self = .function(FunctionAddress(rawValue: Int(truncatingIfNeeded: slot &- 1)))
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

    /// Decodes slot words holding a value of `type`.
    @usableFromInline
    init(slot: UInt64, high: UInt64 = 0, type: ValueType) {
        switch type {
        case .i32: self = .i32(UInt32(truncatingIfNeeded: slot))
        case .i64: self = .i64(slot)
        case .f32: self = .f32(UInt32(truncatingIfNeeded: slot))
        case .f64: self = .f64(slot)
        case .v128: self = .v128(slot, high)
        case .ref(let r): self = .ref(Reference(slot: slot, type: r))
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
    }
}

func describe(_ type: FuncType) -> String {
    let params = type.params.map(describe).joined(separator: " ")
    let results = type.results.map(describe).joined(separator: " ")
    return "(func (param \(params)) (result \(results)))"
}
