// SetPlanner+PortillaSimoncelli: a portilla-simoncelli condition's jobs, its rules checked per source at plan time.

import TextureCore
import TextureSynthesis

extension SetPlanner.Planning {
    /// The condition's jobs, one per readable source and sample; a source at a size the statistics
    /// cannot take (or a colour, layered or resized condition) is reported instead, with the rule
    /// (`PortillaSimoncelliRules`). Nothing is loaded: the model is built per job from its size.
    mutating func expandPortillaSimoncelli(_ condition: ManifestCondition, index: Int, settings: ManifestSettings) {
        var parameters = settings.applied(to: StimulusParameters())
        (parameters.layers, parameters.layerWeights) = (condition.layers, condition.layerWeights)
        parameters.spectrumWeight = condition.spectrumWeight
        parameters.equalize = manifest.equalization
        parameters.window = manifest.window
        parameters = PortillaSimoncelliRules.resolved(parameters)
        var reported: Set<String> = []
        // A weights path from `defaults` (a vgg19 set with a PS condition) is not this model's; one
        // the condition itself gives is a mistake.
        if let weights = condition.settings.weights {
            report(condition.mark, "conditions[\(index)].weights",
                   "model portilla-simoncelli takes no weights file (weights: \(weights))", hint: "remove weights")
        }
        let conditionGrey = parameters.grey
        for source in manifest.sources {
            guard let (shape, sha) = shapes[source.id] else { continue }
            parameters.grey = source.grey ?? conditionGrey
            let (height, width) = (parameters.size ?? shape.height, parameters.size ?? shape.width)
            let problems = PortillaSimoncelliRules.problems(parameters, height: height, width: width,
                                                            preset: condition.preset)
            for problem in problems {
                // A rule of the condition (grey, layers) once; a size rule per source.
                let perSource = problem.key == "size" || problem.key == "output_size"
                guard perSource || reported.insert(problem.key).inserted else { continue }
                let what = perSource ? "source '\(source.id)' at \(width)×\(height) px: " : ""
                report(condition.mark, "conditions[\(index)].\(problem.key)",
                       "\(what)\(problem.message) (\(problem.key): \(problem.value))", hint: problem.hint)
            }
            guard problems.isEmpty else { continue }
            let estimate = MemoryEstimate.portillaSimoncelli(
                height: height, width: width, orientations: parameters.portillaSimoncelli?.nOrientations ?? 4,
                memory: parameters.optimizer.memory)
            appendSamples(of: source, sourceSha256: sha, condition: condition, settings: settings, weights: nil,
                          parameters: parameters, estimate: estimate)
        }
    }
}
