/// Resolves imports by module and name and instantiates modules.
/// Definitions may come from several stores; instantiation accepts only those of its store.
///
/// Define host functions (``defineFunction(store:module:name:_:)-(_,_,_,(Caller,P)->(R))`` for
/// typed Swift closures), other instances' exports (``define(module:instance:)``) or single
/// values, then ``instantiate(store:module:)`` modules that import them.
public final class Linker {
    private struct Key: Hashable {
        var module: WasmName
        var name: WasmName
        init(module: String, name: String) {
            self.module = WasmName(module)
            self.name = WasmName(name)
        }
    }
    private var definitions: [Key: Extern] = [:]

    /// An empty linker.
    public init() {}

    /// Defines `module`.`name` as `value`; a later definition replaces an earlier one.
    public func define(module: String, name: String, _ value: Extern) {
        definitions[Key(module: module, name: name)] = value
    }

    /// Defines every export of `instance` under the module name `module`.
    public func define(module: String, instance: Instance) {
        for (name, value) in instance.exports {
            define(module: module, name: name, value)
        }
    }

    /// Defines a host function.
    public func defineFunction(
        store: Store, module: String, name: String, type: FuncType,
        _ body: @escaping (Caller, [Value]) throws -> [Value]
    ) {
        define(module: module, name: name, .function(Function(store: store, type: type, body: body)))
    }

    /// The definition of `module`.`name`, if any.
    public func resolve(module: String, name: String) -> Extern? {
        definitions[Key(module: module, name: name)]
    }

    /// Instantiates `module` in `store`: resolves imports (`SwasmError.unlinkable`),
    /// initialises tables and memories from segments in spec order and runs the start
    /// function (a trap there throws `SwasmError.trap`, with the partial effects kept as the
    /// spec requires).
    public func instantiate(store: Store, module: Module) throws -> Instance {
        var externs: [Extern] = []
        externs.reserveCapacity(module.sections.imports.count)
        for (i, entry) in module.sections.imports.enumerated() {
            guard let value = definitions[Key(module: entry.module, name: entry.name)] else {
                throw SwasmError.unlinkable("unknown import: \"\(entry.module)\" \"\(entry.name)\"")
            }
            try Instantiation.checkImport(module.imports[i], value, store: store)
            externs.append(value)
        }
        return try Instantiation.instantiate(module: module, store: store, imports: externs, checked: true)
    }
}

extension Instance {
    /// Instantiates `module` in `store` with `imports` given in the module's import order
    /// (as `Linker.instantiate`, without looking anything up by name).
    public static func instantiate(store: Store, module: Module, imports: [Extern]) throws -> Instance {
        try Instantiation.instantiate(module: module, store: store, imports: imports, checked: false)
    }
}
