/// An external value: what an instance exports and what imports are satisfied with.
/// Spec: https://webassembly.github.io/spec/core/exec/runtime.html#external-values
public enum Extern {
    /// A function, Wasm or host.
    case function(Function)
    /// A table of references.
    case table(Table)
    /// A linear memory.
    case memory(Memory)
    /// A global variable.
    case global(Global)
    /// An exception tag.
    case tag(Tag)

    /// The value's current type (a table's or memory's `limits.min` is its current size),
    /// which is what import matching compares against.
    public var type: ExternType {
        switch self {
        case .function(let f): return .function(f.type)
        case .table(let t): return .table(t.type)
        case .memory(let m): return .memory(m.type)
        case .global(let g): return .global(g.type)
        case .tag(let t): return .tag(t.type)
        }
    }

    /// The value `export` of the instance `state` refers to. Module creation resolved every
    /// export index, so lookups are in range.
    init?(_ export: Export, of state: InstanceState, in store: Store) {
        let i = Int(export.index)
        switch export.kind {
        case .function: self = .function(Function(store: store, address: state.functions[i].address))
        case .table: self = .table(Table(store: store, object: state.tables[i]))
        case .memory: self = .memory(Memory(store: store, object: state.memories[i]))
        case .global: self = .global(Global(store: store, object: state.globals[i]))
        case .tag: self = .tag(Tag(store: store, object: state.tags[i]))
        }
    }

    var store: Store {
        switch self {
        case .function(let f): return f.store
        case .table(let t): return t.store
        case .memory(let m): return m.store
        case .global(let g): return g.store
        case .tag(let t): return t.store
        }
    }
}

/// An instantiated module: its own memories, tables, globals and functions in a store.
/// Spec: https://webassembly.github.io/spec/core/exec/runtime.html#module-instances
///
/// Get one from ``Linker/instantiate(store:module:)``; reach its exports by name with
/// ``export(_:)``, ``function(_:)``, ``memory(_:)``, ``table(_:)``, ``global(_:)``, or as typed
/// Swift closures with ``typedFunction(_:params:results:)``.
public final class Instance {
    /// The store the instance lives in.
    public let store: Store
    /// The module it was instantiated from.
    public let module: Module
    let state: InstanceState
    /// All exports in declaration order.
    public let exports: [(name: String, value: Extern)]
    private let exportsByName: [WasmName: Int]

    init(store: Store, state: InstanceState) {
        self.store = store
        self.module = state.module
        self.state = state
        var exports: [(name: String, value: Extern)] = []
        var byName: [WasmName: Int] = [:]
        for export in state.module.sections.exports {
            guard let value = Extern(export, of: state, in: store) else { continue }
            byName[WasmName(export.name)] = exports.count
            exports.append((export.name, value))
        }
        self.exports = exports
        self.exportsByName = byName
    }

    /// The public handle of `state`, created on first use (host calls from Wasm ask for it).
    static func handle(for state: InstanceState, in store: Store) -> Instance {
        if let existing = state.handle { return existing }
        let instance = Instance(store: store, state: state)
        state.handle = instance
        return instance
    }

    /// The export named `name`, if any.
    public func export(_ name: String) -> Extern? {
        exportsByName[WasmName(name)].map { exports[$0].value }
    }

    /// The exported function `name`, or nil when there is no function export of that name.
    public func function(_ name: String) -> Function? {
        if case .function(let f)? = export(name) { return f }
        return nil
    }

    /// The exported memory `name`, or nil when there is no memory export of that name.
    public func memory(_ name: String) -> Memory? {
        if case .memory(let m)? = export(name) { return m }
        return nil
    }

    /// The exported table `name`, or nil when there is no table export of that name.
    public func table(_ name: String) -> Table? {
        if case .table(let t)? = export(name) { return t }
        return nil
    }

    /// The exported tag `name`, or nil when there is no tag export of that name.
    public func tag(_ name: String) -> Tag? {
        if case .tag(let t)? = export(name) { return t }
        return nil
    }

    /// The exported global `name`, or nil when there is no global export of that name.
    public func global(_ name: String) -> Global? {
        if case .global(let g)? = export(name) { return g }
        return nil
    }
}

/// A name as Wasm compares them: by code points. Swift's `String` equality is canonical
/// equivalence, under which "\u{C5}" and "A\u{30A}" are the same export name; in Wasm
/// they are different names.
struct WasmName: Hashable {
    let utf8: [UInt8]
    init(_ name: String) { utf8 = Array(name.utf8) }
}
