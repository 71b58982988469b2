// SVGPlot+Ticks: an axis's range and its labelled ticks, so that neighbouring labels always differ.
//
// Ticks sit at multiples of a "nice" step (1, 2 or 5 × 10^k) inside the axis, and every label
// carries as many decimals as the step needs, so two ticks can never print the same text. A
// degenerate or tiny range (every stimulus histogram-equalised to a mean of 0.45, say) is first
// widened to 2 % of its value around its centre (±0.5 around 0), so the ticks read 0.446 … 0.450
// … 0.454 rather than 0.45, 0.45, 0.45 or labels of float noise such as 0.4500000001.

import Foundation

extension SVGPlot {
    struct Axis: Equatable {
        /// The axis's lower and upper ends (the data range, widened if it was degenerate or tiny).
        var lower: Double
        var upper: Double
        /// The tick values, ascending: 2 to 6 multiples of `step` in `lower...upper`.
        var ticks: [Double]
        /// The distance between ticks: 1, 2 or 5 × 10^k.
        var step: Double

        /// The narrowest span an axis around `centre` may have: 2 % of its magnitude, or 1 around 0.
        static func minimumSpan(around centre: Double) -> Double {
            let span = abs(centre) * 0.02
            return span.isNormal ? span : 1
        }

        /// The axis for data in `low...high` (`low` ≤ `high`).
        init(low: Double, high: Double) {
            let centre = low / 2 + high / 2, least = Self.minimumSpan(around: centre)
            (lower, upper) = high - low >= least ? (low, high) : (centre - least / 2, centre + least / 2)
            step = Self.niceStep(atLeast: (upper - lower) / 5)
            // Infinite or NaN data get no ticks (rather than a stride that never ends).
            guard lower.isFinite, upper.isFinite, step.isFinite, step > 0 else {
                ticks = []
                return
            }
            let (step, range) = (step, lower...upper)
            let first = (lower / step).rounded(.up), last = (upper / step).rounded(.down)
            // Multiples of the step; the product (not repeated addition) keeps 0.45 from reading 0.4500000001,
            // and 0 is written as +0 so that its label never reads "-0.0".
            // A product a rounding error outside the axis is dropped (a span of over 2 steps keeps 2 ticks).
            ticks = stride(from: first, through: last, by: 1).map { $0 == 0 ? 0 : $0 * step }
                .filter { range.contains($0) }
        }

        /// The smallest of 1, 2, 5 × 10^k that is at least `minimum` (> 0). With `minimum` a fifth of
        /// the span, the span holds 2 to 5 steps, hence 2 to 6 ticks.
        static func niceStep(atLeast minimum: Double) -> Double {
            let power = pow(10, (log10(minimum)).rounded(.down))
            return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= minimum * (1 - 1e-12) } ?? 10 * power
        }

        /// The tick's label: fixed decimals enough to tell the step apart (0.05 → 2), or, for values
        /// of 10^5 and more or steps under 10^-4, scientific notation with the same resolution.
        func label(_ value: Double) -> String {
            let stepExponent = Int(log10(step).rounded(.down))
            let magnitude = max(abs(lower), abs(upper))
            if magnitude >= 1e5 || stepExponent < -4 {
                let valueExponent = Int(log10(max(magnitude, step)).rounded(.down))
                return String(format: "%.\(max(0, valueExponent - stepExponent))e", value)
            }
            return String(format: "%.\(max(0, -stepExponent))f", value)
        }
    }
}
