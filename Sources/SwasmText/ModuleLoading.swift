// Loading modules written in the text format straight into the engine. Text is encoded to
// the binary format first, so a `.wat` module takes the same path through the engine as a
// `.wasm` one; text errors become the engine's *malformed* error, naming line and column.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Swasm

extension Module {
    /// Compiles a module written in the WebAssembly text format.
    ///
    /// ```swift
    /// let module = try Module(engine: engine, wat: """
    ///     (module (func (export "add") (param i32 i32) (result i32)
    ///       local.get 0 local.get 1 i32.add))
    ///     """)
    /// ```
    ///
    /// Throws `SwasmError.malformed` whose message starts with the line and column of a
    /// syntax error, and otherwise what ``Module/init(engine:bytes:)`` throws.
    public convenience init(engine: Engine, wat: String) throws {
        let bytes: [UInt8]
        do {
            bytes = try WAT.encode(wat)
        } catch let error as TextError {
            throw SwasmError.malformed("\(error.line):\(error.column): \(error.message)", offset: nil)
        }
        try self.init(engine: engine, bytes: bytes)
    }

    /// Loads the module in the file at `path`, binary (`.wasm`) or text (`.wat`): a file that
    /// starts with the binary magic `\0asm` is decoded, anything else is read as UTF-8 text.
    /// (``Module/init(engine:contentsOf:)`` of the engine reads only binaries.)
    ///
    /// Throws `APIError` naming the path when the file cannot be read or is neither, and
    /// `SwasmError.malformed` for text with a syntax error (the message starts with
    /// `path:line:column:`); otherwise as ``Module/init(engine:bytes:)``.
    public convenience init(engine: Engine, file path: String) throws {
        let contents = try HostFile.readAll(path)
        if contents.starts(with: [0x00, 0x61, 0x73, 0x6D]) {
            try self.init(engine: engine, bytes: contents)
            return
        }
        guard let text = String(validating: contents, as: UTF8.self) else {
            throw APIError("\(path) is neither a WebAssembly binary nor UTF-8 text")
        }
        let bytes: [UInt8]
        do {
            bytes = try WAT.encode(text)
        } catch let error as TextError {
            throw SwasmError.malformed("\(path):\(error.line):\(error.column): \(error.message)", offset: nil)
        }
        try self.init(engine: engine, bytes: bytes)
    }
}

