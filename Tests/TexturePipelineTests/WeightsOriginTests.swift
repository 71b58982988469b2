// WeightsOriginTests: weights say what they are. Import records its origin; only a published
// file whose tensors are unchanged verifies; NaN, infinite and all-zero weights are refused by
// every reader; a set refuses unverified vgg19 weights unless its manifest allows them.

import Foundation
import Testing
import TextureCore
import TexturePipeline
import TextureWeights

@Suite struct WeightsOriginTests {
    static let architecture = VGGArchitecture(widths: WeightsImportTests.widths)

    static func origin(_ path: String, published: [PublishedWeights] = PublishedWeights.known) throws -> WeightsOrigin {
        let file = try SafetensorsFile.read(path: path)
        return WeightsOrigin.of(file, model: try VGG19Weights.load(file, path: path, architecture: architecture), path: path, published: published)
    }

    @Test func onlyAnUnchangedPublishedImportVerifies() throws {
        let folder = temporaryFolder()
        let imported = folder + "/vgg19.safetensors"
        let result = try WeightsImport.run(file: weightsFixture("vgg19-small.pth"), out: imported, force: false)
        let sha = try SHA256.hex(fileAt: weightsFixture("vgg19-small.pth"))
        #expect(result.origin.description == "imported from vgg19-small.pth (pth, sha256 \(sha)), not normalised")
        #expect(result.origin.verification == .unverified(
            reason: "the imported file vgg19-small.pth (sha256 \(sha)) is not a published VGG-19 (known: vgg19-dcbb9e9d.pth)"))
        #expect(try Self.origin(imported) == result.origin)
        // The same file, were it published, verifies by its SHA-256 (a prefix, as torchvision checks).
        let table = [PublishedWeights(name: "small-test", file: "vgg19-small.pth", sha256Prefix: String(sha.prefix(8)))]
        #expect(try Self.origin(imported, published: table).label == "published:small-test")

        // Edited after import (metadata kept): the tensors no longer have the recorded digest.
        var file = try SafetensorsFile.read(path: imported)
        file.tensors["conv2_1.bias"]!.values[0] += 0.5
        let edited = folder + "/edited.safetensors"
        try SafetensorsFile.encode(Array(file.tensors.values), metadata: file.metadata).write(to: URL(fileURLWithPath: edited))
        #expect(try Self.origin(edited, published: table).verification == .unverified(
            reason: "its tensors are not the ones written when vgg19-small.pth was imported (the file was changed since)"))

        // Normalising keeps a verified origin and says so; an edited file's origin is dropped.
        let images = folder + "/images"
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: sourcesFolder + "/pebbles_256.png", toPath: images + "/pebbles.png")
        _ = try WeightsNormalize.run(input: imported, output: folder + "/normalised.safetensors", imagesFolder: images, force: false)
        let normalised = try Self.origin(folder + "/normalised.safetensors", published: table)
        #expect(normalised.label == "published:small-test")
        #expect(normalised.description.hasPrefix("imported from vgg19-small.pth (pth, sha256 \(sha)), normalised: mean post-ReLU activation"))
        _ = try WeightsNormalize.run(input: edited, output: folder + "/laundered.safetensors", imagesFolder: images, force: false)
        #expect(try Self.origin(folder + "/laundered.safetensors", published: table).label == "unverified")
    }

    @Test func generatedWeightsNeverVerify() throws {
        let path = temporaryFolder() + "/random.safetensors"
        try VGG19Weights.encode(VGG19Weights.random(seed: 4, architecture: Self.architecture),
                                metadata: ["texstim.source": "random (He init), seed 4"]).write(to: URL(fileURLWithPath: path))
        let everything = [PublishedWeights(name: "any", file: "any", sha256Prefix: "")]
        #expect(try Self.origin(path, published: everything).verification == .unverified(
            reason: "it records no imported file: its recorded source is 'random (He init), seed 4'"))
    }

    /// (tensor, new value of its first element or nil for all zeros, the problem named)
    static let badValues: [(String, Float?, String)] = [
        ("conv2_1.weight", .nan, "value 0 is NaN"),
        ("conv4_2.weight", -.infinity, "value 0 is infinite"),
        ("conv3_1.weight", nil, "every value is zero"),
    ]

    @Test func safetensorsAndVerifyRefuseNaNInfiniteAndZeroWeights() throws {
        let expected = try SafetensorsFile.read(path: weightsFixture("expected.safetensors"))
        for (name, value, problem) in Self.badValues {
            var tensors = expected.tensors
            if let value { tensors[name]!.values[0] = value } else { tensors[name]!.values = tensors[name]!.values.map { _ in 0 } }
            let path = temporaryFolder() + "/bad.safetensors"
            try SafetensorsFile.encode(Array(tensors.values), metadata: expected.metadata).write(to: URL(fileURLWithPath: path))
            #expect(throws: TextureCoreError.weightsValuesInvalid(path: path, tensor: name, problem: problem)) { try SafetensorsFile.read(path: path) }
            #expect(throws: WeightsError.core(.weightsValuesInvalid(path: path, tensor: name, problem: problem))) { try WeightsFiles.verify(path: path) }
        }
        // Zero biases are legitimate (He initialisation, torchvision's too).
        var tensors = expected.tensors
        tensors["conv1_1.bias"]!.values = tensors["conv1_1.bias"]!.values.map { _ in 0 }
        let path = temporaryFolder() + "/zero-bias.safetensors"
        try SafetensorsFile.encode(Array(tensors.values), metadata: expected.metadata).write(to: URL(fileURLWithPath: path))
        #expect(try SafetensorsFile.read(path: path).tensors.count == tensors.count)
    }

    /// The .pth and .caffemodel readers, on fixtures with one weight's bytes replaced by a NaN
    /// or an infinity (both formats store float32 values verbatim: torch.save's zip uncompressed).
    @Test(arguments: [("vgg19-small.pth", "features.5.weight"), ("vgg19-small.caffemodel", "conv2_1.weight"),
                      ("vgg19-small-v1.caffemodel", "conv2_1.weight")])
    func importReadersRefuseNaNAndInfinity(file: String, tensor: String) throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: weightsFixture(file)))
        let first = try SafetensorsFile.read(path: weightsFixture("expected.safetensors")).tensors["conv2_1.weight"]!.values[0]
        let pattern = withUnsafeBytes(of: first.bitPattern.littleEndian) { Data($0) }
        let at = try #require(original.range(of: pattern))
        #expect(original[at.upperBound...].range(of: pattern) == nil, "the value's bytes are unique in \(file)")
        for (value, problem) in [(Float.nan, "value 0 is NaN"), (Float.infinity, "value 0 is infinite")] {
            var data = original
            data.replaceSubrange(at, with: withUnsafeBytes(of: value.bitPattern.littleEndian) { Data($0) })
            let path = temporaryFolder() + "/" + file
            try data.write(to: URL(fileURLWithPath: path))
            #expect(throws: WeightsError.core(.weightsValuesInvalid(path: path, tensor: tensor, problem: problem))) {
                try WeightsImport.run(file: path, out: temporaryFolder() + "/out.safetensors", force: false)
            }
        }
    }

    /// A set with generated vgg19 weights is refused at plan time, naming the file and the fix,
    /// unless the manifest (or the command) allows unverified weights.
    @Test func aSetRefusesUnverifiedWeightsUnlessAllowed() throws {
        let folder = temporaryFolder()
        _ = try WeightsFiles.writeRandom(seed: 1, to: folder + "/vgg19.safetensors", force: false)
        let manifest = folder + "/set.yaml"
        let text = validManifest.replacingOccurrences(of: "layers: [level0]", with: "layers: [conv1_1]")
            + "\ndefaults: {model: vgg19, weights: vgg19.safetensors, size: 32}"
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        do {
            _ = try SetPlanner.plan(manifestPath: manifest)
            Issue.record("unverified weights were accepted")
        } catch {
            #expect(error.exitStatus == .badInput)
            #expect(error.description.contains("\(manifest):7:5: conditions[0].model: \(folder)/vgg19.safetensors: not a published VGG-19"), "\(error)")
            #expect(error.description.contains("allow_unverified_weights: true"))
        }
        try (text.replacingOccurrences(of: "size: 32}", with: "size: 32, allow_unverified_weights: true}"))
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let plan = try SetPlanner.plan(manifestPath: manifest)
        #expect(plan.jobs.count == 1 && plan.weightsOrigins.values.map(\.label) == ["unverified"])
    }
}
