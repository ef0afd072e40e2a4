import Swasm

/// The `spectest` module that the spec scripts import, as the reference interpreter defines it
/// (https://github.com/WebAssembly/spec/blob/main/interpreter/host/spectest.ml).
/// The `print*` functions are silent: the scripts never check their output and the runner's
/// own output stays readable.
enum SpecTestModule {
    static func define(in linker: Linker, store: Store) throws {
        let printTypes: [(String, [ValueType])] = [
            ("print", []),
            ("print_i32", [.i32]),
            ("print_i64", [.i64]),
            ("print_f32", [.f32]),
            ("print_f64", [.f64]),
            ("print_i32_f32", [.i32, .f32]),
            ("print_f64_f64", [.f64, .f64]),
        ]
        for (name, params) in printTypes {
            linker.defineFunction(
                store: store, module: "spectest", name: name,
                type: FuncType(params: params, results: [])
            ) { _, _ in [] }
        }

        let globals: [(String, ValueType, Value)] = [
            ("global_i32", .i32, .i32(666)),
            ("global_i64", .i64, .i64(666)),
            ("global_f32", .f32, .f32(Float(666.6).bitPattern)),
            ("global_f64", .f64, .f64(Double(666.6).bitPattern)),
        ]
        for (name, type, value) in globals {
            let global = try Global(store: store, type: GlobalType(valueType: type, mutable: false), value: value)
            linker.define(module: "spectest", name: name, .global(global))
        }

        let table = try Table(
            store: store,
            type: TableType(elementType: .funcref, limits: Limits(min: 10, max: 20)),
            initial: .null(.func)
        )
        linker.define(module: "spectest", name: "table", .table(table))

        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: 2)))
        linker.define(module: "spectest", name: "memory", .memory(memory))

        // Wasm 3.0 and threads scripts also import these. An engine without 64-bit tables or
        // shared memories may refuse to create them; the spectest module then lacks them and
        // only the modules importing them fail to link.
        if let table64 = try? Table(
            store: store,
            type: TableType(elementType: .funcref, limits: Limits(min: 10, max: 20, is64: true)),
            initial: .null(.func)
        ) {
            linker.define(module: "spectest", name: "table64", .table(table64))
        }
        if let shared = try? Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: 2, shared: true))) {
            linker.define(module: "spectest", name: "shared_memory", .memory(shared))
        }
    }
}
