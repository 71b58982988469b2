// MessageTests: messages that used to mislead say what is wrong (a damaged set index is not a missing one).

import Foundation
import Testing

@Suite struct MessageTests {
    @Test func aCorruptIndexIsNotReportedAsMissing() throws {
        let folder = try temporaryFolder("messages")
        let missing = try texstim(["validate", folder])
        #expect(missing.status == 2 && missing.error.contains("\(folder): invalid value 'no index.json'"), "\(missing.error)")
        try "{\"manifest\": ".write(toFile: folder + "/index.json", atomically: true, encoding: .utf8)
        let corrupt = try texstim(["validate", folder])
        #expect(corrupt.status == 2 && corrupt.error.contains("\(folder)/index.json: corrupt or truncated set index (JSON)"), "\(corrupt.error)")
    }

    /// The hint named a --max-side flag that texstim never had.
    @Test func theImageSizeHintNamesNoMissingFlag() throws {
        let folder = try temporaryFolder("messages-huge")
        let huge = repository.appendingPathComponent("Tests/TexturePipelineTests/Fixtures/huge_header.png").path
        let result = try texstim(["synthesize", huge, "--out", folder + "/out.png"])
        #expect(result.status == 2 && result.error.contains("above the limit of 8192 pixels per side. Hint: downscale it first")
                && !result.error.contains("--max-side"), "\(result.error)")
    }
}
