// SynthesisJob: one stimulus from a source image: check everything, synthesise, encode, write.

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis
import TextureValidation
import TextureWeights

/// Everything one synthesis needs, as plain values (from CLI flags, a manifest job, or a record).
public struct SynthesisRequest: Sendable {
    public var sourcePath: String
    public var outputPath: String
    public var model: String = ModelCatalog.defaultModel.rawValue
    public var weightsPath: String?
    /// A model already loaded by the caller (a set run loads each model once); else `model` is loaded.
    public var loadedModel: (any TextureModel)?
    /// The origin of `loadedModel`'s weights (for provenance); found when `model` is loaded here.
    public var weightsOrigin: WeightsOrigin?
    /// Use `vgg19` weights that are not a published VGG-19 (provenance then says unverified).
    public var allowUnverifiedWeights = false
    public var layers: [String]?
    public var layerWeights: [Double]?
    public var preset: String?
    /// β of the spectrum term (Liu et al. 2016); nil: the preset's (wallis2017:powerspec), else none.
    public var spectrumWeight: Double?
    /// Resize the source to size × size (after a centre-square crop when `crop`).
    public var size: Int?
    public var crop = true
    /// The stimulus side; defaults to the (prepared) source's size.
    public var outputSize: Int?
    public var iterations: Int = 1000
    public var seed: UInt64 = 0
    public var grey = false
    public var histogramMatch = false
    public var bitDepth = 8
    public var initPath: String?
    public var threads = 1
    /// The convolution algorithm; it changes the last bits, not the statistics (recorded in provenance).
    public var convolution = ConvolutionChoice.default
    public var maxSide = ImageFile.defaultMaxSide
    /// Optional equalisation of mean luminance and RMS contrast, after histogram matching.
    public var equalize: Equalization?
    /// Stopping rules besides the iteration limit (none by default).
    public var stopping = StoppingRules()
    /// Set when the stimulus belongs to a manifest's set; recorded in provenance.
    public var job: StimulusRecord.Job?

    public init(sourcePath: String, outputPath: String) {
        self.sourcePath = sourcePath
        self.outputPath = outputPath
    }
}

/// A finished stimulus in memory: PNG bytes (provenance without timing inside) and its record.
public struct SynthesizedStimulus: Sendable {
    public var png: Data
    public var record: StimulusRecord
    public var warnings: [String]
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

    /// Synthesises and writes OUT.png, then OUT.json (each atomically; provenance last).
    /// All inputs are checked before any work starts; nothing is written on failure.
    public static func run(_ request: SynthesisRequest, progress: (SynthesisProgress) -> Void = { _ in },
                           shouldContinue: () -> Bool = { true }) throws(PipelineError) -> SynthesisOutcome {
        try checkArguments(request)
        do { try ImageFile.checkWritable(path: request.outputPath) } catch { throw .image(error) }
        try OutputGuard.check(request)
        let stimulus = try synthesize(request, progress: progress, shouldContinue: shouldContinue)
        return try write(stimulus, to: request.outputPath)
    }

    public static func write(_ stimulus: SynthesizedStimulus, to pngPath: String) throws(PipelineError) -> SynthesisOutcome {
        let jsonPath = sidecarPath(for: pngPath)
        do {
            try ImageFile.writeAtomically(stimulus.png, to: pngPath)
            try ImageFile.writeAtomically(Data((stimulus.record.json() + "\n").utf8), to: jsonPath)
        } catch { throw .image(error) }
        return SynthesisOutcome(record: stimulus.record, pngPath: pngPath, jsonPath: jsonPath, warnings: stimulus.warnings)
    }

