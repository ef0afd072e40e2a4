// Execution of the atomic instructions (threads proposal): `SIMDIROpcode.atomic`
// [atomic|d][address|a][b|atomicOp8 memory24][offset64], reached through the loop's `.simd`
// case so that the loop's own code is unchanged (TranslatorAtomics.swift).
//
// Every access goes through the memory instance (not the loop's cached memory 0), is
// sequentially consistent and of exactly the op's width, so atomics on a shared memory are
// atomic with respect to other threads; on an unshared memory they cost the same and behave
// as plain accesses would. An address that is not a multiple of the width traps ("unaligned
// atomic") after the bounds check, as in the spec's execution rules.

import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Interpreter {
    /// Runs one atomic instruction; a trap is reported through `instance.outOfLineTrap`
    /// (returns false), because the `.simd` case knows only "out of bounds".
    @inline(never)
    static func executeAtomic(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: InstanceState) -> Bool {
        let w1 = pc[1], w2 = pc[2], w3 = pc[3]
        let d = high(pc[0])
        let memoryIndex = high(w2) >> 8
        guard let op = AtomicOp(rawValue: UInt8(truncatingIfNeeded: high(w2))),
              memoryIndex < instance.memories.count else {
            return fail(.outOfBoundsMemoryAccess, instance)
        }
        let memory = instance.memories[memoryIndex]
        let addressSlot = low(w1), a = high(w1), b = low(w2)
        let address = memory.type.limits.is64 ? sp.u64(addressSlot) : UInt64(sp.u32(addressSlot))
        let (ea, overflow) = address.addingReportingOverflow(w3)
        let width = UInt64(op.byteWidth)
        guard !overflow, ea <= UInt64(memory.byteCount), width <= UInt64(memory.byteCount) - ea else {
            return fail(.outOfBoundsMemoryAccess, instance)
        }
        guard ea & (width - 1) == 0 else { return fail(.unalignedAtomic, instance) }
        let cell = memory.base + Int(ea)

        switch op.kind {
        case .notify:
            sp.set(d, memory.shared?.notify(at: Int(ea), count: sp.u32(a)) ?? 0)
        case .wait:
            guard let shared = memory.shared else { return fail(.expectedSharedMemory, instance) }
            let timeout = Int64(bitPattern: sp.u64(b))
            // An interruptible store's guest must not be able to block its thread for ever.
            let handle = instance.store.flatMap { $0.engine.configuration.interruptible ? $0.interruptHandle : nil }
            let shouldStop: (() -> Bool)? = handle.map { handle in { handle.requested.load(ordering: .relaxed) } }
            let result: UInt32?
            if op == .memoryAtomicWait32 {
                let expected = sp.u32(a)
                result = shared.wait(at: Int(ea), timeout: timeout, valueMatches: {
                    AtomicCell.load(cell, UInt32.self) == expected
                }, shouldStop: shouldStop)
            } else {
                let expected = sp.u64(a)
                result = shared.wait(at: Int(ea), timeout: timeout, valueMatches: {
                    AtomicCell.load(cell, UInt64.self) == expected
                }, shouldStop: shouldStop)
            }
            guard let result else {
                // The loop reports this trap, not its own interrupt check: consume the request.
                handle?.withdraw()
                return fail(.interrupted, instance)
            }
            sp.set(d, result)
        case .fence:
            break
        default:
            let operand = sp.u64(a), replacement = sp.u64(b)
            let old: UInt64
            switch op.byteWidth {
            case 1: old = UInt64(AtomicCell.access(cell, op.kind, UInt8(truncatingIfNeeded: operand), UInt8(truncatingIfNeeded: replacement)))
            case 2: old = UInt64(AtomicCell.access(cell, op.kind, UInt16(truncatingIfNeeded: operand), UInt16(truncatingIfNeeded: replacement)))
            case 4: old = UInt64(AtomicCell.access(cell, op.kind, UInt32(truncatingIfNeeded: operand), UInt32(truncatingIfNeeded: replacement)))
            default: old = AtomicCell.access(cell, op.kind, operand, replacement)
            }
            // Narrow results are zero-extended; an i32 result's upper slot bits stay zero too.
            if op.kind != .store { sp.set(d, old) }
        }
        return true
    }

    private static func fail(_ reason: TrapReason, _ instance: InstanceState) -> Bool {
        OutOfLineTrap.record(reason)
        return false
    }
}

