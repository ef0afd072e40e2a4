#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Guard regions: bounds checks left to the hardware.
//
// With the native tier on, a 32-bit linear memory reserves 8 GiB of address space and 64 KiB
// more (`reservationBytes`): its at most 4 GiB of pages, then inaccessible pages as far as any
// access can reach (a 32-bit address, plus a 32-bit static offset, plus the access's width).
// Machine code then accesses memory 0 without comparing the address with its size: an access
// past the end touches an inaccessible page and faults. A process-wide SIGSEGV/SIGBUS handler
// recognises such a fault (the instruction is in the tier's code and the address in the running
// memory's reservation), and resumes at a stub that unwinds the faulting function exactly as its
// own out-of-bounds trap would. Every other fault goes to the handler that was there before.
//
// Where the reservation is refused (`ulimit -v`, say), the memory falls back to a smaller one
// and an instance using it runs interpreted when its module's code was compiled for guards
// (`InstanceState.runsMachineCode`).

enum GuardRegions {
    /// Bytes a guarded 32-bit memory reserves.
    static let reservationBytes = (8 << 30) + 65_536

    /// Whether the fault handler is installed (once, on first use); without it no memory is
    /// guarded and machine code checks every access.
    static let isAvailable: Bool = {
        #if arch(x86_64) && os(Linux)
        return installHandler()
        #else
        return false
        #endif
    }()

    // MARK: Code ranges

    /// The executable ranges of the tier's code, as pairs of words (start, end), read by the
    /// fault handler without a lock. A slot whose start is 0 is free.
    private static let capacity = 1 << 16
    private static let ranges: UnsafeMutablePointer<UInt> = {
        let table = UnsafeMutablePointer<UInt>.allocate(capacity: 2 * capacity)
        table.initialize(repeating: 0, count: 2 * capacity)
        return table
    }()
    /// Slots in use or used before (the handler scans this many).
    private static let highWater: UnsafeMutablePointer<Int> = {
        let count = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        count.initialize(to: 0)
        return count
    }()
    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    /// Registers executable memory; false when the table is full (the memory is then not used).
    static func register(_ start: UnsafeRawPointer, length: Int) -> Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        let begin = UInt(bitPattern: start)
        var slot = 0
        while slot < highWater.pointee && ranges[2 * slot] != 0 { slot += 1 }
        guard slot < capacity else { return false }
        ranges[2 * slot + 1] = begin + UInt(length)
        ranges[2 * slot] = begin
        if slot == highWater.pointee { highWater.pointee = slot + 1 }
        return true
    }

    static func unregister(_ start: UnsafeRawPointer) {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        let begin = UInt(bitPattern: start)
        for slot in 0..<highWater.pointee where ranges[2 * slot] == begin {
            ranges[2 * slot] = 0
            ranges[2 * slot + 1] = 0
        }
    }

    /// Whether `address` is in the tier's code (async-signal-safe).
    fileprivate static func isCode(_ address: UInt) -> Bool {
        let count = highWater.pointee
        var slot = 0
        while slot < count {
            let start = ranges[2 * slot]
            if start != 0 && address >= start && address < ranges[2 * slot + 1] { return true }
            slot += 1
        }
        return false
    }

    // MARK: The handler

    #if arch(x86_64) && os(Linux)
    /// The actions installed before ours, for faults that are not ours.
    fileprivate static let previous: UnsafeMutablePointer<sigaction> = {
        let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: 2)
        actions.initialize(repeating: sigaction(), count: 2)
        return actions
    }()

    private static func installHandler() -> Bool {
        guard NativeTier.faultStubAddress != 0 else { return false }
        _ = ranges
        _ = highWater
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = guardFault
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER
        sigemptyset(&action.sa_mask)
        guard sigaction(SIGSEGV, &action, previous) == 0 else { return false }
        guard sigaction(SIGBUS, &action, previous + 1) == 0 else {
            sigaction(SIGSEGV, previous, nil)
            return false
        }
        return true
    }

    // Offsets of x86-64 Linux's `mcontext_t.gregs` entries (sys/ucontext.h).
    fileprivate static let registerR14 = 6, registerRDI = 8, registerRIP = 16
    #endif
}

