// PluginHost: loads every plugin in a folder, serves a stream of requests with them, and
// keeps serving when plugins misbehave. Run from the package root:
//     swift run -c release PluginHost [plugins-folder]

import Foundation
import Swasm

let folder = CommandLine.arguments.dropFirst().first
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("plugins").path

var configuration = EngineConfiguration()
// Both ways of stopping a runaway guest: a deterministic work budget, and a wall-clock
// deadline for everything else (such as a slow host call).
configuration.consumeFuel = true
configuration.interruptible = true
// All plugins' compiled code together; a module that would need more is refused with a
// limit error instead of taking the host's memory.
configuration.maxCompiledCodeBytes = 64 << 20
let engine = Engine(configuration: configuration)

let policy = HostPolicy()
let watchdog = Watchdog()
watchdog.start()

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

let workingDirectory = FileManager.default.currentDirectoryPath + "/"
print("PluginHost: plugins in \(folder.hasPrefix(workingDirectory) ? String(folder.dropFirst(workingDirectory.count)) : folder)")
print("limits per plugin: \(policy.memoryLimit >> 20) MiB of memory; per request \(policy.fuelPerRequest) fuel and \(policy.deadlineMilliseconds) ms")
print("")

// MARK: Loading

let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
    .filter { $0.hasSuffix(".wasm") || $0.hasSuffix(".wat") }
    .sorted()
guard !files.isEmpty else {
    print("no plugins (*.wasm, *.wat) in \(folder)")
    exit(1)
}

var plugins: [Plugin] = []
for file in files {
    let path = (folder as NSString).appendingPathComponent(file)
    do {
        let plugin = try Plugin(path: path, engine: engine, policy: policy)
        plugins.append(plugin)
        print("loaded   \(pad(file, 16)) as \(plugin.name)")
    } catch {
        print("rejected \(pad(file, 16)) \(error)")
    }
}

// MARK: Serving

let requests = ["hello", "GET /index.html", "hello", "PUT /kv/color blue", "hello", "bye"]
let nameWidth = (plugins.map(\.name.count).max() ?? 0) + 1

for (number, request) in requests.enumerated() {
    print("")
    print("request \(number + 1): \"\(request)\"")
    for plugin in plugins where plugin.isRunning {
        let result = plugin.serve(request, policy: policy, watchdog: watchdog)
        for line in plugin.takeLog() {
            print("  \(pad(plugin.name, nameWidth)) log: \(line)")
        }
        switch result {
        case .success(let answer): print("  \(pad(plugin.name, nameWidth)) -> \(answer)")
        case .failure(let failure): print("  \(pad(plugin.name, nameWidth)) STOPPED: \(failure)")
        }
    }
}

print("")
print("summary:")
for plugin in plugins {
    let state = plugin.stopReason.map { "stopped: \($0)" } ?? "running"
    print("  \(pad(plugin.name, nameWidth)) answered \(plugin.answered)/\(requests.count), \(state)")
}
