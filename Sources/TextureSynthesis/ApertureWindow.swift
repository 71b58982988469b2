// ApertureWindow: a circular or rectangular aperture with a raised-cosine edge over a background grey.
//
// Geometry, for an H × W image: pixel (x, y) has its centre at (x + ½, y + ½) and the aperture
// is centred on the image, at (W/2, H/2). Each pixel gets a weight from e, its centre's distance
// inside the aperture's edge:
//   circle of radius R:             e = R − √((x + ½ − W/2)² + (y + ½ − H/2)²), weight = ρ(e)
//   rectangle of width a, height b: weight = ρ(a/2 − |x + ½ − W/2|) · ρ(b/2 − |y + ½ − H/2|)
//   ρ(e) = 1 for e ≥ w;  ½ − ½ cos(π e / w) for 0 < e < w;  0 for e ≤ 0   (w = the ramp's width)
// so the ramp lies inside the edge (nothing of the texture shows beyond R), weight is ½ in the
// ramp's middle (e = w/2), and ρ(w/2 + t) + ρ(w/2 − t) = 1. With w = 0 the edge is hard (e ≥ 0
// is inside). The rectangle's product of two 1-D ramps is the 2-D Tukey window; its corners are
// rounded by the product. Each channel becomes p' = weight · p + (1 − weight) · background.
//
// The plateau, the pixels of weight exactly 1, is the texture as synthesised: equalisation and
// `background: mean` measure it, and so does validation.

import Foundation
import TextureCore

public struct ApertureWindow: Codable, Sendable, Equatable {
    public enum Outline: String, Codable, Sendable, CaseIterable {
        case circle
        case rectangle
    }

    /// The grey the stimulus fades into.
    public enum Background: Codable, Sendable, Equatable {
        /// The texture's mean luma on the plateau; with equalisation, its target mean luminance.
        case mean
        /// A code value in [0, 1], for every channel.
        case value(Double)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self), text == "mean" {
                self = .mean
            } else {
                self = .value(try container.decode(Double.self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .mean: try container.encode("mean")
            case .value(let value): try container.encode(value)
            }
        }
    }

    public var shape: Outline
    /// Circle: the radius R in px (nil: half the image's smaller side).
    public var radius: Double?
    /// Rectangle: its width and height in px (nil: the image's; a ramp at the image's edges only).
    public var width: Double?
    public var height: Double?
    /// The raised-cosine ramp's width w in px, inside the edge (0: a hard edge).
    public var ramp: Double
    public var background: Background

    public init(
        shape: Outline, radius: Double? = nil, width: Double? = nil, height: Double? = nil, ramp: Double,
        background: Background = .mean
    ) {
        self.shape = shape
        self.radius = radius
        self.width = width
        self.height = height
        self.ramp = ramp
        self.background = background
    }

    /// ρ(e): the weight of a pixel whose centre lies e px inside the edge of a ramp of width `ramp`.
    public static func profile(_ e: Double, ramp: Double) -> Double {
        if e >= ramp { return 1 }
        if e <= 0 { return 0 }
        return 0.5 - 0.5 * cos(Double.pi * e / ramp)
    }

    /// The circle's radius, or the rectangle's (width, height), for an image of this size.
    public func extent(height imageHeight: Int, width imageWidth: Int) -> (width: Double, height: Double) {
        switch shape {
        case .circle:
            let r = radius ?? Double(min(imageHeight, imageWidth)) / 2
            return (2 * r, 2 * r)
        case .rectangle: return (width ?? Double(imageWidth), height ?? Double(imageHeight))
        }
    }

