// ParameterOptions: the option groups that build a StimulusParameters (synthesize) and pick a model (compare too).

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline
import TextureSynthesis

/// The model and what of it is matched: shared by synthesize and compare.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Texture model: random-pyramid (embedded, not the paper's), vgg19 (the paper's; needs "
                               + "weights), vgg19-random (the random-weights control), portilla-simoncelli "
                               + "(Portilla & Simoncelli 2000's statistics; grey only, at the source's size)."))
    var model: ModelName = ModelCatalog.defaultModel

    @Option(help: "vgg19 weights file (default: weights/vgg19.safetensors, or $TEXSTIM_WEIGHTS_DIR/vgg19.safetensors).",
            completion: .file(extensions: ["safetensors"]))
    var weights: String?

    @Option(help: ArgumentHelp("Comma-separated layers to match, e.g. conv1_1,pool1,pool2 (default: the model's own).",
                               valueName: "layer,…"))
    var layers: CommaSeparated<String>?

    @Option(help: ArgumentHelp("A published condition: Gatys et al. 2015's layer cutoffs or Wallis et al. 2017's "
                               + "conditions (powerspec adds the spectrum term).", valueName: "preset"))
    var preset: PresetName?

    @Option(help: ArgumentHelp("Add Liu et al. (2016)'s Fourier-spectrum term with weight β (model-input units; "
                               + "wallis2017:powerspec sets 1e6). The stimulus must have the source's size.",
                               valueName: "β"))
    var spectrumWeight: Double?

    @Flag(help: allowUnverifiedWeightsHelp)
    var allowUnverifiedWeights = false

    func validate() throws {
        if layers != nil && preset != nil { throw ValidationError("Give either --layers or --preset, not both.") }
        if let spectrumWeight, !(spectrumWeight >= 0 && spectrumWeight.isFinite) {
            throw ValidationError("--spectrum-weight must be a weight β ≥ 0, e.g. 1e6 for vgg19 at 256²; "
                                  + "got \(spectrumWeight).")
        }
    }
}

/// How fast a synthesis or comparison runs: not parameters (they change at most the last bits, which
/// provenance records).
struct ComputeOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Compute threads (BLAS and im2col).")
    var threads: Int = 1

    @Option(help: ConvolutionChoice.help)
    var conv: ConvolutionChoice = .default

    @Option(help: LBFGSBImplementation.help)
    var lbfgsb: LBFGSBImplementation = .default

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }
}

/// Every parameter of one stimulus, as `texstim synthesize` takes them; `parameters` is the record.
struct StimulusOptions: ParsableArguments {
    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup(title: "Portilla–Simoncelli") var portillaSimoncelli: PortillaSimoncelliOptions

    @Option(parsing: .unconditional, help: "Centre-square crop the source and resize it to N×N (bicubic) before use.")
    var size: Int?

    @Option(parsing: .unconditional, help: "Stimulus side in pixels (default: the prepared source's size).")
    var outputSize: Int?

    @Option(parsing: .unconditional, help: "L-BFGS-B iterations.")
    var iterations: Int = StimulusParameters().iterations

    @Option(parsing: .unconditional, help: "Seed of the start noise.")
    var seed: UInt64 = StimulusParameters().seed

    @Flag(help: "Greyscale: Rec. 709 luma source, grey stimulus (R = G = B).")
    var grey = false

    @Flag(help: "Match each channel's histogram to the source after synthesis.")
    var histogramMatch = false

    @Option(parsing: .unconditional, help: "PNG bit depth: 8 or 16.")
    var bitDepth: Int = StimulusParameters().bitDepth

    @Option(help: ArgumentHelp("An aperture over a background grey, applied after equalisation: circle or rectangle, "
                               + "then ramp=PX (the raised-cosine edge inside the aperture; 0: hard), radius=PX "
                               + "(circle; default half the side), size=W or WxH (rectangle; default the image), "
                               + "background=mean|V (default mean: the texture's mean luma), e.g. circle:ramp=16.",
                               valueName: "shape:ramp=PX,…"),
            transform: ApertureWindow.argument)
    var window: ApertureWindow?

    @Option(help: "Start from this image instead of noise.", completion: .file(extensions: imageExtensions))
    var initImage: String?

    @Option(help: ArgumentHelp("Stop when the loss fell by less than --stop-relative-change over this many iterations "
                               + "(off by default)."))
    var stopWindow: Int?

    @Option(help: "With --stop-window: the relative fall (0–1) below which the run stops.")
    var stopRelativeChange: Double?

    @Option(help: "Stop as soon as the loss is at or below this value (off by default).")
    var lossTarget: Double?

    func validate() throws {
        if ![8, 16].contains(bitDepth) { throw ValidationError("--bit-depth must be 8 or 16.") }
        if iterations < 1 { throw ValidationError("--iterations must be at least 1.") }
        if (stopWindow == nil) != (stopRelativeChange == nil) {
            throw ValidationError("--stop-window and --stop-relative-change go together, "
                                  + "e.g. --stop-window 50 --stop-relative-change 0.001.")
        }
        if let stopWindow, stopWindow < 1 { throw ValidationError("--stop-window must be at least 1.") }
        if let change = stopRelativeChange, !(change > 0 && change < 1) {
            throw ValidationError("--stop-relative-change must be between 0 and 1, e.g. 0.001.")
        }
        if let lossTarget, !(lossTarget >= 0 && lossTarget.isFinite) {
            throw ValidationError("--loss-target must be a loss ≥ 0.")
        }
        for (name, value) in [("--size", size), ("--output-size", outputSize)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1 pixel; got \(value).") }
        }
        _ = try portillaSimoncelli.settings(for: modelOptions.model)
    }

    /// The parameter record these options give (layers and spectrum weight still unresolved when
    /// left to the model or the preset; the synthesis records them resolved).
    var parameters: StimulusParameters {
        StimulusParameters(model: modelOptions.model, layers: modelOptions.layers?.values,
                           spectrumWeight: modelOptions.spectrumWeight, size: size, outputSize: outputSize, grey: grey,
                           initImage: initImage, iterations: iterations, seed: seed, histogramMatch: histogramMatch,
                           bitDepth: bitDepth, window: window,
                           stopping: StoppingRules(window: stopWindow, relativeChange: stopRelativeChange,
                                                   lossTarget: lossTarget),
                           portillaSimoncelli: try? portillaSimoncelli.settings(for: modelOptions.model))
    }
}
