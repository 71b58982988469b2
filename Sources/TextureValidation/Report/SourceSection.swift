// SourceSection: the report's section of one source: loss curves per condition, losses around
// histogram matching, luma histograms and amplitude spectra over the source's, and a table of
// every figure per stimulus.

import Foundation

enum SourceSection {
    static func render(_ id: String, report: ValidationReport, conditions: [String],
                       colours: [String: String]) -> String {
        let stimuli = conditions.flatMap { c in report.stimuli.filter { $0.source == id && $0.condition == c } }
        guard !stimuli.isEmpty else { return "" }
        var html = "<h2 id=\"source-\(SVGPlot.escape(id))\">Source \(SVGPlot.escape(id))</h2><div class=\"plots\">"
        for condition in conditions {
            let row = stimuli.filter { $0.condition == condition }
            guard !row.isEmpty else { continue }
            html += LossPlots.curves(row, condition: condition, colour: colours[condition] ?? "#888")
        }
        html += LossPlots.histogramMatching(stimuli, colours: colours)
        html += overlay(stimuli, source: report.sourceHistograms[id] ?? [], colours: colours, histogram: true)
        html += overlay(stimuli, source: report.sourceSpectra[id] ?? [], colours: colours, histogram: false)
        return html + "</div>" + figures(stimuli)
    }

    /// Luma histograms (x: luma) or amplitude spectra (x: cycles per image, log–log), the source thick, in black.
    static func overlay(_ stimuli: [StimulusValidation], source: [Double], colours: [String: String],
                        histogram: Bool) -> String {
        func points(_ values: [Double]) -> [(Double, Double)] {
            values.enumerated().map { (histogram ? Double($0) / 64 : Double($0 + 1), $1) }
        }
        let series = [SVGPlot.Series(label: "source", points: points(source), colour: "#000", width: 2.5)]
            + stimuli.map { s in
                SVGPlot.Series(label: s.jobId, points: points(histogram ? s.lumaHistogram : s.spectrum),
                               colour: colours[s.condition] ?? "#888")
            }
        return histogram
            ? SVGPlot.lines(series, title: "luma histograms (source in black)", xLabel: "luma", yLabel: "fraction")
            : SVGPlot.lines(series, title: "amplitude spectra (source in black)", xLabel: "cycles per image",
                            yLabel: "amplitude", logX: true, logY: true)
    }

    /// One row of figures per stimulus.
    static func figures(_ stimuli: [StimulusValidation]) -> String {
        var html = "<div class=\"scroll\"><table><tr><th>stimulus</th><th>mean lum.</th><th>RMS</th><th>clipped</th>"
            + "<th>hist. dist.</th><th>slope</th><th>spec. dist.</th><th>copy r</th><th>dup. r</th>"
            + "<th>loss before / after hist. match / file</th><th>Gram loss (per layer)</th></tr>"
        for s in stimuli {
            guard let t = s.statistics else {
                html += "<tr><td>\(s.jobId)</td><td colspan=\"10\" class=\"fail\">not measured</td></tr>"
                continue
            }
            let layers = t.gramLoss.map { loss in
                loss.layers.sorted { $0.key < $1.key }.map { String(format: "%@ %.3g", $0.key, $0.value) }
                    .joined(separator: ", ")
            } ?? "–"
            let losses = [t.recordedFinalLoss, t.recordedLossAfterHistogramMatching, t.gramLoss?.total]
                .map { $0.map { String(format: "%.3g", $0) } ?? "–" }.joined(separator: " / ")
            html += String(format: "<tr><td class=\"%@\">%@</td><td>%.3f</td><td>%.3f</td><td>%.3f%%</td><td>%.4f</td>"
                           + "<td>%.2f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%@</td><td>%@</td></tr>",
                           s.verdict.rawValue, s.jobId, t.luminance.mean, t.luminance.rmsContrast,
                           100 * (t.clippedAtMinimum + t.clippedAtMaximum), t.histogramDistance, t.spectrumSlope,
                           t.spectrumDistance, t.copyCorrelation, t.duplicateCorrelation, losses, layers)
        }
        return html + "</table></div>"
    }
}
