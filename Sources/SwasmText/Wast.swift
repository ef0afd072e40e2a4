/// The WebAssembly script format used by the spec test suite
/// (https://github.com/WebAssembly/spec/tree/main/interpreter#scripts).
public enum WAST {
    /// Parses a script into its directives. Modules are not encoded here: a module that is not
    /// well-formed fails only when its ``WastModule/encode()`` is called, so one bad module does
    /// not stop the rest of the script.
    public static func parse(_ source: String) throws -> [WastDirective] {
        try parse(bytes: Array(source.utf8))
    }

    /// Parses a script given as UTF-8 bytes; see ``parse(_:)``.
    public static func parse(bytes: [UInt8]) throws -> [WastDirective] {
        var parser = ScriptParser(c: TokenCursor(bytes: bytes, tokens: try Lexer.tokenize(bytes)))
        return try parser.parseScript()
    }
}

/// One top-level command of a script.
public struct WastDirective: Sendable {
    /// 1-based line of the directive's opening parenthesis.
    public var line: Int
    /// What the directive asks for.
    public var kind: Kind

    public enum Kind: Sendable {
        /// `(module ...)`: define and instantiate.
        case module(WastModule)
        /// `(module definition $id? ...)`: define without instantiating (Wasm 3.0 scripts).
        case moduleDefinition(WastModule)
        /// `(module instance $instance? $definition?)` (Wasm 3.0 scripts).
        case moduleInstance(instanceId: String?, definitionId: String?)
        /// `(register "name" $id?)`: make a module's exports importable as `name`.
        case register(name: String, moduleId: String?)
        case action(WastAction)
        case assertReturn(WastAction, [WastExpected])
        case assertTrap(WastActionOrModule, String)
        case assertExhaustion(WastAction, String)
        /// `(assert_exception action)`: the action throws a Wasm exception.
        case assertException(WastAction)
        case assertInvalid(WastModule, String)
        case assertMalformed(WastModule, String)
        case assertUnlinkable(WastModule, String)
        case assertUninstantiable(WastModule, String)
        /// A directive this parser knows by name only (e.g. `thread`, `wait`); skipped.
        case unsupported(String)
    }
}

/// What `assert_trap` runs: an action, or a module whose instantiation (start function) traps.
public enum WastActionOrModule: Sendable {
    case action(WastAction)
    case module(WastModule)
}

/// A module as written in a script.
public struct WastModule: Sendable {
    /// The module's `$id`, without the `$`.
    public var id: String?
    /// How the module was written.
    public var source: Source

    public enum Source: Sendable {
        /// The exact text of a `(module ...)` s-expression (or, for a definition, its fields).
        case text(String)
        /// `(module binary "..."*)`: the concatenated bytes.
        case binary([UInt8])
        /// `(module quote "..."*)`: the concatenated text, a module or bare fields.
        case quote(String)
    }

    public init(id: String?, source: Source) {
        self.id = id
        self.source = source
    }

    /// The module's binary encoding; throws ``TextError`` for malformed text.
    public func encode(options: WATOptions = .wasm2) throws -> [UInt8] {
        switch source {
        case .binary(let bytes): return bytes
        case .text(let text), .quote(let text): return try WAT.encode(text, options: options)
        }
    }
}

/// An action on a module instance; `moduleId` names a module (without `$`), or is nil for the
/// most recently instantiated one.
public enum WastAction: Sendable, Equatable {
    /// `(invoke $module? "name" arg*)`.
    case invoke(moduleId: String?, name: String, args: [WastValue])
    /// `(get $module? "name")`: read an exported global.
    case get(moduleId: String?, name: String)
}

/// Heap types that scripts name in `ref.null` and reference results.
public enum WastHeapType: Sendable, Equatable {
    case `func`, extern, any, eq, i31, `struct`, array, none, nofunc, noextern, exn, noexn
    /// A concrete type written as `$id` or an index.
    case type(String)
}

