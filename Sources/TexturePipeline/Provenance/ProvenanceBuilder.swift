// ProvenanceBuilder: assemble a StimulusRecord from a request and its synthesis result.

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis

enum ProvenanceBuilder {
    static func record(_ request: SynthesisRequest, source: DecodedImage, sourceSHA256: String, model: any TextureModel,
                       objective: TextureObjective, result: SynthesisResult) -> StimulusRecord {
        let start = request.initPath.map { "init image \($0)" } ?? "gaussian noise (source mean and SD per channel)"
        let crop = request.size == nil ? "none" : (request.crop ? "centre-square" : "none (whole image resized)")
        return StimulusRecord(
            job: request.job,
            source: .init(path: request.sourcePath, sha256: sourceSHA256, width: source.pixels.shape.width,
                          height: source.pixels.shape.height, bitDepth: source.bitDepth,
                          pathFromStimulus: FileLocator.relativePath(of: request.sourcePath,
                                                                     from: (request.outputPath as NSString).deletingLastPathComponent)),
            preparation: .init(size: request.size, crop: crop, resizeFilter: "bicubic (Keys a=-0.5), antialiased when shrinking",
                               grey: request.grey, greyConversion: request.grey ? "Rec. 709 luma" : nil,
                               modelInput: model.preprocessing.rawValue),
            model: .init(name: model.name,
                         weightsPath: model.weightsSHA256 == nil ? nil : (request.weightsPath ?? ModelCatalog.defaultWeightsPath()),
                         weightsSha256: model.weightsSHA256),
            layers: objective.terms, spectrumWeight: objective.spectrum?.weight, seed: request.seed,
            optimizer: .init(memory: 20, maxIterations: request.iterations, factr: 0, pgtol: 0,
                             stopping: result.convergence.stoppingRules.isEmpty ? nil : result.convergence.stoppingRules,
                             bounds: result.bounds.map { [$0.lowerBound, $0.upperBound] }, start: start,
                             variable: request.grey ? "grey pixels v in [0, 1]; the model sees (v, v, v), ∂L/∂v is the sum over channels"
                                : "model input (preprocessed RGB)"),
            iterations: result.iterations, evaluations: result.evaluations, stopReason: result.stopReason,
            convergence: result.convergence,
            loss: .init(initial: result.initialLoss, final: result.finalLoss, afterHistogramMatching: result.histogramMatchedLoss),
            postprocessing: .init(histogramMatch: request.histogramMatch, clampedFraction: result.clampedFraction),
            output: .init(requestedSize: request.outputSize, width: result.pixels.shape.width, height: result.pixels.shape.height,
                          channels: result.pixels.shape.channels, bitDepth: request.bitDepth),
            machine: MachineInfo.record(threads: request.threads, convolution: request.convolution),
            timing: .init(seconds: result.seconds, secondsPerIteration: result.seconds / Double(max(1, result.iterations)),
                          created: MachineInfo.timestamp()))
    }
}
