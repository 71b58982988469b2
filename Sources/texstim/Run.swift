// Run: `texstim run MANIFEST` — synthesise a whole stimulus set (resumable, parallel, shardable).

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synthesise every stimulus of a manifest's set; finished stimuli are kept and skipped on a rerun.", discussion: exitCodesHelp)

    @Argument(help: "The set's YAML manifest.")
    var manifest: String

    @Option(parsing: .unconditional, help: "Worker threads, each running one job with single-threaded compute.")
    var workers: Int = 1

    @Option(help: ConvolutionChoice.help)
    var conv: ConvolutionChoice = .default

    @Option(help: "Run only shard I of N (I/N, 0 ≤ I < N): the jobs whose index ≡ I mod N.")
    var shard: String?

    @Option(help: "Output folder (default: the manifest's output, else stimuli/<name>).")
    var output: String?

    @Flag(help: "Use vgg19 weights that are not a published VGG-19 (random, another tool's conversion); provenance records them as unverified.")
    var allowUnverifiedWeights = false

    @Flag(help: "Redo every job, even finished ones.")
    var force = false

    @Flag(help: "List what would run or be skipped, and write nothing.")
    var dryRun = false

    @Flag(help: "Skip the validation at the end (it is also skipped for --shard runs).")
    var noValidate = false

    @Flag(help: "Synthesise nothing: assemble the index from all shards' sidecars and validate (a Slurm array's finishing job).")
    var finish = false

    func validate() throws {
        if workers < 1 { throw ValidationError("--workers must be at least 1.") }
        if let shard, Shard(shard) == nil { throw ValidationError("--shard must be I/N with 0 ≤ I < N, e.g. 0/4; got '\(shard)'.") }
    }

    func run() throws {
        Interruption.install()
        var options = RunOptions()
        options.workers = workers
        options.convolution = conv
        options.shard = shard.flatMap(Shard.init)
        options.force = force
        options.dryRun = dryRun
        options.outputOverride = output
        options.validate = !noValidate
        options.finishOnly = finish
        options.progress = RunProgressRenderer().sink
        do {
            let plan = try SetPlanner.plan(manifestPath: manifest, outputOverride: output, allowUnverifiedWeights: allowUnverifiedWeights)
            for warning in plan.warnings { FileHandle.standardError.write(Data("texstim: warning: \(warning)\n".utf8)) }
            let summary = try SetRunner.run(plan: plan, options: options) { print($0) }
            if dryRun { return }
            print("\(summary.outputFolder): \(summary.done) synthesised, \(summary.skipped) already current, "
                  + "\(summary.failed.count) failed; index.csv lists \(summary.indexed) of \(plan.jobs.count) stimuli")
            for failure in summary.failed { print("  failed \(failure.id): \(failure.message)") }
            if let validation = summary.validation {
                print(ValidationOutput.summary(validation))
                print("reports: \(summary.outputFolder)/validation.html and validation.json")
            }
            if !summary.failed.isEmpty { fail(PipelineError.jobsFailed(count: summary.failed.count, total: summary.total)) }
            if summary.validation?.verdict == .fail { exitWith(.stimuliFailed) }
        } catch { fail(error) }
    }
}
