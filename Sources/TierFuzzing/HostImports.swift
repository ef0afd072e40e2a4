import Swasm

/// Host functions a generated module may import (module "host"). Their results depend only
/// on their arguments and on how many host calls came before, and every call is hashed into
/// the transcript, so a tier that calls them differently (other arguments, order or count)
/// diverges. `check` traps for some arguments, so host traps cross native frames too.
final class HostImports {
    static let availableImportsText = """
    (module
      (import "host" "mix_i32" (func (param i32) (result i32)))
      (import "host" "mix_i64" (func (param i64) (result i64)))
      (import "host" "flip_f32" (func (param f32) (result f32)))
      (import "host" "flip_f64" (func (param f64) (result f64)))
      (import "host" "pair" (func (param i32 i64) (result i64 i32)))
      (import "host" "tick" (func))
      (import "host" "check" (func (param i32))))
    """

    private(set) var calls = 0
    private(set) var hash = StateHash()

    private func record(_ name: String, _ arguments: [Value]) {
        calls += 1
        hash.add(name)
        for argument in arguments { hash.add(describe(argument)) }
    }

    func define(in linker: Linker, store: Store) {
        func host(_ name: String, _ params: [ValueType], _ results: [ValueType],
                  _ body: @escaping ([Value]) throws -> [Value]) {
            linker.defineFunction(store: store, module: "host", name: name,
                                  type: FuncType(params: params, results: results)) { [unowned self] _, arguments in
                record(name, arguments)
                return try body(arguments)
            }
        }
        host("mix_i32", [.i32], [.i32]) { [unowned self] arguments in
            guard case .i32(let x) = arguments[0] else { return [] }
            return [.i32(x &* 0x9E37_79B1 ^ UInt32(truncatingIfNeeded: calls))]
        }
        host("mix_i64", [.i64], [.i64]) { [unowned self] arguments in
            guard case .i64(let x) = arguments[0] else { return [] }
            return [.i64(x &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(calls))]
        }
        host("flip_f32", [.f32], [.f32]) { arguments in
            guard case .f32(let bits) = arguments[0] else { return [] }
            return [.f32(bits ^ 0x8000_0001)]
        }
        host("flip_f64", [.f64], [.f64]) { arguments in
            guard case .f64(let bits) = arguments[0] else { return [] }
            return [.f64(bits ^ 0x8000_0000_0000_0001)]
        }
        host("pair", [.i32, .i64], [.i64, .i32]) { arguments in
            guard case .i32(let a) = arguments[0], case .i64(let b) = arguments[1] else { return [] }
            return [.i64(b &+ UInt64(a)), .i32(a ^ UInt32(truncatingIfNeeded: b >> 32))]
        }
        host("tick", [], []) { _ in [] }
        host("check", [.i32], []) { arguments in
            guard case .i32(let x) = arguments[0], x % 16 != 7 else {
                throw SwasmError.trap(Trap(.host("host check failed")))
            }
            return []
        }
    }
}
