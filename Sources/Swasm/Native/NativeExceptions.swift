// Exceptions in machine code. A native frame unwinds by returning a status to its caller (see
// `NativeCompiler`), so catching needs no machine-stack walk: where a call, a snippet or a
// `throw` inside a handler's code range fails, the function asks `nativeCatch` whether one of
// its handlers takes the failure and, if so, continues at that handler's landing code in the
// same frame. The handler tables and their lookup are the interpreter's (InterpreterExceptions
// .swift), so both tiers catch the same exceptions in the same places.

extension NativeTier {
    /// (context, frame, the `throw`/`throw_ref` instruction) → status.
    typealias ThrowFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutablePointer<UInt64>, UnsafePointer<UInt64>) -> UInt32
    /// (context, frame, function header, word index of the failed instruction, status) → the
    /// index of the handler that caught it in the function's table, or -1.
    typealias CatchFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutablePointer<UInt64>, UnsafePointer<UInt64>, UInt32, UInt32) -> Int32

    static let throwAddress = unsafeBitCast(nativeThrow as ThrowFunction, to: UInt64.self)
    static let catchAddress = unsafeBitCast(nativeCatch as CatchFunction, to: UInt64.self)
}

/// Raises the exception of the `throw` or `throw_ref` at `pc` and leaves it (or the trap of
/// `throw_ref` on null) in the execution state, as a failing snippet would.
private func nativeThrow(_ raw: UnsafeMutableRawPointer, _ sp: UnsafeMutablePointer<UInt64>,
                         _ pc: UnsafePointer<UInt64>) -> UInt32 {
    let context = raw.assumingMemoryBound(to: NativeContext.self)
    let stacks = context.pointee.state.takeUnretainedValue()
    let store = context.pointee.store.takeUnretainedValue()
    switch Interpreter.raise(pc.pointee, pc: pc, sp: sp, instance: context.pointee.instance, store: store) {
    case .success(let exception): stacks.nativeError = WasmException(store: store, object: exception)
    case .failure(let error): stacks.nativeError = error
    }
    return NativeTier.Status.error.rawValue
}

/// Whether a handler of the function at `function` covering word `position` catches the
/// failure `status` stands for. When one does, the exception's values (and reference) are in
/// the handler's slots, the failure is cleared, and the handler's index in the function's table
/// is returned; otherwise -1 and the failure goes on unwinding. Traps are never caught.
private func nativeCatch(_ raw: UnsafeMutableRawPointer, _ sp: UnsafeMutablePointer<UInt64>,
                         _ function: UnsafePointer<UInt64>, _ position: UInt32, _ status: UInt32) -> Int32 {
    guard status == NativeTier.Status.error.rawValue else { return -1 }
    let context = raw.assumingMemoryBound(to: NativeContext.self)
    let stacks = context.pointee.state.takeUnretainedValue()
    let store = context.pointee.store.takeUnretainedValue()
    guard let exception = stacks.nativeError?.wasmException, exception.tag.store === store else { return -1 }
    let instance = context.pointee.instance
    guard let index = Interpreter.handlerIndex(for: exception.object, at: Int(position), in: function,
                                               instance: instance.takeUnretainedValue()) else { return -1 }
    Interpreter.land(exception.object, at: function.exceptionHandlers[index], sp: sp, fn: function, store: store)
    stacks.nativeError = nil
    // The frames recorded so far belong to the callees the exception unwound through.
    stacks.nativeTrace.removeAll(keepingCapacity: true)
    return Int32(truncatingIfNeeded: index)
}