/// An argument value, as exact bits.
public enum WastValue: Sendable, Equatable {
    case i32(UInt32)
    case i64(UInt64)
    case f32(UInt32)
    case f64(UInt64)
    case v128([UInt8])
    case refNull(WastHeapType)
    /// `(ref.extern n)`: a host reference the runner identifies by `n`.
    case refExtern(UInt32)
    /// `(ref.host n)`, an older spelling used by some scripts.
    case refHost(UInt32)
    case refFunc(UInt32?)
}

public enum WastNaNPattern: Sendable, Equatable {
    /// Only the quiet bit set in the payload (either sign).
    case canonical
    /// Any NaN with the quiet bit set (either sign).
    case arithmetic
}

/// One lane of an expected `v128`.
public enum WastLane: Sendable, Equatable {
    case i8(UInt8)
    case i16(UInt16)
    case i32(UInt32)
    case i64(UInt64)
    case f32(UInt32)
    case f64(UInt64)
    case f32NaN(WastNaNPattern)
    case f64NaN(WastNaNPattern)
}

/// An expected result of `assert_return`.
public enum WastExpected: Sendable, Equatable {
    case i32(UInt32)
    case i64(UInt64)
    /// Exact bits (NaNs compare by payload).
    case f32(UInt32)
    case f64(UInt64)
    case f32NaN(WastNaNPattern)
    case f64NaN(WastNaNPattern)
    /// A `v128` compared lane by lane, in the lane shape that was written.
    case v128([WastLane])
    /// A null reference; `nil` when any null matches (`(ref.null)`).
    case refNull(WastHeapType?)
    /// `(ref.extern n)`, or any non-null external reference when `nil`.
    case refExtern(UInt32?)
    case refHost(UInt32)
    /// `(ref.func n)`, or any non-null function reference when `nil`.
    case refFunc(UInt32?)
    /// Any non-null reference of the given abstract heap type (`(ref.struct)`, `(ref.i31)`...).
    case ref(WastHeapType)
    /// `(either e*)`: one of the alternatives.
    case either([WastExpected])
}

/// Parses the s-expressions of a script.
private struct ScriptParser {
    var c: TokenCursor
    var lines = LineCounter()

    mutating func parseScript() throws -> [WastDirective] {
        var directives: [WastDirective] = []
        while c.peek.kind != .eof {
            let open = c.peek
            guard open.kind == .lparen else { throw c.unexpected() }
            let line = lines.line(of: open.start, in: c.bytes)
            directives.append(WastDirective(line: line, kind: try parseDirective()))
        }
        return directives
    }

    private mutating func parseDirective() throws -> WastDirective.Kind {
        let keyword = c.peek(1)
        guard keyword.kind == .atom else { throw c.error("unexpected token", at: keyword) }
        switch c.text(keyword) {
        case "module":
            if c.isKeyword(c.peek(2), "definition") {
                return .moduleDefinition(try parseModule())
            }
            if c.isKeyword(c.peek(2), "instance") {
                c.pos += 3
                let instance = try c.takeId()
                let definition = try c.takeId()
                try c.expectRParen()
                return .moduleInstance(instanceId: instance, definitionId: definition)
            }
            return .module(try parseModule())
        case "register":
            c.pos += 2
            let name = String(decoding: try c.string(), as: UTF8.self)
            let id = try c.takeId()
            try c.expectRParen()
            return .register(name: name, moduleId: id)
        case "invoke", "get":
            return .action(try parseAction())
        case "assert_return":
            c.pos += 2
            let action = try parseAction()
            var expected: [WastExpected] = []
            while c.peek.kind == .lparen { expected.append(try parseExpected()) }
            try c.expectRParen()
            return .assertReturn(action, expected)
        case "assert_trap":
            c.pos += 2
            let target: WastActionOrModule =
                c.atParen("module") ? .module(try parseModule()) : .action(try parseAction())
            let message = try parseMessage()
            return .assertTrap(target, message)
        case "assert_exhaustion":
            c.pos += 2
            let action = try parseAction()
            return .assertExhaustion(action, try parseMessage())
        case "assert_exception":
            c.pos += 2
            let action = try parseAction()
            try c.expectRParen()
            return .assertException(action)
        case "assert_invalid", "assert_malformed", "assert_unlinkable", "assert_uninstantiable":
            let name = c.text(keyword)
            c.pos += 2
            let module = try parseModule()
            let message = try parseMessage()
            switch name {
            case "assert_invalid": return .assertInvalid(module, message)
            case "assert_malformed": return .assertMalformed(module, message)
            case "assert_unlinkable": return .assertUnlinkable(module, message)
            default: return .assertUninstantiable(module, message)
            }
        default:
            let name = c.text(keyword)
            try c.skipSExpression()
            return .unsupported(name)
        }
    }