/// The reason of a trap raised out of line through the loop's `.simd` case, which reports
/// every failure as "out of bounds memory access" (a second reason there would change the
/// loop's code). The handler records its own reason for the current thread just before the
/// loop stops; the entry that started the loop puts it into the error it throws.
enum OutOfLineTrap {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Codes stored in the thread-specific pointer (nil: none recorded).
    private static let reasons: [TrapReason] = [.unalignedAtomic, .expectedSharedMemory, .interrupted]

    static func record(_ reason: TrapReason) {
        guard let index = reasons.firstIndex(of: reason) else { return }
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: index + 1))
    }

    /// `error` with the recorded reason in place of "out of bounds memory access", if one was
    /// recorded; clears the record either way.
    static func resolve(_ error: Error) -> Error {
        guard let code = pthread_getspecific(key) else { return error }
        pthread_setspecific(key, nil)
        let index = Int(bitPattern: code) - 1
        guard case SwasmError.trap(var trap) = error, trap.reason == .outOfBoundsMemoryAccess,
              reasons.indices.contains(index) else { return error }
        trap.reason = reasons[index]
        return SwasmError.trap(trap)
    }
}

/// An integer width with sequentially consistent accesses in place. `Atomic`'s operations
/// exist per storage size, not generically, hence one conformance per width.
protocol AtomicWord: FixedWidthInteger {
    static func atomicLoad(_ cell: UnsafeMutableRawPointer) -> Self
    static func atomicStore(_ cell: UnsafeMutableRawPointer, _ value: Self)
    static func atomicExchange(_ cell: UnsafeMutableRawPointer, _ value: Self) -> Self
    /// Stores `desired` if the cell holds `expected`; returns whether it did and the old value.
    static func atomicCompareExchange(_ cell: UnsafeMutableRawPointer, _ expected: Self, _ desired: Self) -> (Bool, Self)
}

