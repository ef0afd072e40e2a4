#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Swasm
import SwasmText

/// The outcome of one script: assertion counts and one line per failure.
public struct WastResult: Sendable {
    /// The script's path, as given.
    public var path: String
    /// Assertions that held.
    public var passed = 0
    /// Assertions that did not hold, plus any other directive that failed (a module that did
    /// not load, an action that trapped, a script that did not parse).
    public var failed = 0
    /// `path:line: what was expected, what happened`, one per failure.
    public var failures: [String] = []

    public init(path: String) { self.path = path }
}

/// Runs a WAST script (https://github.com/WebAssembly/spec/tree/main/interpreter#scripts)
/// against the engine, the way the spec's reference interpreter does, but without stopping at
/// the first failure: every directive that throws fails alone and the script goes on.
///
/// Outcomes are checked strictly by category: `assert_malformed` needs a decoding or text
/// error, `assert_invalid` a validation error, `assert_unlinkable` a link error, and
/// `assert_trap`/`assert_exhaustion`/`assert_uninstantiable` a trap with the expected message.
///
/// Wasm 3.0 scripts add module definitions and instances (`(module definition $M ...)`,
/// `(module instance $I $M)`), `assert_exception`, `either` results and reference patterns
/// (`ref.i31`, `ref.struct`, ...); see ``WastDialect`` for how their modules are encoded.
public final class WastRunner {
    private let path: String
    private let engine: Engine
    private let store: Store
    private let linker = Linker()
    private let textOptions: WATOptions
    /// A module or instance, or why it failed to load, so that a later use reports that
    /// rather than running against an older one.
    private enum Loaded<T> {
        case loaded(T)
        case failed(String)
    }
    /// Compiled modules by their `$id` (without `$`): every `(module ...)` and
    /// `(module definition ...)`, which `(module instance ...)` instantiates.
    private var definitions: [String: Loaded<Module>] = [:]
    /// The most recently defined module.
    private var currentDefinition: Loaded<Module>?
    /// Instances by their `$id`, which actions and `register` address.
    private var instances: [String: Loaded<Instance>] = [:]
    /// The most recently instantiated module.
    private var currentInstance: Loaded<Instance>?
    private var result: WastResult
    private var spectestError: Error?

    /// `configuration.compilation` is forced to `.eager` so that `assert_invalid` sees every
    /// function body validated when the module is created. `dialect` chooses how text modules
    /// are encoded; `.automatic` decides by `path` (see ``WastDialect/detect(path:)``).
    public init(
        path: String, configuration: EngineConfiguration = EngineConfiguration(),
        dialect: WastDialect = .automatic
    ) {
        var configuration = configuration
        configuration.compilation = .eager
        // Wasm 2.0 scripts expect a second memory to be invalid and limits to be 32-bit; the
        // threads scripts (Wasm 1.0 with atomics) a second table too, which needs reference types.
        switch dialect.resolved(path: path) {
        case .wasm2:
            configuration.multipleMemories = false
            configuration.memory64 = false
            configuration.functionReferences = false
        case .threads:
            configuration.features.subtract([.multiMemory, .referenceTypes, .memory64, .functionReferences])
        case .wasm3, .automatic:
            break
        }
        self.path = path
        self.engine = Engine(configuration: configuration)
        self.store = Store(engine: engine)
        self.result = WastResult(path: path)
        self.textOptions = dialect.resolved(path: path).textOptions
        do {
            try SpecTestModule.define(in: linker, store: store)
        } catch {
            spectestError = error
        }
    }

    /// Reads and runs the script at `path`. An unreadable file or a script that does not parse
    /// is one failure.
    public static func runFile(
        atPath path: String, configuration: EngineConfiguration = EngineConfiguration(),
        dialect: WastDialect = .automatic
    ) -> WastResult {
        let runner = WastRunner(path: path, configuration: configuration, dialect: dialect)
        let bytes: [UInt8]
        do {
            bytes = try HostFile.readAll(path)
        } catch {
            var result = WastResult(path: path)
            result.failed = 1
            result.failures = ["\(path): \(error)"]
            return result
        }
        return runner.run(bytes: bytes)
    }

