import Foundation
import XCTest
import SwasmText
@testable import Swasm

/// One call-depth rule for both tiers: with `maxCallDepth = N`, N nested Wasm frames run and
/// the next call traps with "call stack exhausted", whether the frames are interpreted, native,
/// or both (a function that tiers up in the middle of a recursion, native code calling an
/// interpreted function that calls native code again, host functions calling back into Wasm).
/// The machine stack is a second limit: a guest that exhausts it traps the same way instead of
/// overflowing the thread's stack.
final class CallDepthTests: XCTestCase {
    static let recursion = """
    (module
      (tag $never)
      (global $depth (mut i32) (i32.const 0))
      (func (export "depth") (result i32) (global.get $depth))
      ;; down(n) nests exactly n frames.
      (func $down (export "down") (param $n i32) (result i32)
        (if (result i32) (i32.le_u (local.get $n) (i32.const 1))
          (then (i32.const 1))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get $n) (i32.const 1)))))))
      ;; Counts its frames in $depth until the call stack runs out.
      (func $runaway (export "runaway")
        (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
        (call $runaway))
      ;; The same n frames, alternating between a function the native tier compiles and one it
      ;; leaves to the interpreter (exception handlers), so native code reaches the interpreted
      ;; one through a snippet and the interpreted one enters native code again.
      (func $alternate (export "alternate") (param $n i32) (result i32)
        (if (result i32) (i32.le_u (local.get $n) (i32.const 1))
          (then (i32.const 1))
          (else (i32.add (i32.const 1) (call $interpreted (i32.sub (local.get $n) (i32.const 1)))))))
      (func $interpreted (param $n i32) (result i32)
        (block $caught
          (try_table (catch $never $caught)
            (return
              (if (result i32) (i32.le_u (local.get $n) (i32.const 1))
                (then (i32.const 1))
                (else (i32.add (i32.const 1) (call $alternate (i32.sub (local.get $n) (i32.const 1)))))))))
        (i32.const -1)))
    """

    /// Each level of `enter(n)` calls the host, which calls `enter(n - 1)`: n + 1 Wasm entries.
    static let reentry = """
    (module
      (import "host" "reenter" (func $reenter (param i32) (result i32)))
      (func (export "enter") (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n))
          (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $reenter (i32.sub (local.get $n) (i32.const 1))))))))
    """

    enum Tier: CaseIterable {
        case interpreted, native
        /// Compiled after a few entries: a recursion starts interpreted and goes on natively.
        case tieringUp
    }

    static func configuration(_ tier: Tier, maxCallDepth: Int? = nil) -> EngineConfiguration {
        var configuration = EngineConfiguration()
        switch tier {
        case .interpreted: configuration.nativeCode = false
        case .native: configuration.nativeCodeThreshold = 0
        case .tieringUp: configuration.nativeCodeThreshold = 5
        }
        if let maxCallDepth { configuration.maxCallDepth = maxCallDepth }
        return configuration
    }

    func recursionInstance(_ tier: Tier, maxCallDepth: Int? = nil) throws -> Instance {
        let engine = Engine(configuration: Self.configuration(tier, maxCallDepth: maxCallDepth))
        return try Linker().instantiate(store: Store(engine: engine),
                                        module: Module(engine: engine, bytes: WAT.encode(Self.recursion)))
    }

