import XCTest
import SwasmText
@testable import Swasm

/// The GC heap's collector under guests that allocate: garbage in a loop runs in bounded
/// memory, what stays reachable (from locals, globals, tables, arrays, other objects) survives
/// every collection intact, cycles are freed, and the store's GC heap limit traps.
final class GCCollectorTests: XCTestCase {
    func call(_ instance: Instance, _ name: String, _ arguments: Value...) throws -> [Value] {
        guard let function = instance.function(name) else { throw SwasmError.unlinkable("no export \(name)") }
        return try function.call(arguments)
    }

    static let program = """
    (module
      (type $node (struct (field $value i64) (field $next (ref null $node))))
      (type $pair (struct (field $other (mut (ref null $pair)))))
      (type $refs (array (mut (ref null $node))))
      (global $kept (mut (ref null $node)) (ref.null $node))
      (table $slots 4 (ref null $node))

      ;; Allocates `count` nodes, keeping only the last: returns its value.
      (func (export "garbage") (param $count i32) (result i64)
        (local $last (ref null $node))
        (loop $again
          (local.set $last (struct.new $node (i64.extend_i32_u (local.get $count)) (ref.null $node)))
          (br_if $again (local.tee $count (i32.sub (local.get $count) (i32.const 1)))))
        (struct.get $node $value (ref.as_non_null (local.get $last))))

      ;; Builds a list of `count` nodes (values 1...count) in a local while allocating
      ;; `garbage` unreachable nodes per node, then sums the list.
      (func (export "list") (param $count i32) (param $garbage i32) (result i64)
        (local $head (ref null $node)) (local $i i32) (local $j i32) (local $sum i64)
        (loop $build
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $head (struct.new $node (i64.extend_i32_u (local.get $i)) (local.get $head)))
          (local.set $j (local.get $garbage))
          (block $done
            (loop $waste
              (br_if $done (i32.eqz (local.get $j)))
              (drop (struct.new $node (i64.const -1) (ref.null $node)))
              (local.set $j (i32.sub (local.get $j) (i32.const 1)))
              (br $waste)))
          (br_if $build (i32.lt_u (local.get $i) (local.get $count))))
        (global.set $kept (local.get $head))
        (call $sum (local.get $head)))

      (func $sum (param $node (ref null $node)) (result i64)
        (local $sum i64)
        (block $end
          (loop $next
            (br_if $end (ref.is_null (local.get $node)))
            (local.set $sum (i64.add (local.get $sum)
              (struct.get $node $value (ref.as_non_null (local.get $node)))))
            (local.set $node (struct.get $node $next (ref.as_non_null (local.get $node))))
            (br $next)))
        (local.get $sum))

      ;; The list kept in the global, after later collections.
      (func (export "sumKept") (result i64) (call $sum (global.get $kept)))

      ;; Pairs that point at each other, dropped at once.
      (func (export "cycles") (param $count i32)
        (local $a (ref null $pair)) (local $b (ref null $pair))
        (loop $again
          (local.set $a (struct.new $pair (ref.null $pair)))
          (local.set $b (struct.new $pair (local.get $a)))
          (struct.set $pair $other (local.get $a) (local.get $b))
          (br_if $again (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

      ;; Nodes kept only by a table and by an array element, then garbage, then read back.
      (func (export "tableAndArray") (param $garbage i32) (result i64)
        (local $array (ref null $refs))
        (table.set $slots (i32.const 2) (struct.new $node (i64.const 40) (ref.null $node)))
        (local.set $array (array.new_default $refs (i32.const 3)))
        (array.set $refs (local.get $array) (i32.const 1) (struct.new $node (i64.const 2) (ref.null $node)))
        (drop (call $garbageNodes (local.get $garbage)))
        (i64.add
          (struct.get $node $value (ref.as_non_null (table.get $slots (i32.const 2))))
          (struct.get $node $value (ref.as_non_null (array.get $refs (local.get $array) (i32.const 1))))))

      (func $garbageNodes (param $count i32) (result i32)
        (loop $again
          (drop (struct.new $node (i64.const 0) (ref.null $node)))
          (br_if $again (local.tee $count (i32.sub (local.get $count) (i32.const 1)))))
        (i32.const 0)))
    """

    func makeInstance(limits: StoreLimits = StoreLimits()) throws -> (Instance, Store) {
        let store = Store(engine: Engine(), limits: limits)
        let module = try Module(engine: store.engine, bytes: WAT.encode(Self.program))
        return (try Linker().instantiate(store: store, module: module), store)
    }


    func testGarbageInALoopRunsInBoundedMemory() throws {
        let (instance, store) = try makeInstance()
        let count: UInt32 = 300_000  // 32 bytes each: about 9.6 MB allocated in all
        XCTAssertEqual(try call(instance, "garbage", .i32(count)), [.i64(1)])
        XCTAssertGreaterThan(store.gcHeap.collections, 3)
        // What a collection keeps, plus one threshold's worth of new garbage.
        XCTAssertLessThanOrEqual(store.gcHeap.objectCount, 2 * GCHeap.minimumThreshold / 32 + 1)
    }

