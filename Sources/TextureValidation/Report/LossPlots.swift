// LossPlots: the report's loss figures per source: the recorded loss per iteration of every
// sample, and each sample's loss before and after histogram matching (and of the file as written).

import Foundation

enum LossPlots {
    /// The recorded loss per iteration of the samples of one source × condition; a run that did
    /// not converge is drawn thick, dashed and purple (its mark's colour), and named in the title.
    static func curves(_ stimuli: [StimulusValidation], condition: String, colour: String) -> String {
        let stalled = stimuli.filter { $0.statistics?.converged == false }.map(\.jobId)
        let series = stimuli.map { s in
            let failed = stalled.contains(s.jobId)
            return SVGPlot.Series(label: s.jobId + (failed ? " (NOT CONVERGED)" : ""),
                                  points: s.lossTrace.enumerated().map { (Double($0), $1) },
                                  colour: failed ? StimulusMark.notConverged.colour! : colour,
                                  width: failed ? 3 : 1.2, dashed: failed)
        }
        let verdict = stalled.isEmpty ? "all converged" : "NOT CONVERGED: " + stalled.joined(separator: ", ")
        return SVGPlot.lines(series, title: "\(condition): loss per iteration (\(verdict))", xLabel: "iteration",
                             yLabel: "loss", logY: true)
    }

    /// Per sample (x, in condition order): the loss at the end of the optimisation (●), after
    /// histogram matching (□), both as recorded, joined by a line; and the loss re-measured from
    /// the file (×). Log scale; samples without a recorded loss are left out.
    static func histogramMatching(_ stimuli: [StimulusValidation], colours: [String: String],
                                  width: Double = 360, height: Double = 220) -> String {
        let rows = stimuli.compactMap { s -> (StimulusValidation, Double, Double?, Double?)? in
            guard let t = s.statistics, let before = t.recordedFinalLoss, before > 0 else { return nil }
            return (s, before, t.recordedLossAfterHistogramMatching, t.gramLoss?.total)
        }
        let values = rows.flatMap { [$0.1, $0.2, $0.3].compactMap { $0 } }.filter { $0 > 0 }.map(log10)
        let title = "loss before (●) and after (□) histogram matching, file (×)"
        guard let low = values.min(), let high = values.max() else { return "<p>\(title): no recorded losses</p>" }
        let frame = SVGPlot.Frame(minX: -0.5, maxX: Double(rows.count) - 0.5, minY: low, maxY: high,
                                  width: width, height: height)
        var svg = frame.open(title: title, xLabel: "sample (in condition order)", yLabel: "loss (log10)")
        for (i, row) in rows.enumerated() {
            let (x, colour) = (frame.x(Double(i)), colours[row.0.condition] ?? "#888")
            let before = frame.y(log10(row.1))
            svg += "<g><title>\(SVGPlot.escape(row.0.jobId))</title>"
            if let after = row.2, after > 0 {
                let y = frame.y(log10(after))
                svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\"/>",
                              x, before, x, y, colour)
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" fill=\"#fff\" "
                              + "stroke=\"%@\" stroke-width=\"1.5\"/>", x - 3.5, y - 3.5, colour)
            }
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%@\"/>", x, before, colour)
            if let file = row.3, file > 0 {
                let y = frame.y(log10(file))
                svg += String(format: "<path d=\"M%.1f %.1fl6 6m0 -6l-6 6\" stroke=\"#222\" stroke-width=\"1.2\"/>",
                              x - 3, y - 3)
            }
            svg += "</g>"
        }
        return svg + "</svg>"
    }
}
