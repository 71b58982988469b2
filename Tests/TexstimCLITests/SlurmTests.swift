// SlurmTests: `texstim slurm` against a real one-node Slurm (scripts/local-slurm.sh), as root.

import Foundation
import Testing

let slurmConf = "/run/texstim-slurm/slurm.conf"

/// Starts the local cluster once (installing Slurm if needed) for this test process, which stops
/// it on exit (the script's watcher stops it too if this process is killed); a cluster that was
/// already running is used and left running. nil when it runs; else why not.
let localSlurm: String? = {
    guard getuid() == 0 else { return "not root: the local Slurm cluster needs root (CI runs as root)" }
    let status = localSlurmScript(["start", "--owner", "\(getpid())"])
    atexit { _ = localSlurmScript(["stop", "--owner", "\(getpid())"]) }
    return status == 0 ? nil : "scripts/local-slurm.sh start failed (status \(status)); logs in /run/texstim-slurm/log"
}()

/// Runs scripts/local-slurm.sh to completion with `environment` added; returns its wait status.
func localSlurmScript(_ arguments: [String], environment: [String: String] = [:]) -> Int32 {
    // posix_spawn + waitpid rather than Process: the daemons the script starts inherit the
    // descriptor Foundation watches for the child's exit, and Process would wait for them too.
    var pid: pid_t = 0
    let all = ["/bin/bash", repository.appendingPathComponent("scripts/local-slurm.sh").path] + arguments
    var argv = all.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    var envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { envp.forEach { free($0) } }
    // The daemons must not inherit the test runner's blocked signals (they would ignore SIGTERM).
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    guard posix_spawn(&pid, "/bin/bash", nil, &attributes, &argv, &envp) == 0 else { return -1 }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return status
}

/// Runs a command with SLURM_CONF set; returns (status, stdout).
func slurmCommand(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
    let environment = ProcessInfo.processInfo.environment.merging(["SLURM_CONF": slurmConf]) { _, new in new }
    let result = try command(URL(fileURLWithPath: executable), arguments, environment: environment, capturingErrors: false)
    return (result.status, result.output)
}

/// The stimulus PNGs below a set folder (not the report's contact_sheet.png).
func pngFiles(_ folder: String) -> [String] {
    files(under: folder).filter { $0.hasSuffix(".png") && $0 != "contact_sheet.png" }.sorted()
}

@Suite(.serialized) struct SlurmTests {
    let texstimPath = texstimURL.path