    /// Runs a script given as text.
    public func run(source: String) -> WastResult {
        run(bytes: Array(source.utf8))
    }

    /// Runs a script given as UTF-8 bytes (scripts may hold byte strings that are not UTF-8).
    public func run(bytes: [UInt8]) -> WastResult {
        if let spectestError {
            fail(line: nil, "cannot create the spectest module: \(describe(spectestError))")
            return result
        }
        let directives: [WastDirective]
        do {
            directives = try WAST.parse(bytes: bytes)
        } catch let error as TextError {
            fail(line: error.line, "script does not parse: \(error.message) (column \(error.column))")
            return result
        } catch {
            fail(line: nil, "script does not parse: \(describe(error))")
            return result
        }
        if let module = inlineModule(directives, bytes) {
            defineModule(module, line: 1)
            return result
        }
        for directive in directives {
            run(directive)
        }
        return result
    }

    private static let moduleFieldKeywords: Set<String> = [
        "type", "import", "func", "table", "memory", "global", "export", "start", "elem", "data",
    ]

    /// A script may be a bare sequence of module fields, which the reference interpreter runs
    /// as one module (inline-module.wast); the script parser reports those fields as
    /// directives it does not know.
    private func inlineModule(_ directives: [WastDirective], _ bytes: [UInt8]) -> WastModule? {
        guard !directives.isEmpty else { return nil }
        for directive in directives {
            guard case .unsupported(let name) = directive.kind, Self.moduleFieldKeywords.contains(name) else {
                return nil
            }
        }
        return WastModule(id: nil, source: .text(String(decoding: bytes, as: UTF8.self)))
    }

    // MARK: - Directives

    private func run(_ directive: WastDirective) {
        let line = directive.line
        switch directive.kind {
        case .module(let module):
            defineModule(module, line: line)

        case .moduleDefinition(let module):
            do {
                defineModule(module.id, .loaded(try compile(module)))
            } catch {
                let reason = describe(error)
                defineModule(module.id, .failed(reason))
                fail(line: line, "module definition failed to load: \(reason)")
            }

        case .moduleInstance(let instanceId, let definitionId):
            do {
                let module = try lookUpDefinition(definitionId)
                defineInstance(instanceId, .loaded(try linker.instantiate(store: store, module: module)))
            } catch {
                let reason = describe(error)
                defineInstance(instanceId, .failed(reason))
                fail(line: line, "module instance failed: \(reason)")
            }

        case .register(let name, let moduleId):
            do {
                let instance = try lookUp(moduleId)
                linker.define(module: name, instance: instance)
            } catch {
                fail(line: line, "register \"\(name)\": \(describe(error))")
            }

        case .action(let action):
            do {
                _ = try perform(action)
            } catch {
                fail(line: line, "\(describe(action)): \(describe(error))")
            }

        case .assertReturn(let action, let expected):
            check(line: line) {
                let actual: [Value]
                do {
                    actual = try perform(action)
                } catch {
                    return "\(describe(action)): expected \(describe(expected)), got \(describe(error))"
                }
                return mismatch(actual, expected).map { "\(describe(action)): \($0)" }
            }

        case .assertTrap(.action(let action), let message), .assertExhaustion(let action, let message):
            check(line: line) {
                do {
                    let actual = try perform(action)
                    return "\(describe(action)): expected trap \"\(message)\", got \(describe(actual))"
                } catch {
                    return trapMismatch(error, expected: message).map { "\(describe(action)): \($0)" }
                }
            }

        case .assertTrap(.module(let module), let message), .assertUninstantiable(let module, let message):
            check(line: line) {
                do {
                    // A module that should have trapped defines nothing, as in the reference
                    // interpreter: later actions keep addressing the previous module.
                    _ = try instantiate(module)
                    return "module: expected trap \"\(message)\", but it instantiated"
                } catch {
                    return trapMismatch(error, expected: message).map { "module: \($0)" }
                }
            }

        case .assertException(let action):
            check(line: line) {
                do {
                    let actual = try perform(action)
                    return "\(describe(action)): expected an exception, got \(describe(actual))"
                } catch SwasmError.trap(let trap) where trap.reason == .uncaughtException {
                    return nil
                } catch {
                    return "\(describe(action)): expected an exception, got \(describe(error))"
                }
            }

        case .assertInvalid(let module, let message):
            check(line: line) {
                expectModuleError(module, message: message, category: "invalid") {
                    if case SwasmError.invalid = $0 { return true }
                    return false
                }
            }

        case .assertMalformed(let module, let message):
            check(line: line) {
                expectModuleError(module, message: message, category: "malformed") {
                    if case SwasmError.malformed = $0 { return true }
                    return $0 is TextError
                }
            }

        case .assertUnlinkable(let module, let message):
            check(line: line) {
                expectModuleError(module, message: message, category: "unlinkable", instantiating: true) {
                    if case SwasmError.unlinkable = $0 { return true }
                    return false
                }
            }

        case .unsupported(let name) where name == "thread" || name == "wait":
            fail(line: line, "unsupported: \(name) (threads proposal scripts)")

        case .unsupported(let name):
            fail(line: line, "unsupported directive: \(name)")
        }
    }

