import ArgumentParser
import Swasm

/// `swasm validate`: decode a module and validate every function body now.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Decode and validate a module (.wasm or .wat), every function included."
    )

    @Argument(help: ArgumentHelp("The module.", valueName: "FILE"))
    var file: String

    func run() throws {
        _ = try loadModule(file, eager: true)
        print("valid")
    }
}
