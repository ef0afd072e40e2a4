import ArgumentParser
import Foundation

/// The `swasm` command-line tool: run, test, validate and inspect WebAssembly modules.
@main
struct SwasmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swasm",
        abstract: "A WebAssembly runtime.",
        version: "0.1.0",
        subcommands: [RunCommand.self, WastCommand.self, ValidateCommand.self, InspectCommand.self]
    )

    /// Parses and runs the command, turning every failure into one `error: …` line on stderr
    /// and a non-zero exit status (ArgumentParser's default prints usage text as well).
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "run" {
            arguments = ["run"] + RunCommand.splittingJoinedWASIOptions(Array(arguments.dropFirst()))
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let failure as CLIFailure {
            if !failure.message.isEmpty { printError(failure.message) }
            exitProcess(failure.exitCode)
        } catch let code as ExitCode {
            exitProcess(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version arrive as errors that print to stdout and succeed.
                exit(withError: error)
            }
            let message = SwasmCommand.message(for: error)
                .split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
                .joined(separator: " ")
            printError("error: " + message)
            exitProcess(code.rawValue)
        }
    }
}