    func manifest(in folder: String) throws -> String {
        let path = folder + "/set.yaml"
        try """
        version: 1
        name: slurm
        seed: 5
        defaults: {size: 48, iterations: 100, histogram_match: true}
        sources:
          - {id: pebbles, path: \(repository.path)/manifests/sources/pebbles_256.png}
          - {id: leaves, path: \(repository.path)/manifests/sources/maple-leaves_256.png}
        conditions:
          - {name: a, layers: [level0, level1]}
          - {name: b, layers: [level0]}
        samples: 3
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A fresh folder with the test manifest, or nil (with the reason) when no cluster runs.
    func clusterAndManifest() throws -> (String, String)? {
        if let reason = localSlurm {
            // As root (CI) the cluster must start; elsewhere the test says why it did not run.
            if getuid() == 0 { Issue.record("\(reason)") } else { print("skipped: \(reason)") }
            return nil
        }
        let folder = try temporaryFolder("slurm")
        return (folder, try manifest(in: folder))
    }

    /// `texstim run --workers 1` of the same manifest must give the array's bytes.
    func expectSameBytesAsOneMachine(_ manifest: String, folder: String) throws {
        let (single, _) = try slurmCommand(texstimPath, ["run", manifest, "--workers", "1", "--output", folder + "/single"])
        #expect(single == 0)
        try expectSameBytes(folder + "/array", folder + "/single")
    }

    func expectSameBytes(_ a: String, _ b: String) throws {
        #expect(pngFiles(a) == pngFiles(b) && pngFiles(a).count == 12)
        for file in pngFiles(a) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: a + "/" + file)) == Data(contentsOf: URL(fileURLWithPath: b + "/" + file)), "\(file)")
        }
    }

    @Test func threeTaskArrayEqualsOneMachineRunAndValidates() throws {
        guard let (folder, manifest) = try clusterAndManifest() else { return }
        let (status, output) = try slurmCommand(texstimPath, ["slurm", manifest, "--tasks", "3", "--output", folder + "/array", "--submit", "--wait"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("all 3 tasks and the finishing job completed"))
        try expectSameBytesAsOneMachine(manifest, folder: folder)
        let finish = try String(contentsOfFile: folder + "/array/slurm/finish.log", encoding: .utf8)
        #expect(finish.contains("validation of 12 stimuli: PASS"), "\(finish)")
        #expect(try String(contentsOfFile: folder + "/array/index.csv", encoding: .utf8).split(separator: "\n").count == 13)
    }

    @Test func cancelledTaskIsRedoneByARerun() throws {
        guard let (folder, manifest) = try clusterAndManifest() else { return }
        let (status, output) = try slurmCommand(texstimPath, ["slurm", manifest, "--tasks", "3", "--output", folder + "/array", "--submit"])
        #expect(status == 0, "\(output)")
        let arrayJob = output.split(separator: "\n").first { $0.hasPrefix("submitted array job ") }.map { String($0.split(separator: " ")[3]) } ?? ""
        // Cancel task 1 once any stimulus exists (it may not have finished its own yet).
        let deadline = Date().addingTimeInterval(120)
        while pngFiles(folder + "/array").isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        _ = try slurmCommand("/usr/bin/scancel", ["\(arrayJob)_1"])
        while Date() < deadline {
            let (_, queue) = try slurmCommand("/usr/bin/squeue", ["-h", "-o", "%i"])
            if queue.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let partial = pngFiles(folder + "/array").count
        #expect(partial < 12, "task 1 was cancelled, so its stimuli are missing")
        let (again, rerun) = try slurmCommand(texstimPath, ["slurm", manifest, "--tasks", "3", "--output", folder + "/array", "--submit", "--wait"])
        #expect(again == 0, "\(rerun)")
        let logs = try (0..<3).map { try String(contentsOfFile: folder + "/array/slurm/task-\($0).log", encoding: .utf8) }.joined()
        let redone = logs.split(separator: "\n").compactMap { line in line.contains(" synthesised, ") ? Int(line.split(separator: " ")[1]) : nil }.reduce(0, +)
        #expect(redone == 12 - partial, "the rerun redid \(redone) stimuli; \(12 - partial) were missing")
        try expectSameBytesAsOneMachine(manifest, folder: folder)
    }

    /// A cluster started for a process is stopped when that process ends, and only by it: the
    /// tests left munged, slurmctld and slurmd running. Uses a private cluster (its own folder and
    /// ports), so a cluster someone else runs is untouched.
    @Test func aClusterStartedForAProcessStopsWhenItEnds() throws {
        guard getuid() == 0 else { print("skipped: not root: the local Slurm cluster needs root"); return }
        let base = "/run/tss-\(getpid())", environment = ["TEXSTIM_SLURM_BASE": base, "TEXSTIM_SLURM_PORT": "7917"]
        let owner = Process()
        owner.executableURL = URL(fileURLWithPath: "/bin/sleep")
        owner.arguments = ["4"]
        try owner.run()
        #expect(localSlurmScript(["start", "--owner", "\(owner.processIdentifier)"], environment: environment) == 0)
        defer { _ = localSlurmScript(["stop"], environment: environment); try? FileManager.default.removeItem(atPath: base) }
        let daemons = try ["munged", "slurmctld", "slurmd"].map { try String(contentsOfFile: "\(base)/\($0).pid", encoding: .utf8) }
            .compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(daemons.count == 3 && daemons.allSatisfy { kill($0, 0) == 0 })
        // Another process cannot stop them.
        #expect(localSlurmScript(["stop", "--owner", "\(getpid())"], environment: environment) == 0)
        #expect(daemons.allSatisfy { kill($0, 0) == 0 })
        owner.waitUntilExit()
        let deadline = Date().addingTimeInterval(30)
        while daemons.contains(where: { kill($0, 0) == 0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        #expect(daemons.allSatisfy { kill($0, 0) != 0 }, "daemons \(daemons) still run after their owner ended")
    }

    @Test func withoutSbatchDryRunStillWritesTheScript() throws {
        let folder = try temporaryFolder("slurm")
        let manifest = try manifest(in: folder)
        let result = try texstim(["slurm", manifest, "--tasks", "2", "--output", folder + "/set", "--submit"],
                                 environment: ["PATH": "/nonexistent"])
        let message = result.error
        #expect(result.status == 2)
        #expect(message.contains("sbatch: invalid value 'not found on PATH'. Hint: run on a Slurm login node, or use --dry-run"), "\(message)")
        let script = try String(contentsOfFile: folder + "/set/slurm/texstim.sbatch", encoding: .utf8)
        #expect(script.contains("#SBATCH --array=0-1") && script.contains("--shard \"${SLURM_ARRAY_TASK_ID}/2\""))
    }
}
