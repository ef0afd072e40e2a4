import XCTest
import SwasmText
@testable import Swasm

/// What the tests comparing the interpreter with the native tier share: the two engines' 
/// configurations, an instance of one module on each, and a call's outcome as text.
extension EngineConfiguration {
    /// Everything interpreted.
    static var interpreterOnly: EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.nativeCode = false
        return configuration
    }

    /// Every function the native tier can compile compiled at its first call.
    static var nativeAtFirstCall: EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.nativeCodeThreshold = 0
        return configuration
    }
}

extension XCTestCase {
    /// `wat` instantiated natively (compiled at the first call) and interpreted, each in a
    /// store of its own engine.
    func tierPair(_ wat: String) throws -> (native: Instance, interpreted: Instance) {
        let bytes = try WAT.encode(wat)
        let instances = try [EngineConfiguration.nativeAtFirstCall, .interpreterOnly].map { configuration in
            let engine = Engine(configuration: configuration)
            return try Linker().instantiate(store: Store(engine: engine), module: Module(engine: engine, bytes: bytes))
        }
        return (instances[0], instances[1])
    }

    /// The result of a call, or its trap and backtrace, as text to compare.
    func outcome(_ instance: Instance, _ name: String, _ arguments: [Value]) throws -> String {
        do {
            return "\(try XCTUnwrap(instance.function(name), name).call(arguments))"
        } catch SwasmError.trap(let trap) {
            return "trap \(trap.reason) at \(trap.backtrace.map(\.functionIndex))"
        }
    }

    /// The same call on both instances of `pair` has the same outcome.
    func assertSame(_ name: String, _ arguments: [Value], _ pair: (native: Instance, interpreted: Instance),
                    file: StaticString = #filePath, line: UInt = #line) throws {
        let native = try outcome(pair.native, name, arguments)
        let interpreted = try outcome(pair.interpreted, name, arguments)
        XCTAssertEqual(native, interpreted, "\(name)\(arguments)", file: file, line: line)
    }
}
