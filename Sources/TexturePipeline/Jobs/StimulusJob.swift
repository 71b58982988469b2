// StimulusJob: one stimulus of a set, fully resolved (settings merged, layers and seed fixed).

import Foundation
import TextureCore
import TextureSynthesis

/// Everything that decides a stimulus's pixels. Stored in provenance; equality decides whether a
/// stimulus on disk is current (skipped on resume) or stale (redone).
public struct JobParameters: Codable, Sendable, Equatable {
    public var sourceSha256: String
    public var model: String
    public var weightsSha256: String?
    public var layers: [String]
    public var layerWeights: [Double]?
    /// β of the spectrum term (`spectrum_weight`, or the preset's); absent: none.
    public var spectrumWeight: Double?
    public var seed: UInt64
    public var size: Int?
    public var crop: Bool
    public var outputSize: Int?
    public var grey: Bool
    public var iterations: Int
    public var histogramMatch: Bool
    public var bitDepth: Int
    public var equalize: Equalization?
    /// Stopping rules besides the iteration limit (absent: none, the reference setting).
    public var stopping: StoppingRules?
}

public struct StimulusJob: Sendable, Equatable {
    /// `<source>__<condition>__s<NN>`, also the file stem.
    public var id: String
    public var sourceId: String
    /// The source file, relative to the current directory (or absolute).
    public var sourcePath: String
    public var condition: String
    public var sample: Int
    public var weightsPath: String?
    public var parameters: JobParameters
    public var initMode: InitMode

    /// `<source>/<condition>/<id>.png` inside the set's folder.
    public var relativePNGPath: String { "\(sourceId)/\(condition)/\(id).png" }

    public static func identifier(source: String, condition: String, sample: Int, samples: Int) -> String {
        let digits = max(2, String(samples - 1).count)
        let number = String(sample)
        return "\(source)__\(condition)__s\(String(repeating: "0", count: max(0, digits - number.count)))\(number)"
    }

    /// The request that synthesises this job (the model comes from the caller's cache).
    public func request(outputFolder: String, model: any TextureModel, manifest: Manifest,
                        convolution: ConvolutionChoice = .default) -> SynthesisRequest {
        var request = SynthesisRequest(sourcePath: sourcePath, outputPath: (outputFolder as NSString).appendingPathComponent(relativePNGPath))
        request.model = parameters.model
        request.loadedModel = model
        request.weightsPath = weightsPath
        request.layers = parameters.layers
        request.layerWeights = parameters.layerWeights
        request.spectrumWeight = parameters.spectrumWeight
        request.size = parameters.size
        request.crop = parameters.crop
        request.outputSize = parameters.outputSize
        request.iterations = parameters.iterations
        request.seed = parameters.seed
        request.grey = parameters.grey
        request.histogramMatch = parameters.histogramMatch
        request.bitDepth = parameters.bitDepth
        request.equalize = parameters.equalize
        request.stopping = parameters.stopping ?? StoppingRules()
        request.convolution = convolution
        request.job = StimulusRecord.Job(id: id, set: manifest.name, manifestPath: manifest.path, manifestSha256: manifest.sha256,
                                         sourceId: sourceId, condition: condition, sample: sample, setSeed: manifest.seed,
                                         initMode: initMode, parameters: parameters)
        return request
    }
}
