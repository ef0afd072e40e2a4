import Foundation
import XCTest
@testable import Swasm

/// Runs every single-instruction `assert_return`/`assert_trap` of the spec's numeric scripts
/// directly against `WasmNumerics`, without the decoder or interpreter in between, so a numeric
/// bug shows up here with the exact operands. The scripts live outside the repository
/// (`../shared/spec-testsuite-wasm2.0`, or `$SWASM_SPEC_TESTSUITE`); without them the test skips.
final class NumericsSpecVectorTests: XCTestCase {

    // MARK: Values as the scripts write them

    enum Value: Equatable, CustomStringConvertible {
        case i32(UInt32), i64(UInt64), f32(UInt32), f64(UInt64)

        var u32: UInt32 {
            switch self {
            case .i32(let v), .f32(let v): return v
            case .i64(let v), .f64(let v): return UInt32(truncatingIfNeeded: v)
            }
        }
        var u64: UInt64 {
            switch self {
            case .i32(let v), .f32(let v): return UInt64(v)
            case .i64(let v), .f64(let v): return v
            }
        }
        var float: Float { Float(bitPattern: u32) }
        var double: Double { Double(bitPattern: u64) }

        var description: String {
            switch self {
            case .i32(let v): return "i32 0x" + String(v, radix: 16)
            case .i64(let v): return "i64 0x" + String(v, radix: 16)
            case .f32(let v): return "f32 0x" + String(v, radix: 16) + " (\(Float(bitPattern: v)))"
            case .f64(let v): return "f64 0x" + String(v, radix: 16) + " (\(Double(bitPattern: v)))"
            }
        }
    }

    enum Expectation {
        case value(Value)
        case canonicalNaN32, arithmeticNaN32, canonicalNaN64, arithmeticNaN64
        case trap(String)
    }

    enum Outcome { case value(Value), trap(TrapReason) }

    typealias Operation = ([Value]) -> Outcome

    // MARK: The instructions, by their text-format names

