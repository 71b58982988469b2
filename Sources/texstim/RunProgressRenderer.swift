// RunProgressRenderer: shows a set run's RunEvents on stderr: an overall bar and a line per worker,
// redrawn in place, on a terminal; one plain line per finished job otherwise (logs, pipes, Slurm).

import Foundation
import TexturePipeline

final class RunProgressRenderer: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal: Bool
    private let write: (String) -> Void
    private let columns: () -> Int
    private var jobs = 0
    private var finished = 0
    private var failed = 0
    private var workers: [String] = []
    private var jobStarts: [Date?] = []
    private var jobSeconds: [Double] = []
    private var drawnLines = 0
    private var lastDraw = Date.distantPast

    /// - Parameters:
    ///   - write: where the text goes (stderr by default; tests collect it).
    ///   - columns: the terminal's width, asked at every redraw so a resized window is followed.
    init(
        isTerminal: Bool = isatty(STDERR_FILENO) == 1,
        write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
        columns: @escaping () -> Int = { ProgressText.columns() }
    ) {
        self.isTerminal = isTerminal
        self.write = write
        self.columns = columns
    }

    /// The sink to put in `RunOptions.progress`; the workers call it concurrently.
    var sink: RunProgressSink { { [self] event in lock.withLock { handle(event) } } }

    private func handle(_ event: RunEvent) {
        switch event {
        case let .setStarted(jobs, workers):
            self.jobs = jobs
            self.workers = [String](repeating: "idle", count: workers)
            jobStarts = [Date?](repeating: nil, count: workers)
        case let .jobStarted(worker, job):
            guard workers.indices.contains(worker) else { return }
            jobStarts[worker] = Date()
            workers[worker] = "starting \(job)"
            draw(force: false)
        case let .iteration(worker, job, iteration, total, loss):
            guard workers.indices.contains(worker) else { return }
            // The numbers before the job's id: a narrow terminal cuts the id's tail, not the progress.
            workers[worker] = String(format: "%d/%d loss %.4g  %@", iteration, total, loss, job)
            draw(force: false)
        case let .jobFinished(worker, job, failure):
            finished += 1
            if failure != nil { failed += 1 }
            if workers.indices.contains(worker) {
                if let start = jobStarts[worker] { jobSeconds.append(Date().timeIntervalSince(start)) }
                jobStarts[worker] = nil
                workers[worker] = "idle"
            }
            // The same line on and off a terminal: scripts and the CLI tests read it from logs.
            log("[\(finished)/\(jobs)] \(job) \(failure.map { "FAILED: \($0)" } ?? "done")")
        case .setFinished:
            clear()
        }
    }

    /// A line above the bar (or a plain line): it scrolls away, so it may wrap.
    private func log(_ message: String) {
        clear()
        write(message + "\n")
        draw(force: true)
    }

    /// Moves the cursor back to the first line drawn and erases to the end of the screen.
    private func clear() {
        guard isTerminal, drawnLines > 0 else { return }
        write("\u{1B}[\(drawnLines)F\u{1B}[J")
        drawnLines = 0
    }

    private func draw(force: Bool) {
        guard isTerminal, force || Date().timeIntervalSince(lastDraw) > 0.25 else { return }
        lastDraw = Date()
        clear()
        // One column spare: some terminals wrap a line that fills the last column exactly.
        let width = max(1, columns() - 1)
        let lines = Self.lines(
            width: width, jobs: jobs, finished: finished, failed: failed, workers: workers,
            eta: ProgressText.eta(finishedSeconds: jobSeconds, remaining: jobs - finished, workers: workers.count))
        write(lines.joined(separator: "\n") + "\n")
        drawnLines = lines.count
    }

    /// The bar and the worker lines, each cut to `width` so none wraps.
    static func lines(width: Int, jobs: Int, finished: Int, failed: Int, workers: [String], eta: String) -> [String] {
        let barWidth = max(10, min(30, width - 40))
        let filled = jobs > 0 ? barWidth * finished / jobs : barWidth
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "]"
        let head = "\(bar) \(finished)/\(jobs) done, \(failed) failed, \(eta)"
        let rows = workers.enumerated().map { "  worker \($0.offset + 1): \($0.element)" }
        return ([head] + rows).map { ProgressText.cut($0, to: width) }
    }
}
