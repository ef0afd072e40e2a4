import SwasmText
import XCTest
@testable import Swasm

/// Decoding and typing of the GC instructions: packed fields need a sign, writes need a mutable
/// field or array, `br_on_cast`'s branch and fallthrough types, constant expressions that
/// allocate, and the feature gate of the instruction reader.
final class GCValidationTests: XCTestCase {
    static let features: InstructionReader.Features = [.tailCall, .multiMemory, .functionReferences, .gc]

    /// Decodes, validates the module structure and every function body.
    func validate(_ text: String) throws {
        let module = try ModuleDecoder.decode(try WAT.encode(text))
        try ModuleValidator.validate(module)
        try FunctionValidator.validateAllFunctions(module: module, features: Self.features)
    }

    func assertValid(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(try validate(text), file: file, line: line)
    }

    func assertInvalid(_ text: String, _ prefix: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try validate(text), file: file, line: line) { error in
            guard case SwasmError.invalid(let message, _, _) = error else {
                return XCTFail("expected invalid, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(message.hasPrefix(prefix), "\"\(message)\" does not start with \"\(prefix)\"",
                          file: file, line: line)
        }
    }

    func testPackedFieldsReadOnlyWithASign() {
        let types = "(type $s (struct (field i8) (field i32))) (type $a (array i16))"
        assertValid("(module \(types) (func (param (ref $s)) (result i32) (struct.get_s $s 0 (local.get 0))))")
        assertValid("(module \(types) (func (param (ref null $a)) (result i32) (array.get_u $a (local.get 0) (i32.const 0))))")
        assertInvalid("(module \(types) (func (param (ref $s)) (result i32) (struct.get $s 0 (local.get 0))))", "type mismatch")
        assertInvalid("(module \(types) (func (param (ref $s)) (result i32) (struct.get_u $s 1 (local.get 0))))", "type mismatch")
        assertInvalid("(module \(types) (func (param (ref $a)) (result i32) (array.get $a (local.get 0) (i32.const 0))))", "type mismatch")
        assertInvalid("(module \(types) (func (param (ref $s)) (result i32) (struct.get_s $s 2 (local.get 0))))", "unknown field")
    }

    func testWritesNeedMutability() {
        assertValid("(module (type $s (struct (field (mut i64)))) (func (param (ref $s)) (struct.set $s 0 (local.get 0) (i64.const 1))))")
        assertInvalid("(module (type $s (struct (field i64))) (func (param (ref $s)) (struct.set $s 0 (local.get 0) (i64.const 1))))",
                      "immutable field")
        // Mutability is reported before the operands are looked at.
        assertInvalid("(module (type $a (array i8)) (func (param (ref $a)) (array.fill $a (local.get 0) (i32.const 0) (f32.const 0) (i32.const 0))))",
                      "immutable array")
        assertInvalid("""
            (module (type $d (array (mut i8))) (type $s (array i16))
              (func (param (ref $d) (ref $s))
                (array.copy $d $s (local.get 0) (i32.const 0) (local.get 1) (i32.const 0) (i32.const 0))))
            """, "array types do not match")
    }

    func testOperandTypesFollowTheTypeIndex() {
        let types = "(type $p (sub (struct (field i32)))) (type $q (sub $p (struct (field i32) (field f64))))"
        // A subtype's reference reads the supertype's field.
        assertValid("(module \(types) (func (param (ref $q)) (result i32) (struct.get $p 0 (local.get 0))))")
        // A supertype's reference does not have the subtype's fields.
        assertInvalid("(module \(types) (func (param (ref $p)) (result f64) (struct.get $q 1 (local.get 0))))", "type mismatch")
        assertInvalid("(module \(types) (func (result (ref $p)) (struct.new $p (i64.const 0))))", "type mismatch")
        assertInvalid("(module \(types) (func (drop (struct.new $p (i32.const 0) (i32.const 1)))))", "type mismatch")
        assertInvalid("(module (type $f (func)) (func (drop (struct.new_default $f))))", "type mismatch")
        assertInvalid("(module (func (drop (array.new_default 7 (i32.const 0)))))", "unknown type")
        assertInvalid("(module (type $s (struct (field (ref any)))) (func (drop (struct.new_default $s))))", "field type is not defaultable")
    }

