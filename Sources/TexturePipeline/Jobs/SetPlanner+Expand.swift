// SetPlanner+Expand: a network condition's jobs: per source the layers resolved, the sizes and memory checked.

import TextureCore
import TextureSynthesis

extension SetPlanner.Planning {
    /// The condition's jobs, one per readable source and sample; a source whose size does not suit
    /// the condition's layers, output size or the machine's memory is reported instead.
    mutating func expand(
        _ condition: ManifestCondition, index: Int, settings: ManifestSettings,
        model planned: SetPlanner.ConditionModel
    ) {
        var parameters = settings.applied(to: StimulusParameters())
        (parameters.weightsSha256, parameters.layerWeights) = (planned.model.weightsSHA256, condition.layerWeights)
        parameters.equalize = manifest.equalization
        parameters.window = manifest.window
        parameters.spectrumWeight =
            condition.spectrumWeight
            ?? condition.preset.flatMap(LayerPresets.spectrumWeight(for:))
        let conditionGrey = parameters.grey
        for source in manifest.sources {
            guard let (shape, sha) = shapes[source.id] else { continue }
            parameters.grey = source.grey ?? conditionGrey
            let prepared = Shape(3, parameters.size ?? shape.height, parameters.size ?? shape.width)
            let layers: [String]
            do {
                layers = try LayerSelection.resolve(
                    model: planned.model, layers: condition.layers, preset: condition.preset,
                    sourceShape: prepared)
            } catch {
                report(
                    condition.mark, "conditions[\(index)].\(condition.preset != nil ? "preset" : "layers")",
                    error.description)
                break
            }
            guard
                let estimate = checkedMemory(
                    of: source, in: condition, index: index, prepared: prepared, layers: layers,
                    parameters: parameters, model: planned)
            else { continue }
            parameters.layers = layers
            appendSamples(
                of: source, sourceSha256: sha, condition: condition, settings: settings, weights: planned.weights,
                parameters: parameters, estimate: estimate)
        }
    }

    /// The memory one job of `source` (prepared at `prepared`) in the condition needs; nil, and
    /// reported, when the spectrum term meets another output size, the side is too small for the
    /// layers, or the machine cannot hold the job.
    mutating func checkedMemory(
        of source: ManifestSource, in condition: ManifestCondition, index: Int, prepared: Shape, layers: [String],
        parameters: StimulusParameters, model planned: SetPlanner.ConditionModel
    ) -> MemoryEstimate? {
        let (name, model) = (planned.name, planned.model)
        let side = min(prepared.height, prepared.width)
        if parameters.spectrumWeight != nil, let output = parameters.outputSize,
            output != prepared.height || output != prepared.width
        {
            report(
                condition.mark, "conditions[\(index)].output_size",
                "source '\(source.id)' is \(prepared.width)×\(prepared.height) px but output_size is \(output): "
                    + "the spectrum term needs the stimulus at the source's size "
                    + "(the source's Fourier modulus has no values at other frequencies)",
                hint: "drop output_size, or set size: \(output) to prepare the source at that size")
            return nil
        }
        let minimum = model.minimumInputSide(layers: layers)
        if min(side, parameters.outputSize ?? side) < minimum {
            let what =
                parameters.outputSize.map { $0 < side ? "output_size \($0)" : "\(side) px" }
                ?? "\(side) px"
            report(
                condition.mark, "conditions[\(index)]",
                "source '\(source.id)' at \(what) is too small for layers \(layers.joined(separator: ",")): "
                    + "the minimum is \(minimum) px",
                hint: "\(model.minimumInputSideReason(layers: layers)); raise size or use shallower layers")
            return nil
        }
        let output = Shape(3, parameters.outputSize ?? prepared.height, parameters.outputSize ?? prepared.width)
        let estimate = SynthesisMemory.estimate(
            model: model, layers: layers, source: prepared, output: output,
            grey: parameters.grey, threads: 1,
            memory: parameters.optimizer.memory)
        do throws(PipelineError) {
            try MachineMemory.require(
                estimate.bytes, for: "source '\(source.id)' in condition '\(condition.name)'",
                detail:
                    "model \(name), \(output.width)×\(output.height), layers \(layers.joined(separator: ","))",
                hint: "lower size or output_size (memory grows with the side squared), or use shallower layers")
        } catch {
            report(condition.mark, "conditions[\(index)]", error.description)
            return nil
        }
        return estimate
    }

    /// One job per sample of `source` in `condition`: `parameters` with each sample's derived seed.
    mutating func appendSamples(
        of source: ManifestSource, sourceSha256: String, condition: ManifestCondition,
        settings: ManifestSettings, weights: String?, parameters: StimulusParameters,
        estimate: MemoryEstimate
    ) {
        let initMode = settings.initMode ?? .shared
        for sample in 0..<manifest.samples {
            var parameters = parameters
            parameters.seed = SeedDerivation.jobSeed(
                setSeed: manifest.seed, sourceId: source.id, sample: sample,
                condition: initMode == .perCondition ? condition.name : nil)
            let id = StimulusJob.identifier(
                source: source.id, condition: condition.name, sample: sample,
                samples: manifest.samples)
            jobs.append(
                StimulusJob(
                    id: id, sourceId: source.id, sourcePath: source.resolvedPath, condition: condition.name,
                    sample: sample, weightsPath: weights, sourceSha256: sourceSha256,
                    parameters: parameters, initMode: initMode))
            memory[id] = estimate
        }
    }
}
