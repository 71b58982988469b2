// VGG19+Memory: what a VGG network and its loss hold at one input size, counted from the layer
// table before anything is allocated (the buffers VGGNetwork and TextureLoss make).

extension VGG19 {
    public func networkBytes(input: Shape, layers: [String], threads: Int) -> Int {
        let deepest = layers.compactMap { layerNames.firstIndex(of: $0) }.max() ?? 0
        var shape = input, floats = 0, largest = input.count, scratch = 0
        for stage in architecture.stages.prefix(deepest + 1) {
            switch stage {
            case .convolution(let name, _, _):
                let conv = convolutions[name]!
                scratch = max(scratch, ConvolutionMemory.scratchBytes(conv, input: shape, threads: threads))
                shape = conv.outputShape(for: shape)
            case .pool:
                shape = AveragePool2.outputShape(for: shape)
            }
            floats += shape.count  // the stage's activation
            largest = max(largest, shape.count)
            if layers.contains(stage.name) {
                // Feature gradient, and source, current and difference Gram matrices (N × N).
                floats += shape.count + 3 * shape.channels * shape.channels
            }
        }
        floats += 2 * largest + 2 * input.count  // two gradient buffers; input and its gradient
        return 4 * floats + scratch
    }

    /// A weights file is read whole (every layer); random weights are drawn for the layers used.
    public func weightBytes(layers: [String]) -> Int {
        let deepest = layers.compactMap { layerNames.firstIndex(of: $0) }.max() ?? 0
        let used = Set(architecture.stages.prefix(deepest + 1).map(\.name))
        return architecture.convolutionNames.reduce(0) { total, name in
            let conv = convolutions[name]!
            let resident =
                weightsSHA256 != nil || used.contains(name)
                ? 4 * (conv.inChannels * conv.outChannels * conv.kernel * conv.kernel + conv.outChannels) : 0
            return total + resident + (used.contains(name) ? ConvolutionMemory.transformedWeightBytes(conv) : 0)
        }
    }
}
