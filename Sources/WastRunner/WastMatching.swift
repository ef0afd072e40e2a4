import Swasm
import SwasmText

// How results and traps are compared with a script's expectations, and how both are shown in
// failure lines.

/// `nan:canonical`: only the quiet bit set in the payload; `nan:arithmetic`: quiet bit set.
/// Either sign. https://webassembly.github.io/spec/core/exec/numerics.html#nan-propagation
func matchesNaN32(_ bits: UInt32, _ pattern: WastNaNPattern) -> Bool {
    switch pattern {
    case .canonical: return bits & 0x7FFF_FFFF == 0x7FC0_0000
    case .arithmetic: return bits & 0x7FC0_0000 == 0x7FC0_0000
    }
}

func matchesNaN64(_ bits: UInt64, _ pattern: WastNaNPattern) -> Bool {
    switch pattern {
    case .canonical: return bits & 0x7FFF_FFFF_FFFF_FFFF == 0x7FF8_0000_0000_0000
    case .arithmetic: return bits & 0x7FF8_0000_0000_0000 == 0x7FF8_0000_0000_0000
    }
}

func matches(_ actual: Value, _ expected: WastExpected) -> Bool {
    switch (expected, actual) {
    case (.i32(let e), .i32(let a)): return a == e
    case (.i64(let e), .i64(let a)): return a == e
    case (.f32(let e), .f32(let a)): return a == e
    case (.f64(let e), .f64(let a)): return a == e
    case (.f32NaN(let p), .f32(let a)): return matchesNaN32(a, p)
    case (.f64NaN(let p), .f64(let a)): return matchesNaN64(a, p)
    case (.v128(let lanes), .v128(let low, let high)): return matchesLanes(low: low, high: high, lanes)
    // Validation fixes the static type, so a null of any heap type in the hierarchy is right.
    case (.refNull, .ref(.null)): return true
    case (.refExtern(let n), .ref(.extern(let payload))): return n.map { UInt64($0) == payload } ?? true
    // An i31 or object Wasm externalised (`extern.convert_any`) is `(ref.extern)` without a
    // payload; the function's result type says it is an externref.
    case (.refExtern(nil), .ref(.i31)), (.refExtern(nil), .ref(.object)): return true
    case (.refHost(let n), .ref(.extern(let payload))): return UInt64(n) == payload
    // Function addresses are store-specific; any non-null function reference matches.
    case (.refFunc, .ref(.function)): return true
    case (.ref(let heap), .ref(let r)): return matchesNonNull(r, heap)
    case (.either(let alternatives), _): return alternatives.contains { matches(actual, $0) }
    default: return false
    }
}

/// `(ref.func)`, `(ref.any)`, `(ref.i31)`...: a non-null reference of that abstract heap type
/// or a subtype, as the reference interpreter matches them: `eq` is an i31, struct or array,
/// `any` also an internalised host value (`any.convert_extern` keeps it as it is), and an
/// externalised i31 or object is an `extern`, and a caught exception an `exn`.
private func matchesNonNull(_ reference: Reference, _ heap: WastHeapType) -> Bool {
    switch reference {
    case .null: return false
    case .function: return heap == .func
    case .extern: return heap == .extern || heap == .any
    case .i31: return heap == .i31 || heap == .eq || heap == .any || heap == .extern
    case .exception: return heap == .exn
    case .object(let object):
        switch heap {
        case .struct: return object.isStruct
        case .array: return object.isArray
        case .eq, .any, .extern: return true
        default: return false
        }
    }
}

private func matchesLanes(low: UInt64, high: UInt64, _ lanes: [WastLane]) -> Bool {
    guard !lanes.isEmpty, 16 % lanes.count == 0 else { return false }
    let width = 128 / lanes.count
    for (i, lane) in lanes.enumerated() {
        let bitOffset = i * width
        let word = bitOffset < 64 ? low : high
        let shift = UInt64(bitOffset % 64)
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
        let bits = (word >> shift) & mask
        let ok: Bool
        switch lane {
        case .i8(let v): ok = width == 8 && bits == UInt64(v)
        case .i16(let v): ok = width == 16 && bits == UInt64(v)
        case .i32(let v): ok = width == 32 && bits == UInt64(v)
        case .i64(let v): ok = width == 64 && bits == v
        case .f32(let v): ok = width == 32 && bits == UInt64(v)
        case .f64(let v): ok = width == 64 && bits == v
        case .f32NaN(let p): ok = width == 32 && matchesNaN32(UInt32(truncatingIfNeeded: bits), p)
        case .f64NaN(let p): ok = width == 64 && matchesNaN64(bits, p)
        }
        if !ok { return false }
    }
    return true
}