    /// `(module $id? ...)`: a definition and its instance, both named `$id`.
    private func defineModule(_ module: WastModule, line: Int) {
        let compiled: Module
        do {
            compiled = try compile(module)
            defineModule(module.id, .loaded(compiled))
        } catch {
            let reason = describe(error)
            defineModule(module.id, .failed(reason))
            defineInstance(module.id, .failed(reason))
            fail(line: line, "module failed to load: \(reason)")
            return
        }
        do {
            defineInstance(module.id, .loaded(try linker.instantiate(store: store, module: compiled)))
        } catch {
            let reason = describe(error)
            defineInstance(module.id, .failed(reason))
            fail(line: line, "module failed to load: \(reason)")
        }
    }

    /// Counts an assertion: `body` returns nil when it held, else why not.
    private func check(line: Int, _ body: () -> String?) {
        if let failure = body() {
            fail(line: line, failure)
        } else {
            result.passed += 1
        }
    }

    private func fail(line: Int?, _ message: String) {
        result.failed += 1
        let location = line.map { "\(path):\($0)" } ?? path
        result.failures.append("\(location): \(oneLine(message))")
    }

    private func defineModule(_ id: String?, _ module: Loaded<Module>) {
        currentDefinition = module
        if let id { definitions[id] = module }
    }

    private func defineInstance(_ id: String?, _ instance: Loaded<Instance>) {
        currentInstance = instance
        if let id { instances[id] = instance }
    }

    private func lookUp(_ id: String?) throws -> Instance {
        let name = id.map { "module $\($0)" } ?? "the current module"
        let found = id == nil ? currentInstance : instances[id ?? ""]
        guard let entry = found else {
            throw RunnerError(id == nil ? "no module instantiated" : "unknown \(name)")
        }
        switch entry {
        case .loaded(let instance): return instance
        case .failed(let reason): throw RunnerError("\(name) failed to load (\(reason))")
        }
    }

    private func lookUpDefinition(_ id: String?) throws -> Module {
        let name = id.map { "module definition $\($0)" } ?? "the current module definition"
        let found = id == nil ? currentDefinition : definitions[id ?? ""]
        guard let entry = found else {
            throw RunnerError(id == nil ? "no module defined" : "unknown \(name)")
        }
        switch entry {
        case .loaded(let module): return module
        case .failed(let reason): throw RunnerError("\(name) failed to load (\(reason))")
        }
    }

    // MARK: - Modules

