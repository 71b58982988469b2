// Slurm: `texstim slurm MANIFEST` — the set as a Slurm job array plus a finishing job.

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline

struct Slurm: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write (and optionally submit and follow) a Slurm job array that runs the set in N shards.",
        discussion: exitCodesHelp)

    @OptionGroup var set: SetOptions

    @Option(parsing: .unconditional, help: "Array tasks (shards).")
    var tasks: Int = 4

    @Option(parsing: .unconditional, help: "CPUs per task (= workers per shard).")
    var cpusPerTask: Int = 1

    @Option(help: "Slurm partition.")
    var partition: String?

    @Option(help: "Time limit per task, e.g. 04:00:00.")
    var time: String?

    @Option(help: "Memory per task, e.g. 4G.")
    var mem: String?

    @Option(help: "Extra #SBATCH options, separated by ';' (e.g. \"--account=lab;--qos=long\").")
    var extra: String?

    @Flag(help: "Submit with sbatch and print the job ids.")
    var submit = false

    @Flag(help: "After submitting, follow the jobs and exit non-zero if any task failed.")
    var wait = false

    func validate() throws {
        if tasks < 1 { throw ValidationError("--tasks must be at least 1.") }
        if cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1.") }
        if wait && !submit { throw ValidationError("--wait needs --submit.") }
    }

    func run() throws {
        var options = SlurmOptions()
        (options.tasks, options.cpusPerTask, options.partition, options.time) = (tasks, cpusPerTask, partition, time)
        (options.memory, options.extra, options.outputOverride) = (mem, extra, set.output)
        options.convolution = set.conv
        options.optimizerCode = set.lbfgsb
        options.allowUnverifiedWeights = set.allowUnverifiedWeights
        let plan = try set.plan()
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
            .resolvingSymlinksInPath().path
        let scripts = try SlurmArray.writeScripts(plan: plan, manifestPath: set.manifest, executable: executable,
                                                  options: options)
        print("wrote \(scripts.arrayScript) (\(tasks) tasks, \(plan.jobs.count) jobs) and \(scripts.finishScript)")
        guard submit && !set.dryRun else {
            print("submit with: jid=$(sbatch --parsable \(scripts.arrayScript)) && "
                  + "sbatch --dependency=afterany:$jid \(scripts.finishScript)")
            return
        }
        let submission = try SlurmArray.submit(scripts)
        print("submitted array job \(submission.arrayJob) and finishing job \(submission.finishJob)")
        guard wait else { return }
        var last = ""
        let failures = try SlurmArray.wait(submission, tasks: tasks, logFolder: scripts.folder) { line in
            guard line != last else { return }
            last = line
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
        if failures.isEmpty {
            print("all \(tasks) tasks and the finishing job completed; index and validation in \(plan.outputFolder)")
        } else {
            for failure in failures { print("failed: \(failure)") }
            print("rerun the same command to redo only the missing or stale stimuli")
            throw CommandStatus(status: .stimuliFailed)
        }
    }
}
