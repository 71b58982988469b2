// WinogradConvolution: 3×3 convolution by Winograd F(4×4, 3×3): tile transforms + 36 matrix products.
//
// Size letters as in Conv2D.swift; T is the number of 4×4 output tiles in a block of tile rows.
// A 3×3 convolution of a 4×4 output tile needs 16·9 = 144 multiply–adds per channel pair
// directly, and 36 in the Winograd domain (Lavin & Gray 2016), so the products do 4× less work:
//
//   U[ξ] (OC × C) = G g Gᵀ     once per layer and model (Conv2D.derived, shared by workers)
//   V[ξ] (C × T)  = Bᵀ d B     per tile of the input (C target CWinograd)
//   M[ξ] (OC × T) = U[ξ] · V[ξ]   for the 36 points ξ, one product each (ProductKernel)
//   Y             = Aᵀ M A + bias, ReLU fused     per tile of the output
//
// The input gradient of a 3×3 "same" convolution is the correlation of the output gradient
// with the spatially flipped, transposed kernels. Rotating the gradient by 180° turns that
// into a correlation with the unflipped kernels wᵀ[c][o] = w[o][c], whose transform is U[ξ]ᵀ:
// backward reads dOutput rotated, multiplies by U[ξ]ᵀ, and adds the result rotated back.
//
// Work is cut into blocks of whole tile rows sized in bytes (tileRowsPerBlock; never by the
// thread count), and every product runs single-threaded on one ξ, so results are bitwise the
// same for any number of threads. Layers that are not 3×3 "same" or have very few input
// channels (conv1_1: C = 3, where the transforms would cost more than they save) use im2col.

internal import CWinograd

public struct WinogradConvolution: ConvolutionAlgorithm {
    /// The size one block's V and M aim for. At 2 MB per thread they stay in L3 (32 MB here)
    /// beside the planes they are made from and written to, also with two workers: the 128²
    /// worker-scaling set ran 6% faster than with 4 MB, and 256² was no slower. With one 24 MB
    /// block conv1_2 at 256² took 7.0 ms per pass instead of 5.5; at 1 MB the products get too
    /// few tiles (the 128² set 3% slower than at 2 MB).
    public var workspaceTargetBytes: Int
    /// Upper bound for one block's V and M. Below it, a block grows to the size of the layer's
    /// transformed weights U, since every block reads all of U (conv4: 37.7 MB).
    public var workspaceLimitBytes: Int
    /// The kernel of the products, and the level of the transforms' code (ProductKernel
    /// .transformLevel): this process's unless a test runs another.
    public let products: ProductKernel
    /// conv1_1 and other layers Winograd does not apply to; their products use the same kernel.
    let fallback: Im2ColConvolution

    /// What computes the loss's Gram matrices with this algorithm: the product kernel, or
    /// OpenBLAS's ssyrk to reproduce a record made before the product kernel computed them.
    public var gram: GramKernel

    public init(
        workspaceTargetBytes: Int = 2 << 20, workspaceLimitBytes: Int = 48 << 20,
        products: ProductKernel = .machine, gram: GramKernel = .products
    ) {
        self.workspaceTargetBytes = workspaceTargetBytes
        self.workspaceLimitBytes = workspaceLimitBytes
        self.products = products
        fallback = Im2ColConvolution(products: products)
        self.gram = gram
    }

    /// Whether this algorithm computes `layer` by Winograd (else it falls back to im2col).
    public static func applies(to layer: Conv2D) -> Bool {
        layer.kernel == 3 && layer.padding == 1 && layer.inChannels >= 8
    }

    /// The 36 transformed kernel matrices, U[ξ][o][c] at (ξ·OC + o)·C + c.
    public static func transformedWeights(_ layer: Conv2D) -> [Float] {
        layer.derived.value("winograd-f4x4-3x3") {
            var u = [Float](repeating: 0, count: 36 * layer.outChannels * layer.inChannels)
            layer.weight.withUnsafeBufferPointer { weight in
                u.withUnsafeMutableBufferPointer { u in
                    texstim_winograd_weights(
                        weight.baseAddress!, Int32(layer.outChannels), Int32(layer.inChannels), u.baseAddress!)
                }
            }
            return u
        }
    }

