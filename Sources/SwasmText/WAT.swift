/// The WebAssembly text format (https://webassembly.github.io/spec/core/text/index.html).
public enum WAT {
    /// Encodes a text module into the binary format.
    ///
    /// `source` is either `(module $name? field*)` or a bare sequence of module fields. Text
    /// that is syntactically wrong throws a ``TextError`` (a *malformed* module); a module that
    /// is well-formed but ill-typed is encoded, for a validator to reject.
    public static func encode(_ source: String, options: WATOptions = .wasm2) throws -> [UInt8] {
        try ModuleEncoder.encode(Array(source.utf8), options: options)
    }

    /// Encodes UTF-8 text bytes; identical to ``encode(_:options:)`` but without a `String`.
    public static func encode(bytes: [UInt8], options: WATOptions = .wasm2) throws -> [UInt8] {
        try ModuleEncoder.encode(bytes, options: options)
    }
}

/// Where the Wasm 2.0 and 3.0 text formats disagree on what is malformed. Every other
/// feature (SIMD, GC, exceptions, memory64, ...) is always accepted.
public struct WATOptions: Sendable, Equatable {
    /// Read the limits and `offset=` of 32-bit memories and tables as u64, as the Wasm 3.0
    /// text format does: an out-of-range value is then encoded and left for validation to
    /// reject ("memory size", "offset out of range"). Wasm 2.0 scripts expect such a module
    /// to be malformed ("i32 constant out of range"), which is the default.
    public var wideLimits: Bool

    public init(wideLimits: Bool = false) {
        self.wideLimits = wideLimits
    }

    /// What the Wasm 2.0 spec test scripts expect.
    public static let wasm2 = WATOptions()
    /// What the Wasm 3.0 spec test scripts expect.
    public static let wasm3 = WATOptions(wideLimits: true)
}
