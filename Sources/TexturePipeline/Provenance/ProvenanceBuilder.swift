// ProvenanceBuilder: assemble a StimulusRecord from a request, its resolved parameters and its synthesis result.

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis

enum ProvenanceBuilder {
    /// The record of one synthesis. `parameters` are the request's, resolved (see
    /// SynthesisJob.resolve); the descriptive blocks are derived from them and from the result,
    /// the optimiser's settings from what L-BFGS-B was given (`result.optimizer`).
    static func record(
        _ request: SynthesisRequest, parameters: StimulusParameters, source: DecodedImage,
        sourceSHA256: String, model: ModelDescription, result: SynthesisResult
    ) -> StimulusRecord {
        let p = parameters
        let stimulusFolder = (request.outputPath as NSString).deletingLastPathComponent
        return StimulusRecord(
            recordFormatVersion: StimulusRecord.formatVersion(for: p), job: request.job, parameters: p,
            source: .init(
                path: request.sourcePath, sha256: sourceSHA256, width: source.pixels.shape.width,
                height: source.pixels.shape.height, bitDepth: source.bitDepth,
                pathFromStimulus: FileLocator.relativePath(of: request.sourcePath, from: stimulusFolder)),
            preparation: .init(
                size: p.size, crop: p.cropDescription,
                resizeFilter: "bicubic (Keys a=-0.5), antialiased when shrinking",
                grey: p.grey, greyConversion: p.grey ? "Rec. 709 luma" : nil,
                modelInput: model.modelInput),
            model: model.record, layers: model.layers, spectrumWeight: model.spectrumWeight, seed: p.seed,
            optimizer: .init(
                algorithm: result.optimizerCode.recordName, memory: result.optimizer.memory, maxIterations: p.iterations,
                factr: result.optimizer.factr,
                pgtol: result.optimizer.pgtol,
                stopping: result.convergence.stoppingRules.isEmpty ? nil : result.convergence.stoppingRules,
                bounds: result.bounds.map { [$0.lowerBound, $0.upperBound] }, start: p.startDescription,
                variable: p.grey
                    ? model.greyVariable
                    : "model input (preprocessed RGB)"),
            iterations: result.iterations, evaluations: result.evaluations, stopReason: result.stopReason,
            convergence: result.convergence,
            loss: .init(
                initial: result.initialLoss, final: result.finalLoss,
                afterHistogramMatching: result.histogramMatchedLoss),
            postprocessing: .init(
                histogramMatch: p.histogramMatch, clampedFraction: result.clampedFraction,
                equalize: p.equalize, window: p.window),
            output: .init(
                requestedSize: p.outputSize, width: result.pixels.shape.width,
                height: result.pixels.shape.height,
                channels: result.pixels.shape.channels, bitDepth: p.bitDepth),
            machine: MachineInfo.record(
                threads: request.threads, convolution: request.convolution, gram: request.gram,
                products: request.products),
            timing: .init(
                seconds: result.seconds, secondsPerIteration: result.seconds / Double(max(1, result.iterations)),
                created: MachineInfo.timestamp(), cpuSeconds: request.threads == 1 ? result.threadCPUSeconds : nil))
    }
}
