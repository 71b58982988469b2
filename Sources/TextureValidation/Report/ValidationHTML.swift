// ValidationHTML: one self-contained HTML report (images as data URIs, plots as inline SVG).

import Foundation
import TextureCore
import TextureImages

public enum ValidationHTML {
    /// The report of a set.
    /// - Parameters:
    ///   - conditions: the set's condition names, in the manifest's order (rows and colours).
    ///   - sources: the set's source ids, in the manifest's order (one section each).
    ///   - reportPath: where the report will be written (links to the stimuli are relative to it).
    ///   - sourcePixels: a source's pixels as its synthesis saw them (prepared: size, crop, grey),
    ///     for the contact sheet; nil when they cannot be had (shown as "–").
    public static func render(_ report: ValidationReport, conditions: [String], sources: [String], reportPath: String,
                              sourcePixels: (String) -> Tensor?) -> String {
        let colours = Dictionary(uniqueKeysWithValues: conditions.enumerated().map {
            ($1, SVGPlot.palette[$0 % SVGPlot.palette.count])
        })
        var html = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>texstim validation: \(SVGPlot.escape(report.set))</title>
            <style>body{font-family:sans-serif;margin:24px;color:#222}h2{margin-top:32px;border-bottom:1px solid #ccc}
            table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;font-size:12px;text-align:left}
            .pass{color:#1a7f37}.warn{color:#9a6700}.fail{color:#cf222e;font-weight:bold}
            .sheet td{border:none;text-align:center;font-size:11px}.sheet img{width:128px;height:128px;image-rendering:pixelated}
            .plots{display:flex;flex-wrap:wrap;gap:12px}</style></head><body>
            <h1>Validation of set “\(SVGPlot.escape(report.set))”: <span class="\(report.verdict.rawValue)">\(report.verdict.rawValue.uppercased())</span></h1>
            <p>Manifest \(SVGPlot.escape(report.manifest)) · folder \(SVGPlot.escape(report.folder)) · \(report.stimuli.count) stimuli ·
            \(report.findings.filter { $0.level == .fail }.count) failures · \(report.findings.filter { $0.level == .warn }.count) warnings.
            Luminance is Rec. 709 luma of the stored values (display-agnostic).</p>
            """
        html += findingsTable(report.findings, reportPath: reportPath)
        html += "<h2>Set: mean luminance × RMS contrast</h2>" + SVGPlot.scatter(
            report.stimuli.compactMap { s in s.statistics.map { ($0.luminance.mean, $0.luminance.rmsContrast, colours[s.condition] ?? "#000", "\(s.jobId)") } },
            title: "each stimulus, coloured by condition", xLabel: "mean luminance", yLabel: "RMS contrast")
        html += legend(conditions, colours) + conditionTable(report.conditions)
        for source in sources {
            html += sourceSection(source, report: report, conditions: conditions, pixels: sourcePixels(source), colours: colours)
        }
        return html + "</body></html>\n"
    }

    static func findingsTable(_ findings: [Finding], reportPath: String) -> String {
        guard !findings.isEmpty else { return "<h2>Findings</h2><p class=\"pass\">No warnings or failures.</p>" }
        let folder = (reportPath as NSString).deletingLastPathComponent
        let rows = findings.sorted { $0.level > $1.level }.map { finding in
            "<tr><td class=\"\(finding.level.rawValue)\">\(finding.level.rawValue)</td><td><a href=\"\(SVGPlot.escape(relative(finding.file, from: folder)))\">"
                + "\(SVGPlot.escape((finding.file as NSString).lastPathComponent))</a></td><td>\(finding.statistic)</td><td>\(SVGPlot.escape(finding.message))</td></tr>"
        }
        return "<h2>Findings</h2><table><tr><th>level</th><th>file</th><th>statistic</th><th>message</th></tr>" + rows.joined() + "</table>"
    }

    static func legend(_ conditions: [String], _ colours: [String: String]) -> String {
        "<p>" + conditions.map { "<span style=\"color:\(colours[$0]!)\">■</span> \(SVGPlot.escape($0))" }.joined(separator: " &nbsp; ") + "</p>"
    }

    static func conditionTable(_ conditions: [ConditionSummary]) -> String {
        "<table><tr><th>condition</th><th>stimuli</th><th>mean luminance</th><th>RMS contrast</th></tr>"
            + conditions.map { String(format: "<tr><td>%@</td><td>%d</td><td>%.4f</td><td>%.4f</td></tr>", SVGPlot.escape($0.condition), $0.stimuli, $0.meanLuminance, $0.rmsContrast) }.joined()
            + "</table>"
    }

    /// Contact sheet (source, then a row per condition), histograms and spectra, per-layer losses.
    static func sourceSection(_ id: String, report: ValidationReport, conditions: [String], pixels: Tensor?,
                              colours: [String: String]) -> String {
        let stimuli = report.stimuli.filter { $0.source == id }
        var html = "<h2>Source \(SVGPlot.escape(id))</h2><table class=\"sheet\"><tr><td>" + sourceImage(id, pixels: pixels)
            + "<br>source</td></tr>"
        for condition in conditions {
            let row = stimuli.filter { $0.condition == condition }
            guard !row.isEmpty else { continue }
            html += "<tr><td style=\"color:\(colours[condition]!)\">\(SVGPlot.escape(condition))</td>" + row.map { s in
                let stalled = s.statistics?.converged == false ? "<br><span class=\"fail\">NOT CONVERGED</span>" : ""
                return "<td>" + image(s.file) + "<br><span class=\"\(s.verdict.rawValue)\">s\(s.sample) \(s.verdict.rawValue)</span>\(stalled)</td>"
            }.joined() + "</tr>"
        }
        html += "</table><div class=\"plots\">"
        let sourceHistogram = SVGPlot.Series(label: "source", points: (report.sourceHistograms[id] ?? []).enumerated().map { (Double($0) / 64, $1) }, colour: "#000", width: 2.5)
        html += SVGPlot.lines([sourceHistogram] + stimuli.map { s in
            SVGPlot.Series(label: s.jobId, points: s.lumaHistogram.enumerated().map { (Double($0) / 64, $1) }, colour: colours[s.condition] ?? "#888")
        }, title: "luma histograms (source in black)", xLabel: "luma", yLabel: "fraction")
        let sourceSpectrum = SVGPlot.Series(label: "source", points: (report.sourceSpectra[id] ?? []).enumerated().map { (Double($0 + 1), $1) }, colour: "#000", width: 2.5)
        html += SVGPlot.lines([sourceSpectrum] + stimuli.map { s in
            SVGPlot.Series(label: s.jobId, points: s.spectrum.enumerated().map { (Double($0 + 1), $1) }, colour: colours[s.condition] ?? "#888")
        }, title: "amplitude spectra (source in black)", xLabel: "cycles per image", yLabel: "amplitude", logX: true, logY: true)
        for condition in conditions {
            let row = stimuli.filter { $0.condition == condition }
            if !row.isEmpty { html += lossCurves(row, condition: condition, colour: colours[condition] ?? "#888") }
        }
        html += "</div><table><tr><th>stimulus</th><th>mean lum.</th><th>RMS</th><th>clipped</th><th>hist. dist.</th><th>slope</th><th>spec. dist.</th><th>copy r</th><th>dup. r</th><th>Gram loss (per layer)</th></tr>"
        for s in stimuli {
            guard let t = s.statistics else { html += "<tr><td>\(s.jobId)</td><td colspan=\"9\" class=\"fail\">not measured</td></tr>"; continue }
            let layers = t.gramLoss.map { loss in loss.layers.sorted { $0.key < $1.key }.map { String(format: "%@ %.3g", $0.key, $0.value) }.joined(separator: ", ") } ?? "–"
            html += String(format: "<tr><td class=\"%@\">%@</td><td>%.3f</td><td>%.3f</td><td>%.3f%%</td><td>%.4f</td><td>%.2f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%@</td></tr>",
                           s.verdict.rawValue, s.jobId, t.luminance.mean, t.luminance.rmsContrast, 100 * (t.clippedAtMinimum + t.clippedAtMaximum),
                           t.histogramDistance, t.spectrumSlope, t.spectrumDistance, t.copyCorrelation, t.duplicateCorrelation, layers)
        }
        return html + "</table>"
    }

    /// The recorded loss per iteration of the samples of one source × condition; a run that did
    /// not converge is drawn thick, dashed and red, and named in the title.
    static func lossCurves(_ stimuli: [StimulusValidation], condition: String, colour: String) -> String {
        let stalled = stimuli.filter { $0.statistics?.converged == false }.map(\.jobId)
        let series = stimuli.map { s in
            let failed = stalled.contains(s.jobId)
            return SVGPlot.Series(label: s.jobId + (failed ? " (NOT CONVERGED)" : ""), points: s.lossTrace.enumerated().map { (Double($0), $1) },
                                  colour: failed ? "#cf222e" : colour, width: failed ? 3 : 1.2, dashed: failed)
        }
        let verdict = stalled.isEmpty ? "all converged" : "NOT CONVERGED: " + stalled.joined(separator: ", ")
        return SVGPlot.lines(series, title: "\(condition): loss per iteration (\(verdict))", xLabel: "iteration", yLabel: "loss", logY: true)
    }

    static func image(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "<span class=\"fail\">missing</span>" }
        return "<img src=\"data:image/png;base64,\(data.base64EncodedString())\" alt=\"\(SVGPlot.escape((path as NSString).lastPathComponent))\">"
    }

    static func sourceImage(_ id: String, pixels: Tensor?) -> String {
        guard let pixels, let png = try? PNGFile.encode(pixels, bitDepth: 8, text: nil) else { return "–" }
        return "<img src=\"data:image/png;base64,\(png.base64EncodedString())\" alt=\"source \(SVGPlot.escape(id))\">"
    }

    /// `path` relative to `folder` (both relative to the current directory or both absolute).
    static func relative(_ path: String, from folder: String) -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let base = URL(fileURLWithPath: folder.isEmpty ? "." : folder).standardizedFileURL.pathComponents
        let common = zip(target, base).prefix { $0 == $1 }.count
        return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
    }
}
