// Swift types that stand for Wasm values in the typed API (typed host functions, typed
// exports, typed globals). Each converts to and from the engine's untyped 64-bit slot, so a
// typed call moves numbers without boxing them in `Value`.

/// A Swift type whose values travel as one WebAssembly value.
///
/// The typed API (`Linker.defineFunction(store:module:name:_:)`,
/// `Instance.typedFunction(_:params:results:)`, `Global.get(_:)`) derives a function's
/// Wasm signature from the Swift types of its parameters and results, and checks it once,
/// when the function is defined or looked up.
///
/// Swasm provides conformances for the four number types: `Int32` and `UInt32` are `i32`,
/// `Int64` and `UInt64` are `i64`, `Float` is `f32` and `Double` is `f64`. Signedness is only
/// the Swift view of the bits: Wasm integers have none, so a pointer into linear memory is
/// best declared `UInt32`.
///
/// Conform your own types to give host functions meaningful parameter types, for example a
/// guest pointer:
///
/// ```swift
/// struct GuestPointer: WasmValueConvertible {
///     var address: UInt32
///     static var wasmType: ValueType { .i32 }
///     init(wasmSlot: UInt64) { address = UInt32(wasmSlot: wasmSlot) }
///     var wasmSlot: UInt64 { address.wasmSlot }
/// }
/// ```
///
/// Reference types and `v128` have no conformances: use ``Value`` and the untyped API for them.
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#value-types
public protocol WasmValueConvertible {
    /// The Wasm type values of this Swift type travel as.
    static var wasmType: ValueType { get }
    /// Decodes a value from its slot: the low 32 bits for `i32` and `f32` (as a bit pattern),
    /// all 64 bits for `i64` and `f64`.
    init(wasmSlot: UInt64)
    /// The value's slot: `i32` and `f32` zero-extended, `i64` and `f64` as their 64 bits.
    var wasmSlot: UInt64 { get }
}

extension Int32: WasmValueConvertible {
    /// `i32`.
    public static var wasmType: ValueType { .i32 }
    /// The low 32 bits of `wasmSlot`, as a two's complement number.
    @inlinable public init(wasmSlot: UInt64) { self = Int32(truncatingIfNeeded: wasmSlot) }
    /// The bits, zero-extended to 64.
    @inlinable public var wasmSlot: UInt64 { UInt64(UInt32(bitPattern: self)) }
}

extension UInt32: WasmValueConvertible {
    /// `i32`.
    public static var wasmType: ValueType { .i32 }
    /// The low 32 bits of `wasmSlot`.
    @inlinable public init(wasmSlot: UInt64) { self = UInt32(truncatingIfNeeded: wasmSlot) }
    /// The value, zero-extended to 64 bits.
    @inlinable public var wasmSlot: UInt64 { UInt64(self) }
}

extension Int64: WasmValueConvertible {
    /// `i64`.
    public static var wasmType: ValueType { .i64 }
    /// `wasmSlot` as a two's complement number.
    @inlinable public init(wasmSlot: UInt64) { self = Int64(bitPattern: wasmSlot) }
    /// The bits.
    @inlinable public var wasmSlot: UInt64 { UInt64(bitPattern: self) }
}

extension UInt64: WasmValueConvertible {
    /// `i64`.
    public static var wasmType: ValueType { .i64 }
    /// `wasmSlot` itself.
    @inlinable public init(wasmSlot: UInt64) { self = wasmSlot }
    /// The value itself.
    @inlinable public var wasmSlot: UInt64 { self }
}

extension Float: WasmValueConvertible {
    /// `f32`.
    public static var wasmType: ValueType { .f32 }
    /// The float whose bit pattern is the low 32 bits of `wasmSlot` (NaN payloads survive).
    @inlinable public init(wasmSlot: UInt64) { self = Float(bitPattern: UInt32(truncatingIfNeeded: wasmSlot)) }
    /// The bit pattern, zero-extended to 64 bits.
    @inlinable public var wasmSlot: UInt64 { UInt64(bitPattern) }
}

extension Double: WasmValueConvertible {
    /// `f64`.
    public static var wasmType: ValueType { .f64 }
    /// The double whose bit pattern is `wasmSlot` (NaN payloads survive).
    @inlinable public init(wasmSlot: UInt64) { self = Double(bitPattern: wasmSlot) }
    /// The bit pattern.
    @inlinable public var wasmSlot: UInt64 { bitPattern }
}

extension Value {
    /// The value of a typed Swift number, e.g. `Value(Int32(-1))` is `.i32(0xFFFF_FFFF)`.
    public init<T: WasmValueConvertible>(_ typed: T) {
        self.init(slot: typed.wasmSlot, type: T.wasmType)
    }

    /// The value as `type`, or nil when the value is of another Wasm type.
    public func `as`<T: WasmValueConvertible>(_ type: T.Type) -> T? {
        guard self.type == T.wasmType, T.wasmType.isNumber else { return nil }
        return T(wasmSlot: slot)
    }
}

extension ValueType {
    /// Whether this is `i32`, `i64`, `f32` or `f64`: a type whose every bit pattern is a value,
    /// which the typed API moves without checks.
    @usableFromInline
    var isNumber: Bool {
        switch self {
        case .i32, .i64, .f32, .f64: return true
        case .v128, .ref: return false
        }
    }
}

/// The Wasm types of a pack of Swift types, in order.
@inlinable
func wasmTypes<each T: WasmValueConvertible>(_ types: repeat (each T).Type) -> [ValueType] {
    var result: [ValueType] = []
    repeat result.append((each T).wasmType)
    return result
}

// The helpers below are inlinable so that typed closures, which are generic over their
// parameter packs, are specialised in the embedder's module for its concrete types.

/// Reads consecutive typed values from argument `Value`s (whose types were checked before).
@usableFromInline
struct ValueReader {
    @usableFromInline let values: [Value]
    @usableFromInline var index = 0

    @inlinable init(_ values: [Value]) { self.values = values }

    @inlinable mutating func next<T: WasmValueConvertible>(_ type: T.Type) -> T {
        defer { index += 1 }
        return T(wasmSlot: index < values.count ? values[index].slot : 0)
    }
}

/// Reads consecutive typed values from slots, one slot each (the typed API has no `v128`).
@usableFromInline
struct SlotReader {
    @usableFromInline let slots: UnsafeMutablePointer<UInt64>
    @usableFromInline var index = 0

    @inlinable init(slots: UnsafeMutablePointer<UInt64>) { self.slots = slots }

    @inlinable mutating func next<T: WasmValueConvertible>(_ type: T.Type) -> T {
        defer { index += 1 }
        return T(wasmSlot: slots[index])
    }
}
