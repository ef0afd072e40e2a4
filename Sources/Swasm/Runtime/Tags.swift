// Exception tags and exceptions: the runtime objects behind `throw`, `try_table` and
// `exnref`, and their public faces (`Tag`, `WasmException`).
// Spec: https://webassembly.github.io/spec/core/exec/runtime.html#tag-instances

/// A tag: exceptions match a handler when their tags are the same object.
final class TagInstance {
    /// The tag's type: the parameters are the exception's values, the results are empty.
    let type: FuncType
    /// The engine-wide id of the type (-1 for tags made by the host), for import matching.
    var typeID = -1
    init(type: FuncType) { self.type = type }
}

/// A thrown exception: its tag and its values as slots (a `v128` takes two).
final class ExceptionInstance {
    let tag: TagInstance
    let payload: [UInt64]
    /// Its `exnref` slot encoding once a handler has taken a reference (0: none yet).
    var reference: UInt64 = 0
    init(tag: TagInstance, payload: [UInt64]) {
        self.tag = tag
        self.payload = payload
    }
}

/// An exception tag in a store. Exceptions thrown with a tag are caught by handlers naming the
/// same tag (an import of it included), never by another tag of the same type.
/// Spec: https://webassembly.github.io/spec/core/exec/runtime.html#tag-instances
public struct Tag {
    /// The store the tag belongs to.
    public let store: Store
    let object: TagInstance

    /// A new tag whose exceptions carry values of `type.params`; `type.results` must be
    /// empty (throws `APIError` otherwise).
    public init(store: Store, type: FuncType) throws {
        guard type.results.isEmpty else { throw APIError("a tag's type has no results, got \(describe(type))") }
        self.store = store
        self.object = TagInstance(type: type)
    }

    init(store: Store, object: TagInstance) {
        self.store = store
        self.object = object
    }

    /// The tag's type (parameters only).
    public var type: FuncType { object.type }

    /// Whether both handles name the same tag.
    public func isSame(as other: Tag) -> Bool { object === other.object }
}

/// A Wasm exception crossing the host boundary. A host function called from Wasm may throw
/// one: Wasm handlers for its tag catch it as if Wasm had thrown it. An exception no Wasm
/// handler catches reaches the embedder as `SwasmError.trap` with reason
/// ``TrapReason/uncaughtException`` and the exception in ``Trap/exception``; a host function
/// that rethrows that error lets the exception continue into the Wasm code that called it.
public struct WasmException: Error, CustomStringConvertible, Hashable, @unchecked Sendable {
    /// The exception's tag.
    public let tag: Tag
    let object: ExceptionInstance
    /// The GC objects among the values: the exception is a root only while its store has it
    /// registered, and the host may keep it longer.
    let objects: [GCObject]

    /// A new exception of `tag` carrying `values`; throws `APIError` when they do not match
    /// the tag's parameter types.
    public init(tag: Tag, values: [Value]) throws {
        let params = tag.type.params
        guard values.count == params.count,
              zip(values, params).allSatisfy({ $0.matches($1, in: tag.store) }) else {
            throw APIError("the values do not match the tag's parameters \(describe(tag.type))")
        }
        var payload: [UInt64] = []
        for value in values {
            payload.append(value.slot)
            if case .v128 = value { payload.append(value.highSlot) }
        }
        self.tag = tag
        self.object = ExceptionInstance(tag: tag.object, payload: payload)
        objects = values.compactMap { if case .ref(.object(let object)) = $0 { return object } else { return nil } }
    }

    init(store: Store, object: ExceptionInstance) {
        self.tag = Tag(store: store, object: object.tag)
        self.object = object
        objects = GCObject.handles(in: object.payload, types: object.tag.type.params, store: store)
    }

    /// Whether both name the same exception (the same throw, or the same host-made value).
    public static func == (lhs: WasmException, rhs: WasmException) -> Bool { lhs.object === rhs.object }

    /// Hashes the exception's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(object)) }

    /// The values the exception carries, typed by the tag's parameters.
    public var values: [Value] {
        var result: [Value] = []
        var slot = 0
        for type in tag.type.params {
            guard slot + type.slotCount <= object.payload.count else { break }
            result.append(Value(slot: object.payload[slot], high: type == .v128 ? object.payload[slot + 1] : 0, type: type, store: tag.store))
            slot += type.slotCount
        }
        return result
    }

    /// "exception of tag (param ...) with values ...".
    public var description: String {
        "Wasm exception of tag \(describe(tag.type)) with values [\(values.map(describe).joined(separator: ", "))]"
    }
}

extension Store {
    /// The `exnref` slot of `exception`, registering it on first use. `liveSlots` is the end
    /// of the value stack's live part (the running frame's last slot + 1): before the table
    /// grows past its threshold, entries no live slot, global, table element or live
    /// exception's value refers to are reclaimed, so a program that catches exceptions by
    /// reference in a loop runs in bounded memory.
    func exceptionReference(_ exception: ExceptionInstance, liveSlots: UnsafeMutablePointer<UInt64>) -> UInt64 {
        if exception.reference == 0 {
            if freeExceptionEntries.isEmpty && exceptions.count >= exceptionCollectionThreshold {
                reclaimExceptions(liveSlots: liveSlots)
                let live = exceptions.count - freeExceptionEntries.count
                exceptionCollectionThreshold = Swift.max(4096, 2 * live)
            }
            if let index = freeExceptionEntries.popLast() {
                exceptions[index] = exception
                exception.reference = UInt64(index + 1)
            } else {
                exceptions.append(exception)
                exception.reference = UInt64(exceptions.count)
            }
        }
        return exception.reference
    }

    /// The exception an `exnref` slot refers to (nil for null or a foreign value).
    func exception(reference: UInt64) -> ExceptionInstance? {
        guard reference > 0, reference <= UInt64(exceptions.count) else { return nil }
        return exceptions[Int(reference - 1)]
    }

    /// Frees the entries nothing can refer to: no root word (`forEachRootWord`), no field of a
    /// GC object, no live exception's value. Slots are untyped, so every word that could be a
    /// reference counts as one (conservative: an integer may keep an entry alive, a live
    /// reference is never lost).
    private func reclaimExceptions(liveSlots: UnsafeMutablePointer<UInt64>) {
        var marked = [Bool](repeating: false, count: exceptions.count)
        var pending: [Int] = []
        let count = UInt64(exceptions.count)
        func visit(_ word: UInt64) {
            guard word > 0, word <= count else { return }
            let index = Int(word - 1)
            if !marked[index], exceptions[index] != nil {
                marked[index] = true
                pending.append(index)
            }
        }
        forEachRootWord(liveSlots: liveSlots, visit)
        gcHeap.forEachReferenceWord(visit)
        while let index = pending.popLast() {
            exceptions[index]?.payload.forEach(visit)
        }
        for index in exceptions.indices where !marked[index] {
            guard let exception = exceptions[index] else { continue }
            // An exception still in flight registers again if a handler asks.
            exception.reference = 0
            exceptions[index] = nil
            freeExceptionEntries.append(index)
        }
    }
}

extension Error {
    /// The Wasm exception this error carries: a `WasmException` a host function threw, or an
    /// uncaught-exception trap (rethrown by a host function) from a nested call into Wasm.
    var wasmException: WasmException? {
        if let exception = self as? WasmException { return exception }
        if case .trap(let trap)? = self as? SwasmError { return trap.exception }
        return nil
    }
}
