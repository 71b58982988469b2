// StimulusJob: one stimulus of a set, fully resolved (settings merged, layers and seed fixed).

import Foundation
import TextureCore
import TextureSynthesis

public struct StimulusJob: Sendable, Equatable {
    /// `<source>__<condition>__s<NN>`, also the file stem.
    public var id: String
    public var sourceId: String
    /// The source file, relative to the current directory (or absolute).
    public var sourcePath: String
    public var condition: String
    public var sample: Int
    public var weightsPath: String?
    /// The SHA-256 of the source file: with `parameters`, what decides whether a stored stimulus is current.
    public var sourceSha256: String
    /// Resolved: layers and spectrum weight as the condition's preset gives them, the weights' SHA-256.
    public var parameters: StimulusParameters
    public var initMode: InitMode

    /// `<source>/<condition>/<id>.png` inside the set's folder.
    public var relativePNGPath: String { "\(sourceId)/\(condition)/\(id).png" }

    public static func identifier(source: String, condition: String, sample: Int, samples: Int) -> String {
        let digits = max(2, String(samples - 1).count)
        let number = String(sample)
        return "\(source)__\(condition)__s\(String(repeating: "0", count: max(0, digits - number.count)))\(number)"
    }

    /// The request that synthesises this job (the network comes from the caller's cache; nil for
    /// portilla-simoncelli, which loads none).
    public func request(outputFolder: String, model: (any TextureModel)?, manifest: Manifest,
                        convolution: ConvolutionChoice = .default) -> SynthesisRequest {
        var request = SynthesisRequest(sourcePath: sourcePath,
                                       outputPath: (outputFolder as NSString).appendingPathComponent(relativePNGPath),
                                       parameters: parameters)
        request.loadedModel = model
        request.weightsPath = weightsPath
        request.convolution = convolution
        request.job = StimulusRecord.Job(id: id, set: manifest.name, manifestPath: manifest.path,
                                         manifestSha256: manifest.sha256, sourceId: sourceId, condition: condition,
                                         sample: sample, setSeed: manifest.seed, initMode: initMode)
        return request
    }

    /// True when `record` was made from this job's source file (same SHA-256) with its parameters
    /// (a format-1 record's translated): a stored stimulus is then current, else stale. The id and
    /// the files' agreement are the caller's to check.
    public func matches(_ record: StimulusRecord) -> Bool {
        record.source.sha256 == sourceSha256 && (try? record.stimulusParameters()) == parameters
    }
}
