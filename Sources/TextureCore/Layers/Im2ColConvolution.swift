// Im2ColConvolution: K×K convolution as im2col + sgemm over row tiles (bounded scratch).
//
// Size letters as in Conv2D.swift. The column matrix for output rows [y0, y0+R) is
// (C·K·K) × (R·WO): row (c·K + ky)·K + kx holds input[c, y+ky−P, x+kx−P] for every output
// position (y, x) of the tile. Tiles keep the scratch buffer under `scratchLimitBytes`
// whatever the image size (a whole 512² conv1_2 column matrix would be 604 MB).

public struct Im2ColConvolution: ConvolutionAlgorithm {
    /// Upper bound for one tile's column matrix.
    public var scratchLimitBytes: Int
    /// OpenBLAS for the direct algorithm (the reference); Winograd's fallback for conv1_1 uses
    /// the machine's product kernel (ProductKernel.machine).
    public let products: ProductKernel

    public init(scratchLimitBytes: Int = 16 << 20, products: ProductKernel = .openBLAS) {
        self.scratchLimitBytes = scratchLimitBytes
        self.products = products
    }

    /// Output rows per tile: as many as fit the scratch limit, at least one.
    func tileRows(_ layer: Conv2D, output: Shape) -> Int {
        let floatsPerRow = layer.inChannels * layer.kernel * layer.kernel * output.width
        return max(1, min(output.height, scratchLimitBytes / 4 / max(1, floatsPerRow)))
    }

    public func forward(
        _ layer: Conv2D, input: Tensor, output: inout Tensor, relu: Bool, scratch: ScratchBuffer, threads: Int
    ) {
        let out = layer.outputShape(for: input.shape)
        precondition(input.shape.channels == layer.inChannels && output.shape == out)
        let rowsPerTile = tileRows(layer, output: out)
        let columnRows = layer.inChannels * layer.kernel * layer.kernel
        let col = scratch.reserve(columnRows * rowsPerTile * out.width)
        input.data.withUnsafeBufferPointer { inputBuffer in
            output.data.withUnsafeMutableBufferPointer { outputBuffer in
                layer.weight.withUnsafeBufferPointer { weight in
                    var y0 = 0
                    while y0 < out.height {
                        let rows = min(rowsPerTile, out.height - y0)
                        let tileCount = rows * out.width
                        im2col(
                            layer, input: inputBuffer.baseAddress!, shape: input.shape, out: out,
                            y0: y0, rows: rows, col: col, threads: threads)
                        let target = outputBuffer.baseAddress! + y0 * out.width
                        ProductKernel.parallelProduct(
                            kernel: products, transposeA: false, m: layer.outChannels,
                            n: tileCount, k: columnRows, a: weight.baseAddress!, lda: columnRows,
                            b: col, ldb: tileCount, c: target, ldc: out.positions, threads: threads)
                        addBias(
                            layer.bias, relu: relu, target: target, count: tileCount, stride: out.positions,
                            threads: threads)
                        y0 += rows
                    }
                }
            }
        }
    }

    /// target[o·stride + i] += bias[o] for i < count, then max(0, ·) if `relu` (one pass over memory).
    func addBias(
        _ bias: [Float], relu: Bool, target: UnsafeMutablePointer<Float>, count: Int, stride: Int, threads: Int
    ) {
        let shared = SharedPointer(target)
        bias.withUnsafeBufferPointer { bias in
            let biasPointer = SharedPointer(UnsafeMutablePointer(mutating: bias.baseAddress!))
            parallelChunks(count: bias.count, threads: threads) { channels in
                for o in channels {
                    let row = shared.base + o * stride, value = biasPointer.base[o]
                    if relu {
                        for i in 0..<count { row[i] = max(row[i] + value, 0) }
                    } else {
                        for i in 0..<count { row[i] += value }
                    }
                }
            }
        }
    }

    public func fusesReLUBackward(_ layer: Conv2D) -> Bool { false }

