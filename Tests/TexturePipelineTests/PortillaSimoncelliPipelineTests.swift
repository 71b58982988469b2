// PortillaSimoncelliPipelineTests: portilla-simoncelli through manifests, plans, runs, provenance, reproduce and validate.

import Foundation
import Testing
import TextureCore
import TextureImages
import TexturePipeline
import TextureSynthesis
import TextureWeights

/// A manifest of one pebbles source with the given defaults and conditions.
func portillaSimoncelliManifest(in folder: String, defaults: String, conditions: [String], samples: Int = 1) throws -> String {
    let path = folder + "/ps.yaml"
    try """
    version: 1
    name: ps
    seed: 3
    defaults: {\(defaults)}
    sources:
      - {id: pebbles, path: \(sourcesFolder)/pebbles_256.png}
    conditions:
    \(conditions.map { "  - {\($0)}" }.joined(separator: "\n"))
    samples: \(samples)
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite(.serialized) struct PortillaSimoncelliPipelineTests {
    /// Records of the network models gain no key: the new field is nil and omitted.
    @Test func otherModelsParametersHaveNoPortillaSimoncelliKey() throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let keys = { (p: StimulusParameters) throws -> Set<String> in
            Set((try JSONSerialization.jsonObject(with: try encoder.encode(p)) as! [String: Any]).keys)
        }
        #expect(try keys(StimulusParameters()) == ["model", "crop", "grey", "iterations", "seed", "histogram_match",
                                                    "bit_depth", "stopping", "optimizer"])
        let manifest = try portillaSimoncelliManifest(in: temporaryFolder(), defaults: "size: 32",
                                                      conditions: ["name: net, layers: [level0]"])
        let job = try SetPlanner.plan(manifestPath: manifest).jobs[0]
        let jobKeys = try keys(job.parameters)
        #expect(job.parameters.portillaSimoncelli == nil && !jobKeys.contains("portilla_simoncelli"))
    }

    /// Each rule is refused at plan time, naming the key, the value, the rule and the fix.
    @Test func plannerRefusesColourBadSizesOutputSizeAndStrayKeys() throws {
        let folder = temporaryFolder()
        let cases: [(String, String, [String])] = [
            ("size: 128", "name: ps, model: portilla-simoncelli",
             ["conditions[0].grey", "one grey image", "set grey: true"]),
            ("size: 120, grey: true", "name: ps, model: portilla-simoncelli",
             ["conditions[0].size", "120×120", "divisible by 2^n_scales = 16", "Hint: crop or resize"]),
            ("size: 64, grey: true", "name: ps, model: portilla-simoncelli",
             ["spatial_corr_width 7 is larger than the coarsest scale", "64×64"]),
            ("size: 128, grey: true", "name: ps, model: portilla-simoncelli, output_size: 64",
             ["conditions[0].output_size", "matched at the source's size", "drop output_size"]),
            ("size: 64", "name: net, layers: [level0], n_scales: 3",
             ["conditions[0].n_scales", "a setting of model portilla-simoncelli, not of random-pyramid"]),
            ("size: 128, grey: true", "name: ps, model: portilla-simoncelli, layers: [level0]",
             ["conditions[0].layers", "has no layers"]),
            ("size: 128, grey: true", "name: ps, model: portilla-simoncelli, statistics: [pixel_stats]",
             ["conditions[0].statistics", "unknown statistic group 'pixel_stats'"]),
        ]
        for (defaults, condition, fragments) in cases {
            let manifest = try portillaSimoncelliManifest(in: folder, defaults: defaults, conditions: [condition])
            do {
                _ = try SetPlanner.plan(manifestPath: manifest)
                Issue.record("planned: \(condition)")
            } catch {
                for fragment in fragments { #expect(error.description.contains(fragment), "\(error.description)") }
            }
        }
    }

    /// manifests/wallis2017.yaml plans its ps condition (4 scales, 4 orientations, width 11 at 256²).
    @Test func wallis2017PlansThePortillaSimoncelliCondition() throws {
        let folder = temporaryFolder()
        let repository = URL(fileURLWithPath: sourcesFolder).deletingLastPathComponent().deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder + "/manifests", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repository + "/manifests/wallis2017.yaml",
                                         toPath: folder + "/manifests/wallis2017.yaml")
        try FileManager.default.copyItem(atPath: sourcesFolder, toPath: folder + "/manifests/sources")
        try FileManager.default.createDirectory(atPath: folder + "/weights", withIntermediateDirectories: true)
        _ = try WeightsFiles.writeRandom(seed: 2, to: folder + "/weights/vgg19.safetensors", force: false)
        let plan = try SetPlanner.plan(manifestPath: folder + "/manifests/wallis2017.yaml", outputOverride: folder + "/out",
                                       allowUnverifiedWeights: true)
        let ps = plan.jobs.filter { $0.condition == "ps" }
        #expect(ps.count == 4 * 10 && plan.jobs.count == 4 * 10 * 7)
        let expected = PortillaSimoncelliSettings(nScales: 4, nOrientations: 4, spatialCorrWidth: 11)
        #expect(ps.allSatisfy {
            $0.parameters.portillaSimoncelli == expected && $0.parameters.grey && $0.parameters.size == 256
                && $0.parameters.layers == nil && $0.parameters.weightsSha256 == nil && $0.weightsPath == nil
        })
    }

    /// A tiny set end to end: PNG + sidecar with the settings, reproduce identical, validate runs
    /// and recomputes the Portilla–Simoncelli loss; a statistics selection changes the loss's groups.
    @Test func tinySetRunsReproducesAndValidates() throws {
        let folder = temporaryFolder()
        let manifest = try portillaSimoncelliManifest(
            in: folder, defaults: "model: portilla-simoncelli, size: 32, grey: true, iterations: 40, n_scales: 2, "
                + "spatial_corr_width: 5, histogram_match: true",
            conditions: ["name: all", "name: some, statistics: [auto_correlation_reconstructed, pixel_statistics]"])
        let plan = try SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set")
        #expect(plan.jobs.count == 2)
        let summary = try SetRunner.run(plan: plan, options: RunOptions())
        #expect(summary.done == 2 && summary.failed.isEmpty, "\(summary.failed)")
        let some = folder + "/set/pebbles/some/pebbles__some__s00.png"
        let record = try Reproduction.record(of: some)
        let settings = try #require(record.parameters?.portillaSimoncelli)
        #expect(settings == PortillaSimoncelliSettings(nScales: 2, nOrientations: 4, spatialCorrWidth: 5,
                                                       statistics: ["pixel_statistics", "auto_correlation_reconstructed"]))
        #expect(record.model.name == "portilla-simoncelli" && record.layers.isEmpty && record.convergence?.converged == true)
        #expect(record.convergence?.requiredReduction == PortillaSimoncelliObjective.defaultRequiredLossReduction)
        #expect(Set(record.loss.final.layers.filter { $0.value > 0 }.keys)
                .isSubset(of: ["pixel_statistics", "auto_correlation_reconstructed"]))
        let sidecar = try String(contentsOfFile: folder + "/set/pebbles/some/pebbles__some__s00.json", encoding: .utf8)
        #expect(sidecar.contains("\"portilla_simoncelli\"") && sidecar.contains("\"spatial_corr_width\" : 5"))
        for file in try Reproduction.stimuli(at: folder + "/set") {
            let result = Reproduction.reproduce(file)
            #expect(result.identical, "\(file): \(result)")
        }
        let report = SetValidator.validate(plan: plan)
        #expect(report.stimuli.count == 2 && report.stimuli.allSatisfy { $0.statistics?.gramLoss != nil })
    }
}
