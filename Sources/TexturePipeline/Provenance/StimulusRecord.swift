// StimulusRecord: the versioned provenance of one stimulus (PNG iTXt chunk and sidecar JSON).
//
// The PNG carries the record without `timing`, so equal inputs give byte-identical PNGs; the
// sidecar JSON carries all of it. Keys are snake_case and sorted.
//
// Format 2 adds `parameters`, the StimulusParameters that made the stimulus (what resume
// compares and `reproduce` decodes); the other blocks describe the run. Format 1 records (no
// `parameters`) are read through `stimulusParameters()` (StimulusParameters+FormatOne.swift).
// Format 3 is format 2 with `parameters.window`: only windowed stimuli are written in it.

import Foundation
import TextureCore
import TextureSynthesis

public struct StimulusRecord: Codable, Sendable, Equatable {
    public static let currentFormatVersion = 3

    /// The format a record of these parameters is written in: 3 for a windowed stimulus (a
    /// texstim that reads format 2 would drop `parameters.window` and regenerate it without the
    /// window, so it is told to refuse the record), 2 for every other, whose bytes stay as they were.
    public static func formatVersion(for parameters: StimulusParameters) -> Int {
        parameters.window == nil ? 2 : currentFormatVersion
    }

    public struct Tool: Codable, Sendable, Equatable {
        public var name = "texstim"
        public var version = ToolVersion.current
        public var gitCommit = ToolVersion.gitCommit
    }

