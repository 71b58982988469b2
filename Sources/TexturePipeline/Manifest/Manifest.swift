// Manifest: a stimulus set as the researcher wrote it (sources × conditions × samples), checked.

import Foundation
import TextureCore
import TextureSynthesis
import TextureValidation

/// How the start noise is shared between the conditions of one sample.
public enum InitMode: String, Sendable, Codable, CaseIterable {
    /// All conditions of a sample start from the same noise (a matched family). The default.
    case shared
    /// Each condition gets its own noise (its name enters the seed).
    case perCondition = "per-condition"
}

/// Settings a manifest's `defaults` block sets and a condition may override; nil = not given.
public struct ManifestSettings: Sendable, Equatable {
    public var model: String?
    public var weights: String?
    public var size: Int?
    public var outputSize: Int?
    public var crop: Bool?
    public var grey: Bool?
    public var iterations: Int?
    public var histogramMatch: Bool?
    public var bitDepth: Int?
    public var initMode: InitMode?
    /// `stopping: {window, relative_change, loss_target}`; nil = iteration limit only.
    public var stopping: StoppingRules?
    /// Use `vgg19` weights that are not a published VGG-19 (provenance then says unverified).
    public var allowUnverifiedWeights: Bool?

    public init() {}

    /// `self` with every field that `other` sets replaced by `other`'s.
    public func overridden(by other: ManifestSettings) -> ManifestSettings {
        var result = self
        result.model = other.model ?? model
        result.weights = other.weights ?? weights
        result.size = other.size ?? size
        result.outputSize = other.outputSize ?? outputSize
        result.crop = other.crop ?? crop
        result.grey = other.grey ?? grey
        result.iterations = other.iterations ?? iterations
        result.histogramMatch = other.histogramMatch ?? histogramMatch
        result.bitDepth = other.bitDepth ?? bitDepth
        result.initMode = other.initMode ?? initMode
        result.stopping = other.stopping ?? stopping
        result.allowUnverifiedWeights = other.allowUnverifiedWeights ?? allowUnverifiedWeights
        return result
    }
}

public struct ManifestSource: Sendable, Equatable {
    /// Filename-safe identifier, used in job ids and output paths.
    public var id: String
    /// The path as written in the manifest (relative to the manifest file).
    public var path: String
    /// The path to open, relative to the current directory (or absolute).
    public var resolvedPath: String
    /// Where the entry stands in the manifest (for error messages).
    public var mark: ManifestMark
    /// The key path of the entry, e.g. sources[2].
    public var keyPath: String
}

/// A line and column in the manifest file (1-based; 0 when unknown).
public struct ManifestMark: Sendable, Equatable {
    public var line: Int
    public var column: Int
}

public struct ManifestCondition: Sendable, Equatable {
    public var name: String
    public var preset: String?
    public var layers: [String]?
    public var layerWeights: [Double]?
    /// `spectrum_weight`: β of the spectrum term (Liu et al. 2016); nil = the preset's, else none.
    public var spectrumWeight: Double?
    public var settings: ManifestSettings
    public var mark: ManifestMark
    public var keyPath: String
}

/// A parsed manifest. Built only by `ManifestReader`, which checks its syntax and types.
public struct Manifest: Sendable {
    public static let currentVersion = 1
    /// The manifest file as given on the command line, and the SHA-256 of its bytes.
    public var path: String
    public var sha256: String
    public var version: Int
    public var name: String
    public var seed: UInt64
    /// Output folder relative to the current directory (default stimuli/<name>).
    public var output: String?
    public var defaults: ManifestSettings
    public var sources: [ManifestSource]
    public var conditions: [ManifestCondition]
    public var samples: Int
    /// `postprocess: {equalize: …}`: applied to every stimulus after histogram matching.
    public var equalization: Equalization?
    /// Threshold overrides from the `validate:` block.
    public var validation: [String: Threshold] = [:]

    /// The set's folder: the --output flag, else the manifest's `output`, else stimuli/<name>.
    public func outputFolder(override: String?) -> String {
        override ?? output ?? "stimuli/\(name)"
    }
}
