// CLITests: the texstim executable as a user runs it: help, exit codes, messages, outputs.

import Foundation
import Testing

struct CommandResult {
    var status: Int32
    var output: String
    var error: String
}

/// Runs `executable` to completion with `environment` (default: this process's). Without
/// `capturingErrors` its standard error is discarded: the pipes are read one after the other,
/// so a long-running command must not fill the second one.
func command(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
             capturingErrors: Bool = true) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    // The tests never write the user's estimate cache (plan and run keep timings there): it goes
    // to a folder of this test process unless the test chose another one.
    var environment = environment ?? ProcessInfo.processInfo.environment
    if environment["XDG_CACHE_HOME"] == ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] {
        environment["XDG_CACHE_HOME"] = testCacheHome
    }
    process.environment = environment
    let (output, error) = (Pipe(), Pipe())
    process.standardOutput = output
    process.standardError = capturingErrors ? error : FileHandle.nullDevice
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = capturingErrors ? error.fileHandleForReading.readDataToEndOfFile() : Data()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                         error: String(decoding: errorData, as: UTF8.self))
}

/// XDG_CACHE_HOME of the texstim processes the tests start (see `command`).
let testCacheHome = FileManager.default.temporaryDirectory.appendingPathComponent("texstim-cache-\(UUID().uuidString)").path

/// The texstim binary built next to this test bundle.
let texstimURL = Bundle.main.bundleURL.appendingPathComponent("texstim")

/// Runs the texstim binary built next to this test bundle.
func texstim(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
    try command(texstimURL, arguments, environment: environment)
}