    private mutating func parseMessage() throws -> String {
        let message = String(decoding: try c.string(), as: UTF8.self)
        try c.expectRParen()
        return message
    }

    /// `(module $id? ...)` in its text, binary and quote forms, and `module definition`.
    private mutating func parseModule() throws -> WastModule {
        let open = c.peek
        try c.expectParen("module")
        let isDefinition = c.takeKeyword("definition")
        let id = try c.takeId()
        if c.takeKeyword("binary") {
            var bytes: [UInt8] = []
            while c.peek.kind == .string { bytes += try c.string() }
            try c.expectRParen()
            return WastModule(id: id, source: .binary(bytes))
        }
        if c.takeKeyword("quote") {
            var bytes: [UInt8] = []
            while c.peek.kind == .string { bytes += try c.string() }
            try c.expectRParen()
            return WastModule(id: id, source: .quote(String(decoding: bytes, as: UTF8.self)))
        }
        let fieldsStart = c.peek.start
        var depth = 0
        var close = open
        while true {
            let t = c.advance()
            switch t.kind {
            case .lparen: depth += 1
            case .rparen: depth -= 1
            case .eof: throw c.error("unclosed module", at: open)
            default: break
            }
            if depth < 0 {
                close = t
                break
            }
        }
        let text: [UInt8]
        if isDefinition {
            text = Array(c.bytes[fieldsStart..<close.start])
        } else {
            text = Array(c.bytes[open.start..<close.end])
        }
        return WastModule(id: id, source: .text(String(decoding: text, as: UTF8.self)))
    }

    private mutating func parseAction() throws -> WastAction {
        try c.expectLParen()
        let keyword = c.advance()
        let moduleId = try c.takeId()
        let name = String(decoding: try c.string(), as: UTF8.self)
        if c.isKeyword(keyword, "invoke") {
            var args: [WastValue] = []
            while c.peek.kind == .lparen { args.append(try parseValue()) }
            try c.expectRParen()
            return .invoke(moduleId: moduleId, name: name, args: args)
        }
        guard c.isKeyword(keyword, "get") else { throw c.error("unexpected token", at: keyword) }
        try c.expectRParen()
        return .get(moduleId: moduleId, name: name)
    }

    private mutating func parseHeapType() throws -> WastHeapType {
        let t = c.advance()
        if t.kind == .id || c.isUnsigned(t) { return .type(c.text(t)) }
        switch c.text(t) {
        case "func": return .func
        case "extern": return .extern
        case "any": return .any
        case "eq": return .eq
        case "i31": return .i31
        case "struct": return .struct
        case "array": return .array
        case "none": return .none
        case "nofunc": return .nofunc
        case "noextern": return .noextern
        case "exn": return .exn
        case "noexn": return .noexn
        default: throw c.error("unexpected token \(c.text(t)): expected a heap type", at: t)
        }
    }

    private mutating func parseValue() throws -> WastValue {
        try c.expectLParen()
        let keyword = c.advance()
        let value: WastValue
        switch c.text(keyword) {
        case "i32.const": value = .i32(UInt32(truncatingIfNeeded: try c.integer(bits: 32)))
        case "i64.const": value = .i64(try c.integer(bits: 64))
        case "f32.const": value = .f32(UInt32(truncatingIfNeeded: try c.float(.f32)))
        case "f64.const": value = .f64(try c.float(.f64))
        case "v128.const": value = .v128(try parseV128Literal(&c))
        case "ref.null": value = .refNull(try parseHeapType())
        case "ref.extern": value = .refExtern(try c.u32())
        case "ref.host": value = .refHost(try c.u32())
        case "ref.func": value = .refFunc(c.isUnsigned(c.peek) ? try c.u32() : nil)
        default: throw c.error("unexpected token \(c.text(keyword)): expected a constant", at: keyword)
        }
        try c.expectRParen()
        return value
    }

