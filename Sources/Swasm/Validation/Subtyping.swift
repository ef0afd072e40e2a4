/// Type equivalence and subtyping of reference types
/// (https://webassembly.github.io/spec/core/valid/matching.html and
/// https://webassembly.github.io/spec/core/valid/conventions.html#rolling-and-unrolling).
///
/// Two type definitions are equivalent when their recursion groups are structurally equal once
/// every reference into the group is made relative to it and every reference out of it is
/// replaced by the referenced type's own class. `TypeCanonicalizer` computes that class for
/// each type index, in one pass over the groups (a group may only refer to earlier ones); the
/// validator uses module-local classes, the engine interns the same keys across modules.

/// One type definition in canonical form: a key of the interning tables.
struct CanonicalSubType: Hashable {
    var isFinal: Bool
    /// The supertype's canonical reference (see `TypeCanonicalizer.relativeBit`).
    var supertype: UInt32?
    /// The function type with every concrete heap type replaced by its canonical reference
    /// (empty for struct and array types).
    var type: FuncType
    /// The struct or array fields, canonical like `type`.
    var composite: CompositeType = .function
}

enum TypeCanonicalizer {
    /// Marks a canonical reference into the definition's own recursion group (the low bits are
    /// the position in the group); without it the reference is an already-assigned class id.
    static let relativeBit: UInt32 = 1 << 31
    /// Stands for an index validation rejects (a forward reference); never equal to a class.
    static let invalidReference: UInt32 = .max

    /// The class of every type of `module`: equal classes ⇔ equivalent types. `intern` returns
    /// the class of a group's first type for its canonical key; the group's other types take the
    /// following classes, in order.
    static func classes(of module: ModuleSections, intern: ([CanonicalSubType]) -> Int) -> [Int] {
        let count = module.types.count
        var classes = [Int](repeating: -1, count: count)
        var start = 0
        while start < count {
            let declared = module.typeDefinition(start).recGroup
            let group = start..<Swift.max(start + 1, Swift.min(declared.upperBound, count))
            func reference(_ index: UInt32) -> UInt32 {
                let i = Int(index)
                if group.contains(i) { return relativeBit | UInt32(i - group.lowerBound) }
                if i < group.lowerBound, classes[i] >= 0, classes[i] < Int(relativeBit) { return UInt32(classes[i]) }
                return invalidReference
            }
            func canonical(_ type: ValueType) -> ValueType {
                guard case .ref(var ref) = type, case .concrete(let index) = ref.heapType else { return type }
                ref.heapType = .concrete(reference(index))
                return .ref(ref)
            }
            func canonical(_ field: FieldType) -> FieldType {
                guard case .value(let type) = field.storage else { return field }
                return FieldType(storage: .value(canonical(type)), mutable: field.mutable)
            }
            var key: [CanonicalSubType] = []
            key.reserveCapacity(group.count)
            for i in group {
                let definition = module.typeDefinition(i)
                let type = module.types[i]
                let composite: CompositeType
                switch definition.composite {
                case .function: composite = .function
                case .structure(let fields): composite = .structure(fields.map(canonical))
                case .array(let element): composite = .array(canonical(element))
                }
                key.append(CanonicalSubType(
                    isFinal: definition.isFinal, supertype: definition.supertypes.first.map(reference),
                    type: FuncType(params: type.params.map(canonical), results: type.results.map(canonical)),
                    composite: composite))
            }
            let first = intern(key)
            for i in group { classes[i] = first + (i - group.lowerBound) }
            start = group.upperBound
        }
        return classes
    }