    public func backward(
        _ layer: Conv2D, dOutput: Tensor, reluOutput: Tensor?, dInput: inout Tensor, accumulate: Bool,
        scratch: ScratchBuffer, threads: Int
    ) {
        var dOutput = dOutput
        if let reluOutput { ReLU.backward(&dOutput, output: reluOutput, threads: threads) }  // masks a copy
        if !accumulate { dInput.zero(threads: threads) }
        let out = dOutput.shape
        precondition(out == layer.outputShape(for: dInput.shape))
        let rowsPerTile = tileRows(layer, output: out)
        let columnRows = layer.inChannels * layer.kernel * layer.kernel
        let col = scratch.reserve(columnRows * rowsPerTile * out.width)
        let inputShape = dInput.shape
        dOutput.data.withUnsafeBufferPointer { dOutputBuffer in
            dInput.data.withUnsafeMutableBufferPointer { dInputBuffer in
                layer.weight.withUnsafeBufferPointer { weight in
                    var y0 = 0
                    while y0 < out.height {
                        let rows = min(rowsPerTile, out.height - y0)
                        let tileCount = rows * out.width
                        // dCol = Wᵀ · dOutput_tile: (C·K·K × OC) · (OC × R·WO).
                        ProductKernel.parallelProduct(
                            kernel: products, transposeA: true, m: columnRows,
                            n: tileCount, k: layer.outChannels, a: weight.baseAddress!,
                            lda: columnRows, b: dOutputBuffer.baseAddress! + y0 * out.width,
                            ldb: out.positions, c: col, ldc: tileCount, threads: threads)
                        col2im(
                            layer, col: col, shape: inputShape, out: out, y0: y0, rows: rows,
                            dInput: dInputBuffer.baseAddress!, threads: threads)
                        y0 += rows
                    }
                }
            }
        }
    }

    // MARK: - Column matrix

    /// Fills the tile's column matrix; its C·K·K rows are split over threads (conv1_1 has only
    /// three channels, which two threads would share 2 : 1).
    func im2col(
        _ layer: Conv2D, input: UnsafePointer<Float>, shape: Shape, out: Shape,
        y0: Int, rows: Int, col: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let (k, p, wo) = (layer.kernel, layer.padding, out.width)
        let source = SharedPointer(UnsafeMutablePointer(mutating: input))
        let target = SharedPointer(col)
        parallelChunks(count: shape.channels * k * k, threads: threads) { columnRows in
            for columnRow in columnRows {
                let (c, ky, kx) = (columnRow / (k * k), columnRow / k % k, columnRow % k)
                let plane = source.base + c * shape.positions
                let row = target.base + columnRow * rows * wo
                // Output x whose input column x + kx − P lies inside the image.
                let xStart = max(0, p - kx), xEnd = max(xStart, min(wo, shape.width + p - kx))
                for r in 0..<rows {
                    let destination = row + r * wo
                    let iy = y0 + r + ky - p
                    guard iy >= 0, iy < shape.height, xEnd > xStart else {
                        destination.update(repeating: 0, count: wo)
                        continue
                    }
                    destination.update(repeating: 0, count: xStart)
                    destination.advanced(by: xStart)
                        .update(from: plane + iy * shape.width + xStart + kx - p, count: xEnd - xStart)
                    destination.advanced(by: xEnd).update(repeating: 0, count: wo - xEnd)
                }
            }
        }
    }

    /// Adds the tile's column matrix back into the input gradient (the transpose of im2col).
    func col2im(
        _ layer: Conv2D, col: UnsafeMutablePointer<Float>, shape: Shape, out: Shape,
        y0: Int, rows: Int, dInput: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let (k, p, wo) = (layer.kernel, layer.padding, out.width)
        let source = SharedPointer(col)
        let target = SharedPointer(dInput)
        parallelChunks(count: shape.channels, threads: threads) { channels in
            for c in channels {
                let plane = target.base + c * shape.positions
                for ky in 0..<k {
                    for kx in 0..<k {
                        let row = source.base + ((c * k + ky) * k + kx) * rows * wo
                        let xStart = max(0, p - kx), xEnd = min(wo, shape.width + p - kx)
                        guard xEnd > xStart else { continue }
                        for r in 0..<rows {
                            let iy = y0 + r + ky - p
                            guard iy >= 0, iy < shape.height else { continue }
                            let from = row + r * wo + xStart
                            let to = plane + iy * shape.width + xStart + kx - p
                            for i in 0..<(xEnd - xStart) { to[i] += from[i] }
                        }
                    }
                }
            }
        }
    }
}
