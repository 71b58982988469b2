// WeightsDecode: a foreign weights file's bytes → a checked VGG-19, reading only, writing nothing.
//
// The same reading and checks as `WeightsImport.run` before it writes, for callers that hold the
// bytes (the fuzz targets in Fuzz/ feed it arbitrary input). Kept apart from WeightsImport.swift
// so the readers themselves stay untouched.

import Foundation
import TextureCore

extension WeightsImport {
    /// Reads `data` as `format` (`.auto`: by signature) and checks every convolution's shape.
    public static func decode(_ data: Data, format: WeightsFormat, path: String) throws(PipelineError) -> VGG19 {
        var tensors: [String: NamedTensor]
        switch format == .auto ? detect(data, path: path) : format {
        case .pth: tensors = try TorchStateDict.read(data, path: path)
        case .caffemodel: tensors = try caffeTensors(data, path: path)
        case .safetensors, .auto:
            do { tensors = try SafetensorsFile.parse(data, path: path).tensors } catch { throw .core(error) }
        }
        let architecture = try checkedArchitecture(&tensors, path: path)
        return try buildModel(tensors, architecture: architecture, preprocessing: .torchvisionRGB)
    }
}
