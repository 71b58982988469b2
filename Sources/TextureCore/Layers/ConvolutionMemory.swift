// ConvolutionMemory: the scratch bytes a convolution pass takes, for memory estimates made
// before any buffer is allocated (SynthesisMemory refuses a job that would not fit).

public enum ConvolutionMemory {
    /// Upper bound of the scratch one pass of `layer` reserves, with whichever algorithm texstim
    /// may pick: im2col's column tile (at most 16 MB, at least one output row) or Winograd's
    /// V and M for the whole image (36 · (C + OC) floats per 4×4 tile, at most 48 MB per
    /// thread area) plus per-thread work. Scratch is reused across layers, so a network holds
    /// the largest of its layers', not the sum.
    public static func scratchBytes(_ layer: Conv2D, input: Shape, threads: Int) -> Int {
        let output = layer.outputShape(for: input)
        let row = layer.inChannels * layer.kernel * layer.kernel * output.width * 4
        let im2col = max(row, min(16 << 20, row * output.height))
        guard layer.kernel == 3 && layer.padding == 1 && layer.inChannels >= 8 else { return im2col }
        let tiles = ((output.height + 3) / 4) * ((output.width + 3) / 4)
        let area = min(48 << 20, 36 * (layer.inChannels + layer.outChannels) * tiles * 4)
        let work = 36 * 4 * (output.width / 4 + 2) * 16 * 4
        return max(im2col, threads * (area + work))
    }

    /// Winograd keeps the 36 transformed 4×4 kernels of a 3×3 layer: four times its weights.
    public static func transformedWeightBytes(_ layer: Conv2D) -> Int {
        layer.kernel == 3 && layer.padding == 1 && layer.inChannels >= 8
            ? 36 * layer.inChannels * layer.outChannels * 4 : 0
    }
}
