// LimitsTests: jobs too large for the machine are refused before they allocate (synthesize, plan,
// run with many workers), with the estimate and the limit; inputs that are not files say so.

import Foundation
import Testing

@Suite struct LimitsTests {
    /// A 16 GB machine, whatever this one has, so the verdicts do not depend on where tests run.
    static func environment(_ bytes: String = "16000000000") -> [String: String] {
        ProcessInfo.processInfo.environment.merging(["TEXSTIM_MEMORY_BYTES": bytes]) { $1 }
    }

    static func manifest(_ folder: String, size: Int) throws -> String {
        try pebblesManifest(in: folder, name: "limits", size: size, iterations: 5)
    }

    @Test func synthesizeRefusesASizeThatDoesNotFit() throws {
        let folder = try temporaryFolder("limits")
        let result = try texstim(["synthesize", pebbles, "--out", folder + "/out.png", "--size", "8192"], environment: Self.environment())
        #expect(result.status == 2, "\(result.error)")
        #expect(result.error.contains("\(pebbles): needs about ") && result.error.contains("stimulus 8192×8192")
                && result.error.contains("but this machine has 16.00 GB (TEXSTIM_MEMORY_BYTES)")
                && result.error.contains("Hint: use a smaller --size or --output-size"), "\(result.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func planPrintsTheEstimateAndRefusesWhatDoesNotFit() throws {
        let folder = try temporaryFolder("limits-plan")
        let small = try texstim(["plan", try Self.manifest(folder, size: 64), "--workers", "2"], environment: Self.environment())
        #expect(small.status == 0, "\(small.error)")
        #expect(small.output.contains("estimated peak memory 0.") && small.output.contains("with 2 workers (limit 16.00 GB, TEXSTIM_MEMORY_BYTES)"),
                "\(small.output)")
        let many = try texstim(["plan", try Self.manifest(folder, size: 64), "--workers", "400"], environment: Self.environment("1000000000"))
        #expect(many.status == 2 && many.error.contains("400 workers ×") && many.error.contains("Hint: use fewer --workers"), "\(many.error)")
        let large = try texstim(["plan", try Self.manifest(folder, size: 8192)], environment: Self.environment())
        #expect(large.status == 2 && large.error.contains("conditions[0]: source 'pebbles' in condition 'a': needs about ")
                && large.error.contains("model random-pyramid, 8192×8192"), "\(large.error)")
        let run = try texstim(["run", try Self.manifest(folder, size: 8192), "--output", folder + "/set"], environment: Self.environment())
        #expect(run.status == 2 && run.error.contains("needs about "), "\(run.error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/set"))
    }

    @Test func sourcesThatAreNotFilesSaySo() throws {
        let folder = try temporaryFolder("limits-fifo")
        let fifo = folder + "/pipe.png"
        #expect(mkfifo(fifo, 0o600) == 0)
        for (path, kind) in [(fifo, "a FIFO (named pipe)"), ("/dev/zero", "a character device"), (folder, "a directory")] {
            let result = try texstim(["synthesize", path, "--out", folder + "/out.png"])
            #expect(result.status == 2 && result.error.contains("\(path): cannot read file: source image: it is \(kind)"), "\(result.error)")
        }
    }

    @Test func emptyFoldersWeightsForNoWeightsModelsAndBOMManifests() throws {
        let folder = try temporaryFolder("limits-misc")
        let empty = try texstim(["reproduce", folder])
        #expect(empty.status == 2 && empty.error.contains("\(folder): invalid value 'a folder without stimuli'"), "\(empty.error)")
        let weights = try texstim(["synthesize", pebbles, "--out", folder + "/out.png", "--weights", folder + "/missing.safetensors"])
        #expect(weights.status == 2 && weights.error.contains("weights: invalid value '\(folder)/missing.safetensors'. Hint: model random-pyramid takes no weights file"),
                "\(weights.error)")
        let manifest = try Self.manifest(folder, size: 64)
        let text = try Data(contentsOf: URL(fileURLWithPath: manifest))
        try (Data([0xEF, 0xBB, 0xBF]) + text).write(to: URL(fileURLWithPath: manifest))
        let bom = try texstim(["plan", manifest])
        #expect(bom.status == 0, "\(bom.error)")
    }
}
