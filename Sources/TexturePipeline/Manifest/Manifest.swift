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
/// Most are stimulus parameters: `applied(to:)` resolves them into a StimulusParameters.
public struct ManifestSettings: Sendable, Equatable {
    public var model: ModelName?
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
    /// portilla-simoncelli only: `n_scales`, `n_orientations`, `spatial_corr_width` and the matched
    /// `statistics` groups (each nil: plenoptic's default; statistics: all groups).
    public var nScales: Int?
    public var nOrientations: Int?
    public var spatialCorrWidth: Int?
    public var statistics: [String]?

    public init() {}

    /// The manifest keys of the Portilla–Simoncelli settings these settings give (an error for
    /// another model: they would do nothing).
    public var portillaSimoncelliKeys: [String] {
        [
            ("n_scales", nScales != nil), ("n_orientations", nOrientations != nil),
            ("spatial_corr_width", spatialCorrWidth != nil), ("statistics", statistics != nil),
        ].filter(\.1).map(\.0)
    }

    /// The Portilla–Simoncelli settings these give, plenoptic's defaults for the rest.
    public var portillaSimoncelliSettings: PortillaSimoncelliSettings {
        PortillaSimoncelliSettings(
            nScales: nScales ?? PortillaSimoncelliSettings.defaultScales,
            nOrientations: nOrientations ?? PortillaSimoncelliSettings.defaultOrientations,
            spatialCorrWidth: spatialCorrWidth ?? PortillaSimoncelliSettings.defaultCorrelationWidth,
            statistics: statistics)
    }

    /// `self` with every field that `other` sets replaced by `other`'s.
    public func overridden(by other: ManifestSettings) -> ManifestSettings {
        Self.fields.reduce(into: self) { result, field in field.override(&result, other) }
    }

    /// `base` with every parameter these settings set replaced (the rest keep `base`'s values,
    /// StimulusParameters' defaults for a manifest's jobs); the Portilla–Simoncelli settings for
    /// that model only (nil for the others, whose records do not have them).
    public func applied(to base: StimulusParameters) -> StimulusParameters {
        var parameters = Self.fields.reduce(into: base) { parameters, field in field.apply(self, &parameters) }
        parameters.portillaSimoncelli = parameters.model == .portillaSimoncelli ? portillaSimoncelliSettings : nil
        return parameters
    }

    /// One setting: how a condition's value overrides the defaults', and which stimulus
    /// parameter it gives (none for the weights path, the init mode and the weights policy).
    struct Field {
        let override: (inout ManifestSettings, ManifestSettings) -> Void
        let apply: (ManifestSettings, inout StimulusParameters) -> Void
    }

    /// Every setting, once.
    static var fields: [Field] {
        [
            .parameter(\.model, \.model), .optionalParameter(\.size, \.size),
            .optionalParameter(\.outputSize, \.outputSize), .parameter(\.crop, \.crop), .parameter(\.grey, \.grey),
            .parameter(\.iterations, \.iterations), .parameter(\.histogramMatch, \.histogramMatch),
            .parameter(\.bitDepth, \.bitDepth), .parameter(\.stopping, \.stopping),
            .setting(\.weights), .setting(\.initMode), .setting(\.allowUnverifiedWeights), .setting(\.nScales),
            .setting(\.nOrientations), .setting(\.spatialCorrWidth), .setting(\.statistics),
        ]
    }
}

extension ManifestSettings.Field {
    /// A setting that is not a stimulus parameter.
    static func setting<T>(_ key: WritableKeyPath<ManifestSettings, T?>) -> Self {
        Self(
            override: { result, other in if let value = other[keyPath: key] { result[keyPath: key] = value } },
            apply: { _, _ in })
    }

    static func parameter<T>(
        _ key: WritableKeyPath<ManifestSettings, T?>,
        _ parameter: WritableKeyPath<StimulusParameters, T>
    ) -> Self {
        Self(
            override: setting(key).override,
            apply: { settings, parameters in
                if let value = settings[keyPath: key] { parameters[keyPath: parameter] = value }
            })
    }

    /// A parameter that may be absent (a size): the setting gives it when set, else leaves it.
    static func optionalParameter<T>(
        _ key: WritableKeyPath<ManifestSettings, T?>,
        _ parameter: WritableKeyPath<StimulusParameters, T?>
    ) -> Self {
        Self(
            override: setting(key).override,
            apply: { settings, parameters in
                if let value = settings[keyPath: key] { parameters[keyPath: parameter] = value }
            })
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
    /// The entry's `grey`: when given, it decides grey or colour for this source's stimuli in every
    /// condition (the defaults' and the conditions' `grey` apply to the sources without it).
    public var grey: Bool? = nil
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
    /// `postprocess: {window: …}`: the aperture applied to every stimulus after equalisation, and
    /// where it was written (the planner reports a window that does not fit a stimulus there).
    public var window: ApertureWindow?
    public var windowMark: ManifestMark?
    /// Threshold overrides from the `validate:` block.
    public var validation: [String: Threshold] = [:]

    /// The set's folder: the --output flag, else the manifest's `output`, else stimuli/<name>.
    public func outputFolder(override: String?) -> String {
        override ?? output ?? "stimuli/\(name)"
    }
}
