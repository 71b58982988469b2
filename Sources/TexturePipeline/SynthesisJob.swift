// SynthesisJob: one stimulus from a source image: check everything, synthesise, write PNG + JSON.

import Foundation
import TextureCore
import TextureSynthesis

/// Everything `texstim synthesize` needs, as plain values.
public struct SynthesisRequest: Sendable {
    public var sourcePath: String
    public var outputPath: String
    public var model: String = ModelCatalog.defaultModel.rawValue
    public var weightsPath: String?
    public var layers: [String]?
    public var layerWeights: [Double]?
    public var preset: String?
    /// Centre-square crop and resize the source to size × size.
    public var size: Int?
    /// The stimulus side; defaults to the (prepared) source's size.
    public var outputSize: Int?
    public var iterations: Int = 1000
    public var seed: UInt64 = 0
    public var grey = false
    public var histogramMatch = false
    public var bitDepth = 8
    public var initPath: String?
    public var threads = 1
    public var maxSide = ImageFile.defaultMaxSide

    public init(sourcePath: String, outputPath: String) {
        self.sourcePath = sourcePath
        self.outputPath = outputPath
    }
}

public struct SynthesisOutcome: Sendable {
    public var record: StimulusRecord
    public var pngPath: String
    public var jsonPath: String
    public var warnings: [String]
}

public enum SynthesisJob {
    /// The sidecar path: OUT.png → OUT.json.
    public static func sidecarPath(for pngPath: String) -> String {
        (pngPath as NSString).deletingPathExtension + ".json"
    }

    /// Runs one synthesis. All inputs are checked before any work starts; nothing is written
    /// unless the synthesis succeeds, and then the PNG and the JSON are each written atomically.
    public static func run(_ request: SynthesisRequest, progress: (SynthesisProgress) -> Void = { _ in }) throws(PipelineError) -> SynthesisOutcome {
        try checkArguments(request)
        let source = try ImageFile.load(path: request.sourcePath, maxSide: request.maxSide, role: "source image")
        let model: any TextureModel
        do { model = try ModelCatalog.load(request.model, weightsPath: request.weightsPath) } catch { throw .core(error) }
        let prepared = ImagePreparation.prepareSource(source.pixels, size: request.size, grey: request.grey)
        let layers = try LayerSelection.resolve(model: model, layers: request.layers, preset: request.preset, sourceShape: prepared.shape)
        if let weights = request.layerWeights, weights.count != layers.count {
            throw .invalidArgument(name: "--layer-weights", value: weights.map { "\($0)" }.joined(separator: ","),
                                   hint: "give one weight per layer (\(layers.count))")
        }
        let side = request.outputSize ?? prepared.shape.height
        let outputWidth = request.outputSize ?? prepared.shape.width
        var initImage: Tensor?
        var warnings = source.warnings
        if let initPath = request.initPath {
            let decoded = try ImageFile.load(path: initPath, maxSide: request.maxSide, role: "init image")
            initImage = ImagePreparation.resize(ImagePreparation.rgb(decoded.pixels), height: side, width: outputWidth)
            warnings += decoded.warnings
        }
        try ImageFile.checkWritable(path: request.outputPath)
        let objective: TextureObjective
        let result: SynthesisResult
        do {
            objective = try TextureObjective(model: model, source: prepared, terms: model.terms(layers: layers, weights: request.layerWeights),
                                             threads: request.threads)
            let options = SynthesisOptions(height: side, width: outputWidth, iterations: request.iterations, seed: request.seed,
                                           grey: request.grey, histogramMatch: request.histogramMatch, initImage: initImage)
            result = try TextureSynthesizer.synthesize(objective: objective, options: options, progress: progress)
        } catch { throw .synthesis(error) }
        let record = try makeRecord(request, source: source, model: model, objective: objective, result: result)
        var withoutTiming = record
        withoutTiming.timing = nil
        let png = try PNGFile.encode(result.pixels, bitDepth: request.bitDepth, text: withoutTiming.json())
        let jsonPath = sidecarPath(for: request.outputPath)
        try ImageFile.writeAtomically(png, to: request.outputPath)
        try ImageFile.writeAtomically(Data((record.json() + "\n").utf8), to: jsonPath)
        return SynthesisOutcome(record: record, pngPath: request.outputPath, jsonPath: jsonPath, warnings: warnings)
    }

    static func checkArguments(_ request: SynthesisRequest) throws(PipelineError) {
        guard request.outputPath.lowercased().hasSuffix(".png") else {
            throw .invalidArgument(name: "--out", value: request.outputPath, hint: "the output file name must end in .png")
        }
        for (name, value) in [("--size", request.size), ("--output-size", request.outputSize)] {
            if let value, value < 1 || value > request.maxSide {
                throw .invalidArgument(name: name, value: "\(value)", hint: "use a side between 1 and \(request.maxSide) pixels")
            }
        }
        guard request.iterations >= 1 else {
            throw .invalidArgument(name: "--iterations", value: "\(request.iterations)", hint: "use at least 1 iteration")
        }
        guard request.bitDepth == 8 || request.bitDepth == 16 else {
            throw .invalidArgument(name: "--bit-depth", value: "\(request.bitDepth)", hint: "use 8 or 16")
        }
        guard request.threads >= 1 else {
            throw .invalidArgument(name: "--threads", value: "\(request.threads)", hint: "use at least 1 thread")
        }
    }

    static func makeRecord(_ request: SynthesisRequest, source: DecodedImage, model: any TextureModel,
                           objective: TextureObjective, result: SynthesisResult) throws(PipelineError) -> StimulusRecord {
        let sourceSHA = SHA256.hex((try? ImageFile.readFile(path: request.sourcePath, role: "source image")) ?? Data())
        let start = request.initPath.map { "init image \($0)" } ?? "gaussian noise (source mean and SD per channel, seed \(request.seed))"
        return StimulusRecord(
            source: .init(path: request.sourcePath, sha256: sourceSHA, width: source.pixels.shape.width,
                          height: source.pixels.shape.height, bitDepth: source.bitDepth),
            preparation: .init(size: request.size, crop: request.size == nil ? "none" : "centre-square",
                               resizeFilter: "bicubic (Keys a=-0.5), antialiased when shrinking", grey: request.grey,
                               greyConversion: request.grey ? "Rec. 709 luma" : nil, modelInput: model.preprocessing.rawValue),
            model: .init(name: model.name, weightsPath: model.weightsSHA256 == nil ? nil : (request.weightsPath ?? ModelCatalog.defaultWeightsPath()),
                         weightsSha256: model.weightsSHA256),
            layers: objective.terms, seed: request.seed,
            optimizer: .init(memory: 20, maxIterations: request.iterations, factr: 0, pgtol: 0,
                             boundsLower: result.bounds.lowerBound, boundsUpper: result.bounds.upperBound, start: start,
                             variable: request.grey ? "grey pixels in [0, 1]" : "model input (preprocessed RGB)"),
            iterations: result.iterations, evaluations: result.evaluations, stopReason: result.stopReason,
            loss: .init(initial: result.initialLoss, final: result.finalLoss, afterHistogramMatching: result.histogramMatchedLoss),
            postprocessing: .init(histogramMatch: request.histogramMatch, clampedFraction: result.clampedFraction),
            output: .init(width: result.pixels.shape.width, height: result.pixels.shape.height,
                          channels: result.pixels.shape.channels, bitDepth: request.bitDepth),
            machine: MachineInfo.record(threads: request.threads),
            timing: .init(seconds: result.seconds, secondsPerIteration: result.seconds / Double(max(1, result.iterations)),
                          created: MachineInfo.timestamp()))
    }
}
