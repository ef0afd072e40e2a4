#if os(Linux)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Linux `perf`'s map of code generated at run time: `/tmp/perf-PID.map`, one line per
/// function compiled to machine code (`START SIZE NAME`, addresses in hex), so that
/// `perf report` names guest functions instead of showing bare addresses. Written when
/// ``EngineConfiguration/writesPerfMap`` is on (`swasm run --profile perfmap`, as wasmtime's).
/// Lines are appended as functions are compiled, under one lock for the process; the file is
/// never read back and stays after the process ends, as `perf` expects.
final class PerfMap: @unchecked Sendable {
    static let shared = PerfMap()

    private let lock = Lock()
    /// The open map (nil: not opened yet); `failed` after an open that did not work, so that a
    /// read-only /tmp costs one attempt.
    private var file: UnsafeMutablePointer<FILE>?
    private var failed = false

    /// Adds the machine code of function `index` (`name` from the name section, if any).
    func record(start: UnsafeRawPointer, size: Int, index: UInt32, name: String?, module: String?) {
        let label = "wasm[\(Self.clean(module ?? ""))]::" + (name.map(Self.clean) ?? "function[\(index)]")
        let line = String(UInt(bitPattern: start), radix: 16) + " " + String(size, radix: 16) + " " + label + "\n"
        lock.withLock {
            if file == nil && !failed {
                file = fopen("/tmp/perf-\(getpid()).map", "a")
                failed = file == nil
            }
            guard let file else { return }
            fputs(line, file)
            fflush(file)
        }
    }

    /// A name on one line: perf reads up to the end of the line, so control characters
    /// (a newline in a hostile name section) become spaces.
    private static func clean(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? " " : Character($0) })
    }
}
