import Foundation
import XCTest
import Swasm

/// Runs the getting-started article (Sources/Swasm/Swasm.docc/GettingStarted.md): its code
/// blocks appear below exactly as written, and what they print is checked against the
/// article's `// output` comments, so the article cannot go stale.
final class GettingStartedTests: XCTestCase {
    /// The article's code blocks, in order, with what they print collected.
    func testTheArticleRunsAndPrintsWhatItSays() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swasm-getting-started-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.greeter).write(to: folder.appendingPathComponent("greeter.wasm"))
        let previousDirectory = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder.path))
        defer {
            FileManager.default.changeCurrentDirectoryPath(previousDirectory)
            try? FileManager.default.removeItem(at: folder)
        }
        var printed: [String] = []
        func print(_ item: Any) { printed.append("\(item)") }

        let engine = Engine()
        let store = Store(engine: engine)
        let module = try Module(engine: engine, contentsOf: "greeter.wasm")

        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "log") { (caller: Caller, text: UInt32, length: UInt32) in
            print(try caller.memory.readString(offset: text, length: length))
        }
        let instance = try linker.instantiate(store: store, module: module)

        let add = try instance.typedFunction("add", params: (Int32, Int32).self, results: Int32.self)
        print(try add(2, 3)) // 5

        let greet: () throws -> Void = try instance.typedFunction("greet")
        try greet() // Hello from Wasm!

        if let memory = instance.memory("memory") {
            try memory.writeString("WebAssembly", offset: 1024, nullTerminated: true)
            let strlen = try instance.typedFunction("strlen", params: UInt32.self, results: Int32.self)
            print(try strlen(1024)) // 11
            print(try memory.load(UInt8.self, offset: 1024)) // 87
        }
        if let calls = instance.global("calls") {
            print(try calls.get(Int32.self)) // 1
        }

        var configuration = EngineConfiguration()
        configuration.consumeFuel = true
        let meteredEngine = Engine(configuration: configuration)
        let sandbox = Store(engine: meteredEngine, limits: StoreLimits(memorySize: 1 << 20))
        let sandboxLinker = Linker()
        sandboxLinker.defineFunction(store: sandbox, module: "host", name: "log") { (text: UInt32, length: UInt32) in }
        let guest = try sandboxLinker.instantiate(store: sandbox, module: Module(engine: meteredEngine, contentsOf: "greeter.wasm"))

        let spin = try guest.typedFunction("spin", params: Void.self, results: Void.self)
        try sandbox.setFuel(10_000)
        do {
            try spin()
        } catch SwasmError.trap(let trap) {
            print(trap.reason) // fuel exhausted
        }

        XCTAssertEqual(printed, try Self.claimedOutput())
    }

    /// Every Swift code block of every article in the catalog appears in this file as it
    /// is written there (imports at the top, the rest in the test above).
    func testTheArticleCodeIsThisTestsCode() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let articles = try FileManager.default.contentsOfDirectory(atPath: Self.catalog.path).filter { $0.hasSuffix(".md") }
        XCTAssertTrue(articles.contains("GettingStarted.md"))
        var blockCount = 0
        for article in articles {
            for block in try Self.swiftBlocks(in: article) {
                blockCount += 1
                let lines = block.map { $0.trimmingCharacters(in: .whitespaces) }
                let imports = lines.filter { $0.hasPrefix("import ") }
                for line in imports {
                    XCTAssertTrue(sourceLines.contains(line), "\(article): \(line) is not imported here")
                }
                var code = lines.filter { !$0.hasPrefix("import ") }
                while code.first == "" { code.removeFirst() }
                let found = code.isEmpty || (0...(sourceLines.count - code.count)).contains { start in
                    Array(sourceLines[start..<start + code.count]) == code
                }
                XCTAssertTrue(found, "\(article): this block is not in GettingStartedTests.swift as written:\n\(block.joined(separator: "\n"))")
            }
        }
        XCTAssertGreaterThanOrEqual(blockCount, 5)
    }

    /// The module the article shows is the one `greeter` was encoded from.
    func testTheArticleShowsThisModule() throws {
        let text = try String(contentsOf: Self.catalog.appendingPathComponent("GettingStarted.md"), encoding: .utf8)
        guard let start = text.range(of: "```wasm\n"), let end = text.range(of: "\n```", range: start.upperBound..<text.endIndex) else {
            return XCTFail("the article shows no module")
        }
        XCTAssertEqual(String(text[start.upperBound..<end.lowerBound]), Self.greeterText)
    }

    // MARK: - Reading the catalog

    static let catalog = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Swasm/Swasm.docc")

    /// The lines of each ```swift block of `article`.
    static func swiftBlocks(in article: String) throws -> [[String]] {
        let text = try String(contentsOf: catalog.appendingPathComponent(article), encoding: .utf8)
        var blocks: [[String]] = []
        var current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(current ?? [])
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// The output the article claims: the trailing `// comment` of each code line that
    /// prints, in order.
    static func claimedOutput() throws -> [String] {
        try swiftBlocks(in: "GettingStarted.md").joined().compactMap { line in
            guard let comment = line.range(of: " // ") else { return nil }
            return String(line[comment.upperBound...])
        }
    }

    /// greeter.wasm: the article's module, encoded from the text the article shows
    /// (wat2wasm); `testTheArticleShowsThisModule` checks the text still matches.
    static let greeterText = """
        (module
          (import "host" "log" (func $log (param i32 i32)))
          (memory (export "memory") 1)
          (global $calls (export "calls") (mut i32) (i32.const 0))
          (data (i32.const 0) "Hello from Wasm!")

          (func (export "add") (param i32 i32) (result i32)
            local.get 0
            local.get 1
            i32.add)

          (func (export "greet")
            (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
            (call $log (i32.const 0) (i32.const 16)))

          (func (export "strlen") (param $text i32) (result i32)
            (local $length i32)
            (block $done
              (loop $next
                (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $text) (local.get $length)))))
                (local.set $length (i32.add (local.get $length) (i32.const 1)))
                (br $next)))
            local.get $length)

          (func (export "spin")
            (loop $forever (br $forever))))
        """
    static let greeter: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x14, 0x04, 0x60, 0x02, 0x7f, 0x7f, 0x00,
        0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x02, 0x0c,
        0x01, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x03, 0x6c, 0x6f, 0x67, 0x00, 0x00, 0x03, 0x05, 0x04, 0x01,
        0x02, 0x03, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01, 0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b,
        0x07, 0x30, 0x06, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x05, 0x63, 0x61, 0x6c,
        0x6c, 0x73, 0x03, 0x00, 0x03, 0x61, 0x64, 0x64, 0x00, 0x01, 0x05, 0x67, 0x72, 0x65, 0x65, 0x74,
        0x00, 0x02, 0x06, 0x73, 0x74, 0x72, 0x6c, 0x65, 0x6e, 0x00, 0x03, 0x04, 0x73, 0x70, 0x69, 0x6e,
        0x00, 0x04, 0x0a, 0x42, 0x04, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x0f, 0x00, 0x23,
        0x00, 0x41, 0x01, 0x6a, 0x24, 0x00, 0x41, 0x00, 0x41, 0x10, 0x10, 0x00, 0x0b, 0x20, 0x01, 0x01,
        0x7f, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x2d, 0x00, 0x00, 0x45, 0x0d, 0x01,
        0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b, 0x07, 0x00,
        0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, 0x0b, 0x16, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x10, 0x48, 0x65,
        0x6c, 0x6c, 0x6f, 0x20, 0x66, 0x72, 0x6f, 0x6d, 0x20, 0x57, 0x61, 0x73, 0x6d, 0x21,
    ]
}
