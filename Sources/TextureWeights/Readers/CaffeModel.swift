// CaffeModel: read convolution blobs from a Caffe .caffemodel (protobuf NetParameter) by wire format.
//
// A minimal reader instead of generated swift-protobuf code: we need five fields, and a wire
// reader has no build-time cost or generated files. Fields read (caffe.proto):
//   NetParameter:      layer = 100 (LayerParameter), layers = 2 (V1LayerParameter, old files)
//   LayerParameter:    name = 1, blobs = 7        V1LayerParameter: name = 4, blobs = 6
//   BlobProto:         shape = 7 (BlobShape: dim = 1, int64, packed or not), data = 5 (float,
//                      packed or not), legacy num = 1, channels = 2, height = 3, width = 4
// Unknown fields are skipped by wire type. Blob 0 is the weight, blob 1 the bias.

import Foundation

enum CaffeModel {
    /// name → (weight shape, weight values, bias values) for every layer that has blobs.
    static func read(
        _ data: Data, path: String
    ) throws(WeightsError) -> [String: (shape: [Int], weight: [Float], bias: [Float])] {
        let bytes = [UInt8](data)
        var net = ProtobufReader(bytes, range: 0..<bytes.count, path: path)
        var layers: [String: (shape: [Int], weight: [Float], bias: [Float])] = [:]
        while !net.atEnd {
            let field = try net.field()
            guard let range = field.range, field.wireType == 2, field.number == 100 || field.number == 2 else {
                continue
            }
            let (nameField, blobField) = field.number == 100 ? (1, 7) : (4, 6)
            var layer = ProtobufReader(bytes, range: range, path: path)
            var name = ""
            var blobs: [(shape: [Int], values: [Float])] = []
            while !layer.atEnd {
                let inner = try layer.field()
                guard let innerRange = inner.range, inner.wireType == 2 else { continue }
                if inner.number == nameField { name = String(decoding: bytes[innerRange], as: UTF8.self) }
                if inner.number == blobField { blobs.append(try blob(bytes, innerRange, path: path)) }
            }
            if blobs.count >= 2 { layers[name] = (blobs[0].shape, blobs[0].values, blobs[1].values) }
        }
        return layers
    }

    static func blob(
        _ bytes: [UInt8], _ range: Range<Int>, path: String
    ) throws(WeightsError) -> (shape: [Int], values: [Float]) {
        var reader = ProtobufReader(bytes, range: range, path: path)
        var shape: [Int] = [], legacy = [0, 0, 0, 0], values: [Float] = []
        while !reader.atEnd {
            let field = try reader.field()
            switch (field.number, field.wireType) {
            case (1...4, 0):
                legacy[field.number - 1] = try reader.integer(field.value, "blob dimension \(field.number)")
            case (5, 2): values += floats(bytes, field.range!)
            case (5, 5): values += floats(bytes, field.range!)
            case (7, 2):
                var dims = ProtobufReader(bytes, range: field.range!, path: path)
                while !dims.atEnd {
                    let dim = try dims.field()
                    if dim.number == 1 && dim.wireType == 0 {
                        shape.append(try dims.integer(dim.value, "blob shape dimension"))
                    }
                    if dim.number == 1 && dim.wireType == 2 {
                        var packed = ProtobufReader(bytes, range: dim.range!, path: path)
                        while !packed.atEnd {
                            let raw = try packed.varint()
                            shape.append(try packed.integer(raw, "blob shape dimension"))
                        }
                    }
                }
            default: break
            }
        }
        if shape.isEmpty { shape = legacy }  // old files: (num, channels, height, width), e.g. bias (1, 1, 1, 64)
        return (shape, values)
    }

    static func floats(_ bytes: [UInt8], _ range: Range<Int>) -> [Float] {
        stride(from: range.lowerBound, to: range.upperBound - 3, by: 4).map { i in
            Float(
                bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(
                    bytes[i + 3]) << 24)
        }
    }
}