#if arch(x86_64) && os(Linux)
/// SIGSEGV and SIGBUS: a fault in a guard region by the tier's code resumes at the fault stub
/// (`NativeTier.faultStubAddress`) with the faulting instruction's address in rdi; anything
/// else goes to the previous action. Async-signal-safe: plain loads and stores only.
private func guardFault(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    if let info, let context {
        let registers = context.advanced(by: MemoryLayout<ucontext_t>.offset(of: \ucontext_t.uc_mcontext)!
                                             + MemoryLayout<mcontext_t>.offset(of: \mcontext_t.gregs)!)
            .assumingMemoryBound(to: UInt.self)
        let pc = registers[GuardRegions.registerRIP]
        // si_addr follows si_signo, si_errno, si_code and padding.
        let address = UnsafeRawPointer(info).load(fromByteOffset: 16, as: UInt.self)
        if GuardRegions.isCode(pc), let native = UnsafePointer<NativeContext>(bitPattern: registers[GuardRegions.registerR14]) {
            let base = UInt(bitPattern: native.pointee.memoryBase)
            if native.pointee.memoryGuarded != 0 && address >= base && address - base < UInt(GuardRegions.reservationBytes) {
                registers[GuardRegions.registerRDI] = pc
                registers[GuardRegions.registerRIP] = UInt(NativeTier.faultStubAddress)
                return
            }
        }
    }
    let previous = GuardRegions.previous[signal == SIGBUS ? 1 : 0]
    if previous.sa_flags & SA_SIGINFO != 0, let handler = previous.__sigaction_handler.sa_sigaction {
        handler(signal, info, context)
        return
    }
    let handler = previous.__sigaction_handler.sa_handler
    let raw = handler.map { unsafeBitCast($0, to: Int.self) } ?? 0
    if raw == 0 || raw == 1 {
        // SIG_DFL (or SIG_IGN, which cannot ignore a fault): the default action; the faulting
        // instruction runs again and gets it.
        var restored = previous
        restored.__sigaction_handler.sa_handler = nil
        sigaction(signal, &restored, nil)
        return
    }
    handler?(signal)
}
#endif

extension NativeTier {
    typealias FaultRecordFunction = @convention(c) (UnsafeMutableRawPointer, UInt) -> Void

    /// Where a guard-region fault resumes: on the faulting function's frame (its body's stack
    /// pointer: templates push nothing around memory accesses) with the faulting instruction in
    /// rdi. It records the function for the backtrace, as the function's own unwind path does,
    /// and returns the out-of-bounds status to its caller, as the function's epilogue would.
    static let faultStubAddress: UInt64 = {
        guard isAvailable else { return 0 }
        var a = X64Assembler()
        a.mov(.rsi, .rdi)
        a.mov(.rdi, .r14)
        a.movImm(.rax, unsafeBitCast(nativeRecordFault as FaultRecordFunction, to: UInt64.self))
        a.call(.rax)
        a.movImm(.rax, UInt64(Status.outOfBoundsMemoryAccess.rawValue))
        a.alu(.add, .rsp, imm: 8, w: true)
        a.ret()
        guard let code = ExecutableArena.shared.install(a.bytes.contents) else { return 0 }
        return UInt64(UInt(bitPattern: code))
    }()
}

/// Notes the function whose code contains `pc` (the one whose code starts last at or before
/// it) in the trap's backtrace.
private func nativeRecordFault(_ raw: UnsafeMutableRawPointer, _ pc: UInt) {
    let context = raw.assumingMemoryBound(to: NativeContext.self)
    let module = context.pointee.instance._withUnsafeGuaranteedRef { $0.module }
    guard let index = module.code.nativeFunction(containing: pc) else { return }
    context.pointee.state.takeUnretainedValue().nativeTrace.append(index)
}