    func testBrOnCastBranchAndFallthroughTypes() {
        let types = "(type $t (sub (struct))) (type $u (sub $t (struct (field i32))))"
        // Taken with (ref $u); falls through with (ref null $t) minus the null the target had.
        assertValid("""
            (module \(types)
              (func (param (ref null $t)) (result (ref null $u))
                (block $l (result (ref null $u))
                  (br_on_cast $l (ref null $t) (ref null $u) (local.get 0))
                  (ref.is_null) (drop) (ref.null $u))))
            """)
        assertValid("""
            (module \(types)
              (func (param (ref null $t)) (result (ref $t))
                (block $l (result (ref null $t))
                  (return (br_on_cast $l (ref null $t) (ref null $u) (local.get 0))))
                (unreachable)))
            """)
        // The fallthrough keeps the null when the target has none: not a (ref $t).
        assertInvalid("""
            (module \(types)
              (func (param (ref null $t)) (result (ref $t))
                (block $l (result (ref null $t))
                  (return (br_on_cast $l (ref null $t) (ref $u) (local.get 0))))
                (unreachable)))
            """, "type mismatch")
        // The label must take the target type.
        assertInvalid("""
            (module \(types)
              (func (param (ref null $t))
                (drop (block $l (result (ref $u))
                  (drop (br_on_cast $l (ref null $t) (ref null $u) (local.get 0))) (unreachable)))))
            """, "type mismatch")
        // The target must lie below the source.
        assertInvalid("""
            (module \(types)
              (func (param (ref $u))
                (drop (block $l (result (ref $t))
                  (br_on_cast $l (ref $u) (ref $t) (local.get 0))))))
            """, "type mismatch")
        // br_on_cast_fail branches with what the target excludes, and falls through with it.
        assertValid("""
            (module \(types)
              (func (param (ref null $t)) (result (ref null $t))
                (block $l (result (ref null $t))
                  (return (br_on_cast_fail $l (ref null $t) (ref $u) (local.get 0))))))
            """)
        assertInvalid("""
            (module \(types)
              (func (param (ref null $t)) (result (ref null $t))
                (drop (block $l (result (ref $t))
                  (return (br_on_cast_fail $l (ref null $t) (ref $u) (local.get 0)))))
                (ref.null $t)))
            """, "type mismatch")
    }

    func testCastOperandsStayInTheTargetsHierarchy() {
        assertValid("(module (type $s (struct)) (func (param anyref) (result i32) (ref.test (ref $s) (local.get 0))))")
        assertValid("(module (func (param externref) (result i32) (ref.test (ref noextern) (local.get 0))))")
        assertInvalid("(module (type $s (struct)) (func (param externref) (result i32) (ref.test (ref $s) (local.get 0))))", "type mismatch")
        assertInvalid("(module (func (param funcref) (result anyref) (ref.cast anyref (local.get 0))))", "type mismatch")
        assertInvalid("(module (func (param anyref) (result i32) (ref.eq (local.get 0) (local.get 0))))", "type mismatch")
        assertValid("(module (func (param eqref i32) (result i32) (ref.eq (local.get 0) (ref.i31 (local.get 1)))))")
    }

    func testUnreachableCodeTypesTheConversions() {
        // The polymorphic operand converts to a non-null reference.
        assertValid("(module (func (result (ref any)) (unreachable) (any.convert_extern)))")
        assertValid("(module (func (result (ref null extern)) (unreachable) (extern.convert_any)))")
        assertValid("(module (type $a (array i32)) (func (result (ref $a)) (unreachable) (array.new_fixed $a 4000000000)))")
        assertInvalid("(module (func (param externref) (result (ref any)) (any.convert_extern (local.get 0))))", "type mismatch")
    }