    /// An instance of `reentry` whose host function calls `enter` of the same instance.
    func reentryInstance(_ tier: Tier, maxCallDepth: Int? = nil) throws -> Instance {
        let engine = Engine(configuration: Self.configuration(tier, maxCallDepth: maxCallDepth))
        let store = Store(engine: engine)
        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "reenter",
                              type: FuncType(params: [.i32], results: [.i32])) { caller, arguments in
            guard let enter = caller.instance?.function("enter") else { return [.i32(0)] }
            return try enter.call(arguments)
        }
        return try linker.instantiate(store: store, module: Module(engine: engine, bytes: WAT.encode(Self.reentry)))
    }

    func call(_ instance: Instance, _ name: String, _ arguments: Value...) throws -> [Value] {
        try XCTUnwrap(instance.function(name)).call(arguments)
    }

    /// The call traps with "call stack exhausted", with a backtrace of `frames` frames when
    /// given (the frames that ran: the call that would exceed the limit never starts).
    func assertExhausts(_ body: @autoclosure () throws -> Any, _ message: String, frames: Int? = nil,
                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), message, file: file, line: line) { error in
            guard case SwasmError.trap(let trap) = error else { return XCTFail("\(message): \(error)", file: file, line: line) }
            XCTAssertEqual(trap.reason, .callStackExhausted, message, file: file, line: line)
            if let frames { XCTAssertEqual(trap.backtrace.count, frames, message, file: file, line: line) }
        }
    }

    func testExactlyMaxCallDepthFramesRunOnEveryTier() throws {
        for tier in Tier.allCases {
            for limit in [1, 2, 3, 17, 1000, 10_000] {
                let instance = try recursionInstance(tier, maxCallDepth: limit)
                let label = "\(tier), maxCallDepth \(limit)"
                XCTAssertEqual(try call(instance, "down", .i32(UInt32(limit))), [.i32(UInt32(limit))], label)
                assertExhausts(try call(instance, "down", .i32(UInt32(limit + 1))), label, frames: limit)
                // The store recovers, and stops at the same depth again.
                XCTAssertEqual(try call(instance, "down", .i32(UInt32(limit))), [.i32(UInt32(limit))], label)
                assertExhausts(try call(instance, "runaway"), label, frames: limit)
                XCTAssertEqual(try call(instance, "depth"), [.i32(UInt32(limit))], label)
            }
        }
    }

    func testNativeCodeCallingInterpretedCodeCountsEveryFrameOnce() throws {
        for tier in Tier.allCases {
            for limit in [2, 3, 50, 1000] {
                let instance = try recursionInstance(tier, maxCallDepth: limit)
                let label = "\(tier), maxCallDepth \(limit)"
                XCTAssertEqual(try call(instance, "alternate", .i32(UInt32(limit))), [.i32(UInt32(limit))], label)
                assertExhausts(try call(instance, "alternate", .i32(UInt32(limit + 1))), label, frames: limit)
                XCTAssertEqual(try call(instance, "alternate", .i32(UInt32(limit - 1))), [.i32(UInt32(limit - 1))], label)
            }
        }
    }

    func testHostReentryIsExactAtTheLimitOnEveryTier() throws {
        for tier in Tier.allCases {
            for limit in [1, 2, 40, 300] {
                let instance = try reentryInstance(tier, maxCallDepth: limit)
                let label = "\(tier), maxCallDepth \(limit)"
                // enter(n) is n + 1 Wasm frames, one per entry from the host.
                XCTAssertEqual(try call(instance, "enter", .i32(UInt32(limit - 1))), [.i32(UInt32(limit - 1))], label)
                assertExhausts(try call(instance, "enter", .i32(UInt32(limit))), label)
            }
        }
    }

    func testHostReentryReachesThousandsOfLevelsNatively() throws {
        for tier in Tier.allCases {
            let instance = try reentryInstance(tier)
            XCTAssertEqual(try call(instance, "enter", .i32(2000)), [.i32(2000)], "\(tier)")
            // Runaway re-entry traps (before the machine stack or the depth limit runs out),
            // and the store works afterwards.
            assertExhausts(try call(instance, "enter", .i32(1_000_000)), "\(tier)")
            XCTAssertEqual(try call(instance, "enter", .i32(3)), [.i32(3)], "\(tier)")
        }
    }

    /// Two instances that import each other's `bounce` through host functions.
    func testRecursionBetweenTwoInstancesThroughTheHost() throws {
        for tier in Tier.allCases {
            let engine = Engine(configuration: Self.configuration(tier))
            let store = Store(engine: engine)
            let module = try Module(engine: engine, bytes: WAT.encode("""
                (module
                  (import "host" "other" (func $other (param i32) (result i32)))
                  (func (export "bounce") (param $n i32) (result i32)
                    (if (result i32) (i32.eqz (local.get $n))
                      (then (i32.const 0))
                      (else (i32.add (i32.const 1) (call $other (i32.sub (local.get $n) (i32.const 1))))))))
                """))
            final class Peers { var first: Function?; var second: Function? }
            let peers = Peers()
            let type = FuncType(params: [.i32], results: [.i32])
            let firstLinker = Linker(), secondLinker = Linker()
            firstLinker.defineFunction(store: store, module: "host", name: "other", type: type) { _, arguments in
                try peers.second!.call(arguments)
            }
            secondLinker.defineFunction(store: store, module: "host", name: "other", type: type) { _, arguments in
                try peers.first!.call(arguments)
            }
            peers.first = try firstLinker.instantiate(store: store, module: module).function("bounce")
            peers.second = try secondLinker.instantiate(store: store, module: module).function("bounce")
            XCTAssertEqual(try peers.first!.call([.i32(2000)]), [.i32(2000)], "\(tier)")
            assertExhausts(try peers.first!.call([.i32(1_000_000)]), "\(tier)")
            XCTAssertEqual(try peers.second!.call([.i32(7)]), [.i32(7)], "\(tier)")
        }
    }

    /// With a limit the machine stack cannot hold, native recursion uses the thread's stack
    /// (8 MiB here) and traps before its end; the interpreter's frames need no machine stack.
    func testRunawayRecursionUnderAHugeLimitTrapsInsteadOfOverflowing() throws {
        for tier in Tier.allCases {
            let instance = try recursionInstance(tier, maxCallDepth: 10_000_000)
            assertExhausts(try call(instance, "runaway"), "\(tier)")
            let depth = try call(instance, "depth")
            guard case .i32(let frames) = depth.first else { return XCTFail("\(depth)") }
            XCTAssertGreaterThan(frames, 100_000, "\(tier)")
            XCTAssertEqual(try call(instance, "down", .i32(100)), [.i32(100)], "\(tier)")
        }
    }

    /// The same on a thread with a small stack, whatever the depth limit allows.
    func testRunawayRecursionOnASmallThreadStackTraps() throws {
        final class Outcome: @unchecked Sendable { var lines: [String] = [] }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            for tier in Tier.allCases {
                for test in ["runaway", "reentry", "alternate"] {
                    do {
                        switch test {
                        case "runaway": _ = try self.call(try self.recursionInstance(tier, maxCallDepth: 10_000_000), "runaway")
                        case "reentry": _ = try self.call(try self.reentryInstance(tier, maxCallDepth: 10_000_000), "enter", .i32(1_000_000))
                        default: _ = try self.call(try self.recursionInstance(tier, maxCallDepth: 10_000_000), "alternate", .i32(1_000_000))
                        }
                        outcome.lines.append("\(tier) \(test): returned")
                    } catch SwasmError.trap(let trap) {
                        outcome.lines.append("\(tier) \(test): \(trap.reason)")
                    } catch {
                        outcome.lines.append("\(tier) \(test): \(error)")
                    }
                }
            }
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
        XCTAssertEqual(outcome.lines, Tier.allCases.flatMap { tier in
            ["runaway", "reentry", "alternate"].map { "\(tier) \($0): call stack exhausted" }
        })
    }
}
