// Intentionally empty: this package only pins WasmKit (see Package.swift).
