// ImagePreparation: centre-square crop, bicubic resize and greyscale conversion of RGB images.
//
// Images here are pixel tensors (C, H, W) with values in [0, 1], C = 1 (grey) or 3 (RGB).

import TextureCore

public enum ImagePreparation {
    /// Rec. 709 luma weights, used to turn colour sources into grey stimuli.
    public static let lumaWeights: [Float] = [0.2126, 0.7152, 0.0722]

    /// A 3-channel copy (grey images are repeated into R, G and B).
    public static func rgb(_ image: Tensor) -> Tensor {
        if image.shape.channels == 3 { return image }
        precondition(image.shape.channels == 1)
        return Tensor(Shape(3, image.shape.height, image.shape.width), data: image.data + image.data + image.data)
    }

    /// The largest centred square (an odd leftover pixel is dropped on the right/bottom).
    public static func centreSquare(_ image: Tensor) -> Tensor {
        let (c, h, w) = (image.shape.channels, image.shape.height, image.shape.width)
        let side = min(h, w), top = (h - side) / 2, left = (w - side) / 2
        var output = Tensor(Shape(c, side, side))
        for channel in 0..<c {
            for y in 0..<side {
                for x in 0..<side { output[channel, y, x] = image[channel, top + y, left + x] }
            }
        }
        return output
    }

    /// Y = 0.2126 R + 0.7152 G + 0.0722 B, returned as one channel.
    public static func luma(_ image: Tensor) -> Tensor {
        if image.shape.channels == 1 { return image }
        let m = image.shape.positions
        var output = Tensor(Shape(1, image.shape.height, image.shape.width))
        for i in 0..<m {
            output.data[i] =
                lumaWeights[0] * image.data[i] + lumaWeights[1] * image.data[m + i] + lumaWeights[2]
                * image.data[2 * m + i]
        }
        return output
    }

    /// Per-channel mean.
    public static func channelMeans(_ image: Tensor) -> [Float] {
        let m = image.shape.positions
        return (0..<image.shape.channels).map { c in
            Float(image.data[(c * m)..<((c + 1) * m)].reduce(0.0) { $0 + Double($1) } / Double(m))
        }
    }

    // MARK: - Resampling

    /// Keys' cubic convolution kernel with a = −0.5 (the "bicubic" of most image tools).
    static func cubic(_ t: Double) -> Double {
        let x = abs(t), a = -0.5
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// Resizes to height × width with a separable bicubic filter (Keys, a = −0.5). When
    /// shrinking, the kernel is stretched by the scale factor so it also low-passes (as Pillow
    /// does); borders clamp to the edge pixel. Output values are not clamped (bicubic can
    /// overshoot slightly); callers clamp to [0, 1].
    public static func resize(_ image: Tensor, height: Int, width: Int) -> Tensor {
        let shape = image.shape
        if shape.height == height && shape.width == width { return image }
        let horizontal = weights(from: shape.width, to: width)
        let vertical = weights(from: shape.height, to: height)
        var rows = Tensor(Shape(shape.channels, shape.height, width))
        for c in 0..<shape.channels {
            for y in 0..<shape.height {
                for (x, taps) in horizontal.enumerated() {
                    var sum = 0.0
                    for (index, weight) in taps { sum += weight * Double(image[c, y, index]) }
                    rows[c, y, x] = Float(sum)
                }
            }
        }
        var output = Tensor(Shape(shape.channels, height, width))
        for c in 0..<shape.channels {
            for (y, taps) in vertical.enumerated() {
                for x in 0..<width {
                    var sum = 0.0
                    for (index, weight) in taps { sum += weight * Double(rows[c, index, x]) }
                    output[c, y, x] = Float(sum)
                }
            }
        }
        return output
    }

    /// For each output sample, the (input index, weight) pairs, weights summing to 1.
    static func weights(from inputSize: Int, to outputSize: Int) -> [[(Int, Double)]] {
        let scale = Double(outputSize) / Double(inputSize)
        let stretch = max(1, 1 / scale)
        let support = 2 * stretch
        return (0..<outputSize).map { o in
            let centre = (Double(o) + 0.5) / scale - 0.5
            let first = Int((centre - support).rounded(.up)), last = Int((centre + support).rounded(.down))
            var taps: [(Int, Double)] = []
            var total = 0.0
            for i in first...last {
                let weight = cubic((Double(i) - centre) / stretch)
                guard weight != 0 else { continue }
                taps.append((min(max(i, 0), inputSize - 1), weight))
                total += weight
            }
            return taps.map { ($0.0, $0.1 / total) }
        }
    }
}

extension ImagePreparation {
    /// The source as the model sees it: RGB, resized to size × size (bicubic, clamped to
    /// [0, 1]) after a centre-square crop unless `crop` is false, optionally converted to grey
    /// (R = G = B = Rec. 709 luma).
    public static func prepareSource(_ image: Tensor, size: Int?, crop: Bool = true, grey: Bool) -> Tensor {
        var pixels = rgb(image)
        if let size {
            pixels = resize(crop ? centreSquare(pixels) : pixels, height: size, width: size)
            for i in pixels.data.indices { pixels.data[i] = min(max(pixels.data[i], 0), 1) }
        }
        return grey ? rgb(luma(pixels)) : pixels
    }
}
