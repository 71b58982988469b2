// ReLU: y = max(0, x); the forward is fused into the convolution, the backward masks by y > 0.

public enum ReLU {
    /// x ← max(0, x) elementwise, in place.
    public static func forward(_ x: inout Tensor, threads: Int = 1) {
        x.data.withUnsafeMutableBufferPointer { values in
            let shared = SharedPointer(values.baseAddress!)
            parallelElements(count: values.count, threads: threads) { range in
                let x = shared.base + range.lowerBound
                for i in 0..<range.count { x[i] = max(x[i], 0) }
            }
        }
    }

    /// dX = dY where y > 0, else 0; computed in place in `gradient` (dY in, dX out).
    /// `output` is the forward result y, whose sign equals the pre-activation's.
    public static func backward(_ gradient: inout Tensor, output: Tensor, threads: Int = 1) {
        precondition(gradient.shape == output.shape)
        output.data.withUnsafeBufferPointer { y in
            gradient.data.withUnsafeMutableBufferPointer { g in
                let (sharedY, sharedG) = (
                    SharedPointer(UnsafeMutablePointer(mutating: y.baseAddress!)), SharedPointer(g.baseAddress!)
                )
                parallelElements(count: g.count, threads: threads) { range in
                    mask(
                        UnsafeMutableRawPointer(sharedG.base + range.lowerBound),
                        by: UnsafeRawPointer(sharedY.base + range.lowerBound), count: range.count)
                }
            }
        }
    }

    /// gradient[i] = output[i] > 0 ? gradient[i] : 0, eight lanes at a time (the compiler does
    /// not vectorise the scalar loop because the two buffers might alias).
    @inline(__always)
    static func mask(_ gradient: UnsafeMutableRawPointer, by output: UnsafeRawPointer, count: Int) {
        let stride = MemoryLayout<SIMD8<Float>>.size
        var i = 0
        while i + 8 <= count {
            let y = output.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            let g = gradient.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            gradient.storeBytes(of: g.replacing(with: 0, where: .!(y .> 0)), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += stride / 4
        }
        while i < count {
            if !(output.load(fromByteOffset: i * 4, as: Float.self) > 0) {
                gradient.storeBytes(of: 0, toByteOffset: i * 4, as: Float.self)
            }
            i += 1
        }
    }
}
