import SwasmText
import XCTest
@testable import Swasm

/// GC references through the embedding API: i31 and host values in `anyref` globals, tables,
/// arguments and results; `GCObject` handles as roots of the collector; host tables and
/// globals as roots; which types a reference is a value of; and the GC instructions of
/// constant expressions.
final class GCReferenceTests: XCTestCase {
    static let types = """
        (module
          (type $point (sub (struct (field i32) (field (mut i64)) (field (mut anyref)))))
          (type $point3 (sub $point (struct (field i32) (field (mut i64)) (field (mut anyref)) (field f32))))
          (type $bytes (array (mut i8)))
          (type $vectors (array v128))
          (type $refs (array (mut anyref)))
          (type $other (struct (field i32)))
          (func (export "id") (param anyref) (result anyref) (local.get 0))
          (func (export "point") (param (ref null $point)) (result (ref null $point)) (local.get 0)))
        """

    /// An instance of `types` and the engine-wide ids of its types, by type index.
    func makeTypes(_ store: Store) throws -> (Instance, [Int]) {
        let module = try Module(engine: store.engine, bytes: WAT.encode(Self.types))
        return (try Linker().instantiate(store: store, module: module), module.typeIDs)
    }

    /// Evaluates a constant expression in `instance` as instantiation does.
    func evaluate(_ instructions: [ConstInstruction], in instance: Instance) throws -> UInt64 {
        try Instantiation.evaluate(ConstExpr(instructions: instructions, offset: 0), in: instance.state).low
    }

    func object(_ slot: UInt64, in store: Store) throws -> GCObject {
        guard case .ref(.object(let object)) = Value(slot: slot, type: .ref(RefType(nullable: true, heapType: .any)), store: store) else {
            throw APIError("slot \(slot) is not an object")
        }
        return object
    }

    // MARK: Round trips

    func testI31AndHostReferencesRoundTripThroughAnyrefGlobalsAndTables() throws {
        let store = Store(engine: Engine())
        let anyref = RefType(nullable: true, heapType: .any)
        let global = try Global(store: store, type: GlobalType(valueType: .ref(anyref), mutable: true), value: .ref(.i31(5)))
        let table = try Table(store: store, type: TableType(elementType: anyref, limits: Limits(min: 3)), initial: .null(.none))
        let linker = Linker()
        linker.define(module: "host", name: "g", .global(global))
        linker.define(module: "host", name: "t", .table(table))
        let module = try Module(engine: store.engine, bytes: WAT.encode("""
            (module
              (import "host" "g" (global $g (mut anyref)))
              (import "host" "t" (table $t 3 anyref))
              (func (export "getG") (result anyref) (global.get $g))
              (func (export "setG") (param anyref) (global.set $g (local.get 0)))
              (func (export "getT") (param i32) (result anyref) (table.get $t (local.get 0)))
              (func (export "setT") (param i32 anyref) (table.set $t (local.get 0) (local.get 1)))
              (func (export "extern") (param externref) (result externref) (local.get 0)))
            """))
        let instance = try linker.instantiate(store: store, module: module)
        let getG = try XCTUnwrap(instance.function("getG")), setG = try XCTUnwrap(instance.function("setG"))
        let getT = try XCTUnwrap(instance.function("getT")), setT = try XCTUnwrap(instance.function("setT"))

        XCTAssertEqual(try getG.call([]), [.ref(.i31(5))])
        for reference: Reference in [.i31(0), .i31(0x7FFF_FFFF), .i31(0x4000_0000), .extern(0), .extern(42),
                                     .extern(RefEncoding.maxHostPayload), .null(.any)] {
            _ = try setG.call([.ref(reference)])
            XCTAssertEqual(try getG.call([]), [.ref(reference)])
            XCTAssertEqual(global.value, .ref(reference))
            _ = try setT.call([.i32(2), .ref(reference)])
            XCTAssertEqual(try getT.call([.i32(2)]), [.ref(reference)])
            XCTAssertEqual(try table.get(2), reference)
        }
        try table.set(1, .i31(77))
        XCTAssertEqual(try getT.call([.i32(1)]), [.ref(.i31(77))])
        try global.set(.ref(.extern(9)))
        XCTAssertEqual(try getG.call([]), [.ref(.extern(9))])
        XCTAssertEqual(try instance.function("extern")?.call([.ref(.extern(3))]), [.ref(.extern(3))])

        // Values outside a hierarchy or its range are refused before they reach Wasm.
        XCTAssertThrowsError(try setG.call([.ref(.i31(0x8000_0000))])) { XCTAssertTrue($0 is APIError, "\($0)") }
        XCTAssertThrowsError(try setG.call([.ref(.extern(RefEncoding.maxHostPayload + 1))])) { XCTAssertTrue($0 is APIError) }
        XCTAssertThrowsError(try setG.call([.ref(.null(.func))])) { XCTAssertTrue($0 is APIError) }
        XCTAssertThrowsError(try table.set(0, .function(FunctionAddress(rawValue: 0)))) { XCTAssertTrue($0 is APIError) }
        XCTAssertThrowsError(try instance.function("extern")?.call([.ref(.null(.none))])) { XCTAssertTrue($0 is APIError) }
    }

