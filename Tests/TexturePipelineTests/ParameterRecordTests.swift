// ParameterRecordTests: the parameter record round-trips, holds what the optimiser was given, and
// records written before it (format 1, Fixtures/format1) still translate, resume and reproduce.

import Foundation
import Testing
import TextureCore
import TexturePipeline
import TextureSynthesis
import TextureValidation
import TextureWeights

/// A copy of Fixtures/format1 in a new temporary folder (runs write into a set's folder).
func formatOneCopy() throws -> String {
    let folder = temporaryFolder() + "/format1"
    try FileManager.default.copyItem(atPath: fixture("format1"), toPath: folder)
    return folder
}

func sidecar(_ png: String) throws -> StimulusRecord {
    try StimulusRecord.decode(String(contentsOfFile: SynthesisJob.sidecarPath(for: png), encoding: .utf8))
}

/// Every field away from its default.
let unusualParameters = StimulusParameters(
    model: .vgg19Random, weightsSha256: "ab12", layers: ["conv1_1", "pool1"], layerWeights: [1, 0.25],
    spectrumWeight: 3e5,
    size: 64, crop: false, outputSize: 48, grey: true, initImage: "start.png", iterations: 17, seed: .max,
    histogramMatch: true, bitDepth: 16, equalize: Equalization(meanLuminance: 0.4, rmsContrast: 0.1, clipping: .clip),
    stopping: StoppingRules(window: 3, relativeChange: 0.01, lossTarget: 0.5),
    optimizer: OptimizerSettings(memory: 7, factr: 1e7, pgtol: 1e-5))