extension UInt8: AtomicWord {
    @inline(__always) static func atomicLoad(_ cell: UnsafeMutableRawPointer) -> UInt8 {
        cell.assumingMemoryBound(to: Atomic<UInt8>.self).pointee.load(ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicStore(_ cell: UnsafeMutableRawPointer, _ value: UInt8) {
        cell.assumingMemoryBound(to: Atomic<UInt8>.self).pointee.store(value, ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicExchange(_ cell: UnsafeMutableRawPointer, _ value: UInt8) -> UInt8 {
        cell.assumingMemoryBound(to: Atomic<UInt8>.self).pointee.exchange(value, ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicCompareExchange(_ cell: UnsafeMutableRawPointer, _ expected: UInt8, _ desired: UInt8) -> (Bool, UInt8) {
        let result = cell.assumingMemoryBound(to: Atomic<UInt8>.self).pointee.compareExchange(
            expected: expected, desired: desired, ordering: .sequentiallyConsistent)
        return (result.exchanged, result.original)
    }
}

extension UInt16: AtomicWord {
    @inline(__always) static func atomicLoad(_ cell: UnsafeMutableRawPointer) -> UInt16 {
        cell.assumingMemoryBound(to: Atomic<UInt16>.self).pointee.load(ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicStore(_ cell: UnsafeMutableRawPointer, _ value: UInt16) {
        cell.assumingMemoryBound(to: Atomic<UInt16>.self).pointee.store(value, ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicExchange(_ cell: UnsafeMutableRawPointer, _ value: UInt16) -> UInt16 {
        cell.assumingMemoryBound(to: Atomic<UInt16>.self).pointee.exchange(value, ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicCompareExchange(_ cell: UnsafeMutableRawPointer, _ expected: UInt16, _ desired: UInt16) -> (Bool, UInt16) {
        let result = cell.assumingMemoryBound(to: Atomic<UInt16>.self).pointee.compareExchange(
            expected: expected, desired: desired, ordering: .sequentiallyConsistent)
        return (result.exchanged, result.original)
    }
}

extension UInt32: AtomicWord {
    @inline(__always) static func atomicLoad(_ cell: UnsafeMutableRawPointer) -> UInt32 {
        cell.assumingMemoryBound(to: Atomic<UInt32>.self).pointee.load(ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicStore(_ cell: UnsafeMutableRawPointer, _ value: UInt32) {
        cell.assumingMemoryBound(to: Atomic<UInt32>.self).pointee.store(value, ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicExchange(_ cell: UnsafeMutableRawPointer, _ value: UInt32) -> UInt32 {
        cell.assumingMemoryBound(to: Atomic<UInt32>.self).pointee.exchange(value, ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicCompareExchange(_ cell: UnsafeMutableRawPointer, _ expected: UInt32, _ desired: UInt32) -> (Bool, UInt32) {
        let result = cell.assumingMemoryBound(to: Atomic<UInt32>.self).pointee.compareExchange(
            expected: expected, desired: desired, ordering: .sequentiallyConsistent)
        return (result.exchanged, result.original)
    }
}

extension UInt64: AtomicWord {
    @inline(__always) static func atomicLoad(_ cell: UnsafeMutableRawPointer) -> UInt64 {
        cell.assumingMemoryBound(to: Atomic<UInt64>.self).pointee.load(ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicStore(_ cell: UnsafeMutableRawPointer, _ value: UInt64) {
        cell.assumingMemoryBound(to: Atomic<UInt64>.self).pointee.store(value, ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicExchange(_ cell: UnsafeMutableRawPointer, _ value: UInt64) -> UInt64 {
        cell.assumingMemoryBound(to: Atomic<UInt64>.self).pointee.exchange(value, ordering: .sequentiallyConsistent)
    }
    @inline(__always) static func atomicCompareExchange(_ cell: UnsafeMutableRawPointer, _ expected: UInt64, _ desired: UInt64) -> (Bool, UInt64) {
        let result = cell.assumingMemoryBound(to: Atomic<UInt64>.self).pointee.compareExchange(
            expected: expected, desired: desired, ordering: .sequentiallyConsistent)
        return (result.exchanged, result.original)
    }
}

/// Sequentially consistent accesses to naturally aligned integers in linear memory.
enum AtomicCell {
    @inline(__always)
    static func load<T: AtomicWord>(_ cell: UnsafeMutableRawPointer, _: T.Type) -> T {
        T.atomicLoad(cell)
    }

    /// Performs `kind` (a load, store or read-modify-write) and returns the old value.
    @inline(__always)
    static func access<T: AtomicWord>(
        _ cell: UnsafeMutableRawPointer, _ kind: AtomicOp.Kind, _ operand: T, _ replacement: T
    ) -> T {
        switch kind {
        case .load:
            return T.atomicLoad(cell)
        case .store:
            T.atomicStore(cell, operand)
            return 0
        case .xchg:
            return T.atomicExchange(cell, operand)
        case .cmpxchg:
            // The expected value arrives wrapped to the access width, as the spec compares it.
            return T.atomicCompareExchange(cell, operand, replacement).1
        default:
            var old = T.atomicLoad(cell)
            while true {
                let new: T
                switch kind {
                case .add: new = old &+ operand
                case .sub: new = old &- operand
                case .and: new = old & operand
                case .or: new = old | operand
                default: new = old ^ operand
                }
                let (exchanged, original) = T.atomicCompareExchange(cell, old, new)
                if exchanged { return old }
                old = original
            }
        }
    }
}
