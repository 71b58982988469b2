// TerminalProgress: a one-line progress bar on a terminal, plain log lines otherwise.

import Foundation

public final class TerminalProgress {
    let isTerminal: Bool
    let plainEvery: Int
    var lastLength = 0

    /// - Parameter plainEvery: when not on a terminal, print every n-th update as a line.
    public init(plainEvery: Int = 50) {
        isTerminal = isatty(STDERR_FILENO) == 1
        self.plainEvery = plainEvery
    }

    /// Shows "label [####....] 120/400  loss 1.23e+03  0.05 s/iter  ETA 14 s".
    public func update(label: String, done: Int, total: Int, loss: Double, seconds: Double) {
        let perStep = seconds / Double(max(done, 1))
        let eta = perStep * Double(total - done)
        let stats = String(format: "%d/%d  loss %.4g  %.3f s/iter  ETA %.0f s", done, total, loss, perStep, eta)
        if isTerminal {
            let width = 24, filled = total > 0 ? width * done / total : 0
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = "\(label) [\(bar)] \(stats)"
            let padding = String(repeating: " ", count: max(0, lastLength - line.count))
            FileHandle.standardError.write(Data("\r\(line)\(padding)".utf8))
            lastLength = line.count
        } else if done % plainEvery == 0 || done == total {
            FileHandle.standardError.write(Data("\(label) \(stats)\n".utf8))
        }
    }

    /// Ends the bar's line on a terminal.
    public func finish() {
        if isTerminal && lastLength > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        lastLength = 0
    }
}
