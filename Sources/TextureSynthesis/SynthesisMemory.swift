// SynthesisMemory: the peak memory of one synthesis, estimated before anything is allocated.
//
// The sum of what is alive at the peak: the process itself, the weights, the network at the
// source size (it computes the source's Grams and is still held while the network at the
// output size is made), the network at the output size, L-BFGS-B's work arrays and the images.
// Each model counts its own buffers (TextureModel.networkBytes); the constants here were checked
// against measured peak RSS (docs/performance.md, "Memory"), so the estimate is an upper bound.

import TextureCore

public struct MemoryEstimate: Sendable, Equatable {
    /// Bytes of one synthesis, the process's own bytes included.
    public var bytes: Int
    /// The same without the process's own bytes: what each further worker thread adds.
    public var perWorkerBytes: Int { bytes - SynthesisMemory.processBytes }

    /// Bytes of `workers` syntheses running side by side in one process.
    public func bytes(workers: Int) -> Int { SynthesisMemory.processBytes + max(1, workers) * perWorkerBytes }
}

public enum SynthesisMemory {
    /// What the process holds besides the synthesis: code, Foundation, OpenBLAS's buffers
    /// (measured: 53 MB peak RSS for a whole 64² run of the default model).
    public static let processBytes = 48 << 20

    /// For what is not counted (the allocator's rounding, small arrays): measured peaks were 7%
    /// below the counted sum at 512² and 10–20% below at 128²–256².
    static let headroom = 1.1

    /// - Parameters:
    ///   - source: the prepared source's shape (3, H, W); output: the stimulus's (3, H, W).
    ///   - memory: L-BFGS-B's history m.
    public static func estimate(model: any TextureModel, layers: [String], source: Shape, output: Shape,
                                grey: Bool, threads: Int, memory: Int = 20) -> MemoryEstimate {
        var network = model.networkBytes(input: output, layers: layers, threads: threads)
        if source != output { network += model.networkBytes(input: source, layers: layers, threads: threads) }
        // setulb's wa holds (2m + 5)n + 11m² + 8m doubles and iwa 3n int32; x, the bounds, the
        // gradient and the start point are n doubles each, kept once in Swift and once in Fortran's.
        // texstim's code holds the same 2mn doubles of pairs and about 14 n-vectors besides
        // (x, g, their previous values, the Cauchy point, the step, breakpoints), within this sum.
        let n = (grey ? 1 : 3) * output.positions
        // m comes from a record or a manifest before OptimizerSettings.problem has judged it: clamp
        // it to setulb_'s range so a wild value cannot overflow the arithmetic (it is refused later).
        let m = min(max(memory, 1), 100)
        let optimizer = 8 * ((2 * m + 5) * n + 11 * m * m + 8 * m) + 8 * 8 * n + 4 * 4 * n
        // Source: decoded, prepared, model input. Output: noise, model input, pixels, histogram
        // match, equalisation, PNG rows.
        let images = 4 * (4 * source.count + 8 * output.count)
        let counted = Double(model.weightBytes(layers: layers) + network + optimizer + images)
        return MemoryEstimate(bytes: processBytes + Int(counted * headroom))
    }
}

extension MemoryEstimate {
    /// A Portilla–Simoncelli synthesis of an H × W grey plane: the forward tape and its backward
    /// pass hold about (8K + 16) complex (16-byte) planes of the full size, K orientations (the
    /// bands with their coarser scales, magnitudes, phase-doubled bands, reconstructed low-passes,
    /// masks and gradients; a deliberately generous count, not a measured peak), plus L-BFGS-B's
    /// work arrays for the grey variable and the images, as `SynthesisMemory.estimate`.
    public static func portillaSimoncelli(height: Int, width: Int, orientations: Int = 4,
                                          memory: Int = 20) -> MemoryEstimate {
        let n = height * width
        let planes = 16 * (8 * orientations + 16) * n
        let optimizer = 8 * ((2 * memory + 5) * n + 11 * memory * memory + 8 * memory) + 8 * 8 * n + 4 * 4 * n
        let images = 4 * 12 * 3 * n
        return MemoryEstimate(bytes: SynthesisMemory.processBytes
                              + Int(Double(planes + optimizer + images) * SynthesisMemory.headroom))
    }
}
