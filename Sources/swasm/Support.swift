#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Swasm
import SwasmText

/// A failure the CLI reports itself: `message` goes to stderr as is (empty: nothing).
struct CLIFailure: Error {
    var message: String
    var exitCode: Int32 = 1

    static func error(_ text: String, exitCode: Int32 = 1) -> CLIFailure {
        CLIFailure(message: "error: " + oneLine(text), exitCode: exitCode)
    }
}

/// Joins the lines of a multi-line message so every error stays one line.
func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: "; ")
}

func printError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { bytes in
        var rest = UnsafeRawBufferPointer(bytes)
        while !rest.isEmpty {
            let written = write(2, rest.baseAddress, rest.count)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            rest = UnsafeRawBufferPointer(rebasing: rest[written...])
        }
    }
}

func exitProcess(_ code: Int32) -> Never {
    fflush(stdout)
    exit(code)
}


/// The binary of a `.wasm` file, or of a `.wat` file encoded to binary. The content decides,
/// not the extension: a binary module starts with `\0asm`.
func loadModuleBytes(_ path: String) throws -> [UInt8] {
    let bytes = try HostFile.readAll(path)
    if bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) { return bytes }
    guard let text = String(validatingUTF8CString: bytes) else {
        throw CLIFailure.error("\(path): not a WebAssembly binary and not UTF-8 text")
    }
    do {
        return try WAT.encode(text)
    } catch let error as TextError {
        throw CLIFailure.error("\(path):\(error.line):\(error.column): \(error.message)")
    } catch {
        throw CLIFailure.error("\(path): \(describe(error))")
    }
}

extension String {
    /// UTF-8 decoding that fails on invalid input instead of repairing it.
    init?(validatingUTF8CString bytes: [UInt8]) {
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        self = s
    }
}

/// Decodes (and, with `eager`, validates every function of) a module.
func loadModule(_ path: String, eager: Bool = false, configuration: EngineConfiguration = EngineConfiguration()) throws -> Module {
    let bytes = try loadModuleBytes(path)
    var configuration = configuration
    configuration.compilation = eager ? .eager : .lazy
    let engine = Engine(configuration: configuration)
    do {
        let module = try Module(engine: engine, bytes: bytes)
        return module
    } catch {
        throw CLIFailure.error("\(path): \(describe(error))")
    }
}

func describe(_ error: Error) -> String {
    if let e = error as? SwasmError { return e.description }
    if let e = error as? TextError { return e.description }
    if let e = error as? CLIFailure { return e.message }
    if let e = error as? APIError { return e.message }
    return String(describing: error)
}

extension StringProtocol {
    /// Without leading and trailing white space.
    var trimmingSpaces: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }

    var removingUnderscores: String { String(filter { $0 != "_" }) }
}

/// The last component of a path, as `basename` gives it: `a/b/` is `b`, `/` is `/`.
func lastPathComponent(_ path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    if trimmed == "/" { return "/" }
    if let slash = trimmed.lastIndex(of: "/") { return String(trimmed[trimmed.index(after: slash)...]) }
    return String(trimmed)
}

// MARK: - Values

func describe(_ type: ValueType) -> String { type.description }

func describe(_ type: FuncType) -> String {
    let params = type.params.map(describe).joined(separator: " ")
    let results = type.results.map(describe).joined(separator: " ")
    return "func (\(params)) -> (\(results))"
}

/// Parses a command-line argument as a value of `type`: integers in decimal or `0x` hex,
/// signed or unsigned; floats in any form Swift accepts (`1.5`, `1e10`, `0x1p-3`, `nan`, `inf`).
func parseArgument(_ text: String, as type: ValueType) -> Value? {
    switch type {
    case .i32:
        guard let v = parseInteger(text, bits: 32) else { return nil }
        return .i32(UInt32(truncatingIfNeeded: v))
    case .i64:
        guard let v = parseInteger(text, bits: 64) else { return nil }
        return .i64(v)
    case .f32:
        guard let v = Float(text) else { return nil }
        return .f32(v.bitPattern)
    case .f64:
        guard let v = Double(text) else { return nil }
        return .f64(v.bitPattern)
    case .v128, .ref:
        return nil
    }
}

/// Accepts -2^(bits-1) ... 2^bits - 1 and returns the two's-complement bit pattern.
private func parseInteger(_ text: String, bits: Int) -> UInt64? {
    var body = Substring(text)
    var negative = false
    if body.hasPrefix("-") { negative = true; body = body.dropFirst() }
    else if body.hasPrefix("+") { body = body.dropFirst() }
    var radix = 10
    if body.hasPrefix("0x") || body.hasPrefix("0X") { radix = 16; body = body.dropFirst(2) }
    guard !body.isEmpty, let magnitude = UInt64(body, radix: radix) else { return nil }
    if negative {
        guard magnitude <= UInt64(1) << (bits - 1) else { return nil }
        return 0 &- magnitude
    }
    guard bits == 64 || magnitude < UInt64(1) << bits else { return nil }
    return magnitude
}

/// Formats a result the way `wasmtime run --invoke` does: integers as signed decimal, floats
/// as the shortest decimal that round-trips, never in exponent notation (Rust's `Display`).
func formatResult(_ value: Value) -> String {
    switch value {
    case .i32(let v): return String(Int32(bitPattern: v))
    case .i64(let v): return String(Int64(bitPattern: v))
    case .f32(let v): return formatFloat(Float(bitPattern: v).description)
    case .f64(let v): return formatFloat(Double(bitPattern: v).description)
    case .v128(let low, let high):
        return "0x" + hex(high) + hex(low)
    case .ref(.null(let heap)):
        return heap == .extern ? "<null externref>" : "<null funcref>"
    case .ref(.function): return "<funcref>"
    case .ref(.extern): return "<externref>"
    case .ref(.i31): return "<i31ref>"
    case .ref(.object(let object)): return object.isArray ? "<arrayref>" : "<structref>"
    case .ref(.exception): return "<exnref>"
    }
}

private func hex(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}

/// Rewrites Swift's shortest round-trip float text (`1.0`, `1e-07`, `3.4028235e+38`) without
/// an exponent and without a trailing `.0`.
func formatFloat(_ swiftText: String) -> String {
    switch swiftText {
    case "nan", "-nan", "snan", "-snan": return "NaN"
    case "inf": return "inf"
    case "-inf": return "-inf"
    default: break
    }
    var text = Substring(swiftText)
    var sign = ""
    if text.hasPrefix("-") { sign = "-"; text = text.dropFirst() }
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exponent = Int(text[text.index(after: e)...]) ?? 0
        text = text[..<e]
    }
    var digits = ""
    var pointPosition = 0
    var seenPoint = false
    for ch in text {
        if ch == "." { seenPoint = true; continue }
        digits.append(ch)
        if !seenPoint { pointPosition += 1 }
    }
    pointPosition += exponent
    var integerPart: String
    var fractionPart: String
    if pointPosition <= 0 {
        integerPart = "0"
        fractionPart = String(repeating: "0", count: -pointPosition) + digits
    } else if pointPosition >= digits.count {
        integerPart = digits + String(repeating: "0", count: pointPosition - digits.count)
        fractionPart = ""
    } else {
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        integerPart = String(digits[..<split])
        fractionPart = String(digits[split...])
    }
    while fractionPart.hasSuffix("0") { fractionPart.removeLast() }
    while integerPart.count > 1 && integerPart.hasPrefix("0") { integerPart.removeFirst() }
    return sign + integerPart + (fractionPart.isEmpty ? "" : "." + fractionPart)
}

