/// The CLI's own argument parsing and help text. A declarative parser built on runtime
/// reflection (swift-argument-parser) cost more at start-up than running a small program,
/// so each command lists its options here and reads them from a `ParsedArguments`.

/// One option: its spellings (`--dir`, `-S`), the placeholder of its value (nil: a flag) and
/// its help.
struct OptionSpec {
    var names: [String]
    var valueName: String?
    var help: String

    init(_ names: String..., value valueName: String? = nil, help: String) {
        self.names = names
        self.valueName = valueName
        self.help = help
    }
}

/// What a command accepts and how it describes itself in `--help`.
struct CommandSpec {
    var name: String
    var abstract: String
    var discussion: String = ""
    var usage: String
    var arguments: [(name: String, help: String)] = []
    var options: [OptionSpec] = []
    /// The first positional argument ends the options: the rest belongs to the program
    /// (`swasm run FILE ARGS...`), flags and negative numbers included.
    var optionsEndAtFirstPositional = false

    var qualifiedName: String { name == "swasm" ? name : "swasm " + name }
}

/// `--help` or `-h` was given: the caller prints the help of `command` and succeeds.
struct HelpRequest: Error {
    var command: CommandSpec
}

/// The options given (by their first spelling, in order) and the positional arguments.
struct ParsedArguments {
    private(set) var values: [String: [String]] = [:]
    private(set) var positionals: [String] = []

    /// Every value of a repeatable option, in order.
    func all(_ name: String) -> [String] { values[name] ?? [] }
    /// The last value of an option (a repeated single-valued option: the last one wins).
    func last(_ name: String) -> String? { values[name]?.last }
    func has(_ name: String) -> Bool { values[name] != nil }

    init(_ arguments: [String], for command: CommandSpec) throws {
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                positionals += arguments[index...]
                return
            }
            guard argument.hasPrefix("-"), argument != "-" else {
                positionals.append(argument)
                if command.optionsEndAtFirstPositional {
                    positionals += arguments[index...]
                    return
                }
                continue
            }
            if argument == "--help" || argument == "-h" { throw HelpRequest(command: command) }
            let (spec, joinedValue) = try Self.option(argument, in: command)
            let key = spec.names[0]
            guard spec.valueName != nil else {
                if joinedValue != nil {
                    throw CLIFailure.error("option '\(key)' takes no value (see '\(command.qualifiedName) --help')")
                }
                values[key, default: []].append("")
                continue
            }
            if let joinedValue {
                values[key, default: []].append(joinedValue)
            } else if index < arguments.endIndex {
                // Taken whatever it looks like, so that a negative number reaches the option's
                // own check and its message.
                values[key, default: []].append(arguments[index])
                index += 1
            } else {
                throw CLIFailure.error("missing value for '\(key) <\(spec.valueName ?? "")>'")
            }
        }
    }

    /// The option an argument names, with the value joined to it: `--dir=x`, `-Sinherit-env`.
    private static func option(_ argument: String, in command: CommandSpec) throws -> (OptionSpec, String?) {
        for spec in command.options {
            for name in spec.names {
                if argument == name { return (spec, nil) }
                guard argument.hasPrefix(name) else { continue }
                let rest = argument.dropFirst(name.count)
                if rest.hasPrefix("=") { return (spec, String(rest.dropFirst())) }
                // A short option's value may follow it directly (`-W fuel=10` as `-Wfuel=10`).
                if !name.hasPrefix("--"), spec.valueName != nil { return (spec, String(rest)) }
            }
        }
        throw CLIFailure.error("unknown option '\(argument)' (see '\(command.qualifiedName) --help')")
    }
}

// MARK: - Help text

extension CommandSpec {
    /// The help of this command, in the layout swift-argument-parser made familiar.
    func helpText(subcommands: [CommandSpec] = []) -> String {
        var lines: [String] = []
        lines += wrap("OVERVIEW: " + abstract, width: 80)
        if !discussion.isEmpty {
            for paragraph in discussion.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("")
                lines += wrap(String(paragraph), width: 80)
            }
        }
        lines.append("")
        lines.append("USAGE: " + usage)
        if !arguments.isEmpty {
            lines.append("")
            lines.append("ARGUMENTS:")
            for argument in arguments { lines += entry(argument.name, argument.help) }
        }
        lines.append("")
        lines.append("OPTIONS:")
        for option in options {
            let value = option.valueName.map { " <\($0)>" } ?? ""
            lines += entry(option.names.sorted { $0.count < $1.count }.joined(separator: ", ") + value, option.help)
        }
        if name == "swasm" { lines += entry("--version", "Show the version.") }
        lines += entry("-h, --help", "Show help information.")
        if !subcommands.isEmpty {
            lines.append("")
            lines.append("SUBCOMMANDS:")
            for subcommand in subcommands { lines += entry(subcommand.name, subcommand.abstract) }
            lines.append("")
            lines.append("  See 'swasm help <subcommand>' for detailed help.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `  NAME   help…`, the help wrapped in a column of its own.
    private func entry(_ name: String, _ help: String) -> [String] {
        let indent = 26
        let helpLines = wrap(help, width: 80 - indent)
        var lines: [String] = []
        let head = "  " + name
        var rest = helpLines[...]
        if head.count < indent - 1, let first = rest.popFirst() {
            lines.append(head + String(repeating: " ", count: indent - head.count) + first)
        } else {
            lines.append(head)
        }
        for line in rest { lines.append(String(repeating: " ", count: indent) + line) }
        return lines
    }
}

/// Greedy word wrapping at `width` columns.
private func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
        if current.isEmpty {
            current = String(word)
        } else if current.count + 1 + word.count <= width {
            current += " " + word
        } else {
            lines.append(current)
            current = String(word)
        }
    }
    if !current.isEmpty || lines.isEmpty { lines.append(current) }
    return lines
}

extension ParsedArguments {
    /// The one positional argument of a command that takes exactly one (`swasm validate FILE`).
    func onlyPositional(_ command: CommandSpec) throws -> String {
        guard let first = positionals.first else {
            throw CLIFailure.error("missing \(command.arguments.first?.name ?? "argument") (usage: \(command.usage))")
        }
        if positionals.count > 1 {
            throw CLIFailure.error("unexpected argument '\(positionals[1])' (usage: \(command.usage))")
        }
        return first
    }
}
