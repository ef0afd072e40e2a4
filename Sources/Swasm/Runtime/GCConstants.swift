// The GC instructions of constant expressions: allocation of structs and arrays, i31
// references and the conversions between the `any` and `extern` hierarchies.
// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions

extension Instantiation {
    /// Evaluates a GC instruction of a constant expression on `stack` (one entry per value).
    /// Validation guarantees operand types and indices; a violated guarantee throws rather
    /// than trusting it.
    static func evaluateGC(_ instruction: GCInstruction, stack: inout [(low: UInt64, high: UInt64)],
                           in state: InstanceState, offset: Int) throws {
        func fail(_ message: String) -> SwasmError {
            SwasmError.invalid("constant expression: \(message)", function: nil, offset: offset)
        }
        func pop() throws -> (low: UInt64, high: UInt64) {
            guard let value = stack.popLast() else { throw fail("type mismatch") }
            return value
        }
        /// The last `count` values, in order.
        func pop(_ count: Int) throws -> ArraySlice<(low: UInt64, high: UInt64)> {
            guard count >= 0, count <= stack.count else { throw fail("type mismatch") }
            let values = stack[(stack.count - count)...]
            stack.removeLast(count)
            return values
        }
        func resolve(_ typeIndex: UInt32, _ kind: CompositeKind) throws -> (GCLayout, Store) {
            guard Int(typeIndex) < state.typeIDs.count else { throw fail("unknown type \(typeIndex)") }
            guard let store = state.store else { throw fail("the instance has no store") }
            let layout = store.engine.types.layout(state.typeIDs[Int(typeIndex)])
            guard layout.kind == kind else {
                throw fail("type \(typeIndex) is not \(kind == .array ? "an array" : "a struct") type")
            }
            return (layout, store)
        }
        /// A new zeroed object. The operands popped for it are on no stack the collector sees,
        /// so allocation must not collect.
        func allocate(_ layout: GCLayout, length: Int, in store: Store) throws -> UnsafeMutableRawPointer {
            let object = store.gcHeap.withoutCollection {
                store.allocateObject(layout, length: length, liveSlots: nil)
            }
            guard let object else { throw SwasmError.trap(Trap(.gcHeapExhausted)) }
            return object
        }
        func arrayLength(_ value: (low: UInt64, high: UInt64)) -> Int {
            Int(UInt32(truncatingIfNeeded: value.low))
        }

        switch instruction {
        case .structNew(let typeIndex):
            let (layout, store) = try resolve(typeIndex, .structure)
            let values = try pop(layout.fieldCount)
            let object = try allocate(layout, length: 0, in: store)
            for (index, value) in values.enumerated() {
                layout.fieldTable[index].storage.store(value.low, value.high, at: layout.field(index, of: object))
            }
            stack.append((UInt64(UInt(bitPattern: object)), 0))
        case .structNewDefault(let typeIndex):
            let (layout, store) = try resolve(typeIndex, .structure)
            // Zero bytes are every field's default: 0, +0.0 and null.
            let object = try allocate(layout, length: 0, in: store)
            stack.append((UInt64(UInt(bitPattern: object)), 0))
        case .arrayNew(let typeIndex):
            let (layout, store) = try resolve(typeIndex, .array)
            let length = arrayLength(try pop())
            let value = try pop()
            let object = try allocate(layout, length: length, in: store)
            layout.element.fill(value.low, value.high, at: GCObjectHeader.payload(object), count: length)
            stack.append((UInt64(UInt(bitPattern: object)), 0))
        case .arrayNewDefault(let typeIndex):
            let (layout, store) = try resolve(typeIndex, .array)
            let length = arrayLength(try pop())
            let object = try allocate(layout, length: length, in: store)
            stack.append((UInt64(UInt(bitPattern: object)), 0))
        case .arrayNewFixed(let typeIndex, let count):
            let (layout, store) = try resolve(typeIndex, .array)
            let values = try pop(Int(count))
            let object = try allocate(layout, length: values.count, in: store)
            for (index, value) in values.enumerated() {
                layout.element.store(value.low, value.high, at: layout.element(index, of: object))
            }
            stack.append((UInt64(UInt(bitPattern: object)), 0))
        case .refI31:
            let value = try pop()
            stack.append((RefEncoding.i31(UInt32(truncatingIfNeeded: value.low)), 0))
        case .anyConvertExtern, .externConvertAny:
            // Both hierarchies share the slot encoding (GCHeap.swift): the value stays as it is.
            guard !stack.isEmpty else { throw fail("type mismatch") }
        default:
            throw fail("\(instruction.name) is not a constant instruction")
        }
    }
}
