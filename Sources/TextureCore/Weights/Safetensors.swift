// Safetensors: read and write the safetensors layout (F32 and F16 tensors, string metadata).
//
// Layout: 8-byte little-endian header length L, then L bytes of JSON
//   {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, …,
//    "__metadata__": {"key": "value", …}}
// then the raw little-endian tensor data; offsets are relative to the end of the header.

import Foundation

/// One tensor read from or written to a safetensors file, always held as float32.
public struct NamedTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    /// What makes the values unusable as network weights, or nil: a NaN or infinity (a failed
    /// conversion or training run), or a weight tensor of zeros (a layer that computes nothing).
    /// Biases may be zero: He initialisation, torchvision's among them, sets them so.
    public var valueProblem: String? {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            return "value \(index) is \(values[index].isNaN ? "NaN" : "infinite")"
        }
        if !name.hasSuffix("bias") && !values.isEmpty && values.allSatisfy({ $0 == 0 }) { return "every value is zero" }
        return nil
    }
}

public struct SafetensorsFile: Sendable {
    public var tensors: [String: NamedTensor]
    public var metadata: [String: String]
    /// SHA-256 of the file's bytes (hex), recorded in provenance.
    public var sha256: String

    /// Reads and checks a file: header bounds, dtypes, shapes against byte ranges.
    public static func read(path: String) throws(TextureCoreError) -> SafetensorsFile {
        switch RegularFile.read(path: path) {
        case .success(let bytes): return try parse(bytes, path: path)
        case .failure(.missing): throw .weightsFileMissing(path: path)
        case .failure(let problem): throw .weightsFileUnreadable(path: path, reason: problem.reason)
        }
    }

    /// Parses safetensors bytes already in memory (`path` names them in errors).
    public static func parse(_ bytes: Data, path: String) throws(TextureCoreError) -> SafetensorsFile {
        guard bytes.count >= 8 else {
            throw .weightsMalformed(
                path: path, detail: "file is \(bytes.count) bytes, shorter than the 8-byte header length")
        }
        let headerLength = bytes.prefix(8).enumerated().reduce(UInt64(0)) {
            $0 | UInt64($1.element) << (8 * UInt64($1.offset))
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw .weightsMalformed(
                path: path, detail: "header length \(headerLength) exceeds the file size \(bytes.count) (truncated?)")
        }
        let dataStart = 8 + Int(headerLength)
        let header = bytes.subdata(in: (bytes.startIndex + 8)..<(bytes.startIndex + dataStart))
        switch JSONKeyCheck.problem(in: header) {
        case .duplicateKey(let key)?:
            throw .weightsMalformed(
                path: path, detail: "header names '\(key)' twice; a file must describe each tensor once")
        case .tooDeep?:
            throw .weightsMalformed(
                path: path,
                detail: "header nests deeper than \(JSONKeyCheck.maximumDepth) levels; a safetensors header is flat")
        case nil: break
        }
        guard let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw .weightsMalformed(path: path, detail: "header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var tensors: [String: NamedTensor] = [:]
        var ranges: [(name: String, range: Range<Int>)] = []
        for name in json.keys.sorted() {
            let value = json[name]!
            if name == "__metadata__" {
                guard let entries = value as? [String: String] else {
                    throw .weightsMalformed(path: path, detail: "__metadata__ must map strings to strings")
                }
                metadata = entries
                continue
            }
            let (tensor, range) = try parseTensor(name, value, bytes: bytes, dataStart: dataStart, path: path)
            if let problem = tensor.valueProblem {
                throw .weightsValuesInvalid(path: path, tensor: name, problem: problem)
            }
            tensors[name] = tensor
            ranges.append((name, range))
        }
        try checkDisjoint(ranges, path: path)
        return SafetensorsFile(tensors: tensors, metadata: metadata, sha256: SHA256.hex(bytes))
    }

    /// Two tensors sharing bytes would alias each other's weights: the format gives each its own range.
    private static func checkDisjoint(
        _ ranges: [(name: String, range: Range<Int>)], path: String
    ) throws(TextureCoreError) {
        let ordered = ranges.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (previous, next) in zip(ordered, ordered.dropFirst())
        where next.range.lowerBound < previous.range.upperBound {
            throw .weightsMalformed(
                path: path,
                detail: "tensor '\(next.name)': data_offsets [\(next.range.lowerBound), \(next.range.upperBound)] "
                    + "overlap those of '\(previous.name)' [\(previous.range.lowerBound), \(previous.range.upperBound)]"
            )
        }
    }

    /// The tensor and its byte range (relative to the data start); every size is checked before use.
    private static func parseTensor(
        _ name: String, _ value: Any, bytes: Data, dataStart: Int, path: String
    ) throws(TextureCoreError) -> (NamedTensor, Range<Int>) {
        guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
            let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
        else { throw .weightsMalformed(path: path, detail: "tensor '\(name)' lacks dtype, shape or data_offsets") }
        let width: Int
        switch dtype {
        case "F32": width = 4
        case "F16": width = 2
        default: throw .weightsDtypeUnsupported(path: path, tensor: name, dtype: dtype)
        }
        guard let byteCount = CheckedSize.bytes(shape, width: width) else {
            throw .weightsMalformed(
                path: path,
                detail: "tensor '\(name)': shape \(shape) has a negative dimension or more elements than fit in memory")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, end >= begin, end - begin == byteCount else {
            throw .weightsMalformed(
                path: path, detail: "tensor '\(name)': data_offsets \(offsets) do not match shape \(shape) of \(dtype)")
        }
        guard end <= bytes.count - dataStart else {
            throw .weightsMalformed(
                path: path,
                detail:
                    "tensor '\(name)' ends at byte \(end) of the data, but the file holds \(bytes.count - dataStart) data bytes (truncated?)"
            )
        }
        let count = byteCount / width
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart + begin
            for i in 0..<count {
                if width == 4 {
                    values[i] = Float(
                        bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                } else {
                    values[i] = Float(
                        Float16(
                            bitPattern: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        ))
                }
            }
        }
        return (NamedTensor(name: name, shape: shape, values: values), begin..<end)
    }

    /// Encodes tensors as F32 in name order, with sorted-key JSON, so equal input gives equal bytes.
    public static func encode(_ tensors: [NamedTensor], metadata: [String: String]) -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        let ordered = tensors.sorted { $0.name < $1.name }
        for tensor in ordered {
            header[tensor.name] = [
                "dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + 4 * tensor.values.count],
            ]
            offset += 4 * tensor.values.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        while json.count % 8 != 0 { json.append(0x20) }  // pad with spaces to align the data
        var output = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { output.append(contentsOf: $0) }
        output.append(json)
        for tensor in ordered {
            // Every platform Swift runs texstim on is little-endian, as safetensors requires.
            tensor.values.withUnsafeBytes { output.append(contentsOf: $0) }
        }
        return output
    }
}
