import SwasmText
import XCTest
@testable import Swasm

/// GC's type system: decoding struct and array definitions, their validation (declared
/// supertypes matched by width and depth, field mutability), the abstract heap-type hierarchy
/// over concrete struct, array and function types, and canonical equivalence of recursion groups.
final class GCTypeTests: XCTestCase {
    typealias F = DecoderFixture
    typealias Check = DecoderCheck

    func sections(_ text: String) throws -> ModuleSections {
        try ModuleDecoder.decode(try WAT.encode(text))
    }

    func validated(_ text: String) throws -> ModuleSections {
        let module = try sections(text)
        try ModuleValidator.validate(module)
        return module
    }

    func assertInvalid(_ text: String, _ prefix: String, file: StaticString = #filePath, line: UInt = #line) throws {
        Check.invalid(try WAT.encode(text), prefix, file: file, line: line)
    }

    func testDecodesStructAndArrayDefinitions() throws {
        // (struct (field i8) (field (mut i16)) (field (mut (ref null 1)))) (array (mut f64))
        let m = try ModuleDecoder.decode(F.module(F.types([
            [0x4E, 0x02,
             0x5F, 0x03, 0x78, 0x00, 0x77, 0x01, 0x63, 0x01, 0x01,
             0x5E, 0x7C, 0x01],
        ])))
        XCTAssertEqual(m.types.count, 2)
        XCTAssertEqual(m.typeDefinitions[0].composite, .structure([
            FieldType(storage: .i8, mutable: false),
            FieldType(storage: .i16, mutable: true),
            FieldType(storage: .value(.ref(RefType(nullable: true, heapType: .concrete(1)))), mutable: true),
        ]))
        XCTAssertEqual(m.typeDefinitions[1].composite, .array(FieldType(storage: .value(.f64), mutable: true)))
        XCTAssertEqual(m.typeDefinitions[1].recGroup, 0..<2)
        XCTAssertFalse(m.isFunctionType(0))
        XCTAssertEqual(StorageType.i16.unpacked, .i32)
        try ModuleValidator.validate(m)
    }

    func testMalformedFieldTypes() {
        Check.malformed(F.module(F.types([[0x5E, 0x7F, 0x02]])), "malformed mutability")
        Check.malformed(F.module(F.types([[0x5F, 0x01, 0x40, 0x00]])), "malformed value type")
    }

    func testStructSubtypingByWidthAndDepth() throws {
        _ = try validated("""
            (module
              (type $a (sub (struct (field i32))))
              (type $b (sub $a (struct (field i32) (field (mut i64)))))
              (type $c (sub (struct (field (ref null $a)))))
              (type $d (sub $c (struct (field (ref $b)) (field i8)))))
            """)
        // A field may not be dropped, change mutability, or (when mutable) change type.
        try assertInvalid("(module (type $a (sub (struct (field i32) (field i32)))) (type (sub $a (struct (field i32)))))",
                          "sub type 1 does not match")
        try assertInvalid("(module (type $a (sub (struct (field i32)))) (type (sub $a (struct (field (mut i32))))))",
                          "sub type 1 does not match")
        try assertInvalid("""
            (module (type $a (sub (struct))) (type $b (sub $a (struct)))
              (type $c (sub (struct (field (mut (ref null $a))))))
              (type (sub $c (struct (field (mut (ref null $b)))))))
            """, "sub type 3 does not match")
        try assertInvalid("(module (type $a (sub (struct (field i32)))) (type (sub $a (struct (field i64)))))",
                          "sub type 1 does not match")
        try assertInvalid("(module (type $a (sub (struct (field i8)))) (type (sub $a (struct (field i32)))))",
                          "sub type 1 does not match")
    }

    func testArraySubtypingAndKindMismatch() throws {
        _ = try validated("""
            (module (type $s (sub (struct))) (type $t (sub $s (struct)))
              (type $a (sub (array (ref null $s)))) (type (sub $a (array (ref $t)))))
            """)
        try assertInvalid("(module (type $a (sub (array (mut i8)))) (type (sub $a (array i8))))", "sub type 1 does not match")
        try assertInvalid("(module (type $a (sub (struct))) (type (sub $a (array i8))))", "sub type 1 does not match")
        try assertInvalid("(module (type $f (sub (func))) (type (sub $f (struct))))", "sub type 1 does not match")
        try assertInvalid("(module (type $a (sub final (array i8))) (type (sub $a (array i8))))", "sub type 1 does not match")
    }

