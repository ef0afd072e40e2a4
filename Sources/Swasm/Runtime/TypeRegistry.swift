/// Engine-wide type identities: every type definition of every module of an engine gets the
/// id of its equivalence class (Subtyping.swift explains the canonical form), so a
/// `call_indirect` compares one integer, and import matching compares types across modules.
/// Ids also record the declared supertype, for the subtype checks of linking.
final class TypeRegistry: @unchecked Sendable {
    private let lock = Lock()
    private var groups: [[CanonicalSubType]: Int] = [:]
    /// Per id, the id of its declared supertype or -1.
    private var supertypes: [Int] = []
    /// Per id, whether it is a function, struct or array type.
    private var kinds: [CompositeKind] = []
    /// Per id, its struct or array fields (canonical), and its object layout once asked for.
    private var composites: [CompositeType] = []
    private var layouts: [GCLayout?] = []

    /// The id of a function type written without type indices (a host function's).
    func id(of type: FuncType) -> Int {
        lock.withLock { intern([CanonicalSubType(isFinal: true, supertype: nil, type: type)]) }
    }

    /// The ids of `module`'s types, by type index.
    func ids(of module: ModuleSections) -> [Int] {
        lock.withLock { TypeCanonicalizer.classes(of: module) { intern($0) } }
    }

    /// Whether type `a` is `b` or declares it as a (transitive) supertype.
    func isSubtype(_ a: Int, _ b: Int) -> Bool {
        if a == b { return true }
        return lock.withLock {
            var current = a
            var steps = 0
            while current >= 0, current < supertypes.count, steps <= supertypes.count {
                if current == b { return true }
                current = supertypes[current]
                steps += 1
            }
            return false
        }
    }

    /// Which abstract heap type type `id` falls under.
    func kind(_ id: Int) -> CompositeKind {
        lock.withLock { id >= 0 && id < kinds.count ? kinds[id] : .function }
    }

    /// The object layout and supertype chain of type `id` (any kind: a function type's layout
    /// serves its casts). Built on first use and kept for the engine's lifetime, so objects may
    /// refer to it unretained.
    func layout(_ id: Int) -> GCLayout {
        lock.withLock {
            guard id >= 0, id < layouts.count else {
                return GCLayout(typeID: id, composite: .function, display: [])
            }
            if let layout = layouts[id] { return layout }
            var display: [Int] = []
            var current = id
            while current >= 0, current < supertypes.count, display.count <= supertypes.count {
                display.append(current)
                current = supertypes[current]
            }
            let layout = GCLayout(typeID: id, composite: composites[id], display: display.reversed())
            layouts[id] = layout
            return layout
        }
    }

    /// Call with the lock held.
    private func intern(_ key: [CanonicalSubType]) -> Int {
        if let first = groups[key] { return first }
        let first = supertypes.count
        groups[key] = first
        for type in key {
            kinds.append(type.composite.kind)
            composites.append(type.composite)
            layouts.append(nil)
            guard let reference = type.supertype, reference != TypeCanonicalizer.invalidReference else {
                supertypes.append(-1)
                continue
            }
            if reference & TypeCanonicalizer.relativeBit != 0 {
                supertypes.append(first + Int(reference & ~TypeCanonicalizer.relativeBit))
            } else {
                supertypes.append(Int(reference))
            }
        }
        return first
    }
}

/// Closes a module's types: each type index becomes its engine-wide id, so the type compares
/// with the types of other modules of the engine (import matching, runtime objects).
struct TypeCloser {
    let typeIDs: [Int]

    func callAsFunction(_ type: ValueType) -> ValueType {
        guard case .ref(var ref) = type, case .concrete(let index) = ref.heapType else { return type }
        if Int(index) < typeIDs.count { ref.heapType = .concrete(UInt32(truncatingIfNeeded: typeIDs[Int(index)])) }
        return .ref(ref)
    }

    func callAsFunction(_ type: FuncType) -> FuncType {
        FuncType(params: type.params.map { self($0) }, results: type.results.map { self($0) })
    }

    func callAsFunction(_ type: TableType) -> TableType {
        var result = type
        if case .ref(let ref) = self(.ref(type.elementType)) { result.elementType = ref }
        return result
    }

    func callAsFunction(_ type: GlobalType) -> GlobalType {
        GlobalType(valueType: self(type.valueType), mutable: type.mutable)
    }

    func callAsFunction(_ type: ExternType) -> ExternType {
        switch type {
        case .function(let f): return .function(self(f))
        case .table(let t): return .table(self(t))
        case .memory: return type
        case .global(let g): return .global(self(g))
        case .tag(let f): return .tag(self(f))
        }
    }
}

extension Module {
    /// Closes this module's types (see `TypeCloser`).
    var closed: TypeCloser { TypeCloser(typeIDs: typeIDs) }
}
