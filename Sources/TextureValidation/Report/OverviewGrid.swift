// OverviewGrid: the top of the HTML report, the whole set at a glance: per source its image at
// the left, then a row per condition with a thumbnail of every sample, flagged ones framed and
// labelled (StimulusMark), with a legend. Thumbnails link to the stimulus files.

import Foundation
import TextureCore

enum OverviewGrid {
    /// The grid's CSS; rows wrap instead of overflowing a narrow window.
    static let style = """
        .grid{display:flex;flex-direction:column;gap:14px}.gsrc{display:flex;flex-wrap:wrap;gap:10px;\
        align-items:flex-start;border-top:1px solid #ddd;padding-top:8px}.gsrc>figure{margin:0}\
        .grows{display:flex;flex-direction:column;gap:6px;min-width:0;flex:1}.grow{display:flex;flex-wrap:wrap;\
        gap:8px;align-items:flex-start}.glabel{width:100%;font-size:12px;font-weight:bold}\
        .grid figure{margin:0;text-align:center;font-size:11px}.grid img{width:128px;height:128px;\
        image-rendering:pixelated;display:block}.cell{border:4px solid transparent;padding:1px}\
        .mark{font-weight:bold}.legend span.cell{display:inline-block;width:14px;height:14px;\
        vertical-align:middle;padding:0;margin-right:4px}
        """

    static func render(_ report: ValidationReport, conditions: [String], sources: [String],
                       colours: [String: String], thumbnails: ReportThumbnails, folder: String) -> String {
        var html = "<h2>The set</h2>" + legend(report)
        html += "<div class=\"grid\">"
        let rows = ContactSheet.rows(report, conditions: conditions, sources: sources)
        for source in sources {
            let mine = rows.filter { $0.source == source }
            guard !mine.isEmpty else { continue }
            let image = ReportThumbnails.imageTag(thumbnails.sources[source], alt: "source \(source)")
                ?? "<div class=\"fail\">source unreadable</div>"
            html += "<div class=\"gsrc\" id=\"grid-\(SVGPlot.escape(source))\"><figure>\(image)"
                + "<figcaption>source <b>\(SVGPlot.escape(source))</b></figcaption></figure><div class=\"grows\">"
            for row in mine {
                html += "<div class=\"grow\"><div class=\"glabel\" style=\"color:\(colours[row.condition] ?? "#222")\">"
                    + "\(SVGPlot.escape(row.condition))</div>"
                html += row.stimuli.map { cell($0, thumbnail: thumbnails.stimuli[$0.jobId], folder: folder) }.joined()
                html += "</div>"
            }
            html += "</div></div>"
        }
        return html + "</div>"
    }

    /// One sample: its thumbnail (a link to the file), framed in its mark's colour, and a label.
    static func cell(_ stimulus: StimulusValidation, thumbnail: Tensor?, folder: String) -> String {
        let mark = StimulusMark.of(stimulus)
        let border = mark.colour.map { " style=\"border-color:\($0)\"" } ?? ""
        let href = SVGPlot.escape(ValidationHTML.relative(stimulus.file, from: folder))
        let image = ReportThumbnails.imageTag(thumbnail, alt: stimulus.jobId).map { "<a href=\"\(href)\">\($0)</a>" }
            ?? "<div style=\"width:128px;height:128px\">no image</div>"
        let label = "<span class=\"mark\" style=\"color:\(mark.colour ?? "#1a7f37")\">\(mark.label(stimulus))</span>"
        return "<figure class=\"cell \(mark.rawValue)\" data-job=\"\(SVGPlot.escape(stimulus.jobId))\"\(border)>"
            + "\(image)<figcaption>s\(stimulus.sample) \(label)</figcaption></figure>"
    }

    /// What the frames mean, with the count of each in this set.
    static func legend(_ report: ValidationReport) -> String {
        let counts = Dictionary(grouping: report.stimuli, by: StimulusMark.of).mapValues(\.count)
        let items = StimulusMark.allCases.filter { $0 != .pass }.map { mark in
            "<span class=\"cell\" style=\"border-color:\(mark.colour!);background:\(mark.colour!)\"></span>"
                + "\(mark.meaning): \(counts[mark] ?? 0)"
        }
        return "<p class=\"legend\">Frames: " + items.joined(separator: " &nbsp; ")
            + " &nbsp; (no frame: passed, \(counts[.pass] ?? 0)). Each thumbnail links to its file.</p>"
    }
}
