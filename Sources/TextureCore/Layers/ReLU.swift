// ReLU: y = max(0, x); the forward is fused into the convolution, the backward masks by y > 0.

public enum ReLU {
    /// x ← max(0, x) elementwise, in place.
    public static func forward(_ x: inout Tensor, threads: Int = 1) {
        x.data.withUnsafeMutableBufferPointer { values in
            let shared = SharedPointer(values.baseAddress!)
            parallelElements(count: values.count, threads: threads) { range in
                for i in range { shared.base[i] = max(shared.base[i], 0) }
            }
        }
    }

    /// dX = dY where y > 0, else 0; computed in place in `gradient` (dY in, dX out).
    /// `output` is the forward result y, whose sign equals the pre-activation's.
    public static func backward(_ gradient: inout Tensor, output: Tensor, threads: Int = 1) {
        precondition(gradient.shape == output.shape)
        output.data.withUnsafeBufferPointer { y in
            gradient.data.withUnsafeMutableBufferPointer { g in
                let (sharedY, sharedG) = (SharedPointer(UnsafeMutablePointer(mutating: y.baseAddress!)), SharedPointer(g.baseAddress!))
                parallelElements(count: g.count, threads: threads) { range in
                    for i in range { sharedG.base[i] = sharedY.base[i] > 0 ? sharedG.base[i] : 0 }
                }
            }
        }
    }
}
