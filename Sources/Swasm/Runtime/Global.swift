/// A global in a store. Spec: https://webassembly.github.io/spec/core/exec/runtime.html#global-instances
public struct Global {
    /// The store the global belongs to.
    public let store: Store
    let object: GlobalInstance

    /// Creates a global holding `value`; throws `APIError` when `value` is not of the type.
    public init(store: Store, type: GlobalType, value: Value) throws {
        guard value.matches(type.valueType, in: store) else {
            throw APIError("\(describe(value)) is not a value of type \(describe(type.valueType))")
        }
        self.store = store
        self.object = GlobalInstance(type: type, value: value.slot)
        object.high = value.highSlot
        // The collector must see the reference it may hold: no instance lists it.
        if case .ref = type.valueType { store.hostGlobals.append(object) }
    }

    init(store: Store, object: GlobalInstance) {
        self.store = store
        self.object = object
    }

    /// The global's value type and mutability.
    public var type: GlobalType { object.type }
    /// The current value (``get(_:)`` reads it as a Swift number).
    public var value: Value { Value(slot: object.value, high: object.high, type: object.type.valueType, store: store) }

    /// Sets a mutable global; throws `APIError` when immutable or the type does not match.
    public func set(_ value: Value) throws {
        guard object.type.mutable else { throw APIError("cannot set an immutable global") }
        guard value.matches(object.type.valueType, in: store) else {
            throw APIError("\(describe(value)) is not a value of type \(describe(object.type.valueType))")
        }
        object.value = value.slot
        object.high = value.highSlot
    }
}
