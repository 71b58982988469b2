// WeightsTests: safetensors round trips and errors, SHA-256 vectors, VGG weight loading and presets.

import Foundation
import Testing
import TextureCore

@Suite struct WeightsTests {
    static func temporaryPath(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("texstim-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }

    @Test func sha256FIPSVectors() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func safetensorsRoundTripKeepsValuesAndMetadata() throws {
        let tensors = [NamedTensor(name: "b", shape: [2], values: [1.5, -2]), NamedTensor(name: "a", shape: [1, 3], values: [0, 1, 2])]
        let path = Self.temporaryPath("roundtrip.safetensors")
        try SafetensorsFile.encode(tensors, metadata: ["k": "v"]).write(to: URL(fileURLWithPath: path))
        let file = try SafetensorsFile.read(path: path)
        #expect(file.tensors["a"] == tensors[1] && file.tensors["b"] == tensors[0])
        #expect(file.metadata == ["k": "v"])
        #expect(file.sha256 == (try SHA256.hex(fileAt: path)))
    }

    @Test func readsHalfPrecision() throws {
        // One F16 tensor [2] = (1.0, -0.5): 0x3C00, 0xB800.
        let header = Data(#"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#.utf8)
        var bytes = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(header)
        bytes.append(contentsOf: [0x00, 0x3C, 0x00, 0xB8])
        let path = Self.temporaryPath("half.safetensors")
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try SafetensorsFile.read(path: path).tensors["h"]?.values == [1, -0.5])
    }

    @Test func badFilesNameTheFileAndTheTensor() throws {
        let path = Self.temporaryPath("bad.safetensors")
        let good = VGG19Weights.encode(VGG19Weights.random(seed: 1, architecture: VGGArchitecture(widths: [2, 2, 2, 2, 2])))
        try good.prefix(good.count - 10).write(to: URL(fileURLWithPath: path))
        #expect(throws: TextureCoreError.self) { try SafetensorsFile.read(path: path) }
        do { _ = try SafetensorsFile.read(path: path) } catch {
            #expect(error.description.hasPrefix("\(path): not a valid safetensors file: tensor '"))
            #expect(error.description.contains("(truncated?)"))
        }
        #expect(throws: TextureCoreError.weightsFileMissing(path: "/nonexistent/vgg19.safetensors")) {
            try VGG19Weights.load(path: "/nonexistent/vgg19.safetensors")
        }
        try good.write(to: URL(fileURLWithPath: path))
        #expect(throws: TextureCoreError.weightsShapeMismatch(path: path, tensor: "conv1_1.weight", expected: [64, 3, 3, 3], found: [2, 3, 3, 3])) {
            try VGG19Weights.load(path: path)
        }
        let missing = SafetensorsFile.encode([NamedTensor(name: "conv1_1.weight", shape: [2, 3, 3, 3], values: .init(repeating: 0.5, count: 54))], metadata: [:])
        try missing.write(to: URL(fileURLWithPath: path))
        #expect(throws: TextureCoreError.weightsTensorMissing(path: path, tensor: "conv1_1.bias")) {
            try VGG19Weights.load(path: path, architecture: VGGArchitecture(widths: [2, 2, 2, 2, 2]))
        }
        let header = Data(#"{"x":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}"#.utf8)
        var bytes = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        try (bytes + header + Data([1])).write(to: URL(fileURLWithPath: path))
        #expect(throws: TextureCoreError.weightsDtypeUnsupported(path: path, tensor: "x", dtype: "I8")) { try SafetensorsFile.read(path: path) }
    }

    @Test func randomWeightsRoundTripThroughAFile() throws {
        let architecture = VGGArchitecture(widths: [2, 3, 4, 4, 4])
        let model = VGG19Weights.random(seed: 9, architecture: architecture)
        let path = Self.temporaryPath("random.safetensors")
        try VGG19Weights.encode(model, metadata: [:]).write(to: URL(fileURLWithPath: path))
        let loaded = try VGG19Weights.load(path: path, architecture: architecture)
        #expect(loaded.convolutions["conv3_2"]?.weight == model.convolutions["conv3_2"]?.weight)
        #expect(loaded.preprocessing == .caffeBGR)
        #expect(loaded.weightsSHA256 == (try SHA256.hex(fileAt: path)))
        // He init: weight variance 2 / fan-in.
        let weights = VGG19Weights.random(seed: 9).convolutions["conv3_1"]!.weight
        let variance = weights.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(weights.count)
        #expect(abs(variance / (2.0 / (128 * 9)) - 1) < 0.02)
    }

    @Test func presetsExpandToTheirLayers() throws {
        #expect(try LayerPresets.layers(for: "gatys2015:pool2") == ["conv1_1", "pool1", "pool2"])
        #expect(try LayerPresets.layers(for: "wallis2017:conv3") == ["conv1_1", "conv2_1", "conv3_1"])
        #expect(throws: TextureCoreError.unknownPreset("gatys2015:pool9")) { try LayerPresets.layers(for: "gatys2015:pool9") }
        #expect(throws: TextureCoreError.unknownPreset("wallis2017:conv6")) { try LayerPresets.layers(for: "wallis2017:conv6") }
        let model = VGG19Weights.random(seed: 1, architecture: VGGArchitecture(widths: [1, 1, 1, 1, 1]))
        #expect(throws: TextureCoreError.self) { try model.validate(layers: ["conv9_9"]) }
        do { try model.validate(layers: ["conv9_9"]) } catch {
            #expect(error.description.hasPrefix("unknown layer 'conv9_9' for model vgg19-random. Hint: choose from conv1_1, conv1_2, pool1"))
        }
    }

    @Test func embeddedModelFiltersAreZeroMeanUnitNorm() {
        let model = RandomPyramid()
        for level in [0, 3] {
            let weight = model.filters[level].weight
            for filter in 0..<2 {
                let values = weight[(filter * 75)..<((filter + 1) * 75)].map(Double.init)
                #expect(abs(values.reduce(0, +)) < 1e-5)
                #expect(abs(values.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
            }
        }
        #expect(model.filters[0].weight != model.filters[1].weight)
        #expect(model.defaultLayers(sourceShape: Shape(3, 256, 256)) == ["level0", "level1", "level2", "level3", "level4"])
        #expect(model.defaultLayers(sourceShape: Shape(3, 64, 64)) == ["level0", "level1", "level2"])
    }
}
