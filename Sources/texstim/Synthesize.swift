// Synthesize: `texstim synthesize SOURCE --out OUT.png …` — one stimulus, with its provenance.

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline
import TextureSynthesis

struct Synthesize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synthesise one texture from a source image; writes OUT.png and OUT.json.", discussion: exitCodesHelp)

    @Argument(help: "Source image (PNG or JPEG).", completion: .file(extensions: imageExtensions))
    var source: String

    @Option(help: "Output PNG path; the provenance sidecar is written next to it as .json.",
            completion: .file(extensions: ["png"]))
    var out: String

    @OptionGroup var stimulus: StimulusOptions

    @OptionGroup var compute: ComputeOptions

    func run() throws {
        var request = SynthesisRequest(sourcePath: source, outputPath: out, parameters: stimulus.parameters)
        request.preset = stimulus.modelOptions.preset?.name
        request.weightsPath = stimulus.modelOptions.weights
        request.allowUnverifiedWeights = stimulus.modelOptions.allowUnverifiedWeights
        request.threads = compute.threads
        request.convolution = compute.conv
        request.optimizerCode = compute.lbfgsb
        let progress = TerminalProgress()
        let label = (out as NSString).lastPathComponent
        defer { progress.finish() }
        let outcome = try SynthesisJob.run(request) { step in
            progress.update(label: label, done: step.iteration, total: step.totalIterations, loss: step.loss,
                            seconds: step.seconds)
        }
        progress.finish()
        printWarnings(outcome.warnings)
        let record = outcome.record
        print("wrote \(outcome.pngPath) and \(outcome.jsonPath)")
        print(String(format: "loss %.4g → %.4g in %d iterations (%d evaluations), %.1f s",
                     record.loss.initial.total, record.loss.final.total, record.iterations, record.evaluations,
                     record.timing?.seconds ?? 0))
        if let matched = record.loss.afterHistogramMatching {
            print(String(format: "loss after histogram matching %.4g", matched.total))
        }
        if let problem = record.convergenceProblem {
            throw PipelineError.notConverged(path: outcome.pngPath, detail: problem)
        }
    }
}
