// PlantedFaultTests: each planted fault in a finished set fails validation, naming file and statistic.

import Foundation
import Testing
import TextureCore
import TextureImages
import TexturePipeline
import TextureSynthesis

/// A small set that validates without failures: pebbles (a copy that the tests may change),
/// a colour and a grey 16-bit condition, histogram matched, 2 samples at 48².
func validatedSet() throws -> (folder: String, manifest: String, source: String) {
    let folder = temporaryFolder()
    let source = folder + "/pebbles.png"
    try FileManager.default.copyItem(atPath: sourcesFolder + "/pebbles_256.png", toPath: source)
    let manifest = folder + "/set.yaml"
    try """
    version: 1
    name: faults
    seed: 11
    defaults: {size: 64, iterations: 40, histogram_match: true}
    sources:
      - {id: pebbles, path: pebbles.png}
    conditions:
      - {name: colour, layers: [level0, level1]}
      - {name: grey, layers: [level0, level1], grey: true, bit_depth: 16}
    samples: 2
    """.write(toFile: manifest, atomically: true, encoding: .utf8)
    var options = RunOptions()
    options.validate = true
    let summary = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set"), options: options)
    #expect(summary.validation?.verdict != .fail, "\(summary.validation.map(ValidationOutput.summary) ?? "")")
    return (folder + "/set", manifest, source)
}

func rewrite(_ path: String, _ change: (inout Tensor) -> Void, channels: Int? = nil) throws {
    let image = try ImageFile.load(path: path)
    var pixels = image.pixels
    if let channels, channels == 3, pixels.shape.channels == 1 { pixels = Tensor(Shape(3, pixels.shape.height, pixels.shape.width), data: pixels.data + pixels.data + pixels.data) }
    change(&pixels)
    try PNGFile.encode(pixels, bitDepth: image.bitDepth, text: image.text).write(to: URL(fileURLWithPath: path))
}

@Suite(.serialized) struct PlantedFaultTests {
    static let colour = "pebbles/colour/pebbles__colour__s00.png"
    static let grey = "pebbles/grey/pebbles__grey__s01.png"

    /// Applies a fault, validates, and expects a failure for `file` and `statistic`.
    func expectFailure(_ statistic: String, file: String, _ fault: (String, String) throws -> Void) throws {
        let (folder, manifest, source) = try validatedSet()
        try fault(folder, source)
        let report = SetValidator.validate(plan: try SetPlanner.plan(manifestPath: manifest, outputOverride: folder))
        #expect(report.verdict == .fail)
        let path = folder + "/" + file
        let hit = report.findings.first { $0.file == path && $0.statistic == statistic && $0.level == .fail }
        #expect(hit != nil, "no \(statistic) failure for \(file); findings: \(report.findings.map { "\($0.file) \($0.statistic) \($0.message)" })")
        print("planted \(statistic): \(hit.map { "\($0.file): \($0.message)" } ?? "missed")")
    }

    @Test func clippedPixels() throws {
        try expectFailure("clipped_fraction", file: Self.colour) { folder, _ in
            try rewrite(folder + "/" + Self.colour) { pixels in for i in stride(from: 0, to: pixels.data.count, by: 5) { pixels.data[i] = 1 } }
        }
    }

    @Test func greyStimulusWithOneChannelAltered() throws {
        try expectFailure("grey", file: Self.grey) { folder, _ in
            try rewrite(folder + "/" + Self.grey, { pixels in
                let m = pixels.shape.positions
                for i in 0..<m { pixels.data[m + i] = min(1, pixels.data[m + i] + 0.05) }
            }, channels: 3)
        }
    }

    @Test func truncatedFile() throws {
        try expectFailure("file", file: Self.colour) { folder, _ in
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + Self.colour))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: folder + "/" + Self.colour))
        }
    }

    @Test func missingStimulus() throws {
        try expectFailure("file", file: Self.colour) { folder, _ in try FileManager.default.removeItem(atPath: folder + "/" + Self.colour) }
    }

    @Test func stimulusSwappedWithAnotherJobs() throws {
        try expectFailure("provenance", file: Self.colour) { folder, _ in
            let other = folder + "/pebbles/colour/pebbles__colour__s01.png"
            try FileManager.default.removeItem(atPath: folder + "/" + Self.colour)
            try FileManager.default.copyItem(atPath: other, toPath: folder + "/" + Self.colour)
        }
    }

    @Test func sourceChangedAfterGeneration() throws {
        try expectFailure("source", file: Self.colour) { _, source in
            try FileManager.default.removeItem(atPath: source)
            try FileManager.default.copyItem(atPath: sourcesFolder + "/maple-leaves_256.png", toPath: source)
        }
    }

    @Test func copiedSourcePatch() throws {
        try expectFailure("copy_correlation", file: Self.colour) { folder, source in
            let prepared = ImagePreparation.prepareSource(try ImageFile.load(path: source).pixels, size: 64, grey: false)
            try rewrite(folder + "/" + Self.colour) { pixels in
                for c in 0..<3 { for y in 0..<40 { for x in 0..<40 { pixels[c, y + 12, x + 12] = prepared[c, y + 5, x + 9] } } }
            }
        }
    }
}
