// RunProgress: one overall bar (done/total, failures, ETA) and a line per worker on a terminal;
// plain log lines (one per finished job) otherwise. Thread-safe.

import Foundation

public final class RunProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let total: Int
    private let start = Date()
    private var done = 0
    private var failed = 0
    private var workers: [String]
    private var drawnLines = 0
    private var lastDraw = Date.distantPast

    public init(total: Int, workers: Int) {
        self.total = total
        self.workers = [String](repeating: "idle", count: workers)
    }

    public func working(_ worker: Int, job: String, iteration: Int, of iterations: Int, loss: Double) {
        lock.withLock {
            workers[worker] = String(format: "%@ %d/%d loss %.4g", job, iteration, iterations, loss)
            draw(force: false)
        }
    }

    public func finished(_ worker: Int, job: String, error: String?) {
        lock.withLock {
            done += 1
            if error != nil { failed += 1 }
            workers[worker] = "idle"
            if isTerminal { draw(force: true) }
            let status = error.map { "FAILED: \($0)" } ?? "done"
            log("[\(done)/\(total)] \(job) \(status)")
        }
    }

    /// A message above the bar (or a plain line).
    public func log(_ message: String) {
        if isTerminal { clear() }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        if isTerminal { draw(force: true) }
    }

    public func finish() {
        lock.withLock { if isTerminal { clear() } }
    }

    private func clear() {
        guard drawnLines > 0 else { return }
        FileHandle.standardError.write(Data(("\u{1B}[\(drawnLines)F" + "\u{1B}[J").utf8))
        drawnLines = 0
    }

    private func draw(force: Bool) {
        guard isTerminal, force || Date().timeIntervalSince(lastDraw) > 0.25 else { return }
        lastDraw = Date()
        clear()
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let width = 30, filled = total > 0 ? width * done / total : width
        var lines = [String(format: "[%@%@] %d/%d done, %d failed, ETA %.0f s", String(repeating: "#", count: filled),
                            String(repeating: ".", count: width - filled), done, total, failed, eta)]
        lines += workers.enumerated().map { "  worker \($0 + 1): \($1)" }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        drawnLines = lines.count
    }
}