    public struct Source: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var width: Int
        public var height: Int
        public var bitDepth: Int
        /// `path` relative to the stimulus' folder, so a set that moved with its sources (or was
        /// reproduced from another directory) still finds them (absent in records before it).
        public var pathFromStimulus: String? = nil
    }

    public struct Preparation: Codable, Sendable, Equatable {
        /// Centre-square crop and resize to size × size, when a size was asked for.
        public var size: Int?
        public var crop: String
        public var resizeFilter: String
        public var grey: Bool
        public var greyConversion: String?
        public var modelInput: String
    }

    public struct Model: Codable, Sendable, Equatable {
        public var name: String
        public var weightsPath: String?
        public var weightsSha256: String?
        /// vgg19: the imported file, its SHA-256 and format, and whether it was normalised.
        public var weightsOrigin: String?
        /// vgg19: `published:<name>` or `unverified`. Absent in records made before it was recorded.
        public var verification: String?
    }

    public struct Optimizer: Codable, Sendable, Equatable {
        public var algorithm = "L-BFGS-B 3.0 (Nocedal; Debian liblbfgsb)"
        public var memory: Int
        public var maxIterations: Int
        public var factr: Double
        public var pgtol: Double
        /// Stopping rules besides the iteration limit (absent: none).
        public var stopping: StoppingRules?
        /// [lower, upper] per channel of the optimisation variable.
        public var bounds: [[Double]]
        public var start: String
        public var variable: String
    }

    public struct Losses: Codable, Sendable, Equatable {
        public var initial: LossBreakdown
        public var final: LossBreakdown
        public var afterHistogramMatching: LossBreakdown?
    }

    public struct Postprocessing: Codable, Sendable, Equatable {
        public var histogramMatch: Bool
        public var clampedFraction: Double
        public var equalize: Equalization?
        public var equalizeClampedFraction: Double?
        /// The aperture window as asked (absent: none), and the background grey it used: the
        /// `background` value, or with `mean` the figure it resolved to.
        public var window: ApertureWindow? = nil
        public var windowBackground: Double? = nil
    }

    public struct Output: Codable, Sendable, Equatable {
        /// The --output-size asked for (nil: the prepared source's size).
        public var requestedSize: Int?
        public var width: Int
        public var height: Int
        public var channels: Int
        public var bitDepth: Int
    }

    public struct Machine: Codable, Sendable, Equatable {
        public var cpu: String
        public var blasCore: String
        public var blasThreads: Int
        public var threads: Int
        /// Absent in records written before Winograd existed (= direct).
        public var convolution: ConvolutionChoice?
        /// What computed Winograd's matrix products (texstim-avx512, texstim-avx2 or openblas;
        /// openblas differs from the other two in the last bits). Only with winograd; absent in
        /// records written before it was recorded.
        public var winogradProducts: String?
        /// What computed the Gram matrices (GramKernel: openblas-ssyrk or product-kernel); absent
        /// in records written before the product kernel computed them, which used ssyrk.
        public var gram: GramKernel? = nil
    }

    /// The stimulus's place in a manifest's set; absent for a single `texstim synthesize`.
    public struct Job: Codable, Sendable, Equatable {
        public var id: String
        public var set: String
        public var manifestPath: String
        public var manifestSha256: String
        public var sourceId: String
        public var condition: String
        public var sample: Int
        public var setSeed: UInt64
        public var initMode: InitMode
        /// Format 1 only (read, never written): the job's parameters, now the record's `parameters`.
        public var parameters: FormatOneJobParameters? = nil
    }

    public struct Timing: Codable, Sendable, Equatable {
        public var seconds: Double
        public var secondsPerIteration: Double
        public var created: String
        /// The synthesis's CPU seconds, with one compute thread only (absent with more, and in
        /// records written before it): unlike `seconds`, not stretched by other processes.
        public var cpuSeconds: Double? = nil
    }

    public var recordFormatVersion = currentFormatVersion
    public var tool = Tool()
    public var job: Job?
    /// Everything that decided the stimulus's pixels (format 2 on; absent in format 1 records,
    /// whose parameters `stimulusParameters()` translates).
    public var parameters: StimulusParameters?
    public var source: Source
    public var preparation: Preparation
    public var model: Model
    public var layers: [LayerTerm]
    /// β of the spectrum term (Liu et al. 2016), reported as the layer "spectrum" in `loss`;
    /// absent: no spectrum term.
    public var spectrumWeight: Double? = nil
    public var seed: UInt64
    public var optimizer: Optimizer
    public var iterations: Int
    public var evaluations: Int
    public var stopReason: String
    /// The loss trace and the converged verdict (absent in records written before it existed).
    public var convergence: ConvergenceRecord?
    public var loss: Losses
    public var postprocessing: Postprocessing
    public var output: Output
    public var machine: Machine
    public var timing: Timing?
    /// The SHA-256 of the PNG file's bytes: in the sidecar only (a PNG cannot hold its own hash),
    /// so resume and validate can tell the PNG is the one this record describes. Absent in the
    /// PNG and in sidecars written before it existed.
    public var pngSha256: String?

    /// Why this stimulus is not converged (nil when it is, or for a record without a verdict):
    /// the losses, the factor reached against the factor required, and how the run stopped.
    public var convergenceProblem: String? {
        guard let convergence, !convergence.converged else { return nil }
        return String(
            format:
                "not converged: loss fell %.4g → %.4g (%.3g×, needs %.3g×) in %d iterations, %d evaluations; stopped: %@",
            loss.initial.total, loss.final.total, loss.initial.total / max(loss.final.total, .leastNonzeroMagnitude),
            convergence.requiredReduction, iterations, evaluations, convergence.stopReason)
            + (convergence.acceptedUpdates == 0
                ? "; L-BFGS-B accepted no curvature pair (it never left steepest descent)" : "")
    }

    /// How a non-finite number (a NaN or infinite loss) is written: JSON has no literal for it, and
    /// the encoder's default is to throw, which once left the provenance silently empty.
    static let nonFinite = (positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")

    /// Pretty, sorted-key, snake_case JSON; a non-finite number is written as the string "NaN",
    /// "Infinity" or "-Infinity".
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: Self.nonFinite.positiveInfinity, negativeInfinity: Self.nonFinite.negativeInfinity,
            nan: Self.nonFinite.nan)
        do {
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch {
            // Every field is a string, a number (non-finite ones handled above), a Bool or a container of them.
            preconditionFailure("a StimulusRecord cannot fail to encode: \(error)")
        }
    }

    public static func decode(_ text: String) throws -> StimulusRecord {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity,
            nan: nonFinite.nan)
        return try decoder.decode(StimulusRecord.self, from: Data(text.utf8))
    }
}
