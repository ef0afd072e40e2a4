#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a WASI guest is given: its arguments, its environment, its standard streams and the
/// host directories it may reach. Nothing else of the host is visible to it.
public struct WASIConfiguration {
    /// `argv`, program name first (wasmtime passes the module's path there).
    public var arguments: [String]
    /// The environment, exactly these pairs in this order (no host variables unless added,
    /// e.g. with `inheritEnvironment()`).
    public var environment: [(name: String, value: String)]
    /// Host directories the guest may reach, given guest descriptors 3, 4, … in this order.
    public var preopens: [Preopen]
    /// Host sockets handed to the guest after the preopens (as `wasmtime --tcplisten`); the
    /// only descriptors `sock_accept`, `sock_recv`, `sock_send` and `sock_shutdown` work on.
    /// Each is duplicated, so the caller keeps (and closes) its own.
    public var sockets: [Int32]
    public var stdin: WASIStdio
    public var stdout: WASIStdio
    public var stderr: WASIStdio
    /// Time and randomness; `DeterministicSystem()` makes runs reproducible.
    public var system: WASISystem

    public init(
        arguments: [String] = [],
        environment: [(name: String, value: String)] = [],
        preopens: [Preopen] = [],
        sockets: [Int32] = [],
        stdin: WASIStdio = .inherit,
        stdout: WASIStdio = .inherit,
        stderr: WASIStdio = .inherit,
        system: WASISystem = HostSystem()
    ) {
        self.arguments = arguments
        self.environment = environment
        self.preopens = preopens
        self.sockets = sockets
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.system = system
    }

    /// Appends every variable of the host process's environment.
    public mutating func inheritEnvironment() {
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                environment.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
            }
            entry += 1
        }
    }

    /// Sets a variable from `NAME=VALUE` text (as `--env NAME=VALUE`), replacing an earlier
    /// value of the same name. Text without `=` takes the host's value of that name, as
    /// wasmtime's `--env NAME` does, and is ignored when the host has none.
    public mutating func setEnvironment(_ assignment: String) {
        let name: String
        let value: String
        if let equals = assignment.firstIndex(of: "=") {
            name = String(assignment[..<equals])
            value = String(assignment[assignment.index(after: equals)...])
        } else {
            guard let host = getenv(assignment) else { return }
            name = assignment
            value = String(cString: host)
        }
        environment.removeAll { $0.name == name }
        environment.append((name, value))
    }
}

/// A host directory the guest may use, under the guest path `guestPath`.
public struct Preopen: Sendable, Hashable {
    public var hostPath: String
    public var guestPath: String
    /// When set, the guest may read but not create, change, rename or remove anything under
    /// it (attempts fail with `perm`).
    public var readOnly: Bool

    public init(hostPath: String, guestPath: String, readOnly: Bool = false) {
        self.hostPath = hostPath
        self.guestPath = guestPath
        self.readOnly = readOnly
    }

    /// Parses the CLI form `HOST[::GUEST]` (wasmtime's `--dir`): without `::GUEST` the guest
    /// sees the directory under the same path as the host.
    public init(parsing text: String, readOnly: Bool = false) {
        let characters = Array(text)
        if let split = characters.indices.dropLast().first(where: { characters[$0] == ":" && characters[$0 + 1] == ":" }) {
            self.init(hostPath: String(characters[..<split]), guestPath: String(characters[(split + 2)...]), readOnly: readOnly)
        } else {
            self.init(hostPath: text, guestPath: text, readOnly: readOnly)
        }
    }
}

/// Where a standard stream of the guest goes.
public enum WASIStdio: Sendable {
    /// The host process's own descriptor (0, 1 or 2).
    case inherit
    /// A host descriptor of the caller's (a pipe, a file, a socket); it is duplicated, so
    /// the caller keeps and closes its own.
    case fileDescriptor(Int32)
    /// `/dev/null`: reads see end of file, writes are discarded.
    case null
}

/// Why a WASI context could not be set up.
public struct WASIConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
