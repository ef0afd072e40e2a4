/// Types as the text parser resolves them: identifiers are already indices, so two types are
/// equal exactly when their encodings are.
/// https://webassembly.github.io/spec/core/binary/types.html

enum HeapType: Hashable {
    /// An abstract heap type, by its binary encoding (`func` = 0x70, `extern` = 0x6F, ...).
    case abstract(UInt8)
    case index(UInt32)

    static let funcType = HeapType.abstract(0x70)
    static let externType = HeapType.abstract(0x6F)

    func encode(into w: inout ByteWriter) {
        switch self {
        case .abstract(let b): w.byte(b)
        case .index(let i): w.s64(Int64(i))  // s33
        }
    }

    static let abstractNames: [String: UInt8] = [
        "func": 0x70, "extern": 0x6F, "any": 0x6E, "eq": 0x6D, "i31": 0x6C, "struct": 0x6B,
        "array": 0x6A, "exn": 0x69, "noexn": 0x74, "nofunc": 0x73, "noextern": 0x72, "none": 0x71,
    ]
}

enum ValType: Hashable {
    case i32, i64, f32, f64, v128
    case ref(nullable: Bool, HeapType)

    func encode(into w: inout ByteWriter) {
        switch self {
        case .i32: w.byte(0x7F)
        case .i64: w.byte(0x7E)
        case .f32: w.byte(0x7D)
        case .f64: w.byte(0x7C)
        case .v128: w.byte(0x7B)
        case .ref(let nullable, let heap):
            // Nullable references to abstract types have one-byte shorthands.
            if nullable, case .abstract(let b) = heap {
                w.byte(b)
            } else {
                w.byte(nullable ? 0x63 : 0x64)
                heap.encode(into: &w)
            }
        }
    }

    /// Shorthand reference type keywords (`funcref` = `(ref null func)`).
    static let referenceShorthands: [String: HeapType] = [
        "funcref": .abstract(0x70), "externref": .abstract(0x6F), "anyref": .abstract(0x6E),
        "eqref": .abstract(0x6D), "i31ref": .abstract(0x6C), "structref": .abstract(0x6B),
        "arrayref": .abstract(0x6A), "exnref": .abstract(0x69), "nullexnref": .abstract(0x74),
        "nullfuncref": .abstract(0x73), "nullexternref": .abstract(0x72), "nullref": .abstract(0x71),
    ]
}

struct FuncType: Hashable {
    var params: [ValType]
    var results: [ValType]

    func encode(into w: inout ByteWriter) {
        w.byte(0x60)
        w.u32(UInt32(params.count))
        for p in params { p.encode(into: &w) }
        w.u32(UInt32(results.count))
        for r in results { r.encode(into: &w) }
    }
}

enum StorageType: Hashable {
    case value(ValType)
    case i8, i16
}

struct FieldType: Hashable {
    var storage: StorageType
    var mutable: Bool

    func encode(into w: inout ByteWriter) {
        switch storage {
        case .value(let v): v.encode(into: &w)
        case .i8: w.byte(0x78)
        case .i16: w.byte(0x77)
        }
        w.byte(mutable ? 1 : 0)
    }
}

enum CompositeType: Hashable {
    case function(FuncType)
    case structure([FieldType])
    case array(FieldType)
}

struct SubType: Hashable {
    var isFinal: Bool
    var supertypes: [UInt32]
    var composite: CompositeType

    func encode(into w: inout ByteWriter) {
        if !isFinal || !supertypes.isEmpty {
            w.byte(isFinal ? 0x4F : 0x50)
            w.u32(UInt32(supertypes.count))
            for s in supertypes { w.u32(s) }
        }
        switch composite {
        case .function(let f):
            f.encode(into: &w)
        case .structure(let fields):
            w.byte(0x5F)
            w.u32(UInt32(fields.count))
            for f in fields { f.encode(into: &w) }
        case .array(let f):
            w.byte(0x5E)
            f.encode(into: &w)
        }
    }
}

/// Table or memory limits; `is64` is the address type (`i64` for memory64/table64).
struct Limits {
    var min: UInt64
    var max: UInt64?
    var is64: Bool = false
    var shared: Bool = false
    var pageSizeLog2: UInt32? = nil

    func encode(into w: inout ByteWriter) {
        var flags: UInt8 = max == nil ? 0 : 1
        if shared { flags |= 2 }
        if is64 { flags |= 4 }
        if pageSizeLog2 != nil { flags |= 8 }
        w.byte(flags)
        w.u64(min)
        if let max { w.u64(max) }
        if let pageSizeLog2 { w.u32(pageSizeLog2) }
    }
}
