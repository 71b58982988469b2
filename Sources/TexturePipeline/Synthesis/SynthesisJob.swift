// SynthesisJob: one stimulus from a source image: check everything, synthesise, encode, write.

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis
import TextureValidation
import TextureWeights

/// Everything one synthesis needs: what the stimulus is (`parameters`, from CLI options, a
/// manifest's job or a stored record) and where its files are and how it runs (the rest).
public struct SynthesisRequest: Sendable {
    public var sourcePath: String
    public var outputPath: String
    public var parameters: StimulusParameters
    /// A published condition (gatys2015:…, wallis2017:…), resolved into the recorded parameters'
    /// layers and spectrum weight; nil: none.
    public var preset: String?
    /// The `vgg19` weights file (nil: `ModelCatalog.defaultWeightsPath()`).
    public var weightsPath: String?
    /// A model already loaded by the caller (a set run loads each model once); else `parameters.model` is loaded.
    public var loadedModel: (any TextureModel)?
    /// The origin of `loadedModel`'s weights (for provenance); found when the model is loaded here.
    public var weightsOrigin: WeightsOrigin?
    /// Use `vgg19` weights that are not a published VGG-19 (provenance then says unverified).
    public var allowUnverifiedWeights = false
    public var threads = 1
    /// The convolution algorithm; it changes the last bits, not the statistics (recorded in provenance).
    public var convolution = ConvolutionChoice.default
    /// What computes Winograd's Gram matrices (nil: the product kernel); `reproduce` sets the
    /// recorded one. `direct` always uses OpenBLAS.
    public var gram: GramKernel?
    /// What computes Winograd's products and transforms (nil: ProductKernel.machine, which
    /// TEXSTIM_KERNEL can lower); `reproduce` sets the recorded one where it runs here.
    public var products: ProductKernel?
    /// Which code runs L-BFGS-B (nil: LBFGSBImplementation.default); `reproduce` sets the recorded one.
    public var optimizerCode: LBFGSBImplementation?
    public var maxSide = ImageFile.defaultMaxSide
    /// Set when the stimulus belongs to a manifest's set; recorded in provenance.
    public var job: StimulusRecord.Job?