@Suite struct ParameterRecordTests {
    @Test func parametersRoundTripThroughJSON() throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        for parameters in [StimulusParameters(), unusualParameters] {
            let data = try encoder.encode(parameters)
            #expect(try decoder.decode(StimulusParameters.self, from: data) == parameters)
        }
        let text = String(decoding: try encoder.encode(unusualParameters), as: UTF8.self)
        #expect(text.contains("\"bit_depth\":16") && text.contains("\"layer_weights\":[1,0.25]"), "\(text)")
        #expect(text.contains("\"seed\":18446744073709551615"), "\(text)")
        #expect(text.contains("\"optimizer\":{\"factr\":10000000,\"memory\":7,"), "\(text)")
    }

    /// The record of a synthesis holds its parameters (resolved: layers and weights' SHA-256), and
    /// survives the sidecar's JSON unchanged; the optimiser block says what L-BFGS-B was given.
    @Test func aStimulusRecordsItsParametersAndTheOptimiserSettingsItRanWith() throws {
        let folder = temporaryFolder()
        let optimizer = OptimizerSettings(memory: 5, factr: 1e7, pgtol: 1e-6)
        let outcome = try SynthesisJob.run(SynthesisJobTests.request(folder) { $0.parameters.optimizer = optimizer })
        let record = outcome.record
        #expect(record.recordFormatVersion == 2)
        var expected = SynthesisJobTests.request(folder).parameters
        expected.optimizer = optimizer
        expected.layers = record.layers.map(\.layer)
        #expect(record.parameters == expected)
        #expect(record.optimizer.memory == 5 && record.optimizer.factr == 1e7 && record.optimizer.pgtol == 1e-6)
        #expect(try sidecar(outcome.pngPath) == record)
        #expect(try record.stimulusParameters() == expected)
        #expect(StimulusAgreement.selfContradictions(record, file: outcome.pngPath).isEmpty)
    }

    @Test func optimiserSettingsSetulbCannotTakeAreRefused() throws {
        let folder = temporaryFolder()
        let request = SynthesisJobTests.request(folder) { $0.parameters.optimizer.memory = 0 }
        let hint = "use 1 to 100 correction pairs (20 is the reference)"
        // Refused before the source is read or a model loaded (SynthesisJob.checkArguments).
        #expect(throws: PipelineError.invalidArgument(name: "optimizer memory", value: "0", hint: hint)) {
            try SynthesisJob.run(request)
        }
        // A record edited to a wild m once overflowed the memory estimate's arithmetic (a trap).
        let wild = SynthesisJobTests.request(folder) { $0.parameters.optimizer.memory = Int.max }
        #expect(throws: PipelineError.invalidArgument(name: "optimizer memory", value: "\(Int.max)", hint: hint)) {
            try SynthesisJob.synthesize(wild)
        }
        #expect(SynthesisMemory.estimate(model: RandomPyramid(), layers: ["level0"], source: Shape(3, 8, 8),
                                         output: Shape(3, 8, 8), grey: false, threads: 1, memory: Int.max).bytes > 0)
    }

    /// A record of format 2 without its parameters was edited: no silent translation.
    @Test func aFormatTwoRecordWithoutParametersIsRefused() throws {
        var record = try SynthesisJob.run(SynthesisJobTests.request(temporaryFolder())).record
        var newer = record
        newer.recordFormatVersion = StimulusRecord.currentFormatVersion + 1
        #expect(throws: PipelineError.self, "a newer texstim's record may hold parameters this one drops") {
            try newer.stimulusParameters()
        }
        record.parameters = nil
        #expect(throws: PipelineError.self) { try record.stimulusParameters() }
    }

    /// Each format-1 set stimulus translates to exactly the parameters its (unchanged) manifest
    /// gives its job now, so the set counts as current and a rerun redoes nothing.
    @Test func formatOneSetRecordsTranslateToTheirJobsParameters() throws {
        let folder = try formatOneCopy()
        let plan = try SetPlanner.plan(manifestPath: folder + "/manifest.yaml", outputOverride: folder + "/set")
        #expect(plan.jobs.count == 3)
        for job in plan.jobs {
            let record = try sidecar(folder + "/set/" + job.relativePNGPath)
            #expect(record.recordFormatVersion == 1 && record.parameters == nil && record.job?.parameters != nil)
            #expect(try record.stimulusParameters() == job.parameters, "\(job.id)")
            #expect(job.matches(record) && SetRunner.isCurrent(job, folder: plan.outputFolder), "\(job.id)")
            #expect(StimulusAgreement.recordAgainstJob(record, job: job, setName: "format1", file: job.id).isEmpty)
            #expect(StimulusAgreement.selfContradictions(record, file: job.id).isEmpty)
        }
        var options = RunOptions()
        options.validate = false
        let rerun = try SetRunner.run(plan: plan, options: options)
        #expect(rerun.done == 0 && rerun.skipped == 3 && rerun.failed.isEmpty)
    }

    /// A single format-1 stimulus's parameters come from its descriptive blocks, including the
    /// "init image PATH" start and the "none (whole image resized)" crop strings.
    @Test func formatOneSingleRecordsTranslateFromTheirDescription() throws {
        let folder = try formatOneCopy()
        let initImage = try sidecar(folder + "/single/init-image.png")
        let parameters = try initImage.stimulusParameters()
        #expect(parameters == StimulusParameters(layers: ["level0", "level1"], layerWeights: [1, 1], size: 32,
                                                 initImage: "init.png", iterations: 12, seed: 7, bitDepth: 16,
                                                 stopping: StoppingRules(lossTarget: 0.001)))
        let whole = try sidecar(folder + "/single/whole.png").stimulusParameters()
        #expect(whole.size == nil && whole.crop && whole.grey && whole.histogramMatch)
        #expect(whole.seed == 3 && whole.initImage == nil)
    }

    /// Format-1 stimuli regenerate with the same pixels (on the kind of machine that wrote them:
    /// elsewhere BLAS may round differently, see Fixtures/format1/README.md).
    @Test func formatOneStimuliReproduce() throws {
        let folder = try formatOneCopy()
        let record = try sidecar(folder + "/single/whole.png")
        let here = MachineInfo.record(threads: 1, convolution: .direct)
        let sameMachine = here.cpu == record.machine.cpu && here.blasCore == record.machine.blasCore
        let summary = try Reproduction.reproduceAll(at: folder + "/set")
        #expect(summary.results.count == 3)
        #expect(summary.results.allSatisfy { $0.problem == nil }, "\(summary.results.map(\.verdict))")
        if sameMachine { #expect(summary.exitStatus == .success, "\(summary.results.map(\.verdict))") }
        let whole = Reproduction.reproduce(folder + "/single/whole.png")
        #expect(whole.problem == nil && (!sameMachine || whole.identical), "\(whole.verdict)")
        // The init image was recorded as given from the folder texstim ran in: from elsewhere it is
        // not found, which reproduce reports rather than starting from noise.
        let initImage = Reproduction.reproduce(folder + "/single/init-image.png")
        #expect(initImage.problem?.contains("init.png: init image not found") == true, "\(initImage.verdict)")
    }

    @Test func verdictsMapToExitStatuses() {
        #expect(ReproductionVerdict.identical.exitStatus == .success)
        #expect(ReproductionVerdict.differs(maxDifference: 1).exitStatus == .stimuliFailed)
        #expect(ReproductionVerdict.couldNotReproduce(problem: "source changed").exitStatus == .stimuliFailed)
        let results = [ReproductionVerdict.identical, .differs(maxDifference: 2)]
            .map { ReproductionResult(path: "a.png", verdict: $0) }
        #expect(ReproductionSummary(results: results).exitStatus == .stimuliFailed)
        #expect(ReproductionSummary(results: Array(results.prefix(1))).exitStatus == .success)
        #expect(ReproductionSummary(results: Array(results.prefix(1))).identicalCount == 1)
        #expect(WeightsVerdict.fingerprintMatches.exitStatus == .success)
        #expect(WeightsVerdict.noFingerprint.exitStatus == .success)
        #expect(WeightsVerdict.fingerprintDiffers.exitStatus == .badInput)
        #expect(FindingLevel.fail.exitStatus == .stimuliFailed && FindingLevel.warn.exitStatus == .success)
    }
}