    /// Module-local classes: the index of the first type of each equivalence class.
    static func localClasses(of module: ModuleSections) -> [Int] {
        var table: [[CanonicalSubType]: Int] = [:]
        var next = 0
        var firstIndexOfClass: [Int] = []
        let classes = classes(of: module) { key in
            if let first = table[key] { return first }
            let first = next
            table[key] = first
            next += key.count
            return first
        }
        // Class ids are dense here, so map each to the first type index that has it.
        firstIndexOfClass = [Int](repeating: -1, count: next)
        for (i, c) in classes.enumerated() where c >= 0 && c < next && firstIndexOfClass[c] < 0 {
            firstIndexOfClass[c] = i
        }
        return classes.map { c in c >= 0 && c < next && firstIndexOfClass[c] >= 0 ? firstIndexOfClass[c] : c }
    }
}

/// The abstract heap-type lattice, shared by the validator (over its compact operand types) and
/// the runtime (over closed types). `kind` says which abstract type a concrete type falls under;
/// `concreteSubtype` decides between two concrete types.
enum HeapSubtyping {
    /// Whether `a` ≤ `b`.
    static func isSubtype(_ a: HeapType, _ b: HeapType, kind: (UInt32) -> CompositeKind,
                          concreteSubtype: (UInt32, UInt32) -> Bool) -> Bool {
        if a == b { return true }
        switch (a, b) {
        case (.concrete(let x), .concrete(let y)): return concreteSubtype(x, y)
        case (.concrete(let x), .func): return kind(x) == .function
        case (.concrete(let x), .struct): return kind(x) == .structure
        case (.concrete(let x), .array): return kind(x) == .array
        case (.concrete(let x), .eq), (.concrete(let x), .any): return kind(x) != .function
        case (.nofunc, .concrete(let y)): return kind(y) == .function
        case (HeapType.none, .concrete(let y)): return kind(y) != .function
        case (.nofunc, .func): return true
        case (.noextern, .extern), (.noexn, .exn): return true
        case (.eq, .any), (.i31, .any), (.struct, .any), (.array, .any), (.none, .any): return true
        case (.i31, .eq), (.struct, .eq), (.array, .eq), (.none, .eq): return true
        case (.none, .i31), (.none, .struct), (.none, .array): return true
        default: return false
        }
    }

    /// Whether reference type `a` ≤ `b`.
    static func isSubtype(_ a: RefType, _ b: RefType, kind: (UInt32) -> CompositeKind,
                          concreteSubtype: (UInt32, UInt32) -> Bool) -> Bool {
        if a.nullable && !b.nullable { return false }
        return isSubtype(a.heapType, b.heapType, kind: kind, concreteSubtype: concreteSubtype)
    }

    /// Whether value type `a` ≤ `b`.
    static func isSubtype(_ a: ValueType, _ b: ValueType, kind: (UInt32) -> CompositeKind,
                          concreteSubtype: (UInt32, UInt32) -> Bool) -> Bool {
        if a == b { return true }
        guard case .ref(let x) = a, case .ref(let y) = b else { return false }
        return isSubtype(x, y, kind: kind, concreteSubtype: concreteSubtype)
    }

    /// The top of `heapType`'s hierarchy: `func`, `extern`, `any` or `exn`.
    static func top(_ heapType: HeapType, kind: (UInt32) -> CompositeKind) -> HeapType {
        switch heapType {
        case .concrete(let index): return kind(index) == .function ? .func : .any
        case .func, .nofunc: return .func
        case .extern, .noextern: return .extern
        case .exn, .noexn: return .exn
        default: return .any
        }
    }
}

/// A module's types as a hierarchy: equivalence classes and declared supertypes.
struct TypeHierarchy: Sendable {
    /// Equivalence class of each type (the first equivalent type's index).
    let classes: [Int]
    /// The declared supertype of each type, or -1.
    let supertypes: [Int]
    /// Whether each type is final (no type anywhere may declare it as supertype).
    let finalTypes: [Bool]
    /// Each type's function, struct or array definition.
    let composites: [CompositeType]

    init(module: ModuleSections) {
        classes = TypeCanonicalizer.localClasses(of: module)
        composites = module.types.indices.map { module.typeDefinition($0).composite }
        finalTypes = module.types.indices.map { module.typeDefinition($0).isFinal }
        supertypes = module.types.indices.map { i in
            module.typeDefinition(i).supertypes.first.map { Int($0) < module.types.count ? Int($0) : -1 } ?? -1
        }
    }

