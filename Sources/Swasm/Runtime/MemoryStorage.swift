// Backing storage of linear memories.
//
// A memory reserves address space for its maximum size up front (PROT_NONE, no commit
// charge) and makes pages accessible as it grows, so `base` normally never moves and growth
// costs no copy; the kernel hands out zeroed pages. When the reservation cannot be made (for
// example under `ulimit -v`) the memory falls back to the heap and `grow` reallocates, which
// may move `base` — the interpreter re-reads `base`/`byteCount` after every `memory.grow` and
// every call, so both strategies are safe.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum MemoryStorage {
    /// `base` belongs to whoever created the instance (never released here).
    case borrowed
    /// An mmap reservation of `reservedBytes`; the first `byteCount` bytes are accessible.
    case mapped(reservedBytes: Int)
    /// A heap block from calloc/realloc.
    case heap
}

/// Size of a WebAssembly page.
let wasmPageSize = 65_536

extension MemoryInstance {
    /// The largest page count the memory's address type allows (spec limit), further capped
    /// by the engine's configuration.
    static func pageLimit(for type: MemoryType, configuration: EngineConfiguration) -> UInt64 {
        let architectural: UInt64 = type.limits.is64 ? (1 << 48) : 65_536
        return Swift.min(architectural, configuration.maxMemoryPages)
    }

    /// Allocates a zeroed memory of `type.limits.min` pages.
    static func allocate(type: MemoryType, configuration: EngineConfiguration) throws -> MemoryInstance {
        try allocate(type: type, pageLimit: pageLimit(for: type, configuration: configuration))
    }

    /// Allocates a zeroed memory of `type.limits.min` pages that may grow to `limit` pages.
    /// `guarded`: a 32-bit memory reserves `GuardRegions.reservationBytes` when it can, so that
    /// machine code may leave its bounds to the hardware (`isGuarded`).
    static func allocate(type: MemoryType, pageLimit limit: UInt64, guarded: Bool = false) throws -> MemoryInstance {
        guard type.limits.min <= limit else {
            throw SwasmError.limit("memory of \(type.limits.min) pages exceeds the limit of \(limit) pages")
        }
        if let max = type.limits.max, max < type.limits.min {
            throw SwasmError.limit("memory minimum \(type.limits.min) exceeds its maximum \(max)")
        }
        let initialBytes = Int(type.limits.min) * wasmPageSize
        // Reserving the whole 32-bit range per memory is cheap (address space only); larger
        // (64-bit) memories start with a 4 GiB reservation and move when they outgrow it.
        // A shared memory must never move (other threads use its base): it reserves all it
        // may ever reach, or is not created.
        let reservePages = type.limits.shared
            ? Swift.min(type.limits.max ?? limit, limit) : Swift.min(type.limits.max ?? limit, limit, 65_536)
        let (reservedProduct, reserveOverflow) = Int(reservePages).multipliedReportingOverflow(by: wasmPageSize)
        let reservedBytes = reserveOverflow ? Int.max : Swift.max(reservedProduct, initialBytes)

        if guarded && !type.limits.is64, let base = reserve(bytes: GuardRegions.reservationBytes) {
            if initialBytes > 0, mprotect(base, initialBytes, PROT_READ | PROT_WRITE) != 0 {
                munmap(base, GuardRegions.reservationBytes)
                throw SwasmError.limit("cannot allocate a memory of \(type.limits.min) pages")
            }
            let memory = MemoryInstance(type: type, base: base, byteCount: initialBytes)
            memory.storage = .mapped(reservedBytes: GuardRegions.reservationBytes)
            memory.pageLimit = limit
            memory.isGuarded = true
            return memory
        }
        if reservedBytes > 0, let base = reserve(bytes: reservedBytes) {
            if initialBytes > 0, mprotect(base, initialBytes, PROT_READ | PROT_WRITE) != 0 {
                munmap(base, reservedBytes)
                throw SwasmError.limit("cannot allocate a memory of \(type.limits.min) pages")
            }
            let memory = MemoryInstance(type: type, base: base, byteCount: initialBytes)
            memory.storage = .mapped(reservedBytes: reservedBytes)
            memory.pageLimit = limit
            return memory
        }
        if type.limits.shared, reservedBytes > 0 {
            throw SwasmError.limit("cannot reserve \(reservePages) pages for a shared memory")
        }
        // calloc(0) may return nil; one byte keeps `base` a valid pointer for empty memories.
        guard let base = calloc(Swift.max(initialBytes, 1), 1) else {
            throw SwasmError.limit("cannot allocate a memory of \(type.limits.min) pages")
        }
        let memory = MemoryInstance(type: type, base: base, byteCount: initialBytes)
        memory.storage = .heap
        memory.pageLimit = limit
        return memory
    }

