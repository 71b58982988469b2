// ArgumentTypes: how option values are parsed: the library's enums, presets, shards, windows, comma-separated lists.
//
// Every value argument-parser can check is checked there, so a bad one gets its message ("The
// value 'x' is invalid for '--model <model>'") with the allowed values, and exit 2.

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline
import TextureSynthesis
import TextureWeights

/// File extensions of the images texstim reads (for shell completion).
let imageExtensions = ["png", "jpg", "jpeg"]
/// File extensions of a manifest (for shell completion).
let manifestExtensions = ["yaml", "yml"]

extension ModelName: ExpressibleByArgument {}

extension ConvolutionChoice: ExpressibleByArgument {
    static let help = ArgumentHelp(
        "Convolution algorithm: winograd (faster) or direct (im2col, the reference); "
            + "recorded in provenance.", valueName: "direct|winograd")
}

extension LBFGSBImplementation: ExpressibleByArgument {
    static let help = ArgumentHelp(
        "Which code runs L-BFGS-B: texstim (its own, threaded) or fortran (Nocedal's 3.0 from Debian's "
            + "liblbfgsb, what texstim ran until 2026-11-30); the same algorithm, other last bits; recorded in "
            + "provenance.", valueName: "texstim|fortran")
}

extension WeightsFormat: ExpressibleByArgument {}

extension WeightsSource: ExpressibleByArgument {}

/// `weights import --preprocessing`: the two conventions a VGG-19 file can have (the embedded
/// model's source-mean-rgb is not one).
extension Preprocessing: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Preprocessing(rawValue: argument), value != .sourceMeanRGB else { return nil }
        self = value
    }

    public static var allValueStrings: [String] { [Preprocessing.caffeBGR, .torchvisionRGB].map(\.rawValue) }
}

/// The models `weights fetch` can download.
enum FetchableModel: String, CaseIterable, ExpressibleByArgument {
    case vgg19
}

/// A published condition, e.g. gatys2015:pool2 (LayerPresets.names).
struct PresetName: ExpressibleByArgument {
    var name: String

    init?(argument: String) {
        guard LayerPresets.names.contains(argument) else { return nil }
        name = argument
    }

    static var allValueStrings: [String] { LayerPresets.names }
}

/// `--shard I/N`.
extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }

    public var defaultValueDescription: String { description }
}

/// `--window circle:ramp=16,…`: the message of a bad value names the key and the rule.
extension ApertureWindow {
    static func argument(_ text: String) throws -> ApertureWindow {
        do throws(PipelineError) { return try ApertureWindow(text: text) } catch {
            guard case .invalidArgument(_, let value, let hint) = error else {
                throw ValidationError(error.description)
            }
            throw ValidationError(value == text ? hint : "\(value): \(hint)")
        }
    }
}

/// A comma-separated list, e.g. `--sizes 128,256` or `--layers conv1_1,pool1`: every item must
/// parse, and the list must not be empty.
struct CommaSeparated<Element: ExpressibleByArgument>: ExpressibleByArgument {
    var values: [Element]

    init?(argument: String) {
        let items = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let parsed = items.compactMap(Element.init(argument:))
        guard !items.contains(""), parsed.count == items.count else { return nil }
        values = parsed
    }

    init(_ values: [Element]) { self.values = values }

    var defaultValueDescription: String { values.map(\.defaultValueDescription).joined(separator: ",") }

    static var allValueStrings: [String] { Element.allValueStrings }
}