    func testHostFunctionsReceiveAndReturnGCReferences() throws {
        let store = Store(engine: Engine())
        let (types, ids) = try makeTypes(store)
        let point = try object(try evaluate([.i32Const(1), .i64Const(2), .refNull(.any), .gc(.structNew(0))], in: types), in: store)
        var received: [Value] = []
        let linker = Linker()
        let anyref = ValueType.ref(RefType(nullable: true, heapType: .any))
        linker.defineFunction(store: store, module: "host", name: "swap", type: FuncType(params: [anyref, anyref], results: [anyref, anyref])) { _, arguments in
            received = arguments
            return [arguments[1], arguments[0]]
        }
        let module = try Module(engine: store.engine, bytes: WAT.encode("""
            (module
              (import "host" "swap" (func $swap (param anyref anyref) (result anyref anyref)))
              (func (export "swap") (param anyref anyref) (result anyref anyref)
                (call $swap (local.get 0) (local.get 1))))
            """))
        let instance = try linker.instantiate(store: store, module: module)
        let results = try instance.function("swap")?.call([.ref(.object(point)), .ref(.i31(12))])
        XCTAssertEqual(received, [.ref(.object(point)), .ref(.i31(12))])
        XCTAssertEqual(results, [.ref(.i31(12)), .ref(.object(point))])

        // Concrete types in a Wasm function's signature are engine-wide ids for the API.
        let identity = try XCTUnwrap(types.function("point"))
        let closed = ValueType.ref(RefType(nullable: true, heapType: .concrete(UInt32(ids[0]))))
        XCTAssertEqual(identity.type, FuncType(params: [closed], results: [closed]))
        XCTAssertEqual(try identity.call([.ref(.object(point))]), [.ref(.object(point))])
        let bytes = try object(try evaluate([.i32Const(3), .gc(.arrayNewDefault(2))], in: types), in: store)
        XCTAssertThrowsError(try identity.call([.ref(.object(bytes))])) { XCTAssertTrue($0 is APIError, "\($0)") }
        XCTAssertThrowsError(try identity.call([.ref(.i31(1))])) { XCTAssertTrue($0 is APIError) }
    }

    func testExceptionsCarryGCReferences() throws {
        let store = Store(engine: Engine())
        let (types, _) = try makeTypes(store)
        let anyref = ValueType.ref(RefType(nullable: true, heapType: .any))
        let tag = try Tag(store: store, type: FuncType(params: [anyref, .i32, anyref], results: []))
        var exception: WasmException?
        do {
            let array = try object(try evaluate([.i32Const(4), .gc(.arrayNewDefault(2))], in: types), in: store)
            exception = try WasmException(tag: tag, values: [.ref(.object(array)), .i32(7), .ref(.extern(5))])
        }
        // The exception keeps its object alive while the host holds it.
        store.collectGarbage(liveSlots: nil)
        let values = try XCTUnwrap(exception).values
        XCTAssertEqual(values.count, 3)
        guard case .ref(.object(let array)) = values[0] else { return XCTFail("\(values)") }
        XCTAssertEqual(array.count, 4)
        XCTAssertEqual(Array(values[1...]), [.i32(7), .ref(.extern(5))])
    }

    // MARK: From Wasm code

