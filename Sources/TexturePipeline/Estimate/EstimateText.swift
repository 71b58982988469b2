// EstimateText: how `plan` words an estimate — each job's seconds and where they came from, and the total.

import Foundation

public enum EstimateText {
    /// "~21 s", or "≤ 738 s" when stopping rules may end the job sooner; "? s" without an estimate.
    public static func seconds(_ job: JobEstimate) -> String {
        if job.basis == .none { return "? s" }
        return String(format: job.upperBound ? "≤ %.0f s" : "~%.0f s", job.seconds)
    }

    /// "(timed now)", "(timed 2 h ago, cached)" or "(4 earlier runs, newest 3 min ago)".
    public static func basis(_ basis: JobEstimate.Basis, now: Date = Date()) -> String {
        switch basis {
        case .runs(let count, let newest):
            return "(\(count) earlier run\(count == 1 ? "" : "s"), newest \(age(of: newest, now: now)))"
        case .calibration(let measured, let cached):
            return cached ? "(timed \(age(of: measured, now: now)), cached)" : "(timed now)"
        case .none:
            return "(could not be timed)"
        }
    }

    /// "45 s ago", "12 min ago", "3 h ago", "2 days ago"; "at <timestamp>" when it cannot be read.
    public static func age(of timestamp: String, now: Date = Date()) -> String {
        guard let date = ISO8601DateFormatter().date(from: timestamp) else { return "at \(timestamp)" }
        let seconds = max(0, now.timeIntervalSince(date))
        switch seconds {
        case ..<90: return String(format: "%.0f s ago", seconds)
        case ..<(90 * 60): return String(format: "%.0f min ago", seconds / 60)
        case ..<(48 * 3600): return String(format: "%.0f h ago", seconds / 3600)
        default: return String(format: "%.0f days ago", seconds / 86400)
        }
    }

    /// The total line: CPU time, wall time with `workers`, and what the figures rest on.
    public static func total(_ estimate: SetEstimate, workers: Int) -> String {
        let cpu = estimate.totalCPUSeconds
        var text = String(
            format: "estimated CPU time %@%.0f s (%.1f h), one thread per job; about %.0f s wall time with %d worker%@",
            estimate.isUpperBound ? "at most " : "", cpu, cpu / 3600, cpu / Double(max(1, workers)), workers,
            workers == 1 ? "" : "s")
        if estimate.isUpperBound {
            text +=
                "\n  an upper bound: stopping rules (or factr/pgtol) may end jobs early, and no earlier run of the "
                + "same kind says when; after a run, plan uses the iterations it needed"
        }
        if estimate.jobs.contains(where: { $0.basis == .none }) {
            text += "\n  jobs marked '?' could not be timed and are not counted"
        }
        return text
    }
}
