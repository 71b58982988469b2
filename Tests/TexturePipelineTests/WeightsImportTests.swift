// WeightsImportTests: every supported format imports to the exact expected values; broken and
// malicious files are refused by name; verify, list, normalize and fetch behave as documented.

import Foundation
import Testing
import TextureCore
import TextureImages
import TexturePipeline
import TextureSynthesis
import TextureWeights

func weightsFixture(_ name: String) -> String { fixture("weights/" + name) }

@Suite struct WeightsImportTests {
    static let widths = [2, 3, 4, 4, 4]

    @Test(arguments: [("vgg19-small.pth", "torchvision-rgb"), ("vgg19-small.caffemodel", "caffe-bgr"),
                      ("vgg19-small-v1.caffemodel", "caffe-bgr"), ("foreign.safetensors", "torchvision-rgb")])
    func importsToTheExactValues(file: String, preprocessing: String) throws {
        let out = temporaryFolder() + "/vgg19.safetensors"
        let result = try WeightsImport.run(file: weightsFixture(file), out: out, force: false)
        #expect(result.widths == Self.widths && result.preprocessing.rawValue == preprocessing)
        let imported = try SafetensorsFile.read(path: out), expected = try SafetensorsFile.read(path: weightsFixture("expected.safetensors"))
        #expect(Set(imported.tensors.keys) == Set(expected.tensors.keys))
        for (name, tensor) in expected.tensors { #expect(imported.tensors[name] == tensor, "\(file): \(name)") }
        #expect(imported.metadata["texstim.source"]?.hasPrefix(file) == true)
        #expect(try WeightsFiles.verify(path: out).fingerprintMatches == true)
        #expect(throws: WeightsError.invalidArgument(name: "--out", value: out, hint: "the file exists; pass --force to replace it")) {
            try WeightsImport.run(file: weightsFixture(file), out: out, force: false)
        }
    }

