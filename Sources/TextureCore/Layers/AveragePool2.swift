// AveragePool2: 2×2 average pooling, stride 2 (VGG-19's max pools replaced, as in the paper).
//
// Size letters: C channels, H×W input, H/2 × W/2 output (floor: an odd last row or column
// is dropped, as PyTorch's default does; at the usual power-of-two sizes nothing is dropped).

public enum AveragePool2 {
    public static func outputShape(for input: Shape) -> Shape {
        Shape(input.channels, input.height / 2, input.width / 2)
    }

    /// output[c, y, x] = ¼ Σ_{dy,dx ∈ {0,1}} input[c, 2y+dy, 2x+dx]. Overwrites `output`.
    /// Channels are split over `threads`.
    public static func forward(_ input: Tensor, output: inout Tensor, threads: Int = 1) {
        precondition(output.shape == outputShape(for: input.shape))
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                let (x, y) = (x.baseAddress!, y.baseAddress!)
                forEachOutputRow(input: input.shape, threads: threads) { top, bottom, row, width in
                    for ox in 0..<width {
                        y[row + ox] =
                            0.25 * (x[top + 2 * ox] + x[top + 2 * ox + 1] + x[bottom + 2 * ox] + x[bottom + 2 * ox + 1])
                    }
                }
            }
        }
    }

    /// dInput[c, 2y+dy, 2x+dx] += ¼ dOutput[c, y, x], or = when not `accumulate` (then a dropped
    /// odd last row or column is set to 0). Channels are split over `threads`.
    public static func backward(dOutput: Tensor, dInput: inout Tensor, accumulate: Bool = true, threads: Int = 1) {
        let odd = dInput.shape.height % 2 != 0 || dInput.shape.width % 2 != 0
        if !accumulate && odd { dInput.zero(threads: threads) }
        let accumulate = accumulate || odd
        precondition(dOutput.shape == outputShape(for: dInput.shape))
        let shape = dInput.shape
        dOutput.data.withUnsafeBufferPointer { dy in
            dInput.data.withUnsafeMutableBufferPointer { dx in
                let (dy, dx) = (dy.baseAddress!, dx.baseAddress!)
                forEachOutputRow(input: shape, threads: threads) { top, bottom, row, width in
                    for ox in 0..<width {
                        let g = 0.25 * dy[row + ox]
                        if accumulate {
                            dx[top + 2 * ox] += g
                            dx[top + 2 * ox + 1] += g
                            dx[bottom + 2 * ox] += g
                            dx[bottom + 2 * ox + 1] += g
                        } else {
                            (dx[top + 2 * ox], dx[top + 2 * ox + 1], dx[bottom + 2 * ox], dx[bottom + 2 * ox + 1]) = (
                                g, g, g, g
                            )
                        }
                    }
                }
            }
        }
    }

    /// Calls body(top, bottom, row, width) for every output row of every channel, channels
    /// split over `threads`: `top` and `bottom` index the first element of the two input rows
    /// under the output row that starts at `row`, which has `width` elements (CHW offsets).
    private static func forEachOutputRow(input shape: Shape, threads: Int, _ body: (Int, Int, Int, Int) -> Void) {
        let out = outputShape(for: shape)
        parallelChunks(count: out.channels, threads: threads) { channels in
            for c in channels {
                for oy in 0..<out.height {
                    let top = (c * shape.height + 2 * oy) * shape.width
                    body(top, top + shape.width, (c * out.height + oy) * out.width, out.width)
                }
            }
        }
    }
}
