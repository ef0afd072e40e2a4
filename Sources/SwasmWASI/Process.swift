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

    /// Filling a few gigabytes takes seconds, so it goes in slices of `randomSlice` bytes
    /// with an interruption check between them: a deadline stops it like a guest's loop.
    func randomGet(buffer: UInt32, length: UInt32, _ memory: GuestMemory) throws {
        let region = try memory.region(buffer, length)
        var offset = 0
        while offset < region.count {
            let end = min(offset + Self.randomSlice, region.count)
            try system.fillRandom(UnsafeMutableRawBufferPointer(rebasing: region[offset..<end]))
            offset = end
            if offset < region.count { try interruptHandle?.throwIfInterrupted() }
        }
    }

    static let randomSlice = 1 << 20
}