    /// Whether values of other types (subtypes, perhaps of other modules) may have type `index`.
    func isFinal(_ index: UInt32) -> Bool {
        Int(index) < finalTypes.count ? finalTypes[Int(index)] : true
    }

    /// Whether type `a` is `b` (up to equivalence) or, through declared supertypes, below it.
    func isConcreteSubtype(_ a: UInt32, _ b: UInt32) -> Bool {
        guard Int(a) < classes.count, Int(b) < classes.count else { return false }
        let target = classes[Int(b)]
        var current = Int(a)
        var steps = 0
        // Bounded: validation rejects cycles, but this also runs on the types being validated.
        while current >= 0, current < classes.count, steps <= classes.count {
            if classes[current] == target { return true }
            current = supertypes[current]
            steps += 1
        }
        return false
    }

    /// Which abstract type type `index` falls under (an unknown index, which validation
    /// reports elsewhere, counts as a function type).
    func kind(_ index: UInt32) -> CompositeKind {
        Int(index) < composites.count ? composites[Int(index)].kind : .function
    }

    /// Whether value type `a` matches `b`.
    func isSubtype(_ a: ValueType, _ b: ValueType) -> Bool {
        HeapSubtyping.isSubtype(a, b, kind: kind) { isConcreteSubtype($0, $1) }
    }

    /// Whether a field of type `a` may stand for one of type `b` in a subtype: the same
    /// mutability, a subtype if immutable, an equivalent type if mutable.
    func isSubtype(_ a: FieldType, _ b: FieldType) -> Bool {
        guard a.mutable == b.mutable else { return false }
        switch (a.storage, b.storage) {
        case (.i8, .i8), (.i16, .i16): return true
        case (.value(let x), .value(let y)):
            return isSubtype(x, y) && (!a.mutable || isSubtype(y, x))
        default: return false
        }
    }

    /// Whether every type of `a` matches the one at the same position of `b`.
    func isSubtype<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
    where A.Element == ValueType, B.Element == ValueType {
        a.count == b.count && zip(a, b).allSatisfy { isSubtype($0, $1) }
    }
}

extension FunctionValidationContext {
    /// Whether value type `a` matches `b` in this module.
    func isSubtype(_ a: ValueType, _ b: ValueType) -> Bool { typeHierarchy.isSubtype(a, b) }

    /// Whether every type of `a` matches the one at the same position of `b`.
    func isSubtype<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
    where A.Element == ValueType, B.Element == ValueType {
        typeHierarchy.isSubtype(a, b)
    }

    /// Whether the concrete heap types in `type` name existing types.
    func isKnown(_ type: ValueType) -> Bool {
        guard case .ref(let ref) = type, case .concrete(let index) = ref.heapType else { return true }
        return Int(index) < types.count
    }
}

extension FunctionValidator {
    /// The out-of-line half of `pop(_:)` and `checkTop`: operands whose compact forms differ may
    /// still match through subtyping or type equivalence.
    @inline(never)
    func checkSubtype(_ actual: OperandType, _ expected: OperandType) throws {
        guard let a = actual.valueType, let b = expected.valueType, context.isSubtype(a, b) else {
            throw typeMismatch()
        }
    }

    /// Whether a value type's concrete heap type names an existing type, or "unknown type".
    func checkKnown(_ type: ValueType) throws {
        guard context.isKnown(type) else {
            if case .ref(let ref) = type, case .concrete(let index) = ref.heapType {
                throw invalid("unknown type \(index)")
            }
            throw invalid("unknown type")
        }
    }
}

extension ValueType {
    /// Whether a local of this type starts out with a value (zero or null): every type but
    /// non-nullable references.
    public var isDefaultable: Bool {
        if case .ref(let ref) = self { return ref.nullable }
        return true
    }
}
