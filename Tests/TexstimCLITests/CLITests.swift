// CLITests: the texstim executable as a user runs it: help, exit codes, messages, outputs.

import Foundation
import Testing

struct CommandResult {
    var status: Int32
    var output: String
    var error: String
}

/// Runs the texstim binary built next to this test bundle.
func texstim(_ arguments: [String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = Bundle.main.bundleURL.appendingPathComponent("texstim")
    process.arguments = arguments
    let (output, error) = (Pipe(), Pipe())
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                         error: String(decoding: errorData, as: UTF8.self))
}

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let pebbles = repository.appendingPathComponent("manifests/sources/pebbles_256.png").path

@Suite struct CLITests {
    @Test func helpListsTheSubcommands() throws {
        let result = try texstim(["--help"])
        #expect(result.status == 0)
        for command in ["synthesize", "compare", "weights", "bench"] { #expect(result.output.contains(command)) }
    }

    @Test func usageErrorsExitWith64() throws {
        let result = try texstim(["synthesize", pebbles, "--out", "/tmp/x.png", "--bit-depth", "12"])
        #expect(result.status == 64)
        #expect(result.error.contains("--bit-depth must be 8 or 16."))
    }

    @Test func inputErrorsExitWith1AndNameTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("texstim-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let missing = try texstim(["synthesize", folder + "/nope.png", "--out", folder + "/out.png"])
        #expect(missing.status == 1)
        #expect(missing.error == "texstim: error: \(folder)/nope.png: source image not found. Hint: check the path (relative paths start at the current directory).\n")
        let layer = try texstim(["synthesize", pebbles, "--out", folder + "/out.png", "--layers", "level0,conv9_9"])
        #expect(layer.status == 1 && layer.error.contains("unknown layer 'conv9_9' for model random-pyramid"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func synthesizeWritesThePNGAndItsSidecar() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("texstim-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let result = try texstim(["synthesize", pebbles, "--out", folder + "/p.png", "--size", "32", "--iterations", "3", "--grey"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasPrefix("wrote \(folder)/p.png and \(folder)/p.json"))
        #expect(FileManager.default.fileExists(atPath: folder + "/p.json"))
        let compare = try texstim(["compare", pebbles, pebbles, "--json", "--layers", "level0"])
        #expect(compare.status == 0 && compare.output.hasPrefix("{\"layers\":{\"level0\":"))
    }
}