    static let program = """
        (module
          (type $point (struct (field i32) (field (mut anyref))))
          (type $bytes (array (mut i8)))
          (import "host" "value" (global $imported externref))
          (global (export "origin") (ref $point) (struct.new $point (i32.const 7) (ref.i31 (i32.const 9))))
          (global (export "i31") i31ref (ref.i31 (i32.const -1)))
          (global (export "externalized") externref (extern.convert_any (ref.i31 (i32.const 3))))
          (global (export "host") anyref (any.convert_extern (global.get $imported)))
          (global (export "bytes") (ref $bytes) (array.new_fixed $bytes 3 (i32.const 1) (i32.const 2) (i32.const 300)))
          (table (export "t") 2 anyref (array.new_default $bytes (i32.const 5)))
          (func (export "make") (param i32) (result (ref $point)) (struct.new $point (local.get 0) (ref.null any)))
          (func (export "x") (param (ref $point)) (result i32) (struct.get $point 0 (local.get 0)))
          (func (export "len") (param anyref) (result i32) (array.len (ref.cast (ref $bytes) (local.get 0))))
          (func (export "internalize") (param externref) (result anyref) (any.convert_extern (local.get 0)))
          (func (export "externalize") (param anyref) (result externref) (extern.convert_any (local.get 0)))
          (func (export "garbage") (param i32)
            (loop $again
              (drop (array.new_default $bytes (i32.const 1000)))
              (br_if $again (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))
        """

