/// A linear memory in a store. Spec: https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances
///
/// Host code reads and writes it with bounds-checked helpers: ``load(_:offset:)-(T.Type,_)``
/// and ``store(_:offset:)-(T,_)`` for numbers (little-endian), ``readBytes(offset:count:)``,
/// ``writeBytes(_:offset:)``, ``readString(offset:length:)``,
/// ``readNullTerminatedString(offset:maxLength:)`` and ``writeString(_:offset:nullTerminated:)``.
/// Each throws the "out of bounds memory access" trap instead of touching memory outside.
///
/// A shared memory (`type.limits.shared`, threads) may also be imported by other stores of
/// the same engine, one per thread; it never moves (see SharedMemory.swift for what the engine
/// guarantees across threads).
public struct Memory {
    /// The store the memory belongs to.
    public let store: Store
    let object: MemoryInstance

    /// Creates a zeroed memory of `type.limits.min` pages. Throws `SwasmError.limit` when
    /// the size exceeds the engine's limit or the host cannot provide it.
    public init(store: Store, type: MemoryType) throws {
        try store.checkLimits(instances: 0, memories: [type], tables: [])
        self.store = store
        self.object = try store.allocateMemory(type)
    }

    init(store: Store, object: MemoryInstance) {
        self.store = store
        self.object = object
    }

    /// The memory's type; `limits.min` is the current size in pages.
    public var type: MemoryType { object.type }
    /// Current size in bytes.
    public var byteCount: Int { object.byteCount }
    /// Current size in 64 KiB pages.
    public var pageCount: UInt64 { object.pageCount }

    /// Copies `count` bytes at `offset`; throws a trap when out of bounds.
    public func read(offset: Int, count: Int) throws -> [UInt8] {
        try checkBounds(offset: offset, count: count)
        return [UInt8](UnsafeRawBufferPointer(start: object.base + offset, count: count))
    }

    /// Writes `bytes` at `offset`; throws a trap when out of bounds.
    public func write(offset: Int, bytes: [UInt8]) throws {
        try checkBounds(offset: offset, count: bytes.count)
        bytes.withUnsafeBytes { source in
            if let from = source.baseAddress { (object.base + offset).copyMemory(from: from, byteCount: source.count) }
        }
    }

    /// Grows by `pages`; returns the old size in pages, or nil when it cannot grow.
    public func grow(by pages: UInt64) -> UInt64? {
        let old = object.grow(byPages: pages)
        return old < 0 ? nil : UInt64(old)
    }

    /// Direct access to the memory's bytes for the duration of `body`. The buffer is invalid
    /// after the memory grows, so do not call back into Wasm from `body`.
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: object.base, count: object.byteCount))
    }

    private func checkBounds(offset: Int, count: Int) throws {
        guard offset >= 0, count >= 0, count <= object.byteCount, offset <= object.byteCount - count else {
            throw SwasmError.trap(Trap(.outOfBoundsMemoryAccess))
        }
    }
}
