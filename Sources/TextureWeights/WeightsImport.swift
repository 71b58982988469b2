// WeightsImport: convert VGG-19 weights from PyTorch (.pth), Caffe (.caffemodel) or foreign
// safetensors into texstim's safetensors layout, checking every convolution's shape by name.

import Foundation
import TextureCore
import TextureImages

public enum WeightsFormat: String, CaseIterable, Sendable {
    case auto, pth, caffemodel, safetensors
}

public struct ImportResult: Sendable {
    public var path: String
    public var sha256: String
    public var widths: [Int]
    public var preprocessing: Preprocessing
    public var source: String
    /// Whether the imported file is a published VGG-19 (what `--model vgg19` will record).
    public var origin: WeightsOrigin
}

public enum WeightsImport {
    /// torchvision's `features.N` index of each convolution, in order conv1_1 … conv5_4.
    public static let torchvisionIndices = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
    static let names = VGGArchitecture.vgg19.convolutionNames

    public static func run(
        file: String, format: WeightsFormat = .auto, out: String?, force: Bool,
        preprocessing: Preprocessing? = nil
    ) throws(WeightsError) -> ImportResult {
        let data: Data
        do { data = try ImageFile.readFile(path: file, role: "weights file") } catch { throw .file(error) }
        let destination = out ?? ModelCatalog.defaultWeightsPath()
        if FileManager.default.fileExists(atPath: destination) && !force {
            throw .invalidArgument(
                name: "--out", value: destination, hint: "the file exists; pass --force to replace it")
        }
        let kind = format == .auto ? detect(data, path: file) : format
        let read = try readTensors(data, kind: kind, path: file)
        var tensors = read.tensors
        let architecture = try checkedArchitecture(&tensors, path: file)
        let model = try buildModel(tensors, architecture: architecture, preprocessing: preprocessing ?? read.declared)
        let sourceSHA = SHA256.hex(data)
        var metadata = WeightsOrigin.importMetadata(file: file, sha256: sourceSHA, format: kind.rawValue, model: model)
        metadata["texstim.source"] = "\((file as NSString).lastPathComponent) (\(kind.rawValue), sha256 \(sourceSHA))"
        metadata["texstim.widths"] = architecture.widths.map(String.init).joined(separator: ",")
        metadata[WeightsFingerprint.metadataKey] = WeightsFingerprint.compute(model)
        let encoded = VGG19Weights.encode(model, metadata: metadata)
        do {
            try ImageFile.createFolder(for: destination)
            try ImageFile.writeAtomically(encoded, to: destination)
        } catch { throw .file(error) }
        return ImportResult(
            path: destination, sha256: SHA256.hex(encoded), widths: architecture.widths,
            preprocessing: model.preprocessing, source: metadata["texstim.source"]!,
            origin: WeightsOrigin.of(metadata: metadata, model: model, path: destination))
    }

    /// Reads `data` as `format` (`.auto`: by content) and checks every convolution's shape, writing
    /// nothing: the import's reading and checks, for callers that hold the bytes (the fuzz targets).
    public static func decode(_ data: Data, format: WeightsFormat, path: String) throws(WeightsError) -> VGG19 {
        let read = try readTensors(data, kind: format == .auto ? detect(data, path: path) : format, path: path)
        var tensors = read.tensors
        let architecture = try checkedArchitecture(&tensors, path: path)
        return try buildModel(tensors, architecture: architecture, preprocessing: read.declared)
    }

    /// The file's tensors under their own names, and the preprocessing the format implies or declares.
    static func readTensors(
        _ data: Data, kind: WeightsFormat, path: String
    ) throws(WeightsError)
        -> (tensors: [String: NamedTensor], declared: Preprocessing)
    {
        switch kind {
        case .pth: return (try TorchStateDict.read(data, path: path), .torchvisionRGB)
        case .caffemodel: return (try caffeTensors(data, path: path), .caffeBGR)
        case .safetensors, .auto:
            let foreign: SafetensorsFile
            do { foreign = try SafetensorsFile.parse(data, path: path) } catch { throw .core(error) }
            return (foreign.tensors, try declaredPreprocessing(foreign, path: path))
        }
    }