    func testReferencesMadeByWasmCodeAndConstantExpressions() throws {
        let store = Store(engine: Engine())
        let host = try Global(store: store, type: GlobalType(valueType: .externref, mutable: false), value: .ref(.extern(11)))
        let linker = Linker()
        linker.define(module: "host", name: "value", .global(host))
        let instance = try linker.instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(Self.program)))
        func global(_ name: String) throws -> Value {
            guard case .global(let global)? = instance.export(name) else { throw APIError("no global \(name)") }
            return global.value
        }
        guard case .ref(.object(let origin)) = try global("origin") else { return XCTFail("origin is no object") }
        XCTAssertTrue(origin.isStruct)
        XCTAssertEqual(try instance.function("x")?.call([.ref(.object(origin))]), [.i32(7)])
        XCTAssertEqual(try global("i31"), .ref(.i31(0x7FFF_FFFF)))
        XCTAssertEqual(try global("externalized"), .ref(.i31(3)))
        XCTAssertEqual(try global("host"), .ref(.extern(11)))
        guard case .ref(.object(let bytes)) = try global("bytes") else { return XCTFail("bytes is no object") }
        XCTAssertEqual(bytes.count, 3)
        XCTAssertEqual(try instance.function("len")?.call([.ref(.object(bytes))]), [.i32(3)])
        guard case .table(let table)? = instance.export("t"), case .object(let filler) = try table.get(1) else {
            return XCTFail("the table's elements are no objects")
        }
        XCTAssertEqual(filler.count, 5)
        XCTAssertNotEqual(filler, bytes)
        XCTAssertEqual(try table.get(0), .object(filler), "one initialiser value fills the table")
        XCTAssertEqual(try instance.function("internalize")?.call([.ref(.extern(4))]), [.ref(.extern(4))])
        XCTAssertEqual(try instance.function("externalize")?.call([.ref(.object(origin))]), [.ref(.object(origin))])
        XCTAssertEqual(try instance.function("internalize")?.call([.ref(.i31(8))]), [.ref(.i31(8))])
    }

    func testHandleOfAnObjectMadeByWasmSurvivesCollectionsWasmRuns() throws {
        let store = Store(engine: Engine())
        let host = try Global(store: store, type: GlobalType(valueType: .externref, mutable: false), value: .ref(.null(.extern)))
        let linker = Linker()
        linker.define(module: "host", name: "value", .global(host))
        let instance = try linker.instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(Self.program)))
        let heap = store.gcHeap
        let x = try XCTUnwrap(instance.function("x")), garbage = try XCTUnwrap(instance.function("garbage"))
        // Instantiation made the origin, the bytes and the table's filler.
        XCTAssertEqual(heap.objectCount, 3)
        var handle: GCObject?
        if case .ref(.object(let made))? = try instance.function("make")?.call([.i32(42)]).first { handle = made }
        XCTAssertNotNil(handle)
        let collections = heap.collections
        // About 4 MiB of garbage: the collector runs several times while Wasm allocates.
        _ = try garbage.call([.i32(4000)])
        XCTAssertGreaterThan(heap.collections, collections)
        XCTAssertEqual(try x.call([.ref(.object(try XCTUnwrap(handle)))]), [.i32(42)])
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(heap.objectCount, 4)
        handle = nil
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(heap.objectCount, 3, "globals and the table keep the rest")
    }

    // MARK: Handles and roots

    func testHandleKeepsItsObjectAliveUntilItAndEveryOtherRootAreGone() throws {
        let store = Store(engine: Engine())
        let (types, _) = try makeTypes(store)
        let heap = store.gcHeap
        var handle: GCObject? = try object(try evaluate([.i32Const(1), .i64Const(2), .refNull(.any), .gc(.structNew(0))], in: types), in: store)
        // The struct refers to an array that nothing else holds.
        do {
            let inner = try evaluate([.i32Const(100), .gc(.arrayNewDefault(2))], in: types)
            let layout = try XCTUnwrap(handle).layout
            GCStorage.reference.store(inner, 0, at: layout.field(2, of: GCObjectHeader.object(try XCTUnwrap(handle).address)))
        }
        XCTAssertEqual(heap.objectCount, 2)
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(heap.objectCount, 2, "the handle is a root and the struct's field is traced")
        // Two handles to one object are one root each, and equal.
        var second: GCObject? = try object(try XCTUnwrap(handle).address, in: store)
        XCTAssertEqual(second, handle)
        XCTAssertEqual(Set([handle, second]).count, 1)
        handle = nil
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(heap.objectCount, 2)
        XCTAssertEqual(second?.isStruct, true)
        second = nil
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(heap.objectCount, 0)
    }

    func testHostTablesAndGlobalsAreRoots() throws {
        let store = Store(engine: Engine())
        let (types, _) = try makeTypes(store)
        let heap = store.gcHeap
        let anyref = RefType(nullable: true, heapType: .any)
        let table = try Table(store: store, type: TableType(elementType: anyref, limits: Limits(min: 2)), initial: .null(.any))
        let global = try Global(store: store, type: GlobalType(valueType: .ref(anyref), mutable: true), value: .ref(.null(.any)))
        do {
            let first = try object(try evaluate([.i32Const(1), .gc(.arrayNewDefault(2))], in: types), in: store)
            let second = try object(try evaluate([.i32Const(2), .gc(.arrayNewDefault(2))], in: types), in: store)
            try table.set(1, .object(first))
            try global.set(.ref(.object(second)))
        }
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(heap.objectCount, 2)
        guard case .object(let fromTable) = try table.get(1), case .ref(.object(let fromGlobal)) = global.value else {
            return XCTFail("objects lost")
        }
        XCTAssertEqual(fromTable.count, 1)
        XCTAssertEqual(fromGlobal.count, 2)
        try table.set(1, .i31(3))
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(heap.objectCount, 2, "the handles just made hold both")
        _ = (fromTable, fromGlobal)
    }

    func testObjectsFreedOnceHostTableAndGlobalDropThem() throws {
        let store = Store(engine: Engine())
        let (types, _) = try makeTypes(store)
        let heap = store.gcHeap
        let anyref = RefType(nullable: true, heapType: .any)
        let table = try Table(store: store, type: TableType(elementType: anyref, limits: Limits(min: 2)), initial: .null(.any))
        let global = try Global(store: store, type: GlobalType(valueType: .ref(anyref), mutable: true), value: .ref(.null(.any)))
        do {
            try table.set(0, .object(try object(try evaluate([.i32Const(1), .gc(.arrayNewDefault(2))], in: types), in: store)))
            try global.set(.ref(.object(try object(try evaluate([.i32Const(2), .gc(.arrayNewDefault(2))], in: types), in: store))))
        }
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(heap.objectCount, 2)
        try table.set(0, .null(.any))
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(heap.objectCount, 1)
        try global.set(.ref(.i31(1)))
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(heap.objectCount, 0)
    }

    // MARK: Types

    func testWhichTypesAReferenceBelongsTo() throws {
        let store = Store(engine: Engine())
        let (types, ids) = try makeTypes(store)
        func ref(_ heap: HeapType, nullable: Bool = false) -> RefType { RefType(nullable: nullable, heapType: heap) }
        func concrete(_ index: Int) -> HeapType { .concrete(UInt32(ids[index])) }
        let point3 = try object(try evaluate([.i32Const(1), .i64Const(2), .refNull(.any), .f32Const(0), .gc(.structNew(1))], in: types), in: store)
        let bytes = try object(try evaluate([.i32Const(2), .gc(.arrayNewDefault(2))], in: types), in: store)
        XCTAssertTrue(point3.isStruct)
        XCTAssertFalse(point3.isArray)
        XCTAssertNil(point3.count)
        XCTAssertEqual(bytes.count, 2)

        let i31 = Reference.i31(7)
        for heap: HeapType in [.any, .eq, .i31, .extern] { XCTAssertTrue(i31.matches(ref(heap), in: store), "\(heap)") }
        for heap: HeapType in [.struct, .array, .none, .func, .noextern, .exn, concrete(0)] {
            XCTAssertFalse(i31.matches(ref(heap, nullable: true), in: store), "\(heap)")
        }
        XCTAssertFalse(Reference.i31(0x8000_0000).matches(ref(.i31), in: store))

        let host = Reference.extern(3)
        XCTAssertTrue(host.matches(ref(.any), in: store))
        XCTAssertTrue(host.matches(ref(.extern), in: store))
        for heap: HeapType in [.eq, .i31, .struct, .func, .noextern] { XCTAssertFalse(host.matches(ref(heap), in: store), "\(heap)") }

        let object = Reference.object(point3)
        for heap: HeapType in [.any, .eq, .struct, .extern, concrete(1), concrete(0)] {
            XCTAssertTrue(object.matches(ref(heap), in: store), "\(heap)")
        }
        for heap: HeapType in [.array, .i31, .none, .func, concrete(2), concrete(5)] {
            XCTAssertFalse(object.matches(ref(heap, nullable: true), in: store), "\(heap)")
        }
        // A supertype's object is not a value of its subtype.
        let point = try self.object(try evaluate([.i32Const(1), .i64Const(2), .refNull(.any), .gc(.structNew(0))], in: types), in: store)
        XCTAssertTrue(Reference.object(point).matches(ref(concrete(0)), in: store))
        XCTAssertFalse(Reference.object(point).matches(ref(concrete(1)), in: store))
        XCTAssertTrue(Reference.object(bytes).matches(ref(.array), in: store))
        XCTAssertTrue(Reference.object(bytes).matches(ref(concrete(2)), in: store))
        XCTAssertFalse(Reference.object(bytes).matches(ref(.struct), in: store))

        // Nulls belong to the nullable types of their hierarchy, concrete struct types included.
        XCTAssertTrue(Reference.null(.none).matches(ref(concrete(0), nullable: true), in: store))
        XCTAssertTrue(Reference.null(concrete(0)).matches(ref(.any, nullable: true), in: store))
        XCTAssertFalse(Reference.null(concrete(0)).matches(ref(.func, nullable: true), in: store))
        XCTAssertFalse(Reference.null(concrete(0)).matches(ref(concrete(0)), in: store))

        // An object of another store is a value of nothing here.
        let otherStore = Store(engine: store.engine)
        XCTAssertFalse(object.matches(ref(.any), in: otherStore))
        XCTAssertThrowsError(try Global(store: otherStore, type: GlobalType(valueType: .ref(ref(.any, nullable: true)), mutable: false),
                                        value: .ref(object))) { XCTAssertTrue($0 is APIError) }
    }

    // MARK: Constant expressions

    func testConstantExpressionsAllocateStructsAndArrays() throws {
        let store = Store(engine: Engine())
        let (types, _) = try makeTypes(store)
        func load(_ object: GCObject, field: Int, signed: Bool = false) -> UInt64 {
            object.layout.fieldTable[field].storage.load(at: object.layout.field(field, of: GCObjectHeader.object(object.address)), signed: signed).low
        }
        func element(_ object: GCObject, _ index: Int, signed: Bool = false) -> (low: UInt64, high: UInt64) {
            object.layout.element.load(at: object.layout.element(index, of: GCObjectHeader.object(object.address)), signed: signed)
        }

        let point = try object(try evaluate([.i32Const(-1), .i64Const(1 << 40), .i32Const(9), .gc(.refI31), .gc(.structNew(0))], in: types), in: store)
        XCTAssertEqual(load(point, field: 0), 0xFFFF_FFFF)
        XCTAssertEqual(load(point, field: 1), 1 << 40)
        XCTAssertEqual(load(point, field: 2), RefEncoding.i31(9))

        let zero = try object(try evaluate([.gc(.structNewDefault(1))], in: types), in: store)
        XCTAssertEqual((0..<4).map { load(zero, field: $0) }, [0, 0, 0, 0])

        // Packed elements are narrowed: 0x1FF stores 0xFF, read back sign-extended as -1.
        let bytes = try object(try evaluate([.i32Const(0x1FF), .i32Const(3), .gc(.arrayNew(2))], in: types), in: store)
        XCTAssertEqual(bytes.count, 3)
        XCTAssertEqual((0..<3).map { element(bytes, $0).low }, [0xFF, 0xFF, 0xFF])
        XCTAssertEqual(element(bytes, 2, signed: true).low, 0xFFFF_FFFF)

        let vectors = try object(try evaluate([.v128Const(1, 2), .v128Const(3, 4), .gc(.arrayNewFixed(3, count: 2))], in: types), in: store)
        XCTAssertEqual(vectors.count, 2)
        XCTAssertEqual([element(vectors, 0).low, element(vectors, 0).high, element(vectors, 1).low, element(vectors, 1).high],
                       [1, 2, 3, 4])

        let empty = try object(try evaluate([.gc(.arrayNewFixed(4, count: 0))], in: types), in: store)
        XCTAssertEqual(empty.count, 0)
        let nulls = try object(try evaluate([.i32Const(5), .gc(.arrayNewDefault(4))], in: types), in: store)
        XCTAssertEqual((0..<5).map { element(nulls, $0).low }, [0, 0, 0, 0, 0])

        // ref.i31 keeps the low 31 bits; the conversions keep the slot as it is.
        XCTAssertEqual(try evaluate([.i32Const(-1), .gc(.refI31)], in: types), RefEncoding.i31(0x7FFF_FFFF))
        XCTAssertEqual(try evaluate([.i32Const(6), .gc(.refI31), .gc(.externConvertAny), .gc(.anyConvertExtern)], in: types),
                       RefEncoding.i31(6))
        let anyref = ValueType.ref(RefType(nullable: true, heapType: .any))
        XCTAssertEqual(Value(slot: try evaluate([.i32Const(-1), .gc(.refI31)], in: types), type: anyref, store: store), .ref(.i31(0x7FFF_FFFF)))
        let array = try evaluate([.i32Const(0), .gc(.arrayNewDefault(2)), .gc(.externConvertAny)], in: types)
        XCTAssertEqual(Value(slot: array, type: .externref, store: store), .ref(.object(try object(array, in: store))))
    }

    func testConstantExpressionFailures() throws {
        let store = Store(engine: Engine(), limits: StoreLimits(gcHeapSize: 1 << 16))
        let (types, _) = try makeTypes(store)
        func assertError(_ instructions: [ConstInstruction], _ check: (Error) -> Bool, line: UInt = #line) {
            XCTAssertThrowsError(try evaluate(instructions, in: types), line: line) { XCTAssertTrue(check($0), "\($0)", line: line) }
        }
        func isTrap(_ reason: TrapReason) -> (Error) -> Bool {
            { if case SwasmError.trap(let trap) = $0 { return trap.reason == reason } else { return false } }
        }
        func isInvalid(_ error: Error) -> Bool {
            if case SwasmError.invalid = error { return true } else { return false }
        }
        assertError([.i32Const(1 << 20), .gc(.arrayNewDefault(2))], isTrap(.gcHeapExhausted))
        assertError([.i32Const(-1), .gc(.arrayNewDefault(3))], isTrap(.gcHeapExhausted))
        assertError([.refNull(.any), .i32Const(1 << 14), .gc(.arrayNew(4))], isTrap(.gcHeapExhausted))
        // What validation rules out is refused, not trusted.
        assertError([.gc(.structNewDefault(2))], isInvalid)
        assertError([.gc(.arrayNewDefault(0))], isInvalid)
        assertError([.gc(.structNewDefault(99))], isInvalid)
        assertError([.i32Const(1), .gc(.structNew(0))], isInvalid)
        assertError([.gc(.refI31)], isInvalid)
        assertError([.gc(.anyConvertExtern)], isInvalid)
        assertError([.i32Const(0), .gc(.refI31), .gc(.i31Get(.signed))], isInvalid)
        XCTAssertEqual(store.gcHeap.objectCount, 0)
    }
}