    public init(sourcePath: String, outputPath: String, parameters: StimulusParameters = StimulusParameters()) {
        self.sourcePath = sourcePath
        self.outputPath = outputPath
        self.parameters = parameters
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
    public static func run(
        _ request: SynthesisRequest, progress: (SynthesisProgress) -> Void = { _ in },
        shouldContinue: () -> Bool = { true }
    ) throws(PipelineError) -> SynthesisOutcome {
        try checkArguments(request)
        do { try ImageFile.checkWritable(path: request.outputPath) } catch { throw .image(error) }
        try OutputGuard.check(request)
        let stimulus = try synthesize(request, progress: progress, shouldContinue: shouldContinue)
        return try write(stimulus, to: request.outputPath)
    }

    public static func write(
        _ stimulus: SynthesizedStimulus, to pngPath: String
    ) throws(PipelineError) -> SynthesisOutcome {
        let jsonPath = sidecarPath(for: pngPath)
        do {
            try ImageFile.writeAtomically(stimulus.png, to: pngPath)
            try ImageFile.writeAtomically(Data((stimulus.record.json() + "\n").utf8), to: jsonPath)
        } catch { throw .image(error) }
        return SynthesisOutcome(
            record: stimulus.record, pngPath: pngPath, jsonPath: jsonPath, warnings: stimulus.warnings)
    }

    /// Runs the synthesis and encodes the PNG in memory (used by `run` and by `reproduce`).
    public static func synthesize(
        _ request: SynthesisRequest, progress: (SynthesisProgress) -> Void = { _ in },
        shouldContinue: () -> Bool = { true }
    ) throws(PipelineError) -> SynthesizedStimulus {
        try checkArguments(request)
        let sourceBytes: Data, source: DecodedImage
        do {
            sourceBytes = try ImageFile.readFile(path: request.sourcePath, role: "source image")
            source = try ImageFile.decode(sourceBytes, path: request.sourcePath, maxSide: request.maxSide)
        } catch { throw .image(error) }
        let synthesisModel = try SynthesisModel.of(request)
        let asked = request.parameters
        // The prepared source's shape, known before it is made: the memory check comes first.
        let preparedShape =
            asked.size.map { Shape(3, $0, $0) }
            ?? Shape(3, source.pixels.shape.height, source.pixels.shape.width)
        let parameters = try resolve(request, model: synthesisModel, sourceShape: preparedShape)
        let height = asked.outputSize ?? preparedShape.height, width = asked.outputSize ?? preparedShape.width
        if case .network(let loaded) = synthesisModel {
            try checkMemory(
                request, model: loaded.model, layers: parameters.layers ?? [], source: preparedShape,
                output: Shape(3, height, width))
        }
        let prepared = ImagePreparation.prepareSource(
            source.pixels, size: asked.size, crop: asked.crop,
            grey: asked.grey)
        var initImage: Tensor?
        var warnings = source.warnings
        if !asked.grey && PixelStatistics.isGrey(source.pixels) {
            warnings.append(
                "\(request.sourcePath): the source is grey (R = G = B within one code value) but the synthesis is in colour, "
                    + "which can tint it. Hint: pass --grey")
        }
        if let initPath = asked.initImage {
            let decoded: DecodedImage
            do { decoded = try ImageFile.load(path: initPath, maxSide: request.maxSide, role: "init image") } catch {
                throw .image(error)
            }
            initImage = ImagePreparation.resize(ImagePreparation.rgb(decoded.pixels), height: height, width: width)
            warnings += decoded.warnings
        }
        if let problem = parameters.window?.problem(height: height, width: width) {
            throw .invalidArgument(
                name: "window", value: problem,
                hint: "give a smaller radius, size or ramp, or a larger --size/--output-size")
        }
        let (objective, result) = try optimise(
            parameters, request: request, model: synthesisModel, prepared: prepared,
            options: SynthesisOptions(
                parameters, height: height, width: width, initImage: initImage,
                optimizerCode: request.optimizerCode ?? .default, threads: request.threads),
            progress: progress, shouldContinue: shouldContinue)
        var final = result
        let (equalizeClamped, windowBackground) = try postprocess(&final.pixels, parameters)
        var record = ProvenanceBuilder.record(
            request, parameters: parameters, source: source,
            sourceSHA256: SHA256.hex(sourceBytes),
            model: synthesisModel.description(request: request, objective: objective),
            result: final)
        record.postprocessing.equalizeClampedFraction = equalizeClamped
        record.postprocessing.windowBackground = windowBackground
        var withoutTiming = record
        withoutTiming.timing = nil
        withoutTiming.pngSha256 = nil
        let png: Data
        do { png = try PNGFile.encode(final.pixels, bitDepth: parameters.bitDepth, text: withoutTiming.json()) } catch {
            throw .image(error)
        }
        record.pngSha256 = SHA256.hex(png)
        return SynthesizedStimulus(png: png, record: record, warnings: warnings)
    }

    /// Equalisation, then the aperture window, in place on the synthesis's pixels (before
    /// quantisation, so a 16-bit stimulus keeps full precision). Returns the fraction equalisation
    /// clamped and the window's background grey (nil when not applied).
    static func postprocess(
        _ pixels: inout Tensor, _ parameters: StimulusParameters
    ) throws(PipelineError) -> (equalizeClamped: Double?, windowBackground: Double?) {
        var equalizeClamped: Double?
        if let equalize = parameters.equalize {
            do { (pixels, equalizeClamped) = try equalize.apply(pixels, within: parameters.window) } catch {
                throw .synthesis(error)
            }
        }
        guard let window = parameters.window else { return (equalizeClamped, nil) }
        let background = window.backgroundValue(for: pixels, equalizedMean: parameters.equalize?.meanLuminance)
        pixels = window.apply(pixels, background: background)
        return (equalizeClamped, background)
    }

    /// The request's parameters as the record keeps them. A network's: the layers and spectrum
    /// weight resolved (from the preset, else the model's default layers) and the weights' SHA-256
    /// filled in; a SHA-256 the request asks for (a reproduced record's) must be the loaded
    /// weights'. Portilla–Simoncelli's: its settings filled in and its rules checked.
    static func resolve(
        _ request: SynthesisRequest, model: SynthesisModel,
        sourceShape: Shape
    ) throws(PipelineError) -> StimulusParameters {
        switch model {
        case .network(let loaded): return try resolve(request, model: loaded.model, sourceShape: sourceShape)
        case .portillaSimoncelli:
            let parameters = PortillaSimoncelliRules.resolved(request.parameters)
            try PortillaSimoncelliRules.check(
                parameters, height: sourceShape.height, width: sourceShape.width,
                preset: request.preset)
            return parameters
        }
    }

    static func resolve(
        _ request: SynthesisRequest, model: any TextureModel,
        sourceShape: Shape
    ) throws(PipelineError) -> StimulusParameters {
        var parameters = request.parameters
        if let expected = parameters.weightsSha256, expected != model.weightsSHA256 {
            throw .invalidArgument(
                name: request.weightsPath ?? ModelCatalog.defaultWeightsPath(),
                value: "SHA-256 \(model.weightsSHA256 ?? "none")",
                hint: "the parameters ask for the weights with SHA-256 \(expected); use that file")
        }
        parameters.weightsSha256 = model.weightsSHA256
        let layers = try LayerSelection.resolve(
            model: model, layers: parameters.layers, preset: request.preset,
            sourceShape: sourceShape)
        if let weights = parameters.layerWeights, weights.count != layers.count {
            throw .invalidArgument(
                name: "--layer-weights", value: weights.map { "\($0)" }.joined(separator: ","),
                hint: "give one weight per layer (\(layers.count))")
        }
        parameters.layers = layers
        parameters.spectrumWeight =
            parameters.spectrumWeight
            ?? request.preset.flatMap(LayerPresets.spectrumWeight(for:))
        return parameters
    }

    /// The objective of the resolved `parameters` and the optimisation's result.
    static func optimise(
        _ parameters: StimulusParameters, request: SynthesisRequest, model: SynthesisModel,
        prepared: Tensor, options: SynthesisOptions, progress: (SynthesisProgress) -> Void,
        shouldContinue: () -> Bool
    ) throws(PipelineError) -> (any SynthesisObjective, SynthesisResult) {
        let objective = try model.objective(parameters, request: request, prepared: prepared)
        do {
            let result = try TextureSynthesizer.synthesize(
                objective: objective, options: options, progress: progress,
                shouldContinue: shouldContinue)
            return (objective, result)
        } catch .cancelled {
            throw .cancelled
        } catch { throw .synthesis(error) }
    }

    /// Refuses, before the networks are made, a synthesis whose estimated peak memory is above the machine's.
    static func checkMemory(
        _ request: SynthesisRequest, model: any TextureModel, layers: [String], source: Shape, output: Shape
    ) throws(PipelineError) {
        let estimate = SynthesisMemory.estimate(
            model: model, layers: layers, source: source, output: output,
            grey: request.parameters.grey, threads: request.threads,
            memory: request.parameters.optimizer.memory)
        let detail =
            "model \(model.name), source \(source.width)×\(source.height), stimulus \(output.width)×\(output.height), "
            + "layers \(layers.joined(separator: ",")), \(request.threads) thread\(request.threads == 1 ? "" : "s")"
        try MachineMemory.require(
            estimate.bytes, for: request.sourcePath, detail: detail,
            hint: "use a smaller --size or --output-size (memory grows with the side squared), or shallower layers")
    }

    static func checkArguments(_ request: SynthesisRequest) throws(PipelineError) {
        let parameters = request.parameters
        guard request.outputPath.lowercased().hasSuffix(".png") else {
            throw .invalidArgument(
                name: "--out", value: request.outputPath, hint: "the output file name must end in .png")
        }
        for (name, value) in [("--size", parameters.size), ("--output-size", parameters.outputSize)] {
            if let value, value < 1 || value > request.maxSide {
                throw .invalidArgument(
                    name: name, value: "\(value)", hint: "use a side between 1 and \(request.maxSide) pixels")
            }
        }
        guard parameters.iterations >= 1 else {
            throw .invalidArgument(
                name: "--iterations", value: "\(parameters.iterations)",
                hint: "use at least 1 iteration")
        }
        guard parameters.bitDepth == 8 || parameters.bitDepth == 16 else {
            throw .invalidArgument(name: "--bit-depth", value: "\(parameters.bitDepth)", hint: "use 8 or 16")
        }
        if let beta = parameters.spectrumWeight, !(beta >= 0 && beta.isFinite) {
            throw .invalidArgument(
                name: "--spectrum-weight", value: "\(beta)",
                hint: "use a weight β ≥ 0, e.g. 1e6 for vgg19 at 256² (see the README)")
        }
        guard request.threads >= 1 else {
            throw .invalidArgument(name: "--threads", value: "\(request.threads)", hint: "use at least 1 thread")
        }
        // Before the source is read or a model loaded: a record's settings may have been edited.
        if let problem = parameters.optimizer.problem {
            throw .invalidArgument(name: problem.name, value: problem.value, hint: problem.hint)
        }
    }
}
