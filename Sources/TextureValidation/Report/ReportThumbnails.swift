// ReportThumbnails: small RGB copies of the sources and stimuli of a set, shared by the HTML
// overview grid (as data URIs) and contact_sheet.png; each file is read once.

import Foundation
import TextureCore
import TextureImages

public struct ReportThumbnails: Sendable {
    /// The longest side of a thumbnail, in pixels (smaller images are not enlarged).
    public let side: Int
    /// Per source id and per job id: (3, h, w) pixels in [0, 1], h and w ≤ side.
    public var sources: [String: Tensor] = [:]
    public var stimuli: [String: Tensor] = [:]

    /// Reads every stimulus file of the report; a missing or unreadable one has no thumbnail.
    public init(_ report: ValidationReport, sources ids: [String], side: Int = 128,
                sourcePixels: (String) -> Tensor?) {
        self.side = side
        for id in ids { if let pixels = sourcePixels(id) { sources[id] = Self.shrink(pixels, side: side) } }
        for stimulus in report.stimuli {
            guard let image = try? ImageFile.load(path: stimulus.file, role: "stimulus") else { continue }
            stimuli[stimulus.jobId] = Self.shrink(image.pixels, side: side)
        }
    }

    /// (1 or 3, H, W) → (3, h, w) with max(h, w) ≤ side, each output pixel the mean of the input
    /// pixels whose centres fall in it (a box filter: no ringing, no new values).
    public static func shrink(_ pixels: Tensor, side: Int) -> Tensor {
        let (channels, height, width) = (pixels.shape.channels, pixels.shape.height, pixels.shape.width)
        let scale = max(1, Double(max(height, width)) / Double(side))
        let (h, w) = (max(1, Int((Double(height) / scale).rounded())), max(1, Int((Double(width) / scale).rounded())))
        var sums = [Double](repeating: 0, count: 3 * h * w), counts = [Double](repeating: 0, count: h * w)
        for y in 0..<height {
            let ty = min(h - 1, Int(Double(y) * Double(h) / Double(height)))
            for x in 0..<width {
                let tx = min(w - 1, Int(Double(x) * Double(w) / Double(width)))
                counts[ty * w + tx] += 1
                for c in 0..<3 { sums[(c * h + ty) * w + tx] += Double(pixels[min(c, channels - 1), y, x]) }
            }
        }
        var out = Tensor(Shape(3, h, w))
        for c in 0..<3 {
            for i in 0..<(h * w) { out.data[c * h * w + i] = Float(sums[c * h * w + i] / max(counts[i], 1)) }
        }
        return out
    }

    /// An `<img>` with the thumbnail as an 8-bit PNG data URI, or nil when there is none.
    static func imageTag(_ pixels: Tensor?, alt: String, cssClass: String = "") -> String? {
        guard let pixels, let png = try? PNGFile.encode(pixels, bitDepth: 8, text: nil) else { return nil }
        let classAttribute = cssClass.isEmpty ? "" : " class=\"\(cssClass)\""
        return "<img\(classAttribute) src=\"data:image/png;base64,\(png.base64EncodedString())\" "
            + "alt=\"\(SVGPlot.escape(alt))\" width=\"\(pixels.shape.width)\" height=\"\(pixels.shape.height)\">"
    }
}
