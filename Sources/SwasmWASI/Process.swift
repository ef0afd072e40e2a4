#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Swasm

// proc_exit, proc_raise, sched_yield, random_get.

extension WASI {
    /// Ends the guest: the embedder's call fails with `SwasmError.exit(code)`.
    func procExit(code: UInt32) throws {
        throw SwasmError.exit(Int32(bitPattern: code))
    }

    /// Signals are not part of the sandbox: a guest cannot signal itself or anything else.
    func procRaise(signal: UInt32) throws {
        throw WASIErrno.nosys
    }

    func schedYield() throws {
        _ = sched_yield()
    }

    func randomGet(buffer: UInt32, length: UInt32, _ memory: GuestMemory) throws {
        try system.fillRandom(try memory.region(buffer, length))
    }
}