    @Test func brokenAndMaliciousFilesAreRefusedByName() throws {
        let out = temporaryFolder() + "/vgg19.safetensors"
        let marker = "/tmp/PWN"
        try? FileManager.default.removeItem(atPath: marker)
        let cases: [(String, String)] = [
            ("malicious.pth", "corrupt or truncated PyTorch pickle: refuses to load global 'os.system'"),
            ("truncated.pth", "corrupt or truncated zip archive: no end-of-central-directory record"),
            ("missing-layer.safetensors", "invalid value 'missing conv2_2.weight'. Hint: tensor 'conv2_2.weight' (torchvision 'features.7.weight') is not in the file"),
            ("wrong-shape.safetensors", "invalid value 'conv2_1.weight has shape [3, 2, 5, 5]'. Hint: expected [3, 2, 3, 3]"),
        ]
        for (file, expected) in cases {
            do {
                _ = try WeightsImport.run(file: weightsFixture(file), out: out, force: true)
                Issue.record("\(file) was imported")
            } catch {
                #expect(error.description.hasPrefix(weightsFixture(file) + ": " + expected), "\(error.description)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: marker), "the malicious pickle ran")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func verifyDetectsChangedWeightsAndListShowsFiles() throws {
        let folder = temporaryFolder()
        let out = folder + "/vgg19.safetensors"
        _ = try WeightsImport.run(file: weightsFixture("vgg19-small.pth"), out: out, force: false)
        var file = try SafetensorsFile.read(path: out)
        var tensor = file.tensors["conv3_1.weight"]!
        tensor.values[0] += 1
        file.tensors["conv3_1.weight"] = tensor
        let tampered = folder + "/tampered.safetensors"
        try SafetensorsFile.encode(Array(file.tensors.values), metadata: file.metadata).write(to: URL(fileURLWithPath: tampered))
        #expect(try WeightsFiles.verify(path: tampered).fingerprintMatches == false)
        let listed = WeightsFiles.list(folder: folder).compactMap { try? $0.get().path }
        #expect(listed == [tampered, out])
    }

    @Test func normalizeMakesEveryMeanActivationOne() throws {
        let folder = temporaryFolder()
        let input = folder + "/in.safetensors"
        try VGG19Weights.encode(VGG19Weights.random(seed: 3, architecture: VGGArchitecture(widths: Self.widths))).write(to: URL(fileURLWithPath: input))
        let images = folder + "/images"
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        for name in ["pebbles_256.png", "maple-leaves_256.png"] {
            let pixels = ImagePreparation.prepareSource(try ImageFile.load(path: sourcesFolder + "/" + name).pixels, size: 48, grey: false)
            try PNGFile.encode(pixels, bitDepth: 8, text: nil).write(to: URL(fileURLWithPath: images + "/" + name))
        }
        let result = try WeightsNormalize.run(input: input, output: folder + "/out.safetensors", imagesFolder: images, force: false)
        let original = try VGG19Weights.load(path: input, architecture: VGGArchitecture(widths: Self.widths))
        let normalized = try VGG19Weights.load(path: result.path, architecture: VGGArchitecture(widths: Self.widths))
        let decoded = try ["pebbles_256.png", "maple-leaves_256.png"].map { try ImageFile.load(path: images + "/" + $0).pixels }
        let after = WeightsNormalize.meanActivations(normalized, images: decoded)
        for (layer, means) in after {
            for (filter, mean) in means.enumerated() where result.means[layer]![filter] > 0 {
                #expect(abs(mean - 1) < 1e-4, "\(layer) filter \(filter): \(mean)")
            }
        }
        // Gram matrices scale as D G D with D = diag(1 / m): check conv2_1 on one image.
        let input0 = original.preprocessing.transform(sourceMean: [0.5, 0.5, 0.5]).apply(decoded[0])
        let before = GramMatrix.compute(original.makeNetwork(input: input0.shape, layers: ["conv2_1"], threads: 1, convolution: Im2ColConvolution()).forward(input0)[0])
        let scaled = GramMatrix.compute(normalized.makeNetwork(input: input0.shape, layers: ["conv2_1"], threads: 1, convolution: Im2ColConvolution()).forward(input0)[0])
        let m = result.means["conv2_1"]!.map { $0 > 0 ? $0 : 1 }, n = m.count
        for i in 0..<n { for j in 0..<n {
            let predicted = Double(before[i * n + j]) / (m[i] * m[j])
            #expect(abs(Double(scaled[i * n + j]) - predicted) <= 1e-3 * max(abs(predicted), 1e-6))
        } }
    }

    @Test func fetchRefusesAChecksumMismatchAndDeletesTheDownload() throws {
        let folder = temporaryFolder()
        let mirror = URL(fileURLWithPath: weightsFixture("vgg19-small.pth"))
        #expect(throws: WeightsError.self) { try WeightsFetch.run(.torchvision, url: mirror, out: folder + "/vgg19.safetensors", force: false) }
        do { _ = try WeightsFetch.run(.torchvision, url: mirror, out: folder + "/vgg19.safetensors", force: false) } catch {
            #expect(error.description.contains("expected a SHA-256 starting with dcbb9e9d"), "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "download and output removed")
        // The Caffe file has no pinned checksum: a mirror's file is imported and its SHA-256 recorded.
        let caffe = try WeightsFetch.run(.caffe, url: URL(fileURLWithPath: weightsFixture("vgg19-small.caffemodel")), out: folder + "/c.safetensors", force: false)
        #expect(caffe.preprocessing == .caffeBGR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["c.safetensors"])
    }

    @Test func fetchFailsOfflineWithInstructions() throws {
        let out = temporaryFolder() + "/vgg19.safetensors"
        do {
            _ = try WeightsFetch.run(.torchvision, out: out, force: false)
            // A machine with internet access reaches here: the checksum and import were checked.
        } catch {
            #expect(error.description.hasPrefix("https://download.pytorch.org/models/vgg19-dcbb9e9d.pth: invalid value 'download failed"), "\(error)")
            #expect(error.description.contains("run `texstim weights import weights/vgg19-dcbb9e9d.pth`"))
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }
}
