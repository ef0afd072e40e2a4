// Bounds-checked access to linear memory for host code: numbers in little-endian order (the
// byte order of Wasm memory on every host), bytes and UTF-8 strings. Every accessor checks
// the whole range first and throws the guest's "out of bounds memory access" trap, so a
// host function handed a bad pointer fails the call instead of touching host memory.

extension Memory {
    /// Reads a `T` stored little-endian at `offset` (no alignment needed).
    ///
    /// ```swift
    /// let length = try memory.load(UInt32.self, offset: pointer)
    /// ```
    public func load<T: FixedWidthInteger>(_ type: T.Type, offset: some BinaryInteger) throws -> T {
        let start = try checkedRange(offset: offset, count: MemoryLayout<T>.size)
        return T(littleEndian: (object.base + start).loadUnaligned(as: T.self))
    }

    /// Reads an `f32` stored at `offset` (its bit pattern, little-endian).
    public func load(_ type: Float.Type, offset: some BinaryInteger) throws -> Float {
        Float(bitPattern: try load(UInt32.self, offset: offset))
    }

    /// Reads an `f64` stored at `offset` (its bit pattern, little-endian).
    public func load(_ type: Double.Type, offset: some BinaryInteger) throws -> Double {
        Double(bitPattern: try load(UInt64.self, offset: offset))
    }

    /// Stores `value` little-endian at `offset` (no alignment needed).
    public func store<T: FixedWidthInteger>(_ value: T, offset: some BinaryInteger) throws {
        let start = try checkedRange(offset: offset, count: MemoryLayout<T>.size)
        (object.base + start).storeBytes(of: value.littleEndian, as: T.self)
    }

    /// Stores an `f32` at `offset` (its bit pattern, little-endian).
    public func store(_ value: Float, offset: some BinaryInteger) throws {
        try store(value.bitPattern, offset: offset)
    }

    /// Stores an `f64` at `offset` (its bit pattern, little-endian).
    public func store(_ value: Double, offset: some BinaryInteger) throws {
        try store(value.bitPattern, offset: offset)
    }

    /// Copies `count` bytes starting at `offset`.
    public func readBytes(offset: some BinaryInteger, count: some BinaryInteger) throws -> [UInt8] {
        let length = try checkedCount(count)
        let start = try checkedRange(offset: offset, count: length)
        return [UInt8](UnsafeRawBufferPointer(start: object.base + start, count: length))
    }

    /// Writes `bytes` starting at `offset`; nothing is written when they do not all fit.
    public func writeBytes<Bytes: Collection>(_ bytes: Bytes, offset: some BinaryInteger) throws where Bytes.Element == UInt8 {
        let start = try checkedRange(offset: offset, count: bytes.count)
        let destination = UnsafeMutableRawBufferPointer(start: object.base + start, count: bytes.count)
        _ = destination.initializeMemory(as: UInt8.self, from: bytes)
    }

    /// Decodes `length` bytes at `offset` as UTF-8; ill-formed sequences become U+FFFD, as
    /// Swift's `String(decoding:as:)` does.
    ///
    /// ```swift
    /// let message = try memory.readString(offset: pointer, length: length)
    /// ```
    public func readString(offset: some BinaryInteger, length: some BinaryInteger) throws -> String {
        let count = try checkedCount(length)
        let start = try checkedRange(offset: offset, count: count)
        return String(decoding: UnsafeRawBufferPointer(start: object.base + start, count: count), as: UTF8.self)
    }

    /// Decodes the UTF-8 string at `offset` that ends before the first zero byte (a C string).
    /// Throws the out-of-bounds trap when no zero byte comes before the end of memory, and
    /// `APIError` when none comes within `maxLength` bytes, so a guest cannot make the host
    /// copy its whole memory.
    public func readNullTerminatedString(offset: some BinaryInteger, maxLength: Int = 1 << 20) throws -> String {
        let start = try checkedRange(offset: offset, count: 0)
        let available = object.byteCount - start
        let window = UnsafeRawBufferPointer(start: object.base + start, count: Swift.min(available, Swift.max(maxLength, 0) + 1))
        guard let end = window.firstIndex(of: 0) else {
            if available <= maxLength { throw SwasmError.trap(Trap(.outOfBoundsMemoryAccess)) }
            throw APIError("no string terminator within \(maxLength) bytes at offset \(start)")
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: window[..<end]), as: UTF8.self)
    }

    /// Writes `string` as UTF-8 at `offset`, followed by a zero byte when `nullTerminated`;
    /// returns the number of bytes written. Nothing is written when they do not all fit.
    @discardableResult
    public func writeString(_ string: String, offset: some BinaryInteger, nullTerminated: Bool = false) throws -> Int {
        var bytes = Array(string.utf8)
        if nullTerminated { bytes.append(0) }
        try writeBytes(bytes, offset: offset)
        return bytes.count
    }

    /// The start of `count` in-bounds bytes at `offset`, or the out-of-bounds trap.
    func checkedRange(offset: some BinaryInteger, count: Int) throws -> Int {
        guard let start = Int(exactly: offset), start >= 0, count >= 0,
              count <= object.byteCount, start <= object.byteCount - count else {
            throw SwasmError.trap(Trap(.outOfBoundsMemoryAccess))
        }
        return start
    }

    private func checkedCount(_ count: some BinaryInteger) throws -> Int {
        guard let value = Int(exactly: count), value >= 0 else { throw SwasmError.trap(Trap(.outOfBoundsMemoryAccess)) }
        return value
    }
}

extension Global {
    /// The global's value as `T`; throws `APIError` when the global is of another type.
    ///
    /// ```swift
    /// let counter = try instance.global("counter")!.get(Int64.self)
    /// ```
    public func get<T: WasmValueConvertible>(_ type: T.Type) throws -> T {
        guard object.type.valueType == T.wasmType, T.wasmType.isNumber else {
            throw APIError("the global is \(describe(object.type.valueType)), not \(describe(T.wasmType)) (\(T.self))")
        }
        return T(wasmSlot: object.value)
    }

    /// Sets a mutable global to a Swift number; throws `APIError` when the global is
    /// immutable or of another type.
    public func set<T: WasmValueConvertible>(_ value: T) throws {
        try set(Value(value))
    }
}

extension Table {
    /// The function at `index` of a `funcref` table, or nil for a null element. Throws the
    /// out-of-bounds trap for an index past the end and `APIError` for other element types.
    public func function(at index: Int) throws -> Function? {
        guard HeapHierarchy(object.type.elementType.heapType) == .function else {
            throw APIError("the table holds \(describe(ValueType.ref(object.type.elementType))), not functions")
        }
        guard case .function(let address) = try get(index) else { return nil }
        return Function(store: store, address: address)
    }

    /// Sets element `index` of a `funcref` table to `function`, or to null when nil.
    /// Throws the out-of-bounds trap and `APIError` as ``set(_:_:)`` does.
    public func setFunction(at index: Int, _ function: Function?) throws {
        if let function, function.store !== store {
            throw APIError("the function belongs to another store than the table")
        }
        try set(index, function.map { .function($0.address) } ?? .null(.func))
    }
}
