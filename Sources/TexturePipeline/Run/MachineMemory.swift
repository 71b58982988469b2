// MachineMemory: how much memory a job may plan for, and the refusal of one that needs more.
//
// The limit is the machine's physical memory (MemTotal in /proc/meminfo), not MemAvailable:
// what is free changes from second to second with other users' jobs, and a plan that passes or
// fails with them would not be repeatable. TEXSTIM_MEMORY_BYTES replaces it, e.g. with a Slurm
// job's --mem, so that a job is refused before it is killed.

import Foundation
import TextureSynthesis

public enum MachineMemory {
    public static let environmentKey = "TEXSTIM_MEMORY_BYTES"

    /// The bytes a job may use, and where that number came from (for messages).
    public static func limit(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (bytes: Int, source: String) {
        if let text = environment[environmentKey], let bytes = Int(text), bytes > 0 { return (bytes, environmentKey) }
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
            let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        else {
            return (Int(ProcessInfo.processInfo.physicalMemory), "physical memory")
        }
        return (kib * 1024, "MemTotal in /proc/meminfo")
    }

    /// "1.21 GB" (decimal, as `free -g` and Slurm's --mem=…G are read).
    public static func format(_ bytes: Int) -> String {
        String(format: "%.2f GB", Double(bytes) / 1e9)
    }

    /// Throws when `bytes` exceed the limit. `what` names the job, `hint` says what to change.
    public static func require(_ bytes: Int, for what: String, detail: String, hint: String) throws(PipelineError) {
        let (limit, source) = limit()
        guard bytes > limit else { return }
        throw .memoryExceeded(
            what: what, detail: detail, estimate: bytes, limit: limit, limitSource: source, hint: hint)
    }
}
