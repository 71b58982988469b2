// StimulusParameters: the one record of everything that decides a stimulus's pixels.
//
// The CLI's options, a manifest's settings and a stored record all become this value; a
// synthesis runs from it, provenance stores it (`parameters`, record format 2), resume compares
// it, and `reproduce` decodes it. Paths, threads and the convolution algorithm are not in it:
// they say where things are and how fast they run, not what the stimulus is (SynthesisRequest
// carries them). Format-1 records, written before it, are read by `init(formatOneRecord:)`.

import Foundation
import TextureCore
import TextureSynthesis

public struct StimulusParameters: Codable, Sendable, Equatable {
    public var model: ModelName
    /// The SHA-256 of the `vgg19` weights file (nil for the embedded models). In a request, nil
    /// takes whatever file the weights path holds and a value must match it; a record holds the
    /// hash of the file used.
    public var weightsSha256: String?
    /// The layers whose Gram matrices are matched. nil only in a request: the model's default
    /// layers (or the request's preset's); a record and a job hold the resolved list.
    public var layers: [String]?
    /// w_l per layer (nil: the model's default weights).
    public var layerWeights: [Double]?
    /// β of the spectrum term (Liu et al. 2016); nil: none (in a request: the preset's, if any).
    public var spectrumWeight: Double?
    /// Resize the source to size × size (after a centre-square crop when `crop`); nil: as it is.
    public var size: Int?
    public var crop: Bool
    /// The stimulus side; nil: the prepared source's size.
    public var outputSize: Int?
    /// Rec. 709 luma source, grey stimulus (R = G = B).
    public var grey: Bool
    /// Start from this image (its path as given) instead of the seeded noise.
    public var initImage: String?
    /// The L-BFGS-B iteration limit.
    public var iterations: Int
    /// The seed of the start noise (a set job's is derived, see SeedDerivation).
    public var seed: UInt64
    /// Match each channel's histogram to the source after synthesis.
    public var histogramMatch: Bool
    /// PNG bit depth: 8 or 16.
    public var bitDepth: Int
    /// Equalisation of mean luminance and RMS contrast, after histogram matching (nil: none).
    public var equalize: Equalization?
    /// An aperture with a raised-cosine edge over a background grey, after equalisation (nil:
    /// none). Records without it (all before it existed) decode to nil, and nil is not written, so
    /// a stimulus without a window keeps the bytes it had.
    public var window: ApertureWindow?
    /// Stopping rules besides the iteration limit (empty: none, the reference setting).
    public var stopping: StoppingRules
    /// L-BFGS-B's memory m, factr and pgtol, exactly as the optimiser is given them.
    public var optimizer: OptimizerSettings
    /// `portilla-simoncelli` only: the statistics' scales, orientations, correlation width and
    /// matched groups (nil in a request: plenoptic's defaults, all groups; a record and a job hold
    /// them resolved). nil for the network models, whose records do not have the key.
    public var portillaSimoncelli: PortillaSimoncelliSettings?

    /// The defaults of `texstim synthesize` and of a manifest: the embedded model, 1000
    /// iterations, seed 0, 8-bit colour, no post-processing (no equalisation, no window), the
    /// reference optimiser settings.
    public init(
        model: ModelName = ModelCatalog.defaultModel, weightsSha256: String? = nil, layers: [String]? = nil,
        layerWeights: [Double]? = nil, spectrumWeight: Double? = nil, size: Int? = nil, crop: Bool = true,
        outputSize: Int? = nil, grey: Bool = false, initImage: String? = nil, iterations: Int = 1000,
        seed: UInt64 = 0, histogramMatch: Bool = false, bitDepth: Int = 8, equalize: Equalization? = nil,
        window: ApertureWindow? = nil, stopping: StoppingRules = StoppingRules(),
        optimizer: OptimizerSettings = OptimizerSettings(),
        portillaSimoncelli: PortillaSimoncelliSettings? = nil
    ) {
        self.model = model
        self.weightsSha256 = weightsSha256
        self.layers = layers
        self.layerWeights = layerWeights
        self.spectrumWeight = spectrumWeight
        self.size = size
        self.crop = crop
        self.outputSize = outputSize
        self.grey = grey
        self.initImage = initImage
        self.iterations = iterations
        self.seed = seed
        self.histogramMatch = histogramMatch
        self.bitDepth = bitDepth
        self.equalize = equalize
        self.window = window
        self.stopping = stopping
        self.optimizer = optimizer
        self.portillaSimoncelli = portillaSimoncelli
    }
}

extension SynthesisOptions {
    /// The optimiser's part of `parameters`, for a stimulus of height × width starting from
    /// `initImage` (the decoded `parameters.initImage`), run by `optimizerCode` on `threads`.
    public init(
        _ parameters: StimulusParameters, height: Int, width: Int, initImage: Tensor?,
        optimizerCode: LBFGSBImplementation = .default, threads: Int = 1
    ) {
        self.init(
            height: height, width: width, iterations: parameters.iterations, seed: parameters.seed,
            grey: parameters.grey, histogramMatch: parameters.histogramMatch, initImage: initImage,
            optimizer: parameters.optimizer)
        stopping = parameters.stopping
        self.optimizerCode = optimizerCode
        self.threads = threads
    }
}
