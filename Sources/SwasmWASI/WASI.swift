// WASI preview 1 for Swasm.
