// WeightsFingerprint: a few Gram statistics of a built-in test image, recorded at conversion time
// and recomputed by `texstim weights verify` to prove the file still computes the same features.

import Foundation
import TextureCore

public enum WeightsFingerprint {
    public static let metadataKey = "texstim.fingerprint"
    static let layers = ["conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"]

    /// A deterministic 64×64 RGB test image: three oriented gratings and a radial ramp.
    static func testImage() -> Tensor {
        var image = Tensor(Shape(3, 64, 64))
        for y in 0..<64 {
            for x in 0..<64 {
                let (fx, fy) = (Double(x) / 64, Double(y) / 64)
                image[0, y, x] = Float(0.5 + 0.4 * sin(2 * .pi * 5 * fx))
                image[1, y, x] = Float(0.5 + 0.4 * sin(2 * .pi * (3 * fx + 4 * fy)))
                image[2, y, x] = Float(((fx - 0.5) * (fx - 0.5) + (fy - 0.5) * (fy - 0.5)).squareRoot())
            }
        }
        return image
    }

    /// "conv1_1 t=… s=…; conv2_1 …": trace and sum of each layer's Gram matrix (%.6e).
    public static func compute(_ model: VGG19) -> String {
        let input = model.preprocessing.transform(sourceMean: [0.5, 0.5, 0.5]).apply(testImage())
        let network = model.makeNetwork(
            input: input.shape, layers: layers, threads: 1, convolution: Im2ColConvolution())
        return zip(layers, network.forward(input)).map { layer, features in
            let gram = GramMatrix.compute(features), n = features.shape.channels
            let trace = (0..<n).reduce(0.0) { $0 + Double(gram[$1 * n + $1]) }
            return String(format: "%@ t=%.6e s=%.6e", layer, trace, gram.reduce(0.0) { $0 + Double($1) })
        }.joined(separator: "; ")
    }

    /// Whether two fingerprints agree within a relative tolerance (BLAS kernels round differently).
    public static func matches(_ a: String, _ b: String, tolerance: Double = 1e-3) -> Bool {
        let (x, y) = (numbers(a), numbers(b))
        return x.count == y.count && !x.isEmpty
            && zip(x, y).allSatisfy { abs($0 - $1) <= tolerance * max(abs($0), abs($1), 1e-30) }
    }

    static func numbers(_ text: String) -> [Double] {
        text.split(whereSeparator: { $0 == " " || $0 == ";" }).compactMap { part in
            part.split(separator: "=").last.flatMap { Double($0) }
        }
    }
}
