/// The WebAssembly text format (https://webassembly.github.io/spec/core/text/index.html).
public enum WAT {
    /// Encodes a text module into the binary format.
    ///
    /// `source` is either `(module $name? field*)` or a bare sequence of module fields. Text
    /// that is syntactically wrong throws a ``TextError`` (a *malformed* module); a module that
    /// is well-formed but ill-typed is encoded, for a validator to reject.
    public static func encode(_ source: String) throws -> [UInt8] {
        try ModuleEncoder.encode(Array(source.utf8))
    }

    /// Encodes UTF-8 text bytes; identical to ``encode(_:)`` but without a `String`.
    public static func encode(bytes: [UInt8]) throws -> [UInt8] {
        try ModuleEncoder.encode(bytes)
    }
}
