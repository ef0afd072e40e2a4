// Out-of-line parts of the interpreter: everything that touches Swift objects (instances,
// tables, the store), allocates or may throw. Kept `@inline(never)` so the loop stays small.

/// A value or the trap that prevented it.
enum TrapOr<T> {
    case success(T)
    case failure(TrapReason)
}

/// A value or the error that prevented it.
enum ErrorOr<T> {
    case success(T)
    case failure(Error)
}

extension Interpreter {
    /// The compiled code of `definedIndex` in `instance`'s module, translating it on first use.
    @inline(never)
    static func compile(_ instance: Unmanaged<InstanceState>, definedIndex: Int) -> ErrorOr<UnsafePointer<UInt64>> {
        do {
            let compiled = try instance.takeUnretainedValue().module.code.function(definedIndex)
            return .success(UnsafePointer(compiled.header))
        } catch {
            return .failure(error)
        }
    }

    /// Calls host function `address` (resolved as `resolved`) with the arguments in
    /// `slots[0...]` and writes its results there.
    @inline(never)
    static func callHostFunction(_ resolved: ResolvedFunction, address: Int, slots: UnsafeMutablePointer<UInt64>,
                                 caller: Unmanaged<InstanceState>, store: Store) -> Error? {
        if let host = resolved.host {
            // Numbers only: arguments and results stay in the caller's slots, nothing is boxed,
            // and nothing is retained (the store keeps the function, the loop its instance).
            do {
                try host._withUnsafeGuaranteedRef { host in
                    try host.body(Caller(store: store, state: caller.takeUnretainedValue()), slots)
                }
                return nil
            } catch {
                return error
            }
        }
        guard let function = store.function(at: FunctionAddress(rawValue: address)),
              case .host(let body) = function.kind else {
            return SwasmError.trap(Trap(.undefinedElement))
        }
        let type = function.type
        var arguments: [Value] = []
        arguments.reserveCapacity(type.params.count)
        var slot = 0
        for param in type.params {
            arguments.append(Value(slot: slots[slot], high: param == .v128 ? slots[slot + 1] : 0, type: param, store: store))
            slot += param.slotCount
        }
        do {
            let results = try callHost(body, type: type, arguments: arguments,
                                       caller: Caller(store: store, state: caller.takeUnretainedValue()))
            slot = 0
            for result in results {
                slots[slot] = result.slot
                if case .v128 = result { slots[slot + 1] = result.highSlot }
                slot += result.type?.slotCount ?? 1
            }
            return nil
        } catch {
            return error
        }
    }

    // MARK: Bulk memory (spec: bounds are checked before anything is written)

    @inline(never)
    static func memoryFill(_ instance: InstanceState, memory: Int, _ d: UInt64, _ value: UInt8, _ n: UInt64) -> TrapReason? {
        let m = instance.memories[memory]
        guard d &+ n <= UInt64(m.byteCount) else { return .outOfBoundsMemoryAccess }
        (m.base + Int(d)).initializeMemory(as: UInt8.self, repeating: value, count: Int(n))
        return nil
    }

    /// `memories` packs the destination memory index (low) and the source's (high).
    @inline(never)
    static func memoryCopy(_ instance: InstanceState, _ memories: UInt64, _ d: UInt64, _ s: UInt64, _ n: UInt64) -> TrapReason? {
        let destination = instance.memories[low(memories)], source = instance.memories[high(memories)]
        guard d &+ n <= UInt64(destination.byteCount), s &+ n <= UInt64(source.byteCount) else {
            return .outOfBoundsMemoryAccess
        }
        (destination.base + Int(d)).copyMemory(from: source.base + Int(s), byteCount: Int(n))
        return nil
    }