    public func forward(
        _ layer: Conv2D, input: Tensor, output: inout Tensor, relu: Bool, scratch: ScratchBuffer, threads: Int
    ) {
        guard Self.applies(to: layer) else {
            return fallback.forward(
                layer, input: input, output: &output, relu: relu, scratch: scratch, threads: threads)
        }
        precondition(input.shape.channels == layer.inChannels && output.shape == layer.outputShape(for: input.shape))
        let u = Self.transformedWeights(layer)
        let mode = relu ? Int32(texstim_winograd_store_relu) : Int32(texstim_winograd_store)
        input.data.withUnsafeBufferPointer { source in
            output.data.withUnsafeMutableBufferPointer { target in
                u.withUnsafeBufferPointer { u in
                    run(
                        Pass(
                            from: layer.inChannels, to: layer.outChannels, height: input.shape.height,
                            width: input.shape.width,
                            backward: false, mode: mode, bias: layer.bias),
                        source: source.baseAddress!, mask: nil, target: target.baseAddress!, u: u.baseAddress!,
                        scratch: scratch, threads: threads)
                }
            }
        }
    }

    /// The ReLU mask is applied while the input transform reads dOutput (no extra pass).
    public func fusesReLUBackward(_ layer: Conv2D) -> Bool { Self.applies(to: layer) }

    public func backward(
        _ layer: Conv2D, dOutput: Tensor, reluOutput: Tensor?, dInput: inout Tensor, accumulate: Bool,
        scratch: ScratchBuffer, threads: Int
    ) {
        guard Self.applies(to: layer) else {
            return fallback.backward(
                layer, dOutput: dOutput, reluOutput: reluOutput, dInput: &dInput, accumulate: accumulate,
                scratch: scratch, threads: threads)
        }
        precondition(
            dOutput.shape == layer.outputShape(for: dInput.shape)
                && (reluOutput?.shape ?? dOutput.shape) == dOutput.shape)
        let u = Self.transformedWeights(layer)
        let mode = accumulate ? Int32(texstim_winograd_accumulate) : Int32(texstim_winograd_store)
        let pass = Pass(
            from: layer.outChannels, to: layer.inChannels, height: dInput.shape.height, width: dInput.shape.width,
            backward: true, mode: mode, bias: nil)
        dOutput.data.withUnsafeBufferPointer { source in
            dInput.data.withUnsafeMutableBufferPointer { target in
                u.withUnsafeBufferPointer { u in
                    if let reluOutput {
                        reluOutput.data.withUnsafeBufferPointer { mask in
                            run(
                                pass, source: source.baseAddress!, mask: mask.baseAddress!, target: target.baseAddress!,
                                u: u.baseAddress!, scratch: scratch, threads: threads)
                        }
                    } else {
                        run(
                            pass, source: source.baseAddress!, mask: nil, target: target.baseAddress!,
                            u: u.baseAddress!,
                            scratch: scratch, threads: threads)
                    }
                }
            }
        }
    }

    /// One Winograd pass from `from` planes to `to` planes of the same size.
    struct Pass {
        let from: Int, to: Int, height: Int, width: Int
        /// The input-gradient pass: reads the source rotated by 180°, multiplies by U[ξ]ᵀ (U is
        /// stored OC × C and this pass maps OC → C) and writes the result rotated back.
        let backward: Bool
        let mode: Int32
        let bias: [Float]?

        var tilesAcross: Int { (width + 3) / 4 }
        var tilesDown: Int { (height + 3) / 4 }
    }

    /// Tile rows per block: V and M near the target size or as large as U, whichever is
    /// larger, under the limit; at least one.
    func tileRowsPerBlock(_ pass: Pass) -> Int {
        let bytesPerTileRow = 4 * 36 * (pass.from + pass.to) * pass.tilesAcross
        let weightRows = (4 * 36 * pass.from * pass.to + bytesPerTileRow - 1) / bytesPerTileRow
        let rows = min(workspaceLimitBytes / bytesPerTileRow, max(workspaceTargetBytes / bytesPerTileRow, weightRows))
        return max(1, min(pass.tilesDown, rows))
    }

