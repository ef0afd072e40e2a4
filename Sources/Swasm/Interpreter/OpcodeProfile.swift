#if SWASM_PROFILE_OPCODES
/// Development aid, compiled only with `-D SWASM_PROFILE_OPCODES`: counts executed IR opcodes
/// and adjacent pairs, to choose fusions from measurements.
enum OpcodeProfile {
    static let opcodeCount = IROpcode.allCases.count
    nonisolated(unsafe) static var counts = [Int](repeating: 0, count: opcodeCount)
    nonisolated(unsafe) static var pairs = [Int](repeating: 0, count: opcodeCount * opcodeCount)
    nonisolated(unsafe) static var previous = 0

    @inline(__always) static func record(_ opcode: UInt16) {
        let op = Int(opcode)
        counts[op] += 1
        pairs[previous * opcodeCount + op] += 1
        previous = op
    }

    static func report(top: Int = 40) -> String {
        let total = counts.reduce(0, +)
        var lines = ["\(total) instructions"]
        func name(_ i: Int) -> String { IROpcode(rawValue: UInt16(i))?.name ?? "?" }
        for (op, n) in counts.enumerated().sorted(by: { $0.1 > $1.1 }).prefix(top) where n > 0 {
            lines.append("  \(name(op)): \(n) (\(n * 1000 / Swift.max(total, 1) / 10)%)")
        }
        lines.append("pairs:")
        for (pair, n) in pairs.enumerated().sorted(by: { $0.1 > $1.1 }).prefix(top) where n > 0 {
            lines.append("  \(name(pair / opcodeCount)) → \(name(pair % opcodeCount)): \(n * 1000 / Swift.max(total, 1) / 10)%")
        }
        return lines.joined(separator: "\n")
    }
}
#endif