    func testFieldsReachOnlyTheirOwnRecursionGroup() throws {
        _ = try validated("(module (rec (type $l (struct (field (ref null $r)))) (type $r (array (ref $l)))))")
        try assertInvalid("(module (type (struct (field (ref 1)))) (type (struct)))", "unknown type 1")
    }

    func testStructAndArrayTypesDoNotTypeFunctions() throws {
        try assertInvalid("(module (type $s (struct)) (func (type $s)))", "type mismatch")
        try assertInvalid("(module (type $a (array i32)) (import \"m\" \"f\" (func (type $a))))", "type mismatch")
        try assertInvalid("(module (type $s (struct)) (tag (type $s)))", "type mismatch")
        // Bodies are validated on their own (lazily, in the engine).
        let body = try validated("(module (type $s (struct)) (type $f (func)) (func (type $f) (block (type $s))))")
        XCTAssertThrowsError(try FunctionValidator.validateAllFunctions(module: body, features: [.functionReferences])) { error in
            guard case SwasmError.invalid(let message, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(message, "unknown type 0")
        }
    }

    func testAbstractHeapTypeHierarchy() throws {
        let m = try validated("(module (type $s (struct)) (type $a (array i8)) (type $f (func)))")
        let hierarchy = TypeHierarchy(module: m)
        func ref(_ heapType: HeapType, nullable: Bool = true) -> ValueType {
            .ref(RefType(nullable: nullable, heapType: heapType))
        }
        let s = HeapType.concrete(0), a = HeapType.concrete(1), f = HeapType.concrete(2)
        for (sub, sup) in [(s, HeapType.struct), (s, .eq), (s, .any), (a, .array), (a, .eq), (a, .any), (f, .func),
                           (.none, s), (.none, a), (.nofunc, f), (.i31, .eq), (.none, .i31)] {
            XCTAssertTrue(hierarchy.isSubtype(ref(sub), ref(sup)), "\(sub) ≤ \(sup)")
        }
        for (sub, sup) in [(s, HeapType.array), (s, .func), (a, .struct), (f, .any), (f, .eq), (.nofunc, s),
                           (.none, f), (s, a), (.eq, s), (.any, .eq), (.noextern, .any), (.i31, .struct)] {
            XCTAssertFalse(hierarchy.isSubtype(ref(sub), ref(sup)), "\(sub) ≰ \(sup)")
        }
        XCTAssertFalse(hierarchy.isSubtype(ref(s), ref(s, nullable: false)))
        XCTAssertEqual(HeapSubtyping.top(s, kind: hierarchy.kind), .any)
        XCTAssertEqual(HeapSubtyping.top(f, kind: hierarchy.kind), .func)
    }

    func testEquivalentRecursionGroupsShareAClass() throws {
        let m = try validated("""
            (module
              (rec (type $l1 (struct (field (ref null $l1)))))
              (rec (type $l2 (struct (field (ref null $l2)))))
              (rec (type (struct (field (mut (ref null 2))))))
              (type (array i8)) (type (array i8)) (type (array (mut i8))))
            """)
        let classes = TypeCanonicalizer.localClasses(of: m)
        XCTAssertEqual(classes[0], classes[1])
        XCTAssertNotEqual(classes[0], classes[2])
        XCTAssertEqual(classes[3], classes[4])
        XCTAssertNotEqual(classes[3], classes[5])
        // The engine interns the same way across modules.
        let registry = TypeRegistry()
        let first = registry.ids(of: m)
        let second = registry.ids(of: try validated("(module (type (array (mut i8))) (type (array i8)))"))
        XCTAssertEqual(second, [first[5], first[3]])
        XCTAssertEqual(registry.kind(first[3]), .array)
        XCTAssertEqual(registry.kind(first[0]), .structure)
    }

    func testDeclaringStructOrArrayTypesCountsAsGC() throws {
        let engine = Engine()
        for text in ["(module (type (struct (field i32))))", "(module (type (array (mut i8))))"] {
            XCTAssertTrue(try Module(engine: engine, bytes: WAT.encode(text)).featuresUsed.contains(.gc), text)
        }
        let simd = try Module(engine: engine, bytes: WAT.encode("(module (type (struct (field v128))))"))
        XCTAssertEqual(simd.featuresUsed, [.gc, .simd])
    }
}