    /// Runs the synthesis and encodes the PNG in memory (used by `run` and by `reproduce`).
    public static func synthesize(_ request: SynthesisRequest, progress: (SynthesisProgress) -> Void = { _ in },
                                  shouldContinue: () -> Bool = { true }) throws(PipelineError) -> SynthesizedStimulus {
        try checkArguments(request)
        let sourceBytes: Data, source: DecodedImage
        do {
            sourceBytes = try ImageFile.readFile(path: request.sourcePath, role: "source image")
            source = try ImageFile.decode(sourceBytes, path: request.sourcePath, maxSide: request.maxSide)
        } catch { throw .image(error) }
        let loaded: LoadedModel
        if let model = request.loadedModel { loaded = LoadedModel(model: model, weights: request.weightsOrigin) } else {
            do {
                loaded = try ModelLoader.load(request.model, weightsPath: request.weightsPath,
                                              allowUnverified: request.allowUnverifiedWeights)
            } catch { throw PipelineError(error) }
        }
        let model = loaded.model
        // The prepared source's shape, known before it is made: the memory check comes first.
        let preparedShape = request.size.map { Shape(3, $0, $0) } ?? Shape(3, source.pixels.shape.height, source.pixels.shape.width)
        let layers = try LayerSelection.resolve(model: model, layers: request.layers, preset: request.preset, sourceShape: preparedShape)
        let height = request.outputSize ?? preparedShape.height, width = request.outputSize ?? preparedShape.width
        try checkMemory(request, model: model, layers: layers, source: preparedShape, output: Shape(3, height, width))
        let prepared = ImagePreparation.prepareSource(source.pixels, size: request.size, crop: request.crop, grey: request.grey)
        if let weights = request.layerWeights, weights.count != layers.count {
            throw .invalidArgument(name: "--layer-weights", value: weights.map { "\($0)" }.joined(separator: ","),
                                   hint: "give one weight per layer (\(layers.count))")
        }
        let spectrum = (request.spectrumWeight ?? request.preset.flatMap(LayerPresets.spectrumWeight(for:)))
            .map { SpectrumSetting(weight: $0, grey: request.grey) }
        var initImage: Tensor?
        var warnings = source.warnings
        if !request.grey && PixelStatistics.isGrey(source.pixels) {
            warnings.append("\(request.sourcePath): the source is grey (R = G = B within one code value) but the synthesis is in colour, "
                            + "which can tint it. Hint: pass --grey")
        }
        if let initPath = request.initPath {
            let decoded: DecodedImage
            do { decoded = try ImageFile.load(path: initPath, maxSide: request.maxSide, role: "init image") } catch {
                throw .image(error)
            }
            initImage = ImagePreparation.resize(ImagePreparation.rgb(decoded.pixels), height: height, width: width)
            warnings += decoded.warnings
        }
        let objective: TextureObjective
        let result: SynthesisResult
        do {
            objective = try TextureObjective(model: model, source: prepared, terms: model.terms(layers: layers, weights: request.layerWeights),
                                             threads: request.threads, convolution: request.convolution.algorithm, spectrum: spectrum)
            var options = SynthesisOptions(height: height, width: width, iterations: request.iterations, seed: request.seed,
                                           grey: request.grey, histogramMatch: request.histogramMatch, initImage: initImage)
            options.stopping = request.stopping
            result = try TextureSynthesizer.synthesize(objective: objective, options: options, progress: progress, shouldContinue: shouldContinue)
        } catch .cancelled {
            throw .cancelled
        } catch { throw .synthesis(error) }
        var final = result
        var equalizeClamped: Double?
        if let equalize = request.equalize {
            do { (final.pixels, equalizeClamped) = try equalize.apply(result.pixels) } catch { throw .synthesis(error) }
        }
        var record = ProvenanceBuilder.record(request, source: source, sourceSHA256: SHA256.hex(sourceBytes), model: model,
                                              objective: objective, result: final)
        (record.model.weightsOrigin, record.model.verification) = (loaded.weights?.description, loaded.weights?.label)
        record.postprocessing.equalize = request.equalize
        record.postprocessing.equalizeClampedFraction = equalizeClamped
        var withoutTiming = record
        withoutTiming.timing = nil
        withoutTiming.pngSha256 = nil
        let png: Data
        do { png = try PNGFile.encode(final.pixels, bitDepth: request.bitDepth, text: withoutTiming.json()) } catch {
            throw .image(error)
        }
        record.pngSha256 = SHA256.hex(png)
        return SynthesizedStimulus(png: png, record: record, warnings: warnings)
    }

    /// Refuses, before the networks are made, a synthesis whose estimated peak memory is above the machine's.
    static func checkMemory(_ request: SynthesisRequest, model: any TextureModel, layers: [String], source: Shape, output: Shape) throws(PipelineError) {
        let estimate = SynthesisMemory.estimate(model: model, layers: layers, source: source, output: output,
                                                grey: request.grey, threads: request.threads)
        let detail = "model \(model.name), source \(source.width)×\(source.height), stimulus \(output.width)×\(output.height), "
            + "layers \(layers.joined(separator: ",")), \(request.threads) thread\(request.threads == 1 ? "" : "s")"
        try MachineMemory.require(estimate.bytes, for: request.sourcePath, detail: detail,
                                  hint: "use a smaller --size or --output-size (memory grows with the side squared), or shallower layers")
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
        if let beta = request.spectrumWeight, !(beta >= 0 && beta.isFinite) {
            throw .invalidArgument(name: "--spectrum-weight", value: "\(beta)", hint: "use a weight β ≥ 0, e.g. 1e6 for vgg19 at 256² (see the README)")
        }
        guard request.threads >= 1 else {
            throw .invalidArgument(name: "--threads", value: "\(request.threads)", hint: "use at least 1 thread")
        }
    }
}