    private mutating func nanPattern() -> WastNaNPattern? {
        if c.takeKeyword("nan:canonical") { return .canonical }
        if c.takeKeyword("nan:arithmetic") { return .arithmetic }
        return nil
    }

    private mutating func parseExpected(nested: Bool = false) throws -> WastExpected {
        try c.expectLParen()
        let keyword = c.advance()
        let expected: WastExpected
        switch c.text(keyword) {
        case "i32.const": expected = .i32(UInt32(truncatingIfNeeded: try c.integer(bits: 32)))
        case "i64.const": expected = .i64(try c.integer(bits: 64))
        case "f32.const":
            if let nan = nanPattern() {
                expected = .f32NaN(nan)
            } else {
                expected = .f32(UInt32(truncatingIfNeeded: try c.float(.f32)))
            }
        case "f64.const":
            if let nan = nanPattern() {
                expected = .f64NaN(nan)
            } else {
                expected = .f64(try c.float(.f64))
            }
        case "v128.const": expected = .v128(try parseLanePatterns())
        case "ref.null":
            expected = .refNull(c.peek.kind == .rparen ? nil : try parseHeapType())
        case "ref.extern": expected = .refExtern(c.isUnsigned(c.peek) ? try c.u32() : nil)
        case "ref.host": expected = .refHost(try c.u32())
        case "ref.func": expected = .refFunc(c.isUnsigned(c.peek) ? try c.u32() : nil)
        case "ref.any": expected = .ref(.any)
        case "ref.eq": expected = .ref(.eq)
        case "ref.i31": expected = .ref(.i31)
        case "ref.struct": expected = .ref(.struct)
        case "ref.array": expected = .ref(.array)
        case "ref.exn": expected = .ref(.exn)
        case "either":
            // Alternatives do not nest in practice; refusing to lets recursion stay shallow.
            guard !nested else { throw c.error("nested either", at: keyword) }
            var alternatives: [WastExpected] = []
            while c.peek.kind == .lparen { alternatives.append(try parseExpected(nested: true)) }
            expected = .either(alternatives)
        default:
            throw c.error("unexpected token \(c.text(keyword)): expected a result", at: keyword)
        }
        try c.expectRParen()
        return expected
    }

    private mutating func parseLanePatterns() throws -> [WastLane] {
        let shape = c.advance()
        var lanes: [WastLane] = []
        func repeatLanes(_ n: Int, _ read: (inout ScriptParser) throws -> WastLane) throws {
            for _ in 0..<n { lanes.append(try read(&self)) }
        }
        switch c.text(shape) {
        case "i8x16": try repeatLanes(16) { .i8(UInt8(truncatingIfNeeded: try $0.c.integer(bits: 8))) }
        case "i16x8": try repeatLanes(8) { .i16(UInt16(truncatingIfNeeded: try $0.c.integer(bits: 16))) }
        case "i32x4": try repeatLanes(4) { .i32(UInt32(truncatingIfNeeded: try $0.c.integer(bits: 32))) }
        case "i64x2": try repeatLanes(2) { .i64(try $0.c.integer(bits: 64)) }
        case "f32x4":
            try repeatLanes(4) { p in
                if let nan = p.nanPattern() { return .f32NaN(nan) }
                return .f32(UInt32(truncatingIfNeeded: try p.c.float(.f32)))
            }
        case "f64x2":
            try repeatLanes(2) { p in
                if let nan = p.nanPattern() { return .f64NaN(nan) }
                return .f64(try p.c.float(.f64))
            }
        default:
            throw c.error("unexpected token \(c.text(shape)): expected a lane shape", at: shape)
        }
        return lanes
    }
}