    /// The format by content: a zip is a PyTorch checkpoint; a length that fits the file followed
    /// by a JSON object (leading white space allowed, as the format permits) is safetensors;
    /// anything else is read as a caffemodel, whose protobuf has no signature.
    static func detect(_ data: Data, path: String) -> WeightsFormat {
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .pth }
        guard data.count > 8 else { return .caffemodel }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) {
            $0 | UInt64($1.element) << (8 * UInt64($1.offset))
        }
        guard length <= UInt64(data.count - 8) else { return .caffemodel }
        let header = data.dropFirst(8).prefix(Int(length))
        let first = header.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return first == UInt8(ascii: "{") ? .safetensors : .caffemodel
    }

    /// A foreign file's `texstim.preprocessing`: absent means torchvision-rgb (what foreign
    /// safetensors conversions of torchvision hold); a value present but not a VGG
    /// preprocessing is refused, as `weights verify` refuses it, never replaced.
    static func declaredPreprocessing(_ file: SafetensorsFile, path: String) throws(WeightsError) -> Preprocessing {
        guard let declared = file.metadata[VGG19Weights.preprocessingKey] else { return .torchvisionRGB }
        guard let preprocessing = Preprocessing(rawValue: declared), preprocessing != .sourceMeanRGB else {
            throw .core(
                .weightsMetadataInvalid(
                    path: path, key: VGG19Weights.preprocessingKey, value: declared,
                    allowed: [Preprocessing.caffeBGR.rawValue, Preprocessing.torchvisionRGB.rawValue]))
        }
        return preprocessing
    }

    /// Renames tensors to texstim's names (from torchvision's `…features.N.weight` or Caffe's
    /// layer names), infers the block widths from conv1_1 … conv5_1 and checks every shape.
    static func checkedArchitecture(
        _ tensors: inout [String: NamedTensor], path: String
    ) throws(WeightsError) -> VGGArchitecture {
        var renamed: [String: NamedTensor] = [:]
        for (index, name) in names.enumerated() {
            for part in ["weight", "bias"] {
                let torchName = "features.\(WeightsImport.torchvisionIndices[index]).\(part)"
                let found =
                    tensors["\(name).\(part)"]
                    ?? tensors.first { $0.key == torchName || $0.key.hasSuffix("." + torchName) }?.value
                guard var tensor = found else {
                    throw .invalidArgument(
                        name: path, value: "missing \(name).\(part)",
                        hint:
                            "tensor '\(name).\(part)' (torchvision '\(torchName)') is not in the file; is it a VGG-19 (not VGG-16) file?"
                    )
                }
                while tensor.shape.count > (part == "weight" ? 4 : 1) && tensor.shape.first == 1 {
                    tensor.shape.removeFirst()
                }
                renamed["\(name).\(part)"] = NamedTensor(
                    name: "\(name).\(part)", shape: tensor.shape, values: tensor.values)
            }
        }
        let widths = (1...5).map { renamed["conv\($0)_1.weight"]!.shape.first ?? 0 }
        guard widths.allSatisfy({ $0 > 0 }) else {
            throw .invalidArgument(
                name: path, value: "block widths \(widths)",
                hint: "every block needs at least one channel; the file is damaged")
        }
        let architecture = VGGArchitecture(widths: widths)
        for name in names {
            let expected = architecture.weightShape(name)!
            for (part, shape) in [("weight", expected), ("bias", [expected[0]])] {
                let tensor = renamed["\(name).\(part)"]!
                guard tensor.shape == shape, tensor.values.count == CheckedSize.elements(shape) else {
                    throw .invalidArgument(
                        name: path, value: "\(name).\(part) has shape \(tensor.shape)",
                        hint: "expected \(shape) for a VGG-19 with block widths \(widths)")
                }
            }
        }
        tensors = renamed
        return architecture
    }

    static func buildModel(
        _ tensors: [String: NamedTensor], architecture: VGGArchitecture, preprocessing: Preprocessing
    ) throws(WeightsError) -> VGG19 {
        var convolutions: [String: Conv2D] = [:]
        for name in architecture.convolutionNames {
            let shape = architecture.weightShape(name)!
            convolutions[name] = Conv2D(
                inChannels: shape[1], outChannels: shape[0], kernel: 3, padding: 1,
                weight: tensors["\(name).weight"]!.values, bias: tensors["\(name).bias"]!.values)
        }
        return VGG19(
            name: "vgg19", architecture: architecture, convolutions: convolutions, preprocessing: preprocessing,
            weightsSHA256: nil)
    }

    static func caffeTensors(_ data: Data, path: String) throws(WeightsError) -> [String: NamedTensor] {
        var tensors: [String: NamedTensor] = [:]
        for (name, layer) in try CaffeModel.read(data, path: path) where names.contains(name) {
            tensors["\(name).weight"] = try checkedValues(
                NamedTensor(name: "\(name).weight", shape: layer.shape, values: layer.weight), path: path)
            tensors["\(name).bias"] = try checkedValues(
                NamedTensor(name: "\(name).bias", shape: [layer.bias.count], values: layer.bias), path: path)
        }
        return tensors
    }

    /// Every reader refuses NaN, infinite or all-zero weights by file and tensor name.
    static func checkedValues(_ tensor: NamedTensor, path: String) throws(WeightsError) -> NamedTensor {
        if let problem = tensor.valueProblem {
            throw .core(.weightsValuesInvalid(path: path, tensor: tensor.name, problem: problem))
        }
        return tensor
    }
}
