// PortillaSimoncelliRules: what a portilla-simoncelli stimulus must satisfy, checked at plan time and again before a synthesis.

import TextureCore
import TextureSynthesis

/// The rules of a `portilla-simoncelli` job, as problems named by their manifest key (the CLI's
/// option is `--` + the key with '-'): grey only, no layers or spectrum term, the statistics'
/// size rule at the prepared source's size, the stimulus at that size, known statistic groups.
/// `texstim plan`, `run` and `synthesize` report them before any synthesis.
public enum PortillaSimoncelliRules {
    /// One broken rule: the key, its value, why it is refused and the fix.
    public struct Problem: Sendable, Equatable {
        public var key: String
        public var value: String
        public var message: String
        public var hint: String
    }

    /// `parameters` with the Portilla–Simoncelli settings filled in (plenoptic's defaults) and no
    /// weights: what the record holds (layers and a spectrum weight are left for `problems` to refuse).
    public static func resolved(_ parameters: StimulusParameters) -> StimulusParameters {
        var resolved = parameters
        resolved.portillaSimoncelli = parameters.portillaSimoncelli ?? PortillaSimoncelliSettings()
        resolved.weightsSha256 = nil
        return resolved
    }

    /// Every rule `parameters` (resolved) break for a prepared source of height × width.
    public static func problems(
        _ parameters: StimulusParameters, height: Int, width: Int,
        preset: String? = nil
    ) -> [Problem] {
        var problems: [Problem] = []
        let settings = parameters.portillaSimoncelli ?? PortillaSimoncelliSettings()
        if !parameters.grey {
            problems.append(
                Problem(
                    key: "grey", value: "false",
                    message: "the Portilla–Simoncelli statistics are of one grey image (plenoptic's model "
                        + "is greyscale; texstim has no colour version)",
                    hint: "set grey: true (--grey) to synthesise the source's Rec. 709 luma"))
        }
        for (key, given) in [
            ("layers", parameters.layers.map { $0.joined(separator: ",") }), ("preset", preset),
            ("layer_weights", parameters.layerWeights.map { $0.map { "\($0)" }.joined(separator: ",") }),
            ("spectrum_weight", parameters.spectrumWeight.map { "\($0)" }),
        ] {
            guard let given else { continue }
            problems.append(
                Problem(
                    key: key, value: given,
                    message: "model portilla-simoncelli has no layers or spectrum term (it matches statistics)",
                    hint: "remove \(key); choose statistic groups with statistics: [...] (--statistics)"))
        }
        if let problem = settings.statisticsProblem {
            problems.append(
                Problem(
                    key: "statistics", value: settings.statistics.joined(separator: ","),
                    message: problem, hint: "use plenoptic's group names, e.g. pixel_statistics"))
        }
        do { try settings.check(height: height, width: width) } catch {
            // The model's message is "rule. Hint: fix".
            let parts = error.description.components(separatedBy: " Hint: ")
            problems.append(
                Problem(
                    key: "size", value: "\(width)×\(height)",
                    message: parts[0].hasSuffix(".") ? String(parts[0].dropLast()) : parts[0],
                    hint: parts.count > 1 ? parts[1] : "set size (--size) to a side the rule allows"))
        }
        if let output = parameters.outputSize, output != height || output != width {
            problems.append(
                Problem(
                    key: "output_size", value: "\(output)",
                    message: "the statistics are matched at the source's size, \(width)×\(height) "
                        + "(the model's masks and statistics depend on the size, as in plenoptic)",
                    hint: "drop output_size, or set size: \(output) to prepare the source at that size"))
        }
        return problems
    }

    /// The first problem as the error a synthesis throws (the CLI's option names the key).
    static func check(
        _ parameters: StimulusParameters, height: Int, width: Int,
        preset: String?
    ) throws(PipelineError) {
        guard let problem = problems(parameters, height: height, width: width, preset: preset).first else { return }
        throw .invalidArgument(
            name: "--" + problem.key.replacingOccurrences(of: "_", with: "-"), value: problem.value,
            hint: "\(problem.message); \(problem.hint)")
    }
}
