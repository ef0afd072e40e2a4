#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Swasm

/// WASI preview 1 (`wasi_snapshot_preview1`) for one guest: its arguments, environment,
/// descriptor table (stdio, preopened directories, sockets) and clocks.
///
/// ```swift
/// var configuration = WASIConfiguration(arguments: ["app.wasm", "input.txt"])
/// configuration.preopens = [Preopen(hostPath: "data", guestPath: "/")]
/// let wasi = try WASI(configuration: configuration)
/// let store = Store(engine: engine)
/// let linker = Linker()
/// wasi.define(in: linker, store: store)
/// let instance = try linker.instantiate(store: store, module: module)
/// let status = try wasi.start(instance)     // proc_exit's code, or 0
/// ```
///
/// The guest reaches nothing of the host but what the configuration grants: paths resolve
/// below the preopened directories' descriptors (see `Sandbox`), descriptor numbers are
/// indices into this object's own table, and every guest pointer is bounds-checked.
/// Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md
public final class WASI {
    /// The import module name the functions are defined under.
    public static let moduleName = "wasi_snapshot_preview1"

    let system: WASISystem
    /// `argv` strings, each NUL-terminated.
    let arguments: [[UInt8]]
    /// `NAME=VALUE` strings, each NUL-terminated.
    let environment: [[UInt8]]
    var descriptors = DescriptorTable()
    /// The calling store's interrupt handle during a call, when its engine is interruptible:
    /// blocking calls wake for it (see Waiting.swift).
    var interruptHandle: InterruptHandle?

    /// Sets up the guest's descriptors: 0–2 for stdio, then one per preopen in order (so a
    /// single preopen is descriptor 3), then the sockets. Throws `WASIConfigurationError`
    /// naming the path when a preopened directory cannot be opened.
    public init(configuration: WASIConfiguration) throws {
        system = configuration.system
        arguments = configuration.arguments.map { Array($0.utf8) + [0] }
        environment = configuration.environment.map { Array("\($0.name)=\($0.value)".utf8) + [0] }
        // A guest writing to a closed pipe gets EPIPE instead of the host dying of SIGPIPE
        // (the Rust runtime behind wasmtime does the same).
        signal(SIGPIPE, SIG_IGN)

        for (number, stdio) in [configuration.stdin, configuration.stdout, configuration.stderr].enumerated() {
            let host = try Self.openStdio(stdio, number: Int32(number))
            _ = try descriptors.insert(Self.describeStdio(host: host, input: number == 0))
        }
        for preopen in configuration.preopens {
            let host = preopen.hostPath.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            guard host >= 0 else {
                throw WASIConfigurationError(
                    "cannot open directory '\(preopen.hostPath)' to preopen as '\(preopen.guestPath)': \(String(cString: strerror(errno)))")
            }
            var rights = WASIRights.directory
            var inheriting = WASIRights.all
            if preopen.readOnly {
                rights.subtract(.directoryMutation)
                inheriting.subtract(.directoryMutation)
            }
            _ = try descriptors.insert(Descriptor(
                host: host, type: .directory, rights: rights, inheriting: inheriting, flags: 0,
                preopenPath: Array(preopen.guestPath.utf8), readOnly: preopen.readOnly))
        }
        for socket in configuration.sockets {
            let host = fcntl(socket, F_DUPFD_CLOEXEC, 0)
            guard host >= 0 else {
                throw WASIConfigurationError("cannot use socket descriptor \(socket): \(String(cString: strerror(errno)))")
            }
            let descriptor = Self.describe(host: host, sharesHostDescription: true)
            guard descriptor.isSocket else {
                throw WASIConfigurationError("descriptor \(socket) is not a socket")
            }
            _ = try descriptors.insert(descriptor)
        }
    }

    private static func openStdio(_ stdio: WASIStdio, number: Int32) throws -> Int32 {
        switch stdio {
        case .inherit:
            let host = fcntl(number, F_DUPFD_CLOEXEC, 0)
            // A host started with a closed standard stream gives the guest /dev/null there,
            // so the preopens still start at 3.
            return host >= 0 ? host : try openNull()
        case .fileDescriptor(let descriptor):
            let host = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
            guard host >= 0 else {
                throw WASIConfigurationError("cannot use descriptor \(descriptor) for stdio \(number): \(String(cString: strerror(errno)))")
            }
            return host
        case .null:
            return try openNull()
        }
    }

    private static func openNull() throws -> Int32 {
        let host = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard host >= 0 else { throw WASIConfigurationError("cannot open /dev/null: \(String(cString: strerror(errno)))") }
        return host
    }

    /// A descriptor for a host descriptor, typed by `fstat`, with the rights its type allows.
    /// A directory gets no path rights: only preopens are roots of the sandbox.
    static func describe(host: Int32, sharesHostDescription: Bool) -> Descriptor {
        var info = stat()
        let type: WASIFileType = fstat(host, &info) == 0 ? WASIFileType(mode: info.st_mode, descriptor: host) : .unknown
        let rights: WASIRights = type == .directory ? [.fdFilestatGet] : type.applicableRights
        return Descriptor(host: host, type: type, rights: rights, inheriting: [], flags: hostFlags(host),
                          sharesHostDescription: sharesHostDescription)
    }