    /// Source planes are read through `mask` (source · [mask > 0]) when one is given.
    ///
    /// With many blocks (conv1 and conv2), each thread takes whole blocks through all three
    /// steps in its own V and M: no thread waits for another between steps, and V and M stay
    /// with the core that made them (conv1_2 at 256²: 5.5 instead of 6.0 ms per pass). With few
    /// blocks (conv3, conv4, whose U makes a block the whole image), all threads share each step
    /// of each block. The blocks are the same either way, so the bits are too.
    func run(
        _ pass: Pass, source: UnsafePointer<Float>, mask: UnsafePointer<Float>?, target: UnsafeMutablePointer<Float>,
        u: UnsafePointer<Float>, scratch: ScratchBuffer, threads: Int
    ) {
        let rowsPerBlock = tileRowsPerBlock(pass)
        let blockCount = (pass.tilesDown + rowsPerBlock - 1) / rowsPerBlock
        let areas = threads > 1 && blockCount >= 2 * threads ? threads : 1
        // Each channel's row of tiles is followed by 16 spare floats, so the transforms read and
        // write whole vectors of 16 tiles past a row's last tile. The 36 matrices of V (and of M)
        // start 64 bytes past a multiple of 4 KiB apart: at exact multiples, the transforms' 36
        // store streams share one L1 set and evict each other.
        let channelStride = rowsPerBlock * pass.tilesAcross + 16
        let (vStride, mStride) = (pass.from * channelStride + 16, pass.to * channelStride + 16)
        let areaFloats = 36 * (vStride + mStride), workFloats = texstim_winograd_work_floats(Int32(pass.tilesAcross))
        let workspace = scratch.reserve(areas * areaFloats + threads * workFloats)
        let block = BlockStep(
            products: products, pass: pass, rowsPerBlock: rowsPerBlock, channelStride: channelStride,
            vStride: vStride, mStride: mStride, workFloats: workFloats, source: source, mask: mask, target: target,
            u: u)
        if areas > 1 {
            parallelChunks(count: areas, threads: areas) { parts in
                for area in parts {
                    let v = workspace + area * areaFloats, work = workspace + areas * areaFloats + area * workFloats
                    for index in (blockCount * area / areas)..<(blockCount * (area + 1) / areas) {
                        block.run(index, v: v, work: work, threads: 1)
                    }
                }
            }
        } else {
            for index in 0..<blockCount {
                block.run(index, v: workspace, work: workspace + areaFloats, threads: threads)
            }
        }
    }

    /// One block of tile rows through the three steps: input transform, 36 products, output
    /// transform. V starts at `v` and M right after it; `work` holds one work area per thread.
    struct BlockStep: @unchecked Sendable {
        let products: ProductKernel
        let pass: Pass
        let rowsPerBlock: Int, channelStride: Int, vStride: Int, mStride: Int, workFloats: Int
        let source: UnsafePointer<Float>, mask: UnsafePointer<Float>?, target: UnsafeMutablePointer<Float>
        let u: UnsafePointer<Float>

        func run(_ index: Int, v: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>, threads: Int) {
            let firstRow = index * rowsPerBlock, rows = min(rowsPerBlock, pass.tilesDown - firstRow)
            let tiles = rows * pass.tilesAcross, plane = pass.height * pass.width, m = v + 36 * vStride
            let parts = max(1, min(threads, max(pass.from, pass.to)))
            forEachPlane(pass.from, parts: parts) { channel, part in
                texstim_winograd_input(
                    products.transformLevel, source + channel * plane, mask.map { $0 + channel * plane },
                    Int32(pass.height), Int32(pass.width), pass.backward ? 1 : 0, Int32(firstRow), Int32(rows),
                    v + channel * channelStride, vStride, work + part * workFloats)
            }
            parallelChunks(count: 36, threads: threads) { points in
                for xi in points {
                    ProductKernel.product(
                        kernel: products, transposeA: pass.backward, m: pass.to, n: tiles, k: pass.from,
                        a: u + xi * pass.from * pass.to, lda: pass.backward ? pass.to : pass.from,
                        b: v + xi * vStride, ldb: channelStride, c: m + xi * mStride, ldc: channelStride)
                }
            }
            forEachPlane(pass.to, parts: parts) { channel, part in
                texstim_winograd_output(
                    products.transformLevel, m + channel * channelStride, mStride, Int32(firstRow), Int32(rows),
                    target + channel * plane, Int32(pass.height), Int32(pass.width),
                    pass.bias?[channel] ?? 0, pass.mode, pass.backward ? 1 : 0, work + part * workFloats)
            }
        }

        /// Calls body(channel, part) for every channel, split into `parts` contiguous runs that
        /// run in parallel; `part` picks the caller's private work area.
        private func forEachPlane(_ channels: Int, parts: Int, _ body: (Int, Int) -> Void) {
            let used = min(parts, channels)
            parallelChunks(count: used, threads: used) { range in
                for part in range {
                    for channel in (channels * part / used)..<(channels * (part + 1) / used) { body(channel, part) }
                }
            }
        }
    }
}
