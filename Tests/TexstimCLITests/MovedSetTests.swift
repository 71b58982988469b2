// MovedSetTests: `reproduce` and `validate` work from another directory, on a set that moved with
// its sources, and on a set copied alone (with --sources); a missing source names every place tried.

import Foundation
import Testing

/// Runs texstim in `directory` (the tests' own working directory is left alone: tests run in parallel).
func texstim(_ arguments: [String], in directory: String) throws -> CommandResult {
    let process = Process()
    process.executableURL = texstimURL
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": testCacheHome]) { $1 }
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

@Suite struct MovedSetTests {
    /// The validation summary line ("validation of 1 stimuli: …"), which must not depend on where the set is.
    func verdict(_ result: CommandResult) -> String {
        result.output.split(separator: "\n").first { $0.hasPrefix("validation of") }.map(String.init) ?? "none: \(result.output) \(result.error)"
    }

    @Test func reproduceAndValidateFindTheSourcesAfterAMove() throws {
        let root = try temporaryFolder("moved")
        let project = root + "/project", elsewhere = root + "/elsewhere"
        for folder in [project + "/src", elsewhere] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(atPath: pebbles, toPath: project + "/src/pebbles.png")
        try """
        version: 1
        name: moved
        seed: 4
        defaults: {size: 32, iterations: 20, histogram_match: true}
        sources:
          - {id: pebbles, path: src/pebbles.png}
        conditions:
          - {name: fine, layers: [level0]}
        samples: 1
        """.write(toFile: project + "/m.yaml", atomically: true, encoding: .utf8)
        #expect(try texstim(["run", "m.yaml", "--no-validate"], in: project).status == 0)
        let inPlace = try texstim(["validate", "stimuli/moved"], in: project)
        #expect(inPlace.status != 2, "\(inPlace.error)")

        // 1. The whole project moved, and the commands run from another directory.
        try FileManager.default.moveItem(atPath: project, toPath: root + "/renamed")
        var result = try texstim(["reproduce", root + "/renamed/stimuli/moved"], in: elsewhere)
        #expect(result.status == 0 && result.output.contains("1 of 1 stimuli identical"), "\(result.output) \(result.error)")
        result = try texstim(["validate", root + "/renamed/stimuli/moved"], in: elsewhere)
        #expect(result.status == inPlace.status && verdict(result) == verdict(inPlace), "\(result.output) \(result.error)")

        // 2. The set copied alone; the manifest and the source now lie side by side in another folder.
        let set = root + "/copy/set", stash = root + "/stash"
        try FileManager.default.createDirectory(atPath: root + "/copy", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root + "/renamed/stimuli/moved", toPath: set)
        try FileManager.default.createDirectory(atPath: stash, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: root + "/renamed/src/pebbles.png", toPath: stash + "/pebbles.png")
        try FileManager.default.moveItem(atPath: root + "/renamed/m.yaml", toPath: stash + "/m.yaml")
        try FileManager.default.removeItem(atPath: root + "/renamed")

        result = try texstim(["reproduce", set], in: elsewhere)
        #expect(result.status == 1)
        let elsewhereReal = URL(fileURLWithPath: elsewhere).resolvingSymlinksInPath().path
        for place in ["src/pebbles.png: source image not found; looked at src/pebbles.png (as recorded, from the current directory ",
                      "\(set)/pebbles/fine/../../../../src/pebbles.png (relative to \(set)/pebbles/fine, as recorded)",
                      "Hint: if the files moved, pass --sources DIR"] {
            #expect(result.output.contains(place), "missing '\(place)' in: \(result.output)")
        }
        #expect(result.output.contains(elsewhere) || result.output.contains(elsewhereReal), "\(result.output)")
        result = try texstim(["reproduce", set, "--sources", stash], in: elsewhere)
        #expect(result.status == 0 && result.output.contains("1 of 1 stimuli identical"), "\(result.output) \(result.error)")

        result = try texstim(["validate", set], in: elsewhere)
        #expect(result.status == 2 && result.error.contains("m.yaml: manifest not found; looked at m.yaml (as recorded")
                && result.error.contains("\(set)/../../m.yaml (relative to \(set), as recorded)"), "\(result.error)")
        result = try texstim(["validate", set, "--sources", stash], in: elsewhere)
        #expect(result.status == inPlace.status && verdict(result) == verdict(inPlace), "\(result.output) \(result.error)")

        // A source found nowhere, with --sources: the planner lists every place it tried.
        try FileManager.default.removeItem(atPath: stash + "/pebbles.png")
        result = try texstim(["validate", set, "--sources", stash], in: elsewhere)
        #expect(result.status == 2 && result.error.contains("sources[0].path: \(stash)/src/pebbles.png: source image not found; looked at \(stash)/src/pebbles.png (as the manifest says)")
                && result.error.contains("\(stash)/pebbles.png (--sources, by file name)"), "\(result.output) \(result.error)")
    }
}
