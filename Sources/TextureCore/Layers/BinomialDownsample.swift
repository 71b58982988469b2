// BinomialDownsample: one Gaussian-pyramid step, a 5-tap binomial blur then stride 2.
//
// Size letters: C channels, H×W input, HO = ⌈H/2⌉, WO = ⌈W/2⌉ output. Separable:
// out[y] = Σ_k b[k] · in[reflect(2y + k − 2)], b = (1, 4, 6, 4, 1) / 16, first along x then y.
// Borders reflect without repeating the edge sample (−1 → 1, H → H − 2), so the pyramid has
// no dark frame. The operation is linear; backward applies its transpose.

public enum BinomialDownsample {
    static let taps: [Float] = [1, 4, 6, 4, 1].map { $0 / 16 }

    public static func outputShape(for input: Shape) -> Shape {
        Shape(input.channels, (input.height + 1) / 2, (input.width + 1) / 2)
    }

    /// Mirror index into [0, n): −1 → 1, n → n − 2 (n = 1 maps everything to 0).
    @inline(__always) static func reflect(_ i: Int, _ n: Int) -> Int {
        if n == 1 { return 0 }
        var j = i
        if j < 0 { j = -j }
        if j >= n { j = 2 * (n - 1) - j }
        return max(0, min(n - 1, j))
    }

    /// Overwrites `output` (C, HO, WO).
    public static func forward(_ input: Tensor, output: inout Tensor) {
        let (shape, out) = (input.shape, outputShape(for: input.shape))
        precondition(output.shape == out)
        var rowsBlurred = [Float](repeating: 0, count: shape.channels * shape.height * out.width)
        for c in 0..<shape.channels {
            for y in 0..<shape.height {
                let line = (c * shape.height + y) * shape.width
                for x in 0..<out.width {
                    var sum: Float = 0
                    for k in 0..<5 { sum += taps[k] * input.data[line + reflect(2 * x + k - 2, shape.width)] }
                    rowsBlurred[(c * shape.height + y) * out.width + x] = sum
                }
            }
            for y in 0..<out.height {
                for x in 0..<out.width {
                    var sum: Float = 0
                    for k in 0..<5 {
                        sum +=
                            taps[k]
                            * rowsBlurred[(c * shape.height + reflect(2 * y + k - 2, shape.height)) * out.width + x]
                    }
                    output[c, y, x] = sum
                }
            }
        }
    }

    /// dInput (C, H, W) += transpose of the forward map applied to dOutput (C, HO, WO).
    public static func backward(dOutput: Tensor, dInput: inout Tensor) {
        let (shape, out) = (dInput.shape, dOutput.shape)
        precondition(out == outputShape(for: shape))
        var dRows = [Float](repeating: 0, count: shape.channels * shape.height * out.width)
        for c in 0..<shape.channels {
            for y in 0..<out.height {
                for x in 0..<out.width {
                    let g = dOutput[c, y, x]
                    for k in 0..<5 {
                        dRows[(c * shape.height + reflect(2 * y + k - 2, shape.height)) * out.width + x] += taps[k] * g
                    }
                }
            }
            for y in 0..<shape.height {
                let line = (c * shape.height + y) * shape.width
                for x in 0..<out.width {
                    let g = dRows[(c * shape.height + y) * out.width + x]
                    for k in 0..<5 { dInput.data[line + reflect(2 * x + k - 2, shape.width)] += taps[k] * g }
                }
            }
        }
    }
}