    private func compile(_ module: WastModule) throws -> Module {
        let bytes = try module.encode(options: textOptions)
        return try Module(engine: engine, bytes: bytes)
    }

    private func instantiate(_ module: WastModule) throws -> Instance {
        try linker.instantiate(store: store, module: compile(module))
    }

    /// Creation (and, for unlinkable modules, instantiation) must fail with an error of the
    /// expected category; any other outcome is the failure message.
    private func expectModuleError(
        _ module: WastModule, message: String, category: String, instantiating: Bool = false,
        matches: (Error) -> Bool
    ) -> String? {
        do {
            let compiled = try compile(module)
            if instantiating {
                _ = try linker.instantiate(store: store, module: compiled)
                return "expected \(category) module (\"\(message)\"), but it instantiated"
            }
            return "expected \(category) module (\"\(message)\"), but it \(category == "invalid" ? "validated" : "decoded and validated")"
        } catch {
            if matches(error) { return nil }
            return "expected \(category) module (\"\(message)\"), got \(describe(error))"
        }
    }

    // MARK: - Actions

    private func perform(_ action: WastAction) throws -> [Value] {
        switch action {
        case .invoke(let moduleId, let name, let args):
            let instance = try lookUp(moduleId)
            guard let export = instance.export(name) else { throw RunnerError("unknown export \"\(name)\"") }
            guard case .function(let function) = export else { throw RunnerError("export \"\(name)\" is not a function") }
            let values = try args.map(value(of:))
            return try function.call(values)
        case .get(let moduleId, let name):
            let instance = try lookUp(moduleId)
            guard let export = instance.export(name) else { throw RunnerError("unknown export \"\(name)\"") }
            guard case .global(let global) = export else { throw RunnerError("export \"\(name)\" is not a global") }
            return [global.value]
        }
    }

    private func value(of argument: WastValue) throws -> Value {
        switch argument {
        case .i32(let v): return .i32(v)
        case .i64(let v): return .i64(v)
        case .f32(let v): return .f32(v)
        case .f64(let v): return .f64(v)
        case .v128(let bytes):
            guard bytes.count == 16 else { throw RunnerError("v128 argument of \(bytes.count) bytes") }
            var low: UInt64 = 0
            var high: UInt64 = 0
            for i in 0..<8 {
                low |= UInt64(bytes[i]) << (8 * UInt64(i))
                high |= UInt64(bytes[8 + i]) << (8 * UInt64(i))
            }
            return .v128(low, high)
        case .refNull(let heap): return .ref(.null(try heapType(heap)))
        case .refExtern(let n), .refHost(let n): return .ref(.extern(UInt64(n)))
        case .refFunc:
            throw RunnerError("unsupported: ref.func arguments")
        }
    }

    private func heapType(_ heap: WastHeapType) throws -> HeapType {
        switch heap {
        case .func: return .func
        case .extern: return .extern
        case .any: return .any
        case .eq: return .eq
        case .i31: return .i31
        case .struct: return .struct
        case .array: return .array
        case .none: return .none
        case .nofunc: return .nofunc
        case .noextern: return .noextern
        case .exn: return .exn
        case .noexn: return .noexn
        case .type(let name): throw RunnerError("unsupported: concrete heap type \(name) in a script value")
        }
    }

    // MARK: - Checking results

    /// Why `actual` does not match `expected`, or nil when it does.
    private func mismatch(_ actual: [Value], _ expected: [WastExpected]) -> String? {
        if actual.count != expected.count {
            return "expected \(expected.count) result(s) \(describe(expected)), got \(actual.count): \(describe(actual))"
        }
        for (i, (a, e)) in zip(actual, expected).enumerated() where !matches(a, e) {
            let position = actual.count > 1 ? "result \(i): " : ""
            return "\(position)expected \(describe(e)), got \(describe(a))"
        }
        return nil
    }
}

/// An error of the runner itself (an unknown export or module, an unsupported value).
struct RunnerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}


func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " | ")
}