    func testConstantExpressionsAllocate() throws {
        let text = """
            (module
              (type $s (struct (field i32) (field (ref null $s))))
              (type $a (array i8))
              (global $g (ref $s) (struct.new $s (i32.const 1) (struct.new_default $s)))
              (global (ref $a) (array.new_fixed $a 2 (i32.const 1) (i32.const 2)))
              (global (ref i31) (ref.i31 (i32.const 7)))
              (global externref (extern.convert_any (global.get $g)))
              (elem (ref null $s) (item (struct.new_default $s))))
            """
        let module = try ModuleDecoder.decode(try WAT.encode(text))
        XCTAssertNoThrow(try ModuleValidator.validate(module))
        XCTAssertEqual(module.globals[0].initializer.instructions.last, .gc(.structNew(0)))
        XCTAssertTrue(module.featuresUsed().contains(.gc))
        assertInvalid("(module (type $s (struct (field i32))) (global (ref $s) (struct.new $s (i64.const 1))))", "type mismatch")
        assertInvalid("(module (type $s (struct (field i32))) (global (ref $s) (struct.new $s)))", "type mismatch")
        assertInvalid("(module (type $a (array i32)) (global (ref $a) (array.new_default $a (i32.const 1))) (global (ref i31) (global.get 0)))", "type mismatch")
    }

    func testNonConstantGCInstructionsInConstantExpressions() {
        // (global i32 (array.len (ref.null array))): array.len is 0xFB 15.
        let global: [UInt8] = [0x7F, 0x00, 0xD0, 0x6A, 0xFB, 0x0F, 0x0B]
        XCTAssertThrowsError(try ModuleDecoder.decode(DecoderFixture.module(DecoderFixture.section(6, [0x01] + global)))) { error in
            guard case SwasmError.invalid(let message, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(message, "constant expression required")
        }
        let unknown: [UInt8] = [0x7F, 0x00, 0xFB, 0x1F, 0x0B]
        DecoderCheck.malformed(DecoderFixture.module(DecoderFixture.section(6, [0x01] + unknown)), "illegal opcode")
    }

    func testFeatureScanReportsGCInstructions() throws {
        // Neither module declares a GC type: only the instruction says it uses GC.
        let body = try ModuleDecoder.decode(try WAT.encode(
            "(module (func (result i32) (ref.eq (ref.null none) (ref.null none))))"))
        XCTAssertEqual(body.featuresUsed(), [.referenceTypes, .gc])
        let constant = try ModuleDecoder.decode(try WAT.encode(
            "(module (global externref (extern.convert_any (ref.null none))))"))
        XCTAssertEqual(constant.featuresUsed(), [.referenceTypes, .gc])
        var configuration = EngineConfiguration()
        configuration.features.remove(.gc)
        XCTAssertThrowsError(try Module(engine: Engine(configuration: configuration), bytes: WAT.encode(
            "(module (func (result i32) (ref.eq (ref.null none) (ref.null none))))"))) { error in
            guard case SwasmError.invalid(let message, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("gc"), message)
        }
    }

    func testReaderDecodesThePrefixOnlyWithTheFeature() throws {
        // br_on_cast 0 (ref null any) (ref i31): flags 0b01; ref.test (ref null eq); ref.eq.
        let bytes: [UInt8] = [0xFB, 0x18, 0x01, 0x00, 0x6E, 0x6C, 0xFB, 0x15, 0x6D, 0xD3, 0xFB, 0x1E]
        var reader = InstructionReader(bytes: bytes, range: 0..<bytes.count, features: [.gc])
        XCTAssertEqual(try reader.read(), .gc(.brOnCast(0, from: RefType(nullable: true, heapType: .any),
                                                        to: RefType(nullable: false, heapType: .i31))))
        XCTAssertEqual(try reader.read(), .gc(.refTest(RefType(nullable: true, heapType: .eq))))
        XCTAssertEqual(try reader.read(), .gc(.refEq))
        XCTAssertEqual(try reader.read(), .gc(.i31Get(.unsigned)))
        var without = InstructionReader(bytes: bytes, range: 0..<bytes.count)
        XCTAssertThrowsError(try without.read()) { error in
            guard case SwasmError.malformed(let message, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.hasPrefix("illegal opcode"), message)
        }
        let unknown: [UInt8] = [0xFB, 0x1F]
        var reader2 = InstructionReader(bytes: unknown, range: 0..<unknown.count, features: [.gc])
        XCTAssertThrowsError(try reader2.read()) { error in
            guard case SwasmError.malformed(let message, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(message, "illegal opcode fb 31")
        }
        let badFlags: [UInt8] = [0xFB, 0x19, 0x04, 0x00, 0x6E, 0x6C]
        var reader3 = InstructionReader(bytes: badFlags, range: 0..<badFlags.count, features: [.gc])
        XCTAssertThrowsError(try reader3.read())
    }
}