/// The reference interpreter accepts a trap whose message starts with the expected text; the
/// scripts sometimes add detail the engine leaves out ("uninitialized element 2"), so a
/// message that is a prefix of the expected one also matches. Only traps count.
func trapMismatch(_ error: Error, expected: String) -> String? {
    guard case SwasmError.trap(let trap) = error else {
        return "expected trap \"\(expected)\", got \(describe(error))"
    }
    let actual = trap.reason.description
    if !actual.isEmpty && (actual.hasPrefix(expected) || expected.hasPrefix(actual)) { return nil }
    return "expected trap \"\(expected)\", got trap \"\(actual)\""
}

// MARK: - Descriptions

func describe(_ error: Error) -> String {
    switch error {
    case SwasmError.trap(let trap): return "trap \"\(trap.reason)\""
    case let e as SwasmError: return e.description
    case let e as TextError: return "malformed text: \(e.description)"
    default: return String(describing: error)
    }
}

func describe(_ action: WastAction) -> String {
    switch action {
    case .invoke(let id, let name, let args):
        let module = id.map { "$\($0) " } ?? ""
        return "invoke \(module)\"\(name)\"(\(args.map(describe).joined(separator: ", ")))"
    case .get(let id, let name):
        return "get \(id.map { "$\($0) " } ?? "")\"\(name)\""
    }
}

func describe(_ value: WastValue) -> String {
    switch value {
    case .i32(let v): return describe(Value.i32(v))
    case .i64(let v): return describe(Value.i64(v))
    case .f32(let v): return describe(Value.f32(v))
    case .f64(let v): return describe(Value.f64(v))
    case .v128(let bytes): return "v128:" + bytes.map { hex($0, width: 2) }.joined()
    case .refNull(let heap): return "ref.null \(heap)"
    case .refExtern(let n): return "ref.extern \(n)"
    case .refHost(let n): return "ref.host \(n)"
    case .refFunc(let n): return "ref.func" + (n.map { " \($0)" } ?? "")
    }
}

func describe(_ values: [Value]) -> String {
    "[" + values.map(describe).joined(separator: ", ") + "]"
}

func describe(_ value: Value) -> String {
    switch value {
    case .i32(let v): return "i32:\(Int32(bitPattern: v))"
    case .i64(let v): return "i64:\(Int64(bitPattern: v))"
    case .f32(let v): return "f32:\(Float(bitPattern: v)) (0x\(hex(v, width: 8)))"
    case .f64(let v): return "f64:\(Double(bitPattern: v)) (0x\(hex(v, width: 16)))"
    case .v128(let low, let high): return "v128:0x\(hex(high, width: 16))\(hex(low, width: 16))"
    case .ref(.null(let heap)): return "ref.null \(heap)"
    case .ref(.function(let a)): return "ref.func @\(a.rawValue)"
    case .ref(.extern(let p)): return "ref.extern \(p)"
    case .ref(.i31(let v)): return "ref.i31 \(v)"
    case .ref(.object(let o)): return "ref.\(o.isArray ? "array" : "struct") (\(o))"
    case .ref(.exception): return "ref.exn"
    }
}

func describe(_ expected: [WastExpected]) -> String {
    "[" + expected.map(describe).joined(separator: ", ") + "]"
}

func describe(_ expected: WastExpected) -> String {
    switch expected {
    case .i32(let v): return describe(Value.i32(v))
    case .i64(let v): return describe(Value.i64(v))
    case .f32(let v): return describe(Value.f32(v))
    case .f64(let v): return describe(Value.f64(v))
    case .f32NaN(let p): return "f32:nan:\(p)"
    case .f64NaN(let p): return "f64:nan:\(p)"
    case .v128(let lanes): return "v128:[\(lanes.map { "\($0)" }.joined(separator: " "))]"
    case .refNull(let heap): return "ref.null" + (heap.map { " \($0)" } ?? "")
    case .refExtern(let n): return "ref.extern" + (n.map { " \($0)" } ?? "")
    case .refHost(let n): return "ref.host \(n)"
    case .refFunc(let n): return "ref.func" + (n.map { " \($0)" } ?? "")
    case .ref(let heap): return "ref.\(heap)"
    case .either(let alternatives): return "either(" + alternatives.map(describe).joined(separator: " | ") + ")"
    }
}

private func hex<T: BinaryInteger>(_ v: T, width: Int) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}
