// AgreementTests: validate and reproduce check that a stimulus's PNG, sidecar, own record and the
// manifest agree, and name the file and field of each disagreement.

import Foundation
import Testing
import TextureCore
import TextureImages
import TexturePipeline
import TextureValidation

/// Rewrites the provenance embedded in a PNG (same pixels), and optionally the sidecar to match.
func editProvenance(_ png: String, updatingSidecar: Bool = false, _ change: (inout StimulusRecord) -> Void) throws {
    let image = try ImageFile.load(path: png)
    var record = try StimulusRecord.decode(try #require(image.text))
    change(&record)
    let data = try PNGFile.encode(image.pixels, bitDepth: image.bitDepth, text: record.json())
    try data.write(to: URL(fileURLWithPath: png))
    guard updatingSidecar else { return }
    var sidecar = try StimulusRecord.decode(String(contentsOfFile: SynthesisJob.sidecarPath(for: png), encoding: .utf8))
    change(&sidecar)
    sidecar.pngSha256 = SHA256.hex(data)
    try (sidecar.json() + "\n").write(toFile: SynthesisJob.sidecarPath(for: png), atomically: true, encoding: .utf8)
}

@Suite(.serialized) struct AgreementTests {
    let folder = temporaryFolder()

    /// A fresh two-sample set; returns its plan and the paths of its two stimuli.
    func freshSet() throws -> (SetPlan, String, String) {
        let manifest = try tinyManifest(in: folder, samples: 2)
        let set = folder + "/set-\(UUID().uuidString)"
        let plan = try SetPlanner.plan(manifestPath: manifest, outputOverride: set)
        _ = try SetRunner.run(plan: plan, options: RunOptions())
        return (plan, set + "/pebbles/fine/pebbles__fine__s00.png", set + "/pebbles/fine/pebbles__fine__s01.png")
    }

    func agreementFindings(_ plan: SetPlan, _ file: String) -> [Finding] {
        SetValidator.validate(plan: plan).findings.filter { $0.file == file && ["sidecar", "provenance"].contains($0.statistic) && $0.level == .fail }
    }

    @Test func aCleanSetAgrees() throws {
        let (plan, first, _) = try freshSet()
        #expect(agreementFindings(plan, first).isEmpty)
        #expect(Reproduction.reproduce(first).identical)
    }

    @Test func validateFailsAMissingUnreadableOrCopiedSidecar() throws {
        let (plan, first, second) = try freshSet()
        let sidecar = SynthesisJob.sidecarPath(for: first)
        let saved = try Data(contentsOf: URL(fileURLWithPath: sidecar))
        try FileManager.default.removeItem(atPath: sidecar)
        #expect(agreementFindings(plan, first).map(\.message) == ["\(sidecar): missing or unreadable (every stimulus has one; rerun texstim run)"])
        try "not json".write(toFile: sidecar, atomically: true, encoding: .utf8)
        #expect(agreementFindings(plan, first).first?.message.hasPrefix("\(sidecar): not a texstim provenance record") == true)
        try FileManager.default.removeItem(atPath: sidecar)
        try FileManager.default.copyItem(atPath: SynthesisJob.sidecarPath(for: second), toPath: sidecar)
        let copied = agreementFindings(plan, first).map(\.message)
        #expect(copied.contains { $0.hasPrefix("png_sha256: the file's SHA-256 is ") }, "\(copied)")
        #expect(copied.contains { $0.hasPrefix("job.id: the PNG's provenance says pebbles__fine__s00, the sidecar \(sidecar) says pebbles__fine__s01") }, "\(copied)")
        try saved.write(to: URL(fileURLWithPath: sidecar))
        #expect(agreementFindings(plan, first).isEmpty)
    }

    @Test func validateFailsAnEditedSeedInThePNG() throws {
        let (plan, first, _) = try freshSet()
        try editProvenance(first) { $0.seed += 1 }
        let messages = agreementFindings(plan, first).map(\.message)
        let said = "but its parameters say \(plan.jobs[0].parameters.seed) (the record was edited)"
        #expect(messages.contains { $0.hasPrefix("seed: ") && $0.hasSuffix(said) },
                "\(messages)")
        #expect(messages.contains { $0.hasPrefix("png_sha256: ") } && messages.contains { $0.hasPrefix("seed: the PNG's provenance says ") }, "\(messages)")
    }

    @Test func reproduceRefusesSwappedFilesAndAnEditedJobSeed() throws {
        let (_, first, second) = try freshSet()
        // Swap both stimuli with their sidecars: each pair agrees, but not with its name.
        let parking = folder + "/parking-\(UUID().uuidString)"
        for (from, to) in [(first, parking), (second, first), (parking, second)] {
            try FileManager.default.moveItem(atPath: from, toPath: to)
            try FileManager.default.moveItem(atPath: SynthesisJob.sidecarPath(for: from), toPath: SynthesisJob.sidecarPath(for: to))
        }
        let swapped = Reproduction.reproduce(first)
        #expect(!swapped.identical)
        #expect(swapped.problem == "\(first): job.id: 'pebbles__fine__s01', but the file is named 'pebbles__fine__s00' (swapped or renamed file)")
        // parameters.seed edited in PNG and sidecar alike: the record contradicts itself.
        try editProvenance(second, updatingSidecar: true) { $0.parameters?.seed += 1 }
        let edited = Reproduction.reproduce(second)
        #expect(!edited.identical)
        let problem = edited.problem ?? ""
        #expect(problem.hasPrefix("\(second): seed: ") && problem.contains("but its parameters say"), "\(problem)")
    }
}