    /// A standard stream. Whatever the host's stream is (a terminal, a pipe, a file the shell
    /// redirected to, /dev/null), the guest gets a stream, as under wasmtime: a character
    /// device when it is a terminal, else of unknown type, with rights to read (stdin) or
    /// write (stdout, stderr), poll, stat and set non-blocking mode; never to seek, tell,
    /// truncate, allocate, set times or sync. The open file description is the host's own,
    /// so nothing the guest does moves the host's offset or changes its status flags (an
    /// `O_APPEND` on a log the shell appends to, non-blocking mode on the parent's terminal).
    /// wasi-libc's `isatty` ("a character device without seek rights") answers as the host's.
    static func describeStdio(host: Int32, input: Bool) -> Descriptor {
        let type: WASIFileType = isatty(host) != 0 ? .characterDevice : .unknown
        let rights: WASIRights = [input ? .fdRead : .fdWrite, .pollFdReadwrite, .fdFilestatGet, .fdFdstatSetFlags]
        return Descriptor(host: host, type: type, rights: rights, inheriting: [], flags: hostFlags(host),
                          sharesHostDescription: true)
    }

    /// The `fdflags` a host descriptor has now.
    static func hostFlags(_ host: Int32) -> UInt16 {
        let status = fcntl(host, F_GETFL)
        guard status >= 0 else { return 0 }
        var flags: UInt16 = 0
        if status & O_APPEND != 0 { flags |= FDFlags.append }
        if status & O_NONBLOCK != 0 { flags |= FDFlags.nonblock }
        if status & O_DSYNC != 0 { flags |= FDFlags.dsync }
        if status & O_SYNC == O_SYNC { flags |= FDFlags.sync }
        return flags
    }

    /// Defines every `wasi_snapshot_preview1` function in `linker`, for instances of `store`.
    /// Functions that take pointers use the calling instance's export "memory".
    public func define(in linker: Linker, store: Store) {
        for function in Self.functions {
            let body = function.body
            let needsMemory = function.needsMemory
            let results: [ValueType] = function.name == "proc_exit" ? [] : [.i32]
            linker.defineFunction(
                store: store, module: Self.moduleName, name: function.name,
                type: FuncType(params: function.params, results: results)
            ) { [self] caller, values in
                let arguments = Arguments(values: values)
                let store = caller.store
                interruptHandle = store.engine.configuration.interruptible ? store.interruptHandle : nil
                defer { interruptHandle = nil }
                do {
                    if needsMemory {
                        guard case .memory(let memory)? = caller.export("memory") else {
                            throw SwasmError.trap(Trap(.host(
                                "\(Self.moduleName).\(function.name) needs the calling module to export its memory as \"memory\"")))
                        }
                        try memory.withUnsafeMutableBytes { try body(self, arguments, GuestMemory(bytes: $0)) }
                    } else {
                        try body(self, arguments, GuestMemory(bytes: UnsafeMutableRawBufferPointer(start: nil, count: 0)))
                    }
                    return results.isEmpty ? [] : [.i32(0)]
                } catch let error as WASIErrno {
                    return [.i32(UInt32(error.rawValue))]
                }
            }
        }
    }

    /// Runs a command module's `_start` and returns its exit status: the code given to
    /// `proc_exit`, or 0 when `_start` returns. Traps and other errors are thrown.
    public func start(_ instance: Instance) throws -> Int32 {
        guard let entry = instance.function("_start") else {
            throw WASIConfigurationError("the module has no `_start` export (not a WASI command)")
        }
        do {
            _ = try entry.call([])
            return 0
        } catch SwasmError.exit(let code) {
            return code
        }
    }

    /// Whether `module` imports anything from `wasi_snapshot_preview1` (a WASI program).
    public static func isImported(by module: Module) -> Bool {
        module.imports.contains { $0.module == moduleName }
    }

    /// The names of all functions `define(in:store:)` provides.
    public static var functionNames: [String] { functions.map(\.name) }
}

/// The arguments of one call, by position.
struct Arguments {
    let values: [Value]

    func u32(_ index: Int) -> UInt32 {
        guard index < values.count, case .i32(let value) = values[index] else { return 0 }
        return value
    }

    func u64(_ index: Int) -> UInt64 {
        guard index < values.count, case .i64(let value) = values[index] else { return 0 }
        return value
    }
}

/// One host function: its name, parameter types and body (which throws a `WASIErrno` to
/// return that error to the guest).
struct HostFunction {
    let name: String
    let params: [ValueType]
    let needsMemory: Bool
    let body: (WASI, Arguments, GuestMemory) throws -> Void
}