    func testReachableObjectsSurviveCollections() throws {
        let (instance, store) = try makeInstance()
        let count: UInt64 = 20_000
        XCTAssertEqual(try call(instance, "list", .i32(UInt32(count)), .i32(20)), [.i64(count * (count + 1) / 2)])
        let before = store.gcHeap.collections
        XCTAssertGreaterThan(before, 0)
        XCTAssertEqual(try call(instance, "garbage", .i32(200_000)), [.i64(1)])
        XCTAssertGreaterThan(store.gcHeap.collections, before)
        XCTAssertEqual(try call(instance, "sumKept"), [.i64(count * (count + 1) / 2)])
    }

    func testCyclesAreFreed() throws {
        let (instance, store) = try makeInstance()
        _ = try call(instance, "cycles", .i32(200_000))
        store.collectGarbage(liveSlots: nil)
        XCTAssertEqual(store.gcHeap.objectCount, 0)
        XCTAssertEqual(store.gcHeap.liveBytes, 0)
    }

    func testTablesAndArraysAreRoots() throws {
        let (instance, store) = try makeInstance()
        XCTAssertEqual(try call(instance, "tableAndArray", .i32(100_000)), [.i64(42)])
        XCTAssertGreaterThan(store.gcHeap.collections, 0)
        store.collectGarbage(liveSlots: nil)
        // The table still holds its node; the array and its node died with the call.
        XCTAssertEqual(store.gcHeap.objectCount, 1)
    }

    func testTheHeapLimitTraps() throws {
        let (instance, _) = try makeInstance(limits: StoreLimits(gcHeapSize: 4 << 20))
        // 200,000 live nodes of 32 bytes need 6.4 MB.
        XCTAssertThrowsError(try call(instance, "list", .i32(200_000), .i32(0))) { error in
            guard case .trap(let trap)? = error as? SwasmError else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .gcHeapExhausted)
        }
        // Within the limit the same program runs.
        XCTAssertEqual(try call(instance, "list", .i32(1000), .i32(0)), [.i64(500_500)])
    }

    /// `array.new` and `array.fill` write whole runs of every element width (packed i8 and
    /// i16, i32, i64, v128), and leave the elements around the filled range alone.
    func testArrayNewAndFillEveryWidth() throws {
        let store = Store(engine: Engine())
        let module = try Module(engine: store.engine, bytes: WAT.encode("""
            (module
              (type $i8 (array (mut i8)))
              (type $i16 (array (mut i16)))
              (type $i32 (array (mut i32)))
              (type $i64 (array (mut i64)))
              (type $v128 (array (mut v128)))
              (func (export "bytes") (result i32) (local $a (ref null $i8))
                (local.set $a (array.new $i8 (i32.const 0x1FF) (i32.const 1000003)))
                (array.fill $i8 (local.get $a) (i32.const 10) (i32.const 3) (i32.const 5))
                (i32.add (i32.add (array.get_u $i8 (local.get $a) (i32.const 1000002))
                                  (array.get_u $i8 (local.get $a) (i32.const 14)))
                         (i32.mul (i32.const 1000) (array.get_u $i8 (local.get $a) (i32.const 15)))))
              (func (export "halves") (result i32) (local $a (ref null $i16))
                (local.set $a (array.new $i16 (i32.const -2) (i32.const 9)))
                (i32.add (array.get_s $i16 (local.get $a) (i32.const 8)) (array.get_u $i16 (local.get $a) (i32.const 0))))
              (func (export "words") (result i32) (local $a (ref null $i32))
                (local.set $a (array.new $i32 (i32.const 7) (i32.const 100)))
                (array.fill $i32 (local.get $a) (i32.const 1) (i32.const 40) (i32.const 98))
                (i32.add (i32.add (array.get $i32 (local.get $a) (i32.const 0)) (array.get $i32 (local.get $a) (i32.const 98)))
                         (array.get $i32 (local.get $a) (i32.const 99))))
              (func (export "longs") (result i64)
                (array.get $i64 (array.new $i64 (i64.const -5) (i32.const 33)) (i32.const 32)))
              (func (export "vectors") (result i64)
                (i64x2.extract_lane 1 (array.get $v128 (array.new $v128 (v128.const i64x2 3 4) (i32.const 5)) (i32.const 4)))))
            """))
        let instance = try Linker().instantiate(store: store, module: module)
        XCTAssertEqual(try call(instance, "bytes"), [.i32(0xFF + 3 + 0xFF * 1000)])  // last, last filled, first after
        XCTAssertEqual(try call(instance, "halves"), [.i32(UInt32(bitPattern: -2) &+ 0xFFFE)])
        XCTAssertEqual(try call(instance, "words"), [.i32(7 + 40 + 7)])
        XCTAssertEqual(try call(instance, "longs"), [.i64(UInt64(bitPattern: -5))])
        XCTAssertEqual(try call(instance, "vectors"), [.i64(4)])
    }
}