    static let operations: [String: Operation] = {
        typealias N = WasmNumerics
        var ops: [String: Operation] = [:]
        func i32(_ name: String, _ f: @escaping (UInt32, UInt32) -> UInt32) {
            ops["i32." + name] = { .value(.i32(f($0[0].u32, $0[1].u32))) }
        }
        func i32(_ name: String, _ f: @escaping (UInt32) -> UInt32) {
            ops["i32." + name] = { .value(.i32(f($0[0].u32))) }
        }
        func i32(_ name: String, _ f: @escaping (UInt32, UInt32) -> Bool) {
            ops["i32." + name] = { .value(.i32(f($0[0].u32, $0[1].u32) ? 1 : 0)) }
        }
        func i32Div(_ name: String, _ f: @escaping (UInt32, UInt32) -> UInt32?) {
            ops["i32." + name] = { a in
                f(a[0].u32, a[1].u32).map { .value(.i32($0)) } ?? .trap(N.divisionTrap(divisor: a[1].u32))
            }
        }
        func i64(_ name: String, _ f: @escaping (UInt64, UInt64) -> UInt64) {
            ops["i64." + name] = { .value(.i64(f($0[0].u64, $0[1].u64))) }
        }
        func i64(_ name: String, _ f: @escaping (UInt64) -> UInt64) {
            ops["i64." + name] = { .value(.i64(f($0[0].u64))) }
        }
        func i64(_ name: String, _ f: @escaping (UInt64, UInt64) -> Bool) {
            ops["i64." + name] = { .value(.i32(f($0[0].u64, $0[1].u64) ? 1 : 0)) }
        }
        func i64Div(_ name: String, _ f: @escaping (UInt64, UInt64) -> UInt64?) {
            ops["i64." + name] = { a in
                f(a[0].u64, a[1].u64).map { .value(.i64($0)) } ?? .trap(N.divisionTrap(divisor: a[1].u64))
            }
        }
        func f32(_ name: String, _ f: @escaping (Float, Float) -> Float) {
            ops["f32." + name] = { .value(.f32(f($0[0].float, $0[1].float).bitPattern)) }
        }
        func f32(_ name: String, _ f: @escaping (Float) -> Float) {
            ops["f32." + name] = { .value(.f32(f($0[0].float).bitPattern)) }
        }
        func f32(_ name: String, _ f: @escaping (Float, Float) -> Bool) {
            ops["f32." + name] = { .value(.i32(f($0[0].float, $0[1].float) ? 1 : 0)) }
        }
        func f64(_ name: String, _ f: @escaping (Double, Double) -> Double) {
            ops["f64." + name] = { .value(.f64(f($0[0].double, $0[1].double).bitPattern)) }
        }
        func f64(_ name: String, _ f: @escaping (Double) -> Double) {
            ops["f64." + name] = { .value(.f64(f($0[0].double).bitPattern)) }
        }
        func f64(_ name: String, _ f: @escaping (Double, Double) -> Bool) {
            ops["f64." + name] = { .value(.i32(f($0[0].double, $0[1].double) ? 1 : 0)) }
        }

        i32("add", N.i32Add); i32("sub", N.i32Sub); i32("mul", N.i32Mul)
        i32Div("div_s", N.i32DivS); i32Div("div_u", N.i32DivU)
        i32Div("rem_s", N.i32RemS); i32Div("rem_u", N.i32RemU)
        i32("and", N.i32And); i32("or", N.i32Or); i32("xor", N.i32Xor)
        i32("shl", N.i32Shl); i32("shr_s", N.i32ShrS); i32("shr_u", N.i32ShrU)
        i32("rotl", N.i32Rotl); i32("rotr", N.i32Rotr)
        i32("clz", N.i32Clz); i32("ctz", N.i32Ctz); i32("popcnt", N.i32Popcnt)
        i32("extend8_s", N.i32Extend8S); i32("extend16_s", N.i32Extend16S)
        ops["i32.eqz"] = { .value(.i32(N.i32Eqz($0[0].u32) ? 1 : 0)) }
        i32("eq", N.i32Eq); i32("ne", N.i32Ne)
        i32("lt_s", N.i32LtS); i32("lt_u", N.i32LtU); i32("le_s", N.i32LeS); i32("le_u", N.i32LeU)
        i32("gt_s", N.i32GtS); i32("gt_u", N.i32GtU); i32("ge_s", N.i32GeS); i32("ge_u", N.i32GeU)

        i64("add", N.i64Add); i64("sub", N.i64Sub); i64("mul", N.i64Mul)
        i64Div("div_s", N.i64DivS); i64Div("div_u", N.i64DivU)
        i64Div("rem_s", N.i64RemS); i64Div("rem_u", N.i64RemU)
        i64("and", N.i64And); i64("or", N.i64Or); i64("xor", N.i64Xor)
        i64("shl", N.i64Shl); i64("shr_s", N.i64ShrS); i64("shr_u", N.i64ShrU)
        i64("rotl", N.i64Rotl); i64("rotr", N.i64Rotr)
        i64("clz", N.i64Clz); i64("ctz", N.i64Ctz); i64("popcnt", N.i64Popcnt)
        i64("extend8_s", N.i64Extend8S); i64("extend16_s", N.i64Extend16S); i64("extend32_s", N.i64Extend32S)
        ops["i64.eqz"] = { .value(.i32(N.i64Eqz($0[0].u64) ? 1 : 0)) }
        i64("eq", N.i64Eq); i64("ne", N.i64Ne)
        i64("lt_s", N.i64LtS); i64("lt_u", N.i64LtU); i64("le_s", N.i64LeS); i64("le_u", N.i64LeU)
        i64("gt_s", N.i64GtS); i64("gt_u", N.i64GtU); i64("ge_s", N.i64GeS); i64("ge_u", N.i64GeU)

        f32("add", N.f32Add); f32("sub", N.f32Sub); f32("mul", N.f32Mul); f32("div", N.f32Div)
        f32("sqrt", N.f32Sqrt); f32("min", N.f32Min); f32("max", N.f32Max)
        f32("ceil", N.f32Ceil); f32("floor", N.f32Floor); f32("trunc", N.f32Trunc); f32("nearest", N.f32Nearest)
        f32("abs", N.f32Abs); f32("neg", N.f32Neg); f32("copysign", N.f32Copysign)
        f32("eq", N.f32Eq); f32("ne", N.f32Ne); f32("lt", N.f32Lt)
        f32("le", N.f32Le); f32("gt", N.f32Gt); f32("ge", N.f32Ge)

        f64("add", N.f64Add); f64("sub", N.f64Sub); f64("mul", N.f64Mul); f64("div", N.f64Div)
        f64("sqrt", N.f64Sqrt); f64("min", N.f64Min); f64("max", N.f64Max)
        f64("ceil", N.f64Ceil); f64("floor", N.f64Floor); f64("trunc", N.f64Trunc); f64("nearest", N.f64Nearest)
        f64("abs", N.f64Abs); f64("neg", N.f64Neg); f64("copysign", N.f64Copysign)
        f64("eq", N.f64Eq); f64("ne", N.f64Ne); f64("lt", N.f64Lt)
        f64("le", N.f64Le); f64("gt", N.f64Gt); f64("ge", N.f64Ge)

        ops["i64.extend_i32_s"] = { .value(.i64(N.i64ExtendI32S($0[0].u32))) }
        ops["i64.extend_i32_u"] = { .value(.i64(N.i64ExtendI32U($0[0].u32))) }
        ops["i32.wrap_i64"] = { .value(.i32(N.i32WrapI64($0[0].u64))) }

        func trunc32(_ name: String, _ f: @escaping (Float) -> UInt32?) {
            ops[name] = { a in f(a[0].float).map { .value(.i32($0)) } ?? .trap(N.truncationTrap(a[0].float)) }
        }
        func trunc32(_ name: String, _ f: @escaping (Double) -> UInt32?) {
            ops[name] = { a in f(a[0].double).map { .value(.i32($0)) } ?? .trap(N.truncationTrap(a[0].double)) }
        }
        func trunc64(_ name: String, _ f: @escaping (Float) -> UInt64?) {
            ops[name] = { a in f(a[0].float).map { .value(.i64($0)) } ?? .trap(N.truncationTrap(a[0].float)) }
        }
        func trunc64(_ name: String, _ f: @escaping (Double) -> UInt64?) {
            ops[name] = { a in f(a[0].double).map { .value(.i64($0)) } ?? .trap(N.truncationTrap(a[0].double)) }
        }
        trunc32("i32.trunc_f32_s", N.i32TruncF32S); trunc32("i32.trunc_f32_u", N.i32TruncF32U)
        trunc32("i32.trunc_f64_s", N.i32TruncF64S); trunc32("i32.trunc_f64_u", N.i32TruncF64U)
        trunc64("i64.trunc_f32_s", N.i64TruncF32S); trunc64("i64.trunc_f32_u", N.i64TruncF32U)
        trunc64("i64.trunc_f64_s", N.i64TruncF64S); trunc64("i64.trunc_f64_u", N.i64TruncF64U)

        ops["i32.trunc_sat_f32_s"] = { .value(.i32(N.i32TruncSatF32S($0[0].float))) }
        ops["i32.trunc_sat_f32_u"] = { .value(.i32(N.i32TruncSatF32U($0[0].float))) }
        ops["i32.trunc_sat_f64_s"] = { .value(.i32(N.i32TruncSatF64S($0[0].double))) }
        ops["i32.trunc_sat_f64_u"] = { .value(.i32(N.i32TruncSatF64U($0[0].double))) }
        ops["i64.trunc_sat_f32_s"] = { .value(.i64(N.i64TruncSatF32S($0[0].float))) }
        ops["i64.trunc_sat_f32_u"] = { .value(.i64(N.i64TruncSatF32U($0[0].float))) }
        ops["i64.trunc_sat_f64_s"] = { .value(.i64(N.i64TruncSatF64S($0[0].double))) }
        ops["i64.trunc_sat_f64_u"] = { .value(.i64(N.i64TruncSatF64U($0[0].double))) }

        ops["f32.convert_i32_s"] = { .value(.f32(N.f32ConvertI32S($0[0].u32).bitPattern)) }
        ops["f32.convert_i32_u"] = { .value(.f32(N.f32ConvertI32U($0[0].u32).bitPattern)) }
        ops["f32.convert_i64_s"] = { .value(.f32(N.f32ConvertI64S($0[0].u64).bitPattern)) }
        ops["f32.convert_i64_u"] = { .value(.f32(N.f32ConvertI64U($0[0].u64).bitPattern)) }
        ops["f64.convert_i32_s"] = { .value(.f64(N.f64ConvertI32S($0[0].u32).bitPattern)) }
        ops["f64.convert_i32_u"] = { .value(.f64(N.f64ConvertI32U($0[0].u32).bitPattern)) }
        ops["f64.convert_i64_s"] = { .value(.f64(N.f64ConvertI64S($0[0].u64).bitPattern)) }
        ops["f64.convert_i64_u"] = { .value(.f64(N.f64ConvertI64U($0[0].u64).bitPattern)) }
        ops["f64.promote_f32"] = { .value(.f64(N.f64PromoteF32($0[0].float).bitPattern)) }
        ops["f32.demote_f64"] = { .value(.f32(N.f32DemoteF64($0[0].double).bitPattern)) }
        ops["f32.reinterpret_i32"] = { .value(.f32(N.f32ReinterpretI32($0[0].u32).bitPattern)) }
        ops["f64.reinterpret_i64"] = { .value(.f64(N.f64ReinterpretI64($0[0].u64).bitPattern)) }
        ops["i32.reinterpret_f32"] = { .value(.i32(N.i32ReinterpretF32($0[0].float))) }
        ops["i64.reinterpret_f64"] = { .value(.i64(N.i64ReinterpretF64($0[0].double))) }
        return ops
    }()

