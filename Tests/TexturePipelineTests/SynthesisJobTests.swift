// SynthesisJobTests: `synthesize` end to end (PNG + JSON provenance) and its input errors.

import Foundation
import Testing
import TextureCore
import TextureImages
import TexturePipeline
import TextureWeights

/// One of the shared textures, copied into the repository's manifests/sources.
let pebbles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("manifests/sources/pebbles_256.png").path

@Suite struct SynthesisJobTests {
    static func request(_ folder: String, _ configure: (inout SynthesisRequest) -> Void = { _ in }) -> SynthesisRequest {
        var request = SynthesisRequest(sourcePath: pebbles, outputPath: folder + "/out.png")
        request.parameters.size = 32
        request.parameters.iterations = 5
        request.parameters.seed = 4
        configure(&request)
        return request
    }

    @Test func writesPNGAndSidecarWithProvenance() throws {
        let folder = temporaryFolder()
        let outcome = try SynthesisJob.run(Self.request(folder) {
            $0.parameters.bitDepth = 16
            $0.parameters.histogramMatch = true
        })
        let image = try ImageFile.load(path: outcome.pngPath)
        #expect(image.bitDepth == 16 && image.pixels.shape == Shape(3, 32, 32))
        let embedded = try StimulusRecord.decode(image.text!)
        let sidecar = try StimulusRecord.decode(String(contentsOfFile: outcome.jsonPath, encoding: .utf8))
        #expect(embedded.timing == nil && sidecar.timing != nil)
        // The sidecar alone records the PNG's SHA-256 (the PNG cannot hold its own hash).
        let pngHash = try SHA256.hex(fileAt: outcome.pngPath)
        #expect(embedded.pngSha256 == nil && sidecar.pngSha256 == pngHash)
        var withoutTiming = sidecar
        withoutTiming.timing = nil
        withoutTiming.pngSha256 = nil
        #expect(withoutTiming == embedded)
        #expect(sidecar.model.name == "random-pyramid" && sidecar.seed == 4 && sidecar.iterations == 5)
        #expect(sidecar.source.sha256 == (try SHA256.hex(fileAt: pebbles)))
        #expect(sidecar.loss.afterHistogramMatching != nil)
        #expect(sidecar.layers.map(\.layer) == ["level0", "level1"])
        // Same request, same PNG bytes (the PNG has no time in it).
        let again = try SynthesisJob.run(Self.request(folder) {
            ($0.parameters.bitDepth, $0.parameters.histogramMatch, $0.outputPath) = (16, true, folder + "/again.png")
        })
        #expect(try Data(contentsOf: URL(fileURLWithPath: again.pngPath)) == Data(contentsOf: URL(fileURLWithPath: outcome.pngPath)))
    }

    /// Generated weights are never a published VGG-19: allowed explicitly, they are recorded as unverified.
    @Test func vgg19ReadsTheWeightsFileAndRecordsItsHash() throws {
        let folder = temporaryFolder()
        let weights = folder + "/vgg19.safetensors"
        let sha = try WeightsFiles.writeRandom(seed: 2, to: weights, force: false)
        #expect(throws: WeightsError.self) { try WeightsFiles.writeRandom(seed: 2, to: weights, force: false) }
        let outcome = try SynthesisJob.run(Self.request(folder) {
            ($0.parameters.model, $0.parameters.iterations) = (.vgg19, 2)
            ($0.weightsPath, $0.preset, $0.allowUnverifiedWeights) = (weights, "gatys2015:pool2", true)
        })
        #expect(outcome.record.model.weightsSha256 == sha)
        #expect(outcome.record.model.verification == "unverified")
        #expect(outcome.record.model.weightsOrigin == "no imported file recorded (its recorded source is 'random (He init), seed 2')")
        #expect(outcome.record.layers.map(\.layer) == ["conv1_1", "pool1", "pool2"])
        #expect(outcome.record.layers.allSatisfy { $0.weight == 1e9 })
    }

    /// Each bad input names the file or the flag and writes nothing.
    @Test func badInputsFailBeforeWritingAnything() throws {
        let folder = temporaryFolder()
        let cases: [(SynthesisRequest, String)] = [
            (Self.request(folder) { $0.sourcePath = folder + "/missing.png" }, "\(folder)/missing.png: source image not found"),
            (Self.request(folder) { $0.sourcePath = fixture("truncated.png") }, "\(fixture("truncated.png")): corrupt or truncated PNG"),
            (Self.request(folder) { $0.parameters.layers = ["level0", "conv9"] },
             "unknown layer 'conv9' for model random-pyramid"),
            (Self.request(folder) { $0.parameters.model = .vgg19; $0.preset = "gatys2015:pool7"; $0.weightsPath = nil },
             "weights/vgg19.safetensors: weights file not found. Hint: fetch or import the real VGG-19"),
            (Self.request(folder) { $0.parameters.model = .vgg19Random; $0.preset = "gatys2015:pool7" },
             "unknown preset 'gatys2015:pool7'"),
            (Self.request(folder) { $0.parameters.size = 0 }, "--size: invalid value '0'"),
            (Self.request(folder) { $0.parameters.outputSize = 9000 }, "--output-size: invalid value '9000'"),
            (Self.request(folder) { $0.outputPath = "/nonexistent-folder/out.png" }, "/nonexistent-folder/out.png: cannot write output: folder '/nonexistent-folder' does not exist"),
            (Self.request(folder) { $0.outputPath = folder + "/out.tiff" }, "--out: invalid value"),
            (Self.request(folder) {
                ($0.parameters.model, $0.parameters.layers, $0.parameters.size) = (.vgg19Random, ["pool5"], 16)
             },
             "image side 16 is too small for layers pool5"),
        ]
        for (request, expected) in cases {
            do {
                _ = try SynthesisJob.run(request)
                Issue.record("no error for \(expected)")
            } catch {
                #expect(error.description.hasPrefix(expected), "got: \(error.description)")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func compareIsZeroForAnImageWithItselfAndPositiveOtherwise() throws {
        var same = ComparisonRequest(imageA: pebbles, imageB: pebbles)
        same.layers = ["level0", "level1"]
        #expect(try TextureComparison.run(same).total < 1e-9)
        let leaves = pebbles.replacingOccurrences(of: "pebbles", with: "maple-leaves")
        var other = ComparisonRequest(imageA: pebbles, imageB: leaves)
        other.layers = ["level0", "level1"]
        let distance = try TextureComparison.run(other)
        #expect(distance.total > 0.01 && distance.layers.keys.sorted() == ["level0", "level1"])
        var tiny = ComparisonRequest(imageA: pebbles, imageB: fixture("rgb8.png"))
        tiny.layers = ["level0"]
        #expect(throws: PipelineError.synthesis(.model(.inputTooSmall(side: 3, minimum: 5, layers: ["level0"])))) {
            try TextureComparison.run(tiny)
        }
    }
}
