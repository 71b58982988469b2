// ValidationHTML: one self-contained HTML report (thumbnails as data URIs, plots as inline SVG,
// no scripts, no fetches), so that it still works when the set folder is moved, zipped or mailed.
//
// Order: verdict and counts, findings, the overview grid of the whole set (OverviewGrid), the
// mean luminance × RMS contrast scatter (SVGPlot+Scatter) and condition means, then per source
// its loss curves, losses around histogram matching, histograms, spectra and figures (SourceSection).

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
    ///     for the grid; nil when they cannot be had (shown as unreadable).
    public static func render(
        _ report: ValidationReport, conditions: [String], sources: [String], reportPath: String,
        sourcePixels: (String) -> Tensor?
    ) -> String {
        render(
            report, conditions: conditions, sources: sources, reportPath: reportPath,
            thumbnails: ReportThumbnails(report, sources: sources, sourcePixels: sourcePixels))
    }

    /// The report from thumbnails already made (ValidationOutput shares them with contact_sheet.png).
    public static func render(
        _ report: ValidationReport, conditions: [String], sources: [String], reportPath: String,
        thumbnails: ReportThumbnails
    ) -> String {
        let colours = conditionColours(conditions)
        let folder = (reportPath as NSString).deletingLastPathComponent
        var html = header(report) + findingsTable(report.findings, folder: folder)
        html += OverviewGrid.render(
            report, conditions: conditions, sources: sources, colours: colours,
            thumbnails: thumbnails, folder: folder)
        html +=
            "<h2>Set: mean luminance × RMS contrast</h2>"
            + scatter(report, conditions: conditions, colours: colours)
        html += conditionTable(report.conditions)
        for source in sources {
            html += SourceSection.render(source, report: report, conditions: conditions, colours: colours)
        }
        return html + "</body></html>\n"
    }

    /// Condition name → colour, in the manifest's order (the palette repeats after 8).
    static func conditionColours(_ conditions: [String]) -> [String: String] {
        Dictionary(
            conditions.enumerated().map { ($1, SVGPlot.palette[$0 % SVGPlot.palette.count]) },
            uniquingKeysWith: { first, _ in first })
    }

    static let style = """
        body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}h2{margin-top:32px;\
        border-bottom:1px solid #ccc}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;\
        font-size:12px;text-align:left}.findings td:nth-child(2){overflow-wrap:anywhere}.pass{color:#1a7f37}.warn{color:#9a6700}\
        .fail{color:#cf222e;font-weight:bold}.plots{display:flex;flex-wrap:wrap;gap:12px}\
        .scroll{overflow-x:auto;max-width:100%}svg{max-width:100%;height:auto}
        """

    static func header(_ report: ValidationReport) -> String {
        let set = SVGPlot.escape(report.set), verdict = report.verdict.rawValue
        let failures = report.findings.filter { $0.level == .fail }.count
        let warnings = report.findings.filter { $0.level == .warn }.count
        return """
            <!DOCTYPE html><html><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>texstim validation: \(set)</title><style>\(style)\(OverviewGrid.style)</style></head><body>
            <h1>Validation of set “\(set)”: <span class="\(verdict)">\(verdict.uppercased())</span></h1>
            <p>Manifest \(SVGPlot.escape(report.manifest)) · folder \(SVGPlot.escape(report.folder)) · \
            \(report.stimuli.count) stimuli · \(failures) failures · \(warnings) warnings.
            Luminance is Rec. 709 luma of the stored values (display-agnostic).</p>
            """
    }

    static func findingsTable(_ findings: [Finding], folder: String) -> String {
        guard !findings.isEmpty else {
            return "<h2>Findings</h2><p class=\"pass\">No warnings or failures.</p>"
        }
        let rows = findings.sorted { $0.level > $1.level }.map { finding in
            "<tr><td class=\"\(finding.level.rawValue)\">\(finding.level.rawValue)</td><td><a href=\""
                + "\(SVGPlot.escape(relative(finding.file, from: folder)))\">"
                + "\(SVGPlot.escape((finding.file as NSString).lastPathComponent))</a></td><td>\(finding.statistic)</td>"
                + "<td>\(SVGPlot.escape(finding.message))</td></tr>"
        }
        return
            "<h2>Findings</h2><div class=\"scroll\"><table class=\"findings\"><tr><th>level</th><th>file</th><th>statistic</th>"
            + "<th>message</th></tr>" + rows.joined() + "</table></div>"
    }

    /// Every measured stimulus, in its condition's colour and ring size (see SVGPlot+Scatter).
    static func scatter(_ report: ValidationReport, conditions: [String], colours: [String: String]) -> String {
        let points = report.stimuli.compactMap { s -> SVGPlot.ScatterPoint? in
            guard let t = s.statistics, let k = conditions.firstIndex(of: s.condition) else { return nil }
            return SVGPlot.ScatterPoint(x: t.luminance.mean, y: t.luminance.rmsContrast, condition: k, label: s.jobId)
        }
        return SVGPlot.scatter(
            points, conditions: conditions.map { ($0, colours[$0]!) },
            title: "each stimulus, coloured by condition", xLabel: "mean luminance",
            yLabel: "RMS contrast")
            + "<p>Conditions are size-coded (the first the largest ring) so that stimuli at the same spot "
            + "show as concentric rings rather than hiding each other; positions are exact, not jittered.</p>"
    }

    static func conditionTable(_ conditions: [ConditionSummary]) -> String {
        "<table><tr><th>condition</th><th>stimuli</th><th>mean luminance</th><th>RMS contrast</th></tr>"
            + conditions.map {
                String(
                    format: "<tr><td>%@</td><td>%d</td><td>%.4f</td><td>%.4f</td></tr>",
                    SVGPlot.escape($0.condition), $0.stimuli, $0.meanLuminance, $0.rmsContrast)
            }.joined() + "</table>"
    }

    /// `path` relative to `folder` (both relative to the current directory or both absolute).
    static func relative(_ path: String, from folder: String) -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let base = URL(fileURLWithPath: folder.isEmpty ? "." : folder).standardizedFileURL.pathComponents
        let common = zip(target, base).prefix { $0 == $1 }.count
        return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
    }
}
