/// The `swasm` command-line tool: run, test, validate and inspect WebAssembly modules.
@main
enum SwasmCommand {
    static let version = "0.1.0"

    static let spec = CommandSpec(name: "swasm", abstract: "A WebAssembly runtime.", usage: "swasm <subcommand>")
    static let subcommands = [RunCommand.spec, WastCommand.spec, ValidateCommand.spec, InspectCommand.spec]

    /// Runs the command, turning every failure into one `error: …` line on stderr and a
    /// non-zero exit status.
    static func main() {
        do {
            try dispatch(Array(CommandLine.arguments.dropFirst()))
        } catch let request as HelpRequest {
            print(helpText(request.command), terminator: "")
            exitProcess(0)
        } catch let failure as CLIFailure {
            if !failure.message.isEmpty { printError(failure.message) }
            exitProcess(failure.exitCode)
        } catch {
            printError("error: " + oneLine(describe(error)))
            exitProcess(1)
        }
        exitProcess(0)
    }

    private static func dispatch(_ arguments: [String]) throws {
        guard let first = arguments.first else { throw HelpRequest(command: spec) }
        let rest = Array(arguments.dropFirst())
        switch first {
        case "run": try RunCommand(parsing: rest).run()
        case "wast": try WastCommand(parsing: rest).run()
        case "validate": try ValidateCommand(parsing: rest).run()
        case "inspect": try InspectCommand(parsing: rest).run()
        case "--version": print(version)
        case "--help", "-h": throw HelpRequest(command: spec)
        case "help":
            guard let name = rest.first else { throw HelpRequest(command: spec) }
            guard let command = subcommands.first(where: { $0.name == name }) else {
                throw CLIFailure.error("unknown subcommand '\(name)' (see 'swasm --help')")
            }
            throw HelpRequest(command: command)
        default:
            if first.hasPrefix("-") { throw CLIFailure.error("unknown option '\(first)' (see 'swasm --help')") }
            throw CLIFailure.error("unknown subcommand '\(first)' (see 'swasm --help')")
        }
    }

    private static func helpText(_ command: CommandSpec) -> String {
        command.helpText(subcommands: command.name == spec.name ? subcommands : [])
    }
}
