// RandomPyramid+Memory: what a pyramid network and its loss hold at one input size, counted
// before anything is allocated (the buffers PyramidNetwork and TextureLoss make).

extension RandomPyramid {
    public func networkBytes(input: Shape, layers: [String], threads: Int) -> Int {
        let taps = layers.compactMap { layerNames.firstIndex(of: $0) }
        var shape = input, floats = 0, scratch = 0
        for level in 0...(taps.max() ?? 0) {
            floats += 2 * shape.count                 // the level and its gradient
            if taps.contains(level) {
                let out = filters[level].outputShape(for: shape)
                // Features, masked gradient, feature gradient; source, current and difference Grams.
                floats += 3 * out.count + 3 * out.channels * out.channels
                scratch = max(scratch, ConvolutionMemory.scratchBytes(filters[level], input: shape, threads: threads))
            }
            shape = BinomialDownsample.outputShape(for: shape)
        }
        return 4 * floats + scratch
    }

    public func weightBytes(layers: [String]) -> Int {
        filters.reduce(0) { $0 + 4 * $1.inChannels * $1.outChannels * $1.kernel * $1.kernel }
    }
}
