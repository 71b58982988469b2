// Synthesize: `texstim synthesize SOURCE --out OUT.png …` — one stimulus, with its provenance.

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline
import TextureSynthesis

struct Synthesize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synthesise one texture from a source image; writes OUT.png and OUT.json.", discussion: exitCodesHelp)

    @Argument(help: "Source image (PNG or JPEG).")
    var source: String

    @Option(help: "Output PNG path; the provenance sidecar is written next to it as .json.")
    var out: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(parsing: .unconditional, help: "Centre-square crop the source and resize it to N×N (bicubic) before use.")
    var size: Int?

    @Option(parsing: .unconditional, help: "Stimulus side in pixels (default: the prepared source's size).")
    var outputSize: Int?

    @Option(parsing: .unconditional, help: "L-BFGS-B iterations.")
    var iterations: Int = 1000

    @Option(parsing: .unconditional, help: "Seed of the start noise.")
    var seed: UInt64 = 0

    @Flag(help: "Greyscale: Rec. 709 luma source, grey stimulus (R = G = B).")
    var grey = false

    @Flag(help: "Match each channel's histogram to the source after synthesis.")
    var histogramMatch = false

    @Option(parsing: .unconditional, help: "PNG bit depth: 8 or 16.")
    var bitDepth: Int = 8

    @Option(help: "Start from this image instead of noise.")
    var initImage: String?

    @Option(help: "Stop when the loss fell by less than --stop-relative-change over this many iterations (off by default).")
    var stopWindow: Int?

    @Option(help: "With --stop-window: the relative fall (0–1) below which the run stops.")
    var stopRelativeChange: Double?

    @Option(help: "Stop as soon as the loss is at or below this value (off by default).")
    var lossTarget: Double?

    func validate() throws {
        if ![8, 16].contains(bitDepth) { throw ValidationError("--bit-depth must be 8 or 16.") }
        if iterations < 1 { throw ValidationError("--iterations must be at least 1.") }
        if (stopWindow == nil) != (stopRelativeChange == nil) {
            throw ValidationError("--stop-window and --stop-relative-change go together, e.g. --stop-window 50 --stop-relative-change 0.001.")
        }
        if let stopWindow, stopWindow < 1 { throw ValidationError("--stop-window must be at least 1.") }
        if let change = stopRelativeChange, !(change > 0 && change < 1) {
            throw ValidationError("--stop-relative-change must be between 0 and 1, e.g. 0.001.")
        }
        if let lossTarget, !(lossTarget >= 0 && lossTarget.isFinite) { throw ValidationError("--loss-target must be a loss ≥ 0.") }
        for (name, value) in [("--size", size), ("--output-size", outputSize)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1 pixel; got \(value).") }
        }
    }

    func run() throws {
        var request = SynthesisRequest(sourcePath: source, outputPath: out)
        request.model = modelOptions.model
        request.weightsPath = modelOptions.weights
        request.layers = modelOptions.layerList
        request.preset = modelOptions.preset
        request.spectrumWeight = modelOptions.spectrumWeight
        request.size = size
        request.outputSize = outputSize
        request.iterations = iterations
        request.seed = seed
        request.grey = grey
        request.histogramMatch = histogramMatch
        request.bitDepth = bitDepth
        request.initPath = initImage
        request.threads = modelOptions.threads
        request.convolution = modelOptions.conv
        request.stopping = StoppingRules(window: stopWindow, relativeChange: stopRelativeChange, lossTarget: lossTarget)
        request.allowUnverifiedWeights = modelOptions.allowUnverifiedWeights
        let progress = TerminalProgress()
        let label = (out as NSString).lastPathComponent
        do {
            let outcome = try SynthesisJob.run(request) { step in
                progress.update(label: label, done: step.iteration, total: step.totalIterations, loss: step.loss, seconds: step.seconds)
            }
            progress.finish()
            for warning in outcome.warnings { FileHandle.standardError.write(Data("texstim: warning: \(warning)\n".utf8)) }
            let record = outcome.record
            print("wrote \(outcome.pngPath) and \(outcome.jsonPath)")
            print(String(format: "loss %.4g → %.4g in %d iterations (%d evaluations), %.1f s",
                         record.loss.initial.total, record.loss.final.total, record.iterations, record.evaluations,
                         record.timing?.seconds ?? 0))
            if let matched = record.loss.afterHistogramMatching {
                print(String(format: "loss after histogram matching %.4g", matched.total))
            }
            if let problem = record.convergenceProblem {
                fail(PipelineError.notConverged(path: outcome.pngPath, detail: problem))
            }
        } catch {
            progress.finish()
            fail(error)
        }
    }
}