/// A new empty folder under the system's temporary directory.
func temporaryFolder(_ name: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("texstim-\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}

/// Every file and folder below `folder` (relative paths; empty when it does not exist).
func files(under folder: String) -> [String] {
    (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? []
}

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let pebbles = repository.appendingPathComponent("manifests/sources/pebbles_256.png").path

/// `folder`/set.yaml: set `name`, one source (pebbles), one embedded-model condition (level0,
/// level1), two samples at size² with `iterations`; returns its path.
func pebblesManifest(in folder: String, name: String, size: Int, iterations: Int) throws -> String {
    let path = folder + "/set.yaml"
    try """
    version: 1
    name: \(name)
    seed: 3
    defaults: {size: \(size), iterations: \(iterations)}
    sources:
      - {id: pebbles, path: \(pebbles)}
    conditions:
      - {name: a, layers: [level0, level1]}
    samples: 2
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite struct CLITests {
    @Test func helpListsTheSubcommands() throws {
        let result = try texstim(["--help"])
        #expect(result.status == 0)
        for command in ["synthesize", "compare", "weights", "bench"] { #expect(result.output.contains(command)) }
    }

    @Test func usageErrorsExitWith2() throws {
        let result = try texstim(["synthesize", pebbles, "--out", "/tmp/x.png", "--bit-depth", "12"])
        #expect(result.status == 2)
        #expect(result.error.contains("--bit-depth must be 8 or 16."))
    }

    @Test func inputErrorsExitWith2AndNameTheFile() throws {
        let folder = try temporaryFolder("cli")
        let missing = try texstim(["synthesize", folder + "/nope.png", "--out", folder + "/out.png"])
        #expect(missing.status == 2)
        #expect(missing.error == "texstim: error: \(folder)/nope.png: source image not found. Hint: check the path (relative paths start at the current directory).\n")
        let layer = try texstim(["synthesize", pebbles, "--out", folder + "/out.png", "--layers", "level0,conv9_9"])
        #expect(layer.status == 2 && layer.error.contains("unknown layer 'conv9_9' for model random-pyramid"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    /// One scheme for every command: 2 for bad input of any kind (a missing file, a malformed
    /// manifest, a bad or negative flag), and argument-parser's `ExitCode(rawValue: …)` never shows.
    @Test func badInputExitsWith2Everywhere() throws {
        let folder = try temporaryFolder("exit")
        let malformed = folder + "/bad.yaml"
        try "version: 1\nname: [\n".write(toFile: malformed, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["synthesize", folder + "/nope.png", "--out", folder + "/out.png"], "nope.png: source image not found"),
            (["compare", folder + "/nope.png", pebbles], "nope.png: image A not found"),
            (["run", malformed], "bad.yaml:3:1: YAML syntax error"),
            (["plan", malformed], "bad.yaml:3:1: YAML syntax error"),
            (["validate", malformed], "bad.yaml:3:1: YAML syntax error"),
            (["run", folder + "/missing.yaml"], "missing.yaml: manifest not found"),
            (["reproduce", folder + "/nope"], "nope"),
            (["synthesize", pebbles, "--out", folder + "/out.png", "--frobnicate"], "Unknown option '--frobnicate'"),
            (["synthesize", pebbles, "--out", folder + "/out.png", "--size", "-5"], "--size must be at least 1 pixel; got -5."),
            (["run", malformed, "--workers", "-2"], "--workers must be at least 1."),
            (["weights", "verify", folder + "/none.safetensors"], "none.safetensors: weights file not found"),
        ]
        for (arguments, message) in cases {
            let result = try texstim(arguments)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.error)")
            #expect(result.error.contains(message), "\(arguments): \(result.error)")
            #expect(!result.error.contains("ExitCode(") && !result.output.contains("ExitCode("), "\(arguments): \(result.error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["bad.yaml"])
    }

    /// Generated weights under the name vgg19 are refused (exit 2, naming the file and the fix)
    /// unless allowed explicitly, and then the stimulus's provenance says unverified.
    @Test func vgg19RefusesGeneratedWeightsUnlessAllowed() throws {
        let folder = try temporaryFolder("weights")
        let weights = folder + "/vgg19.safetensors"
        let written = try texstim(["weights", "random", "--seed", "2", "--out", weights])
        #expect(written.status == 0 && written.output.contains("not a published VGG-19"), "\(written.output)")
        let arguments = ["synthesize", pebbles, "--out", folder + "/p.png", "--model", "vgg19", "--weights", weights,
                         "--preset", "gatys2015:conv1_1", "--size", "32", "--iterations", "15"]
        let refused = try texstim(arguments)
        #expect(refused.status == 2)
        #expect(refused.error.hasPrefix("texstim: error: \(weights): not a published VGG-19, so --model vgg19 refuses it"), "\(refused.error)")
        #expect(refused.error.contains("--allow-unverified-weights"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/p.png"))
        let allowed = try texstim(arguments + ["--allow-unverified-weights"])
        #expect(allowed.status == 0, "\(allowed.error)")
        let sidecar = try String(contentsOfFile: folder + "/p.json", encoding: .utf8)
        #expect(sidecar.contains("\"verification\" : \"unverified\""), "\(sidecar)")
    }

    @Test func synthesizeWritesThePNGAndItsSidecar() throws {
        let folder = try temporaryFolder("cli")
        let result = try texstim(["synthesize", pebbles, "--out", folder + "/p.png", "--size", "32", "--iterations", "15", "--grey"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasPrefix("wrote \(folder)/p.png and \(folder)/p.json"))
        #expect(FileManager.default.fileExists(atPath: folder + "/p.json"))
        let compare = try texstim(["compare", pebbles, pebbles, "--json", "--layers", "level0"])
        #expect(compare.status == 0 && compare.output.hasPrefix("{\"layers\":{\"level0\":"))
    }

    /// The spectrum term from the command line (issue 16): synthesize records its loss in the
    /// sidecar next to the layers', and compare reports it, with total = Σ layers + β·spectrum.
    @Test func spectrumWeightReachesSynthesizeAndCompare() throws {
        let folder = try temporaryFolder("cli")
        let result = try texstim(["synthesize", pebbles, "--out", folder + "/p.png", "--size", "32", "--iterations", "20",
                                  "--spectrum-weight", "0.01"])
        #expect(result.status == 0, "\(result.error)")
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/p.json"))) as? [String: Any]
        let loss = sidecar?["loss"] as? [String: Any]
        for stage in ["initial", "final"] {
            let layers = (loss?[stage] as? [String: Any])?["layers"] as? [String: Double]
            #expect(layers?["spectrum"] != nil, "\(stage): \(String(describing: layers))")
        }
        #expect(sidecar?["spectrum_weight"] as? Double == 0.01)

        let maple = repository.appendingPathComponent("manifests/sources/maple-leaves_256.png").path
        let compare = try texstim(["compare", pebbles, maple, "--json", "--layers", "level0", "--spectrum-weight", "0.01"])
        #expect(compare.status == 0, "\(compare.error)")
        let report = try JSONSerialization.jsonObject(with: Data(compare.output.utf8)) as? [String: Any]
        let layers = try #require(report?["layers"] as? [String: Double], "\(compare.output)")
        let (level0, spectrum, total) = (try #require(layers["level0"]), try #require(layers["spectrum"]), try #require(report?["total"] as? Double))
        #expect(spectrum > 0 && abs(total - (level0 + 0.01 * spectrum)) <= 1e-9 * total, "\(compare.output)")
    }

    /// One iteration cannot bring the loss down 10×: the files are written (flagged in their
    /// provenance), the message says not converged with the losses, and the status is 1.
    @Test func unconvergedSynthesisExitsWith1() throws {
        let folder = try temporaryFolder("cli")
        let result = try texstim(["synthesize", pebbles, "--out", folder + "/p.png", "--size", "32", "--iterations", "1",
                                  "--layers", "level0,level1"])
        #expect(result.status == 1, "\(result.error)")
        #expect(result.error.contains("p.png: not converged: loss fell ") && result.error.contains("needs 10×"), "\(result.error)")
        let sidecar = try String(contentsOfFile: folder + "/p.json", encoding: .utf8)
        #expect(sidecar.contains("\"converged\" : false"))
    }
}

@Suite(.serialized) struct ResumeTests {
    /// Ctrl-C (SIGINT) stops the run between iterations: exit status 130, every PNG left has its
    /// sidecar, and no temporary file remains.
    @Test func interruptStopsCleanly() throws {
        let folder = try temporaryFolder("interrupt")
        let manifest = folder + "/set.yaml"
        try """
        version: 1
        name: interrupt
        seed: 3
        defaults: {size: 64, iterations: 400}
        sources:
          - {id: pebbles, path: \(repository.appendingPathComponent("manifests/sources").path)/pebbles_256.png}
        conditions:
          - {name: a, layers: [level0, level1]}
        samples: 4
        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = texstimURL
        process.arguments = ["run", manifest, "--output", folder + "/set"]
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": testCacheHome]) { $1 }
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.5)
        kill(process.processIdentifier, SIGINT)
        let message = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(message.contains("interrupted; finished stimuli are kept. Hint: rerun the same command to resume."), "\(message)")
        let files = files(under: folder + "/set")
        #expect(!files.contains { $0.contains(".texstim-tmp.") })
        for png in files where png.hasSuffix(".png") { #expect(files.contains(String(png.dropLast(4)) + ".json")) }
        #expect(files.filter { $0.hasSuffix(".png") }.count < 4)
    }

    /// A run killed with SIGKILL part-way, then rerun, ends with the same bytes as an
    /// uninterrupted run, and no temporary files are left.
    @Test func killedRunResumesToTheSameBytes() throws {
        let folder = try temporaryFolder("resume")
        let sources = repository.appendingPathComponent("manifests/sources").path
        let manifest = folder + "/set.yaml"
        try """
        version: 1
        name: resume
        seed: 3
        defaults: {size: 48, iterations: 60}
        sources:
          - {id: pebbles, path: \(sources)/pebbles_256.png}
          - {id: leaves, path: \(sources)/maple-leaves_256.png}
        conditions:
          - {name: a, layers: [level0, level1]}
          - {name: b, layers: [level0]}
        samples: 3
        """.write(toFile: manifest, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = texstimURL
        process.arguments = ["run", manifest, "--output", folder + "/killed"]
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": testCacheHome]) { $1 }
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let done = files(under: folder + "/killed").filter { $0.hasSuffix(".json") }
            if done.count >= 3 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let partial = files(under: folder + "/killed").filter { $0.hasSuffix(".png") }
        #expect(partial.count < 12, "the run was killed before it finished")
        let resumed = try texstim(["run", manifest, "--output", folder + "/killed"])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("already current"))
        let whole = try texstim(["run", manifest, "--output", folder + "/whole"])
        #expect(whole.status == 0)
        let killedFiles = files(under: folder + "/killed").sorted()
        #expect(!killedFiles.contains { $0.contains(".texstim-tmp.") }, "\(killedFiles)")
        for file in killedFiles where file.hasSuffix(".png") {
            let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/killed/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/whole/" + file))
            #expect(a == b, "\(file)")
        }
        #expect(killedFiles.filter { $0.hasSuffix(".png") && $0 != "contact_sheet.png" }.count == 12)
        let reproduce = try texstim(["reproduce", folder + "/killed/pebbles/a"])
        #expect(reproduce.status == 0 && reproduce.output.hasSuffix("3 of 3 stimuli identical\n"), "\(reproduce.output)")
    }
}