    // MARK: The scripts

    /// Script, the prefix its unqualified export names need, and how many vectors it must
    /// yield (a floor, so a parser regression cannot silently skip most of a file).
    static let scripts: [(file: String, prefix: String, minimum: Int)] = [
        ("i32", "i32.", 370), ("i64", "i64.", 380),
        ("f32", "f32.", 2500), ("f64", "f64.", 2500),
        ("f32_cmp", "f32.", 2400), ("f64_cmp", "f64.", 2400),
        ("f32_bitwise", "f32.", 360), ("f64_bitwise", "f64.", 360),
        ("conversions", "", 590), ("float_misc", "", 470),
    ]

    static var suiteDirectory: URL? {
        if let env = ProcessInfo.processInfo.environment["SWASM_SPEC_TESTSUITE"] {
            return URL(fileURLWithPath: env)
        }
        let repo = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/spec-testsuite-wasm2.0")
        return FileManager.default.fileExists(atPath: dir.path) ? dir : nil
    }

    func testSpecScripts() throws {
        guard let dir = Self.suiteDirectory else {
            throw XCTSkip("spec test suite not found (set SWASM_SPEC_TESTSUITE)")
        }
        for script in Self.scripts {
            let url = dir.appendingPathComponent(script.file + ".wast")
            let text = try String(contentsOf: url, encoding: .utf8)
            var checked = 0
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
                guard trimmed.hasPrefix("(assert_return") || trimmed.hasPrefix("(assert_trap") else { continue }
                let place = "\(script.file).wast:\(index + 1)"
                guard let vector = Self.parseAssertion(String(trimmed)) else {
                    XCTFail("\(place): cannot parse \(trimmed)"); continue
                }
                let name = vector.name.contains(".") ? vector.name : script.prefix + vector.name
                guard let operation = Self.operations[name] else {
                    XCTFail("\(place): no operation for \(name)"); continue
                }
                check(operation(vector.arguments), vector.expectation, place + " " + String(trimmed))
                checked += 1
            }
            XCTAssertGreaterThanOrEqual(checked, script.minimum, "\(script.file).wast: too few vectors")
        }
    }

    private func check(_ outcome: Outcome, _ expectation: Expectation, _ place: String) {
        switch (outcome, expectation) {
        case (.trap(let reason), .trap(let message)):
            XCTAssertEqual(reason.description, message, place)
        case (.value(let v), .value(let e)):
            XCTAssertEqual(v, e, place)
        case (.value(.f32(let bits)), .canonicalNaN32):
            XCTAssertEqual(bits & 0x7FFF_FFFF, 0x7FC0_0000, "\(place): got \(Value.f32(bits))")
        case (.value(.f32(let bits)), .arithmeticNaN32):
            XCTAssertEqual(bits & 0x7FC0_0000, 0x7FC0_0000, "\(place): got \(Value.f32(bits))")
        case (.value(.f64(let bits)), .canonicalNaN64):
            XCTAssertEqual(bits & 0x7FFF_FFFF_FFFF_FFFF, 0x7FF8_0000_0000_0000, "\(place): got \(Value.f64(bits))")
        case (.value(.f64(let bits)), .arithmeticNaN64):
            XCTAssertEqual(bits & 0x7FF8_0000_0000_0000, 0x7FF8_0000_0000_0000, "\(place): got \(Value.f64(bits))")
        default:
            XCTFail("\(place): got \(outcome), expected \(expectation)")
        }
    }

    // MARK: A parser for one-line assertions of the form
    // (assert_return (invoke "name" (t.const x)*) (t.const y)?) / (assert_trap (invoke ...) "msg")

    struct Vector {
        var name: String
        var arguments: [Value]
        var expectation: Expectation
    }

    private indirect enum SExpr {
        case atom(String), string(String), list([SExpr])
    }

    private static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inString = false
        for ch in text {
            if inString {
                current.append(ch)
                if ch == "\"" { tokens.append(current); current = ""; inString = false }
                continue
            }
            switch ch {
            case "(", ")":
                if !current.isEmpty { tokens.append(current); current = "" }
                tokens.append(String(ch))
            case " ", "\t", "\r":
                if !current.isEmpty { tokens.append(current); current = "" }
            case "\"":
                if !current.isEmpty { tokens.append(current); current = "" }
                current = "\""; inString = true
            default:
                current.append(ch)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private static func parseExpr(_ tokens: [String], _ i: inout Int) -> SExpr? {
        guard i < tokens.count else { return nil }
        let t = tokens[i]; i += 1
        if t == "(" {
            var items: [SExpr] = []
            while i < tokens.count, tokens[i] != ")" {
                guard let e = parseExpr(tokens, &i) else { return nil }
                items.append(e)
            }
            guard i < tokens.count else { return nil }
            i += 1
            return .list(items)
        }
        if t == ")" { return nil }
        if t.hasPrefix("\"") { return .string(String(t.dropFirst().dropLast())) }
        return .atom(t)
    }

    static func parseAssertion(_ line: String) -> Vector? {
        let tokens = tokenize(line.components(separatedBy: ";;")[0])
        var i = 0
        guard case .list(let items)? = parseExpr(tokens, &i), items.count >= 2,
              case .atom(let kind) = items[0],
              case .list(let invoke) = items[1], invoke.count >= 2,
              case .atom("invoke") = invoke[0], case .string(let name) = invoke[1]
        else { return nil }
        var args: [Value] = []
        for arg in invoke.dropFirst(2) {
            guard case .value(let v)? = parseConst(arg) else { return nil }
            args.append(v)
        }
        switch kind {
        case "assert_return":
            guard items.count == 3, let e = parseConst(items[2]) else { return nil }
            return Vector(name: name, arguments: args, expectation: e)
        case "assert_trap":
            guard items.count == 3, case .string(let message) = items[2] else { return nil }
            return Vector(name: name, arguments: args, expectation: .trap(message))
        default:
            return nil
        }
    }

    private static func parseConst(_ e: SExpr) -> Expectation? {
        guard case .list(let parts) = e, parts.count == 2,
              case .atom(let op) = parts[0], case .atom(let literal) = parts[1] else { return nil }
        switch op {
        case "i32.const": return parseInteger(literal, bits: 32).map { .value(.i32(UInt32(truncatingIfNeeded: $0))) }
        case "i64.const": return parseInteger(literal, bits: 64).map { .value(.i64($0)) }
        case "f32.const":
            if literal == "nan:canonical" { return .canonicalNaN32 }
            if literal == "nan:arithmetic" { return .arithmeticNaN32 }
            return parseFloat32(literal).map { .value(.f32($0)) }
        case "f64.const":
            if literal == "nan:canonical" { return .canonicalNaN64 }
            if literal == "nan:arithmetic" { return .arithmeticNaN64 }
            return parseFloat64(literal).map { .value(.f64($0)) }
        default: return nil
        }
    }

    /// Two's-complement bits of a signed or unsigned decimal/hex literal.
    static func parseInteger(_ literal: String, bits: Int) -> UInt64? {
        var s = Substring(literal.replacingOccurrences(of: "_", with: ""))
        var negative = false
        if s.hasPrefix("-") { negative = true; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        let magnitude: UInt64?
        if s.hasPrefix("0x") { magnitude = UInt64(s.dropFirst(2), radix: 16) } else { magnitude = UInt64(s) }
        guard let m = magnitude else { return nil }
        let value = negative ? 0 &- m : m
        return bits == 64 ? value : value & 0xFFFF_FFFF
    }

    /// Bits of an f32 literal; NaN payloads and signs are kept exactly.
    static func parseFloat32(_ literal: String) -> UInt32? {
        var s = Substring(literal.replacingOccurrences(of: "_", with: ""))
        var sign: UInt32 = 0
        if s.hasPrefix("-") { sign = 0x8000_0000; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        if s == "inf" { return sign | 0x7F80_0000 }
        if s == "nan" { return sign | 0x7FC0_0000 }
        if s.hasPrefix("nan:0x") {
            guard let payload = UInt32(s.dropFirst(6), radix: 16) else { return nil }
            return sign | 0x7F80_0000 | payload
        }
        // strtof rounds decimal and hex literals correctly to nearest-even.
        guard let magnitude = Float(String(s)) else { return nil }
        return sign | magnitude.bitPattern
    }

    static func parseFloat64(_ literal: String) -> UInt64? {
        var s = Substring(literal.replacingOccurrences(of: "_", with: ""))
        var sign: UInt64 = 0
        if s.hasPrefix("-") { sign = 0x8000_0000_0000_0000; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        if s == "inf" { return sign | 0x7FF0_0000_0000_0000 }
        if s == "nan" { return sign | 0x7FF8_0000_0000_0000 }
        if s.hasPrefix("nan:0x") {
            guard let payload = UInt64(s.dropFirst(6), radix: 16) else { return nil }
            return sign | 0x7FF0_0000_0000_0000 | payload
        }
        guard let magnitude = Double(String(s)) else { return nil }
        return sign | magnitude.bitPattern
    }
}