    /// The weight of every position, row-major (H·W values in [0, 1]).
    public func weights(height imageHeight: Int, width imageWidth: Int) -> [Double] {
        let (cx, cy) = (Double(imageWidth) / 2, Double(imageHeight) / 2)
        let extent = extent(height: imageHeight, width: imageWidth)
        var result = [Double](repeating: 0, count: imageHeight * imageWidth)
        for y in 0..<imageHeight {
            let dy = Double(y) + 0.5 - cy
            for x in 0..<imageWidth {
                let dx = Double(x) + 0.5 - cx
                switch shape {
                case .circle:
                    result[y * imageWidth + x] = Self.profile(
                        extent.width / 2 - (dx * dx + dy * dy).squareRoot(), ramp: ramp)
                case .rectangle:
                    result[y * imageWidth + x] =
                        Self.profile(extent.width / 2 - abs(dx), ramp: ramp)
                        * Self.profile(extent.height / 2 - abs(dy), ramp: ramp)
                }
            }
        }
        return result
    }

    /// The plateau: true where the weight is exactly 1 (row-major, H·W).
    public func plateau(height imageHeight: Int, width imageWidth: Int) -> [Bool] {
        weights(height: imageHeight, width: imageWidth).map { $0 == 1 }
    }

    /// Why this window cannot be used on an H × W image (nil: it can): the aperture must lie
    /// inside the image (else the image's own border is a hard edge), the ramp inside the
    /// aperture, and at least one pixel must keep its full weight.
    public func problem(height imageHeight: Int, width imageWidth: Int) -> String? {
        // A record edited by hand reaches here without the manifest's checks.
        let sides = [radius, width, height].compactMap { $0 }
        guard ramp.isFinite, ramp >= 0, sides.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            return "ramp, radius and size must be finite numbers of pixels (ramp ≥ 0, radius and size > 0)"
        }
        if case .value(let value) = background, !(value >= 0 && value <= 1) {
            return "background \(value) is outside [0, 1]"
        }
        let extent = extent(height: imageHeight, width: imageWidth)
        let size = "the \(imageWidth)×\(imageHeight) px stimulus"
        switch shape {
        case .circle:
            let r = extent.width / 2
            if r > Double(min(imageHeight, imageWidth)) / 2 {
                return "radius \(r) px does not fit in \(size) (at most \(Double(min(imageHeight, imageWidth)) / 2))"
            }
            if ramp >= r { return "ramp \(ramp) px is not smaller than the radius \(r) px" }
        case .rectangle:
            if extent.width > Double(imageWidth) || extent.height > Double(imageHeight) {
                return "size \(extent.width)×\(extent.height) px does not fit in \(size)"
            }
            if 2 * ramp >= min(extent.width, extent.height) {
                return "ramp \(ramp) px is not smaller than half the rectangle's shorter side "
                    + "(\(min(extent.width, extent.height) / 2) px)"
            }
        }
        if !plateau(height: imageHeight, width: imageWidth).contains(true) {
            return "no pixel of \(size) keeps its full weight (the ramp fills the aperture)"
        }
        return nil
    }

    /// The background grey: a `value` as given; `mean` is `equalizedMean` when the stimulus was
    /// equalised (the target the user chose), else the mean Rec. 709 luma of `pixels` on the plateau.
    public func backgroundValue(for pixels: Tensor, equalizedMean: Double?) -> Double {
        switch background {
        case .value(let value): return value
        case .mean:
            if let equalizedMean { return equalizedMean }
            let luma = ImagePreparation.luma(ImagePreparation.rgb(pixels)).data
            let inside = plateau(height: pixels.shape.height, width: pixels.shape.width)
            var (total, count) = (0.0, 0)
            for i in luma.indices where inside[i] {
                total += Double(luma[i])
                count += 1
            }
            return count > 0 ? total / Double(count) : 0.5
        }
    }

    /// Each channel blended towards `background`: p' = weight · p + (1 − weight) · background.
    public func apply(_ pixels: Tensor, background: Double) -> Tensor {
        let weights = weights(height: pixels.shape.height, width: pixels.shape.width)
        var output = pixels
        let m = pixels.shape.positions
        for c in 0..<pixels.shape.channels {
            for i in 0..<m where weights[i] < 1 {
                let weight = weights[i]
                output.data[c * m + i] = Float(weight * Double(pixels.data[c * m + i]) + (1 - weight) * background)
            }
        }
        return output
    }
}