    @inline(never)
    static func memoryInit(_ instance: InstanceState, data: Int, memory: Int, _ d: UInt64, _ s: UInt64, _ n: UInt64) -> TrapReason? {
        let segment = instance.dataSegments[data]
        let m = instance.memories[memory]
        guard s &+ n <= UInt64(segment.count), d &+ n <= UInt64(m.byteCount) else { return .outOfBoundsMemoryAccess }
        if n > 0 {
            instance.module.sections.bytes.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress {
                    (m.base + Int(d)).copyMemory(from: base + segment.lowerBound + Int(s), byteCount: Int(n))
                }
            }
        }
        return nil
    }

    @inline(never)
    static func dataDrop(_ instance: InstanceState, _ data: Int) {
        instance.dataSegments[data] = 0..<0
    }

    // MARK: Tables

    @inline(never)
    static func tableGet(_ instance: InstanceState, table: Int, index: UInt32) -> TrapOr<UInt64> {
        let t = instance.tables[table]
        guard Int(index) < t.elements.count else { return .failure(.outOfBoundsTableAccess) }
        return .success(t.elements[Int(index)])
    }

    @inline(never)
    static func tableSet(_ instance: InstanceState, table: Int, index: UInt32, value: UInt64) -> TrapReason? {
        let t = instance.tables[table]
        guard Int(index) < t.elements.count else { return .outOfBoundsTableAccess }
        t.elements[Int(index)] = value
        return nil
    }

    @inline(never)
    static func tableFill(_ instance: InstanceState, table: Int, start: UInt32, value: UInt64, count: UInt32) -> TrapReason? {
        let t = instance.tables[table]
        let start = Int(start), count = Int(count)
        guard start + count <= t.elements.count else { return .outOfBoundsTableAccess }
        for i in start..<(start + count) { t.elements[i] = value }
        return nil
    }

    @inline(never)
    static func tableCopy(_ instance: InstanceState, destination: Int, source: Int, _ d: UInt32, _ s: UInt32, _ n: UInt32) -> TrapReason? {
        let dt = instance.tables[destination], st = instance.tables[source]
        let d = Int(d), s = Int(s), n = Int(n)
        guard s + n <= st.elements.count, d + n <= dt.elements.count else { return .outOfBoundsTableAccess }
        if n == 0 { return nil }
        let items = Array(st.elements[s..<(s + n)])
        dt.elements.replaceSubrange(d..<(d + n), with: items)
        return nil
    }

    @inline(never)
    static func tableInit(_ instance: InstanceState, element: Int, table: Int, _ d: UInt32, _ s: UInt32, _ n: UInt32) -> TrapReason? {
        let t = instance.tables[table]
        let segment = instance.elementSegments[element]
        let d = Int(d), s = Int(s), n = Int(n)
        guard s + n <= segment.count, d + n <= t.elements.count else { return .outOfBoundsTableAccess }
        if n == 0 { return nil }
        t.elements.replaceSubrange(d..<(d + n), with: segment[s..<(s + n)])
        return nil
    }

    @inline(never)
    static func elemDrop(_ instance: InstanceState, _ element: Int) {
        instance.elementSegments[element] = []
    }

    // MARK: Backtraces

    /// The Wasm frames from the running function outwards to the entry from the host.
    @inline(never)
    static func backtrace(function: UnsafePointer<UInt64>, instance: Unmanaged<InstanceState>,
                          frame: UnsafeMutablePointer<CallFrame>) -> [Trap.Frame] {
        var frames = [traceFrame(function, instance.takeUnretainedValue())]
        var record = frame
        while let _ = record.pointee.returnPC {
            frames.append(traceFrame(record.pointee.function, record.pointee.instance.takeUnretainedValue()))
            record -= 1
        }
        return frames
    }

    private static func traceFrame(_ function: UnsafePointer<UInt64>, _ instance: InstanceState) -> Trap.Frame {
        let index = function.functionIndex
        let names = instance.module.sections.names
        return Trap.Frame(functionIndex: index, functionName: names.functionNames[index], moduleName: names.moduleName)
    }
}
