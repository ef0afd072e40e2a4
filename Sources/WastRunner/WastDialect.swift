import SwasmText

/// Which edition of the spec a script was written against. The editions disagree on one
/// point of the text format: Wasm 2.0 scripts expect a memory or table limit, or a memory
/// `offset=`, wider than 32 bits to be *malformed*, while Wasm 3.0 scripts (where 64-bit
/// memories and tables exist) expect the same module to be *invalid*. Everything else a 2.0
/// script holds means the same in 3.0. The threads proposal's scripts predate Wasm 2.0: they
/// expect a second memory or table to be invalid.
public enum WastDialect: String, Sendable, CaseIterable {
    /// Decide by the script's path; see ``detect(path:)``.
    case automatic
    /// Wasm 2.0 scripts (spec-testsuite-wasm2.0).
    case wasm2
    /// Wasm 3.0 scripts (the current spec test suite and its proposals).
    case wasm3
    /// The threads proposal's scripts (`proposals/threads`): Wasm 1.0 with shared memories
    /// and atomics, so one memory and one table per module; text as in Wasm 2.0.
    case threads

    /// The edition a script at `path` most likely follows: the threads proposal's in a
    /// `proposals/threads` directory (written before Wasm 3.0: a memory limit past 32 bits is
    /// malformed there, a second memory or table invalid), Wasm 2.0 when a directory on the
    /// path names that edition (contains `wasm2`, as `spec-testsuite-wasm2.0` does, or `2.0`),
    /// else Wasm 3.0, the current standard.
    public static func detect(path: String) -> WastDialect {
        let directories = path.split(separator: "/").dropLast().map { $0.lowercased() }
        if directories.count >= 2, directories.suffix(2).elementsEqual(["proposals", "threads"]) {
            return .threads
        }
        for name in directories {
            if name.contains("wasm2") || name.contains("wasm-2") || name.contains("2.0") {
                return .wasm2
            }
        }
        return .wasm3
    }

    /// `self`, with `.automatic` replaced by what `path` suggests.
    public func resolved(path: String) -> WastDialect {
        self == .automatic ? Self.detect(path: path) : self
    }

    /// How the text format encodes modules for this edition (`.automatic` counts as 3.0).
    public var textOptions: WATOptions {
        self == .wasm2 || self == .threads ? .wasm2 : .wasm3
    }
}
