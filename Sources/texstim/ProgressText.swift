// ProgressText: the pure pieces of the progress display (line cutting, ETA, terminal width), kept
// apart from the drawing so tests can give them widths and times.

import Foundation

enum ProgressText {
    /// `line` cut to at most `width` characters, ending in "…" when cut. A redrawn line must not
    /// wrap: the renderer moves the cursor up one row per line it drew, so a wrapped line would
    /// leave its tail behind as a stale row on every redraw.
    static func cut(_ line: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard line.count > width else { return line }
        return String(line.prefix(width - 1)) + "…"
    }

    /// "ETA –" until a job has finished (there is nothing to estimate from before that), then
    /// the mean time per finished job × the jobs not finished / the workers that can take them.
    static func eta(finishedSeconds: [Double], remaining: Int, workers: Int) -> String {
        guard !finishedSeconds.isEmpty else { return "ETA –" }
        let mean = finishedSeconds.reduce(0, +) / Double(finishedSeconds.count)
        let busy = max(1, min(workers, remaining))
        return "ETA " + duration(mean * Double(remaining) / Double(busy))
    }

    /// "42 s", "3 min 05 s", "2 h 07 min": a set can run for hours, where seconds are noise.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(max(0, seconds).rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, whole % 3600 / 60)
    }

    /// The terminal's width in columns: the window size of `fd`'s terminal, else $COLUMNS, else 80.
    static func columns(
        of fd: Int32 = STDERR_FILENO, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Int {
        columns(windowColumns: windowColumns(fd), environment: environment["COLUMNS"])
    }

    /// The fallback order on its own, for tests: a zero or missing window size (a pipe, some CI
    /// pseudo-terminals) falls to $COLUMNS, and an unset or unreadable $COLUMNS to 80.
    static func columns(windowColumns: Int?, environment: String?) -> Int {
        if let windowColumns, windowColumns > 0 { return windowColumns }
        if let text = environment, let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 {
            return value
        }
        return 80
    }

    static func windowColumns(_ fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 else { return nil }
        return Int(size.ws_col)
    }
}
