// Benchmark+Gram: the Gram matrices of VGG-19's five Gatys layers by OpenBLAS's ssyrk and by texstim's kernel.

import Foundation
import TextureCore

/// One Gram shape timed both ways (seconds, best of the repeats).
public struct GramBenchmarkRow: Codable, Sendable {
    public var layer: String
    /// N channels × M positions.
    public var channels: Int
    public var positions: Int
    public var ssyrkSeconds: Double
    /// nil where this CPU has no own product kernel.
    public var productKernelSeconds: Double?
    /// N² M multiply–adds ×2 for the whole matrix (both count the same FLOPs; each computes half).
    public var gflop: Double
}

extension Benchmark {
    /// The Gram matrices of conv1_1 … conv5_1 at side² (channels 64 … 512, positions side² … side²/256).
    public static func timeGram(side: Int, threads: Int, repeats: Int) -> [GramBenchmarkRow] {
        let layers = [("conv1_1", 64, 1), ("conv2_1", 128, 2), ("conv3_1", 256, 4), ("conv4_1", 512, 8),
                      ("conv5_1", 512, 16)]
        return layers.compactMap { layer, channels, stride in
            let plane = side / stride
            guard plane >= 1 else { return nil }
            var noise = NormalSampler(seed: 11)
            let features = Tensor(Shape(channels, plane, plane), data: noise.fill(count: channels * plane * plane))
            func best(_ kernel: GramKernel) -> Double {
                let clock = ContinuousClock()
                var best = Double.infinity
                for _ in 0..<(repeats + 1) {
                    let start = clock.now
                    _ = GramMatrix.compute(features, threads: threads, kernel: kernel, products: .machine)
                    best = min(best, (clock.now - start) / .seconds(1))
                }
                return best
            }
            let own = GramKernel.products.resolved(products: .machine) == .products ? best(.products) : nil
            return GramBenchmarkRow(
                layer: layer, channels: channels, positions: plane * plane, ssyrkSeconds: best(.openBLAS),
                productKernelSeconds: own, gflop: 2 * Double(channels * channels) * Double(plane * plane) / 1e9)
        }
    }
}
