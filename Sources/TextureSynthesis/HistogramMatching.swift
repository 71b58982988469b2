// HistogramMatching: give each channel of an image exactly the value distribution of the source's.
//
// Exact (sort-based) matching: the k-th smallest of the image's P values becomes the source's
// quantile at (k + 0.5) / P, linearly interpolated between the source's sorted values. Ties
// are broken by pixel index, so the result is deterministic.

import TextureCore

public enum HistogramMatching {
    /// Matches `image` (C, H, W) channel by channel to `source` (C, H', W'); sizes may differ.
    public static func match(_ image: Tensor, to source: Tensor) -> Tensor {
        precondition(image.shape.channels == source.shape.channels)
        var output = image
        let m = image.shape.positions, sourceCount = source.shape.positions
        for c in 0..<image.shape.channels {
            let sortedSource = Array(source.data[(c * sourceCount)..<((c + 1) * sourceCount)]).sorted()
            let order = (0..<m).sorted { a, b in
                let (va, vb) = (image.data[c * m + a], image.data[c * m + b])
                return va < vb || (va == vb && a < b)
            }
            for (rank, index) in order.enumerated() {
                let position = (Double(rank) + 0.5) / Double(m) * Double(sortedSource.count) - 0.5
                let clamped = min(max(position, 0), Double(sortedSource.count - 1))
                let lower = Int(clamped), upper = min(lower + 1, sortedSource.count - 1)
                let fraction = Float(clamped - Double(lower))
                output.data[c * m + index] = sortedSource[lower] * (1 - fraction) + sortedSource[upper] * fraction
            }
        }
        return output
    }
}
