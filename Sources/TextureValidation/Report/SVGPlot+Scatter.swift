// SVGPlot+Scatter: the set's scatter plot, each point in its condition's colour, with a legend.
//
// Conditions of one sample often land on the same spot (shared start noise and histogram
// matching give them nearly the same luminance and contrast), so a point drawn last would hide
// the others. Instead of moving points (jitter would misstate the values), the conditions are
// size-coded: condition k of n is a ring of radius 3 + step·(n − 1 − k), the first condition
// the largest, drawn largest first, so coincident points show as concentric rings.

import Foundation

extension SVGPlot {
    struct ScatterPoint {
        var x: Double
        var y: Double
        /// The index of the point's condition in `conditions`.
        var condition: Int
        var label: String
    }

    /// The radius of condition `k` of `n`: rings at least 2 px apart, the largest at most 17 px.
    static func ringRadius(_ k: Int, of n: Int) -> Double {
        let step = n > 1 ? min(2.5, 14 / Double(n - 1)) : 0
        return 3 + step * Double(n - 1 - k)
    }

    /// A scatter plot with a legend of the conditions (name, colour, ring size) at its right.
    static func scatter(_ points: [ScatterPoint], conditions: [(name: String, colour: String)], title: String,
                        xLabel: String, yLabel: String, width: Double = 420, height: Double = 300) -> String {
        guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(),
              let minY = points.map(\.y).min(), let maxY = points.map(\.y).max() else {
            return "<p>\(escape(title)): no data</p>"
        }
        let legendWidth = 140.0
        let frame = Frame(minX: minX, maxX: maxX, minY: minY, maxY: maxY, width: width, height: height)
        var svg = frame.open(title: title, xLabel: xLabel, yLabel: yLabel, totalWidth: width + legendWidth)
        let n = conditions.count
        for point in points.sorted(by: { $0.condition < $1.condition }) {
            let colour = conditions[point.condition].colour
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%@\" fill-opacity=\"0.15\" "
                          + "stroke=\"%@\" stroke-width=\"1.6\" data-condition=\"%@\"><title>%@</title></circle>",
                          frame.x(point.x), frame.y(point.y), ringRadius(point.condition, of: n), colour, colour,
                          escape(conditions[point.condition].name), escape(point.label))
        }
        for (k, condition) in conditions.enumerated() {
            let y = frame.margin.top + 14 + Double(k) * 22
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%@\" fill-opacity=\"0.15\" "
                          + "stroke=\"%@\" stroke-width=\"1.6\"/>", width + 18, y, min(ringRadius(k, of: n), 9),
                          condition.colour, condition.colour)
            let name = condition.name.count > 16 ? String(condition.name.prefix(15)) + "…" : condition.name
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"%@\">%@</text>", width + 32, y + 4,
                          condition.colour, escape(name))
        }
        return svg + "</svg>"
    }
}
