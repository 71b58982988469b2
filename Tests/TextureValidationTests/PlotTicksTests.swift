// PlotTicksTests: the report plots' tick labels differ from their neighbours and bracket the data,
// also when every stimulus has (nearly) the same value on an axis.

import Foundation
import Testing
@testable import TextureValidation

/// The numeric tick labels of an SVG plot: x ticks are centred under the axis, y ticks end at it.
func tickLabels(_ svg: String) -> (x: [String], y: [String]) {
    var x: [String] = [], y: [String] = []
    for piece in svg.components(separatedBy: "<text ").dropFirst() {
        guard let close = piece.firstIndex(of: ">"), let end = piece.range(of: "</text>") else { continue }
        let label = String(piece[piece.index(after: close)..<end.lowerBound])
        guard Double(label) != nil else { continue }
        if piece.contains("text-anchor=\"middle\"") { x.append(label) } else { y.append(label) }
    }
    return (x, y)
}

@Suite struct PlotTicksTests {
    @Test func scatterOfNearlyEqualValuesHasDistinctLabelsAroundTheValue() {
        // Histogram-equalised stimuli: the same mean 0.45 but for float noise; contrast 0.2 likewise.
        let points = (0..<6).map { k in
            SVGPlot.ScatterPoint(x: 0.45 + Double(k % 2) * 1e-9, y: 0.2 - Double(k % 3) * 1e-10,
                                 condition: k % 2, label: "s\(k)")
        }
        let svg = SVGPlot.scatter(points, conditions: [("c1", "#000"), ("c2", "#111")], title: "t",
                                  xLabel: "mean", yLabel: "contrast")
        let (x, y) = tickLabels(svg)
        #expect(x.count >= 2 && y.count >= 2, "x \(x), y \(y)")
        #expect(Set(x).count == x.count, "x labels repeat: \(x)")
        #expect(Set(y).count == y.count, "y labels repeat: \(y)")
        #expect(x.contains("0.450"), "the shared mean is a labelled tick: \(x)")
        #expect(y.contains("0.200"), "the shared contrast is a labelled tick: \(y)")
    }

    @Test func degenerateRangeIsWidenedAroundTheValueOnItsOwnScale() {
        for value in [0.45, 0.2, -3.0, 1e6, 7e-5, 0.0] {
            let axis = SVGPlot.Axis(low: value, high: value)
            let labels = axis.ticks.map(axis.label)
            #expect(axis.lower < value && value < axis.upper, "\(value) outside \(axis)")
            #expect(axis.upper - axis.lower <= max(abs(value) * 0.02, 1) * (1 + 1e-12), "\(value): \(axis)")
            #expect((2...6).contains(labels.count) && Set(labels).count == labels.count, "\(value): \(labels)")
        }
        let axis = SVGPlot.Axis(low: 0.45, high: 0.45)
        #expect(axis.ticks.map(axis.label) == ["0.446", "0.448", "0.450", "0.452", "0.454"])
    }

    @Test func normalRangesKeepTheirEndsAndGetRoundLabels() {
        let unit = SVGPlot.Axis(low: 0.1, high: 0.9)
        #expect(unit.lower == 0.1 && unit.upper == 0.9)
        #expect(unit.ticks.map(unit.label) == ["0.2", "0.4", "0.6", "0.8"])
        let iterations = SVGPlot.Axis(low: 0, high: 250)
        #expect(iterations.ticks.map(iterations.label) == ["0", "50", "100", "150", "200", "250"])
        let logLoss = SVGPlot.Axis(low: -3.7, high: 2.1)
        #expect(logLoss.ticks.map(logLoss.label) == ["-2", "0", "2"])
        let large = SVGPlot.Axis(low: 100_000, high: 140_000)
        #expect(large.ticks.map(large.label) == ["1.0e+05", "1.1e+05", "1.2e+05", "1.3e+05", "1.4e+05"])
    }

    @Test func labelsDifferAndTicksLieOnTheAxisForRangesOfEveryScale() {
        let ranges: [(Double, Double)] = [
            (0.45, 0.45 + 1e-12), (0.4500, 0.4502), (-1e-3, 1e-3), (-0.3, 0), (1e-7, 2e-7), (123.4, 5678.9),
            (1e6, 1e6 + 1), (-2.5, -2.5), (0, 1), (0.999, 1.001), (3e-12, 4e-12),
        ]
        for (low, high) in ranges {
            let axis = SVGPlot.Axis(low: low, high: high)
            let labels = axis.ticks.map(axis.label)
            #expect((2...6).contains(labels.count) && Set(labels).count == labels.count, "\(low)…\(high): \(labels)")
            #expect(axis.ticks.allSatisfy { axis.lower <= $0 && $0 <= axis.upper }, "\(low)…\(high): \(axis)")
            #expect(axis.lower <= low && high <= axis.upper)
            #expect(!labels.contains { $0.hasPrefix("-") && Double($0) == 0 }, "a negative zero: \(labels)")
        }
    }

    @Test func nonFiniteDataGetNoTicks() {
        #expect(SVGPlot.Axis(low: 0, high: .infinity).ticks.isEmpty)
        #expect(SVGPlot.Axis(low: .nan, high: .nan).ticks.isEmpty)
    }
}
