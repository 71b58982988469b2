// SVGPlot: small inline SVG line and scatter plots for the validation report (no scripts, no fetches).

import Foundation

enum SVGPlot {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]

    struct Series {
        var label: String
        var points: [(Double, Double)]
        var colour: String
        var width: Double = 1.2
        var dashed = false
    }

    /// Lines on shared axes; `logX`/`logY` plot log10 of positive values only.
    static func lines(
        _ series: [Series], title: String, xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false,
        width: Double = 360, height: Double = 220
    ) -> String {
        let transformed = series.map { s in
            (
                s,
                s.points.filter { (!logX || $0.0 > 0) && (!logY || $0.1 > 0) }.map {
                    (logX ? log10($0.0) : $0.0, logY ? log10($0.1) : $0.1)
                }
            )
        }
        let all = transformed.flatMap(\.1)
        guard let minX = all.map(\.0).min(), let maxX = all.map(\.0).max(), let minY = all.map(\.1).min(),
            let maxY = all.map(\.1).max()
        else {
            return "<p>\(escape(title)): no data</p>"
        }
        let frame = Frame(minX: minX, maxX: maxX, minY: minY, maxY: maxY, width: width, height: height)
        var svg = frame.open(
            title: title, xLabel: xLabel + (logX ? " (log10)" : ""), yLabel: yLabel + (logY ? " (log10)" : ""))
        for (s, points) in transformed where points.count > 1 {
            let path = points.map { String(format: "%.1f,%.1f", frame.x($0.0), frame.y($0.1)) }.joined(separator: " ")
            let dash = s.dashed ? " stroke-dasharray=\"6 3\"" : ""
            svg +=
                "<polyline fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"\(s.width)\"\(dash) points=\"\(path)\"><title>\(escape(s.label))</title></polyline>"
        }
        return svg + "</svg>"
    }

    /// A plot's area and its two axes (see SVGPlot+Ticks); `x(_:)`, `y(_:)` map data to SVG coordinates.
    struct Frame {
        var xAxis, yAxis: Axis
        var width, height: Double
        let margin = (left: 48.0, right: 10.0, top: 22.0, bottom: 34.0)
        var minX: Double { xAxis.lower }
        var maxX: Double { xAxis.upper }
        var minY: Double { yAxis.lower }
        var maxY: Double { yAxis.upper }

        /// The data's x range as it is, the y range padded by 5 % so points do not sit on the frame;
        /// a degenerate or tiny range is widened by `Axis`.
        init(minX: Double, maxX: Double, minY: Double, maxY: Double, width: Double, height: Double) {
            let padY = (maxY - minY) * 0.05
            xAxis = Axis(low: minX, high: maxX)
            yAxis = Axis(low: minY - padY, high: maxY + padY)
            (self.width, self.height) = (width, height)
        }

        func x(_ value: Double) -> Double {
            margin.left + (value - minX) / (maxX - minX) * (width - margin.left - margin.right)
        }
        func y(_ value: Double) -> Double {
            height - margin.bottom - (value - minY) / (maxY - minY) * (height - margin.top - margin.bottom)
        }

        /// The SVG's opening tag, the plot area, the title, the labels and the ticks; `totalWidth`
        /// (default: the plot's width) leaves room at the right for a legend.
        func open(title: String, xLabel: String, yLabel: String, totalWidth: Double? = nil) -> String {
            let (left, bottom, right, top) = (margin.left, height - margin.bottom, width - margin.right, margin.top)
            var svg = String(
                format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                    + "font-family=\"sans-serif\" font-size=\"10\">", totalWidth ?? width, height)
            svg += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fafafa\" stroke=\"#999\"/>",
                left, top, right - left, bottom - top)
            // A title longer than the plot is squeezed to its width rather than cut off.
            let squeeze =
                Double(title.count) * 6.2 > width - 8
                ? " textLength=\"\(width - 8)\" lengthAdjust=\"spacingAndGlyphs\"" : ""
            svg +=
                "<text x=\"\(width / 2)\" y=\"14\" text-anchor=\"middle\" font-size=\"12\"\(squeeze)>\(escape(title))</text>"
            svg += "<text x=\"\(width / 2)\" y=\"\(height - 4)\" text-anchor=\"middle\">\(escape(xLabel))</text>"
            svg +=
                "<text x=\"12\" y=\"\(height / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(height / 2))\">\(escape(yLabel))</text>"
            for value in xAxis.ticks {
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>", x(value),
                              bottom + 12, xAxis.label(value))
            }
            for value in yAxis.ticks {
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>", left - 3,
                              y(value) + 3, yAxis.label(value))
            }
            return svg
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
