import Swasm

/// `swasm validate`: decode a module and validate every function body now.
struct ValidateCommand {
    static let spec = CommandSpec(
        name: "validate",
        abstract: "Decode and validate a module (.wasm or .wat), every function included.",
        usage: "swasm validate FILE",
        arguments: [("FILE", "The module.")]
    )

    var file: String

    init(parsing arguments: [String]) throws {
        file = try ParsedArguments(arguments, for: Self.spec).onlyPositional(Self.spec)
    }

    func run() throws {
        _ = try loadModule(file, eager: true)
        print("valid")
    }
}
