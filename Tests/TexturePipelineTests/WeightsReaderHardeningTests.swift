// WeightsReaderHardeningTests: crafted .pth and .caffemodel bytes (negative or overflowing shapes,
// storage offsets outside the storage, deep nesting, huge varints) are refused by file and field.

import Foundation
import Testing
import TextureCore
import TexturePipeline
import TextureWeights

/// A zip of stored entries, as torch.save writes (CRCs are left 0: the reader does not check them).
func storedZip(_ entries: [(String, Data)]) -> Data {
    func le(_ value: Int, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    var body = Data(), directory = Data()
    for (name, data) in entries {
        let offset = body.count
        body.append(contentsOf: le(0x0403_4B50, 4) + le(0, 14) + le(data.count, 4) + le(data.count, 4) + le(name.utf8.count, 2) + le(0, 2))
        body.append(Data(name.utf8))
        body.append(data)
        directory.append(contentsOf: le(0x0201_4B50, 4) + le(0, 16) + le(data.count, 4) + le(data.count, 4)
                         + le(name.utf8.count, 2) + le(0, 12) + le(offset, 4))
        directory.append(Data(name.utf8))
    }
    let end = le(0x0605_4B50, 4) + le(0, 4) + le(entries.count, 2) + le(entries.count, 2) + le(directory.count, 4) + le(body.count, 4) + le(0, 2)
    return body + directory + Data(end)
}

/// Pickle opcodes for `{"features.0.weight": _rebuild_tensor_v2(storage "0", offset, (shape…), (stride…))}`.
func statePickle(offset: [UInt8], shape: [[UInt8]], stride: [[UInt8]]) -> Data {
    func text(_ string: String) -> [UInt8] { [0x8C, UInt8(string.utf8.count)] + Array(string.utf8) }
    func tuple(_ items: [[UInt8]]) -> [UInt8] { [0x28] + items.flatMap { $0 } + [0x74] }
    var bytes: [UInt8] = [0x80, 0x02, 0x7D] + text("features.0.weight")
    bytes += [0x63] + Array("torch._utils\n_rebuild_tensor_v2\n".utf8)
    let storage = tuple([text("storage"), [0x63] + Array("torch\nFloatStorage\n".utf8), text("0"), text("cpu"), [0x4B, 4]]) + [0x51]
    bytes += tuple([storage, offset, tuple(shape), tuple(stride)]) + [0x52, 0x73, 0x2E]
    return Data(bytes)
}

func int32Op(_ value: Int32) -> [UInt8] { [0x4A] + withUnsafeBytes(of: value.littleEndian) { Array($0) } }
func long8Op(_ value: Int64) -> [UInt8] { [0x8A, 8] + withUnsafeBytes(of: value.littleEndian) { Array($0) } }

@Suite struct WeightsReaderHardeningTests {
    static func importError(_ data: Data, name: String, format: WeightsFormat = .auto) throws -> String {
        let folder = temporaryFolder()
        let path = folder + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        do {
            _ = try WeightsImport.run(file: path, format: format, out: folder + "/out.safetensors", force: false)
            return "imported"
        } catch { return error.description.replacingOccurrences(of: path, with: name) }
    }

    static func pth(_ pickle: Data) -> Data {
        storedZip([("archive/data.pkl", pickle), ("archive/data/0", Data(repeating: 0x3F, count: 16))])
    }

    @Test(arguments: [
        (statePickle(offset: int32Op(-16), shape: [[0x4B, 4]], stride: [[0x4B, 1]]),
         "w.pth: corrupt or truncated PyTorch checkpoint: tensor 'features.0.weight': storage offset -16 + 4 elements of 4 bytes lie outside its storage of 16 bytes"),
        (statePickle(offset: long8Op(-(1 << 40)), shape: [[0x4B, 4]], stride: [[0x4B, 1]]),
         "w.pth: corrupt or truncated PyTorch checkpoint: tensor 'features.0.weight': storage offset -1099511627776 + 4 elements"),
        (statePickle(offset: [0x4B, 0], shape: [int32Op(-5)], stride: [[0x4B, 1]]),
         "w.pth: corrupt or truncated PyTorch checkpoint: tensor 'features.0.weight': shape [-5] has a negative dimension"),
        (statePickle(offset: [0x4B, 0], shape: [long8Op(1 << 62), [0x4B, 4]], stride: [[0x4B, 4], [0x4B, 1]]),
         "w.pth: corrupt or truncated PyTorch checkpoint: tensor 'features.0.weight': shape [4611686018427387904, 4] has a negative dimension or too many elements"),
        (statePickle(offset: long8Op(Int64.max - 1), shape: [[0x4B, 4]], stride: [[0x4B, 1]]),
         "w.pth: corrupt or truncated PyTorch checkpoint: tensor 'features.0.weight': storage offset 9223372036854775806 + 4 elements"),
        (Data([0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 100_000) + [0x2E]),
         "w.pth: corrupt or truncated PyTorch pickle: values nest deeper than 32 levels at byte 36"),
    ])
    func craftedCheckpointsAreRefused(pickle: Data, expected: String) throws {
        let message = try Self.importError(Self.pth(pickle), name: "w.pth")
        #expect(message.hasPrefix(expected), "\(message)")
    }

    @Test func hugeCaffeVarintsAreRefused() throws {
        let huge: [UInt8] = [UInt8](repeating: 0x80, count: 9) + [0x01]  // 2^63
        let length = Data([0xA2, 0x06] + huge)                                  // layer (field 100) of length 2^63
        var blob: [UInt8] = [0x08] + huge                                        // BlobProto num = 2^63
        blob = [0x3A, UInt8(blob.count)] + blob                                  // layer.blobs (field 7)
        let name: [UInt8] = [0x0A, 7] + Array("conv1_1".utf8)
        let dimension = Data([0xA2, 0x06, UInt8(name.count + blob.count)] + name + blob)
        let lengthMessage = try Self.importError(length, name: "w.caffemodel", format: .caffemodel)
        #expect(lengthMessage.hasPrefix("w.caffemodel: corrupt or truncated caffemodel (protobuf): length of field 100 is 9223372036854775808 at byte 12, larger than any file"),
                "\(lengthMessage)")
        let dimensionMessage = try Self.importError(dimension, name: "w.caffemodel", format: .caffemodel)
        #expect(dimensionMessage.hasPrefix("w.caffemodel: corrupt or truncated caffemodel (protobuf): blob dimension 1 is 9223372036854775808"),
                "\(dimensionMessage)")
    }

    @Test func importDetectsSafetensorsWithLeadingSpaceAndRefusesBadPreprocessing() throws {
        let model = VGG19Weights.random(seed: 3, architecture: VGGArchitecture(widths: [2, 3, 4, 4, 4]))
        var spaced = VGG19Weights.encode(model)
        // Same header with one leading space (the JSON text is still an object), and an unknown
        // preprocessing of the same length, so the header length stays right.
        let length = Int(spaced.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let text = String(decoding: spaced[8..<(8 + length)], as: UTF8.self).replacingOccurrences(of: "caffe-bgr", with: "caffe-xyz")
        var header = Data((" " + text).utf8)
        header.removeLast()  // drop one trailing pad space
        spaced.replaceSubrange(8..<(8 + length), with: header)
        let message = try Self.importError(spaced, name: "w.safetensors")
        #expect(message == "w.safetensors: __metadata__.texstim.preprocessing is 'caffe-xyz'; expected one of caffe-bgr, torchvision-rgb.",
                "\(message)")
    }
}
