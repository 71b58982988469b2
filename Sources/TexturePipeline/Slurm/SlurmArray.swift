// SlurmArray: run a set as a Slurm job array (task i = `texstim run --shard i/N`) plus a finishing
// job (afterany) that assembles the index from every shard's sidecars and validates the set.

import Foundation
import TextureCore
import TextureSynthesis
import TextureImages

public struct SlurmOptions: Sendable {
    public var tasks = 4
    public var cpusPerTask = 1
    public var partition: String?
    public var time: String?
    public var memory: String?
    /// Extra `#SBATCH` lines, separated by newlines or ';'.
    public var extra: String?
    public var outputOverride: String?
    /// Passed to every task's `texstim run --conv`.
    public var convolution = ConvolutionChoice.default
    /// The L-BFGS-B code every job uses (`run --lbfgsb`).
    public var optimizerCode = LBFGSBImplementation.default
    /// Passed to every task's and the finishing job's `texstim run --allow-unverified-weights`.
    public var allowUnverifiedWeights = false

    public init() {}
}

public struct SlurmScripts: Sendable {
    public var folder: String
    public var arrayScript: String
    public var finishScript: String
}

public struct SlurmSubmission: Sendable {
    public var arrayJob: String
    public var finishJob: String
}

public enum SlurmArray {
    /// Writes <output>/slurm/texstim.sbatch (the array) and finish.sbatch.
    public static func writeScripts(
        plan: SetPlan, manifestPath: String, executable: String, options: SlurmOptions
    ) throws(PipelineError) -> SlurmScripts {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : (cwd as NSString).appendingPathComponent(path)
        }
        // The manifest and output paths stay as the user gave them (tasks run in the same folder,
        // --chdir), because provenance records the manifest path: the set's bytes then equal a
        // one-machine `texstim run` of the same command line.
        let output = plan.outputFolder, manifest = manifestPath, texstim = absolute(executable)
        let folder = (absolute(output) as NSString).appendingPathComponent("slurm")
        var header = [
            "#!/bin/bash", "#SBATCH --job-name=texstim-\(plan.manifest.name)", "#SBATCH --chdir=\(cwd)",
            "#SBATCH --cpus-per-task=\(options.cpusPerTask)",
        ]
        if let partition = options.partition { header.append("#SBATCH --partition=\(partition)") }
        if let time = options.time { header.append("#SBATCH --time=\(time)") }
        if let memory = options.memory { header.append("#SBATCH --mem=\(memory)") }
        for line in (options.extra ?? "").split(whereSeparator: { $0 == "\n" || $0 == ";" }) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { header.append(trimmed.hasPrefix("#SBATCH") ? trimmed : "#SBATCH \(trimmed)") }
        }
        let quoted = { (text: String) in "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let allow = options.allowUnverifiedWeights ? " --allow-unverified-weights" : ""
        let array =
            (header + [
                "#SBATCH --array=0-\(options.tasks - 1)", "#SBATCH --output=\(folder)/task-%a.log", "set -euo pipefail",
                "exec \(quoted(texstim)) run \(quoted(manifest)) --shard \"${SLURM_ARRAY_TASK_ID}/\(options.tasks)\" "
                    + "--workers \(options.cpusPerTask) --conv \(options.convolution.rawValue) --lbfgsb \(options.optimizerCode.rawValue) --output \(quoted(output))\(allow)",
            ]).joined(separator: "\n") + "\n"
        let finish =
            (header.map { $0.hasPrefix("#SBATCH --cpus-per-task") ? "#SBATCH --cpus-per-task=1" : $0 }
            + [
                "#SBATCH --output=\(folder)/finish.log", "set -euo pipefail",
                "exec \(quoted(texstim)) run \(quoted(manifest)) --finish --output \(quoted(output))\(allow)",
            ]).joined(separator: "\n") + "\n"
        let scripts = SlurmScripts(
            folder: folder, arrayScript: (folder as NSString).appendingPathComponent("texstim.sbatch"),
            finishScript: (folder as NSString).appendingPathComponent("finish.sbatch"))
        // The array writes into the set: the folder must be texstim's before anything lands there.
        let setFolder = SetFolder(output, setName: plan.manifest.name)
        try setFolder.claim()
        try setFolder.createFolder("slurm")
        do {
            try ImageFile.writeAtomically(Data(array.utf8), to: scripts.arrayScript)
            try ImageFile.writeAtomically(Data(finish.utf8), to: scripts.finishScript)
        } catch { throw .image(error) }
        return scripts
    }

    /// `sbatch --parsable` the array, then the finishing job with --dependency=afterany:<array>.
    public static func submit(_ scripts: SlurmScripts) throws(PipelineError) -> SlurmSubmission {
        let array = try command("sbatch", ["--parsable", scripts.arrayScript])
        let arrayJob = String(array.split(separator: ";").first ?? "")
        let finish = try command("sbatch", ["--parsable", "--dependency=afterany:\(arrayJob)", scripts.finishScript])
        return SlurmSubmission(arrayJob: arrayJob, finishJob: String(finish.split(separator: ";").first ?? ""))
    }

    /// Polls squeue until both jobs have left the queue, then reads each task's state and exit
    /// code from `scontrol -o show job` (kept for MinJobAge seconds after the end).
    public static func wait(
        _ submission: SlurmSubmission, tasks: Int, logFolder: String,
        progress: (String) -> Void
    ) throws(PipelineError) -> [String] {
        while true {
            let queued =
                (try? command("squeue", ["-h", "-j", "\(submission.arrayJob),\(submission.finishJob)", "-o", "%i %T"]))
                ?? ""
            let lines = queued.split(separator: "\n")
            if lines.isEmpty { break }
            let running = lines.filter { $0.hasSuffix("RUNNING") }.count
            progress("\(lines.count) jobs queued or running (\(running) running)")
            Thread.sleep(forTimeInterval: 0.5)
        }
        var failures: [String] = []
        let report = (try? command("scontrol", ["-o", "show", "job", submission.arrayJob])) ?? ""
        for line in report.split(separator: "\n") {
            let fields = Dictionary(
                line.split(separator: " ").compactMap { part -> (String, String)? in
                    let pair = part.split(separator: "=", maxSplits: 1)
                    return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
                }, uniquingKeysWith: { a, _ in a })
            guard let task = fields["ArrayTaskId"], let state = fields["JobState"] else { continue }
            if state != "COMPLETED" || fields["ExitCode"] != "0:0" {
                failures.append(
                    "task \(task) ended \(state) (exit \(fields["ExitCode"] ?? "?")); log \(logFolder)/task-\(task).log"
                )
            }
        }
        let finish = (try? command("scontrol", ["-o", "show", "job", submission.finishJob])) ?? ""
        if !finish.contains("JobState=COMPLETED") || !finish.contains("ExitCode=0:0") {
            failures.append(
                "finishing job \(submission.finishJob) did not complete cleanly; log \(logFolder)/finish.log")
        }
        return failures
    }

    /// Runs a Slurm client command and returns its standard output.
    static func command(_ name: String, _ arguments: [String]) throws(PipelineError) -> String {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard
            let executable = paths.map({ "\($0)/\(name)" }).first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            throw .invalidArgument(
                name: name, value: "not found on PATH",
                hint:
                    "run on a Slurm login node, or use --dry-run to write the scripts and submit them there with sbatch"
            )
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        do { try process.run() } catch { throw .invalidArgument(name: name, value: "cannot start", hint: "\(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .invalidArgument(
                name: "\(name) \(arguments.joined(separator: " "))", value: "exit \(process.terminationStatus)",
                hint: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