    /// Reserves address space without committing memory. Deliberately without MAP_NORESERVE:
    /// Linux then charges pages when `grow` makes them writable, so a growth the host cannot
    /// back fails there (memory.grow returns -1) instead of the process being killed later.
    private static func reserve(bytes: Int) -> UnsafeMutableRawPointer? {
        #if canImport(Darwin)
        let flags = MAP_PRIVATE | MAP_ANON
        #else
        let flags = MAP_PRIVATE | MAP_ANONYMOUS
        #endif
        guard let p = mmap(nil, bytes, PROT_NONE, flags, -1, 0), p != MAP_FAILED else { return nil }
        return p
    }

    /// Current size in pages.
    var pageCount: UInt64 { UInt64(byteCount / wasmPageSize) }

    /// `memory.grow`: grows by `delta` pages and returns the old page count, or -1 when the
    /// memory would exceed its maximum or the host cannot provide the pages (in which case
    /// nothing changes).
    func grow(byPages delta: UInt64) -> Int64 {
        shared?.lockGrowth()
        defer { shared?.unlockGrowth() }
        let oldPages = pageCount
        let (newPages, overflow) = oldPages.addingReportingOverflow(delta)
        guard newPages <= (type.limits.max ?? UInt64.max) || overflow else { return -1 }
        guard !overflow, newPages <= pageLimit else {
            limitCounters?.refusedMemoryGrowths += 1
            return -1
        }
        if delta == 0 { return Int64(oldPages) }
        let (newBytes64, bytesOverflow) = newPages.multipliedReportingOverflow(by: UInt64(wasmPageSize))
        guard !bytesOverflow, newBytes64 <= UInt64(Int.max) else { return -1 }
        let newBytes = Int(newBytes64)

        switch storage {
        case .borrowed:
            return -1
        case .mapped(let reservedBytes):
            if newBytes <= reservedBytes {
                guard mprotect(base + byteCount, newBytes - byteCount, PROT_READ | PROT_WRITE) == 0 else {
                    return -1
                }
            } else {
                // Outgrew the reservation: move to a bigger one.
                let newReservation = Swift.max(newBytes, reservedBytes.multipliedReportingOverflow(by: 2).overflow ? newBytes : reservedBytes * 2)
                guard let newBase = MemoryInstance.reserve(bytes: newReservation) else { return -1 }
                guard mprotect(newBase, newBytes, PROT_READ | PROT_WRITE) == 0 else {
                    munmap(newBase, newReservation)
                    return -1
                }
                newBase.copyMemory(from: base, byteCount: byteCount)
                munmap(base, reservedBytes)
                base = newBase
                storage = .mapped(reservedBytes: newReservation)
            }
        case .heap:
            guard let newBase = realloc(base, newBytes) else { return -1 }
            memset(newBase + byteCount, 0, newBytes - byteCount)
            base = newBase
        }
        byteCount = newBytes
        // The spec updates the memory's type on growth: imports match against the current size.
        type.limits.min = newPages
        return Int64(oldPages)
    }

    /// Called from deinit.
    func releaseStorage() {
        switch storage {
        case .borrowed: break
        case .mapped(let reservedBytes): munmap(base, reservedBytes)
        case .heap: free(base)
        }
        storage = .borrowed
    }
}
