// TerminalProgress: `texstim synthesize`'s one-line progress bar on a terminal, plain log lines otherwise.

import Foundation

final class TerminalProgress {
    let isTerminal: Bool
    let plainEvery: Int
    var drawn = false

    /// - Parameter plainEvery: when not on a terminal, print every n-th update as a line.
    init(plainEvery: Int = 50) {
        isTerminal = isatty(STDERR_FILENO) == 1
        self.plainEvery = plainEvery
    }

    /// Shows "label [####....] 120/400  loss 1.23e+03  0.05 s/iter  ETA 14 s".
    func update(label: String, done: Int, total: Int, loss: Double, seconds: Double) {
        let perStep = seconds / Double(max(done, 1))
        let eta = perStep * Double(total - done)
        let stats = String(format: "%d/%d  loss %.4g  %.3f s/iter  ETA ", done, total, loss, perStep)
        if isTerminal {
            let width = 24, filled = total > 0 ? width * done / total : 0
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            // Cut to the width (one column spare): a wrapped line is not overwritten by "\r".
            let line = ProgressText.cut(
                "\(label) [\(bar)] \(stats)\(ProgressText.duration(eta))", to: max(1, ProgressText.columns() - 1))
            FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8))
            drawn = true
        } else if done % plainEvery == 0 || done == total {
            FileHandle.standardError.write(Data("\(label) \(stats)\(String(format: "%.0f s", eta))\n".utf8))
        }
    }

    /// Ends the bar's line on a terminal.
    func finish() {
        if isTerminal && drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }
}
