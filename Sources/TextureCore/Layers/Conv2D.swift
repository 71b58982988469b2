// Conv2D: K×K convolution, stride 1, zero padding P, with bias: forward and input gradient.
//
// Size letters: C input channels, OC output channels, H×W input, HO×WO output
// (HO = H + 2P − K + 1), K kernel side, P padding. All tensors are row-major (C, H, W).
// Weights are fixed in texstim, so backward computes only the input gradient.

import Synchronization

/// The interface a convolution algorithm implements; im2col + sgemm is the reference one.
/// A faster algorithm (e.g. Winograd F(4×4, 3×3)) can replace it behind the same calls.
public protocol ConvolutionAlgorithm: Sendable {
    /// output (OC, HO, WO) = weight ⋆ input + bias, then max(0, ·) if `relu`. Overwrites `output`.
    func forward(_ layer: Conv2D, input: Tensor, output: inout Tensor, relu: Bool, scratch: ScratchBuffer, threads: Int)
    /// ∂L/∂input given dOutput (OC, HO, WO) = ∂L/∂output: added to dInput (C, H, W) when
    /// `accumulate`, else written over it. With `reluOutput` (the forward's post-ReLU output y),
    /// dOutput is taken as the gradient above the ReLU and masked by y > 0 first.
    func backward(
        _ layer: Conv2D, dOutput: Tensor, reluOutput: Tensor?, dInput: inout Tensor, accumulate: Bool,
        scratch: ScratchBuffer, threads: Int)
    /// Whether passing `reluOutput` to `backward` saves work over masking beforehand.
    func fusesReLUBackward(_ layer: Conv2D) -> Bool
    /// The code that computes this algorithm's matrix products; the loss computes its Gram
    /// gradient with the same (TextureLoss.products), so one run uses one product kernel.
    var products: ProductKernel { get }
    /// What computes the loss's Gram matrices (TextureLoss.gram), as asked; `resolved(products:)`
    /// says what runs.
    var gram: GramKernel { get }
}

extension ConvolutionAlgorithm {
    /// OpenBLAS's ssyrk, unless an algorithm says otherwise (Winograd does).
    public var gram: GramKernel { .openBLAS }

    /// dInput (C, H, W) += ∂L/∂input given dOutput (OC, HO, WO) = ∂L/∂output.
    public func backward(_ layer: Conv2D, dOutput: Tensor, dInput: inout Tensor, scratch: ScratchBuffer, threads: Int) {
        backward(
            layer, dOutput: dOutput, reluOutput: nil, dInput: &dInput, accumulate: true, scratch: scratch,
            threads: threads)
    }
}

/// One convolution layer's fixed parameters.
public struct Conv2D: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: Int
    public let padding: Int
    /// (OC, C, K, K), row-major. A layer made with `drawWeights` draws them on first use.
    public var weight: [Float] { weights.values }
    /// (OC).
    public let bias: [Float]
    private let weights: LayerWeights
    /// Derived forms of the weights (e.g. Winograd's U), computed on first use and shared by
    /// every copy of this layer, so a model's transforms exist once however many workers run.
    let derived = DerivedWeights()

    public init(inChannels: Int, outChannels: Int, kernel: Int, padding: Int, weight: [Float], bias: [Float]) {
        precondition(weight.count == outChannels * inChannels * kernel * kernel)
        self.init(
            inChannels: inChannels, outChannels: outChannels, kernel: kernel, padding: padding, bias: bias,
            weights: LayerWeights(values: weight))
    }

    /// A layer whose OC·C·K·K weights `drawWeights` makes the first time they are used, once
    /// for all copies (vgg19-random: a run never draws the layers deeper than its deepest
    /// matched one; a pool2 run draws 1.3% of VGG-19's 20 million weights).
    public init(
        inChannels: Int, outChannels: Int, kernel: Int, padding: Int, bias: [Float],
        drawWeights: @escaping @Sendable () -> [Float]
    ) {
        self.init(
            inChannels: inChannels, outChannels: outChannels, kernel: kernel, padding: padding, bias: bias,
            weights: LayerWeights(count: outChannels * inChannels * kernel * kernel, draw: drawWeights))
    }

    private init(inChannels: Int, outChannels: Int, kernel: Int, padding: Int, bias: [Float], weights: LayerWeights) {
        precondition(bias.count == outChannels)
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.padding = padding
        self.bias = bias
        self.weights = weights
    }

    public func outputShape(for input: Shape) -> Shape {
        Shape(outChannels, input.height + 2 * padding - kernel + 1, input.width + 2 * padding - kernel + 1)
    }

    /// Multiply–adds of one forward pass at this input size, times two (FLOPs).
    public func forwardFLOPs(for input: Shape) -> Double {
        2 * Double(outChannels * inChannels * kernel * kernel) * Double(outputShape(for: input).positions)
    }

    // MARK: - Naive reference (the algorithmic definition; used by tests)

    /// output[o, y, x] = bias[o] + Σ_c Σ_ky Σ_kx weight[o, c, ky, kx] · input[c, y+ky−P, x+kx−P]
    /// with input = 0 outside the image.
    public func naiveForward(_ input: Tensor) -> Tensor {
        var output = Tensor(outputShape(for: input.shape))
        let (shape, out) = (input.shape, output.shape)
        for o in 0..<outChannels {
            for y in 0..<out.height {
                for x in 0..<out.width {
                    var sum = Double(bias[o])
                    for c in 0..<inChannels {
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                let iy = y + ky - padding, ix = x + kx - padding
                                guard iy >= 0, iy < shape.height, ix >= 0, ix < shape.width else { continue }
                                let w = weight[((o * inChannels + c) * kernel + ky) * kernel + kx]
                                sum += Double(w) * Double(input[c, iy, ix])
                            }
                        }
                    }
                    output[o, y, x] = Float(sum)
                }
            }
        }
        return output
    }

    /// dInput[c, iy, ix] = Σ_o Σ_ky Σ_kx weight[o, c, ky, kx] · dOutput[o, iy−ky+P, ix−kx+P].
    public func naiveBackward(dOutput: Tensor, inputShape: Shape) -> Tensor {
        var dInput = Tensor(inputShape)
        let out = dOutput.shape
        for o in 0..<outChannels {
            for y in 0..<out.height {
                for x in 0..<out.width {
                    let g = dOutput[o, y, x]
                    for c in 0..<inChannels {
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                let iy = y + ky - padding, ix = x + kx - padding
                                guard iy >= 0, iy < inputShape.height, ix >= 0, ix < inputShape.width else { continue }
                                dInput[c, iy, ix] += weight[((o * inChannels + c) * kernel + ky) * kernel + kx] * g
                            }
                        }
                    }
                }
            }
        }
        return dInput
    }
}

/// A layer's weights, given or drawn on first use (thread-safe: one caller draws, others wait).
final class LayerWeights: Sendable {
    private let state: Mutex<[Float]?>
    private let draw: (@Sendable () -> [Float])?
    private let count: Int

    init(values: [Float]) {
        state = Mutex(values)
        draw = nil
        count = values.count
    }

    init(count: Int, draw: @escaping @Sendable () -> [Float]) {
        state = Mutex(nil)
        self.draw = draw
        self.count = count
    }

    var values: [Float] {
        state.withLock { values in
            if let values { return values }
            let drawn = draw!()
            precondition(drawn.count == count, "drew \(drawn.count) weights for a layer of \(count)")
            values = drawn
            return drawn
        }
    }
}

/// Lazily computed, read-only arrays derived from a layer's weights (thread-safe).
final class DerivedWeights: Sendable {
    private let storage = Mutex<[String: [Float]]>([:])

    /// The array stored under `key`, computed by `make` the first time it is asked for.
    func value(_ key: String, make: () -> [Float]) -> [Float] {
        storage.withLock { values in
            if let value = values[key] { return value }
            let value = make()
            values[key] = value
            return value
        }
    }
}

/// A reusable float scratch area; grows on demand and is never shrunk, so steady-state
/// evaluations allocate nothing (first touch of fresh pages is expensive).
public final class ScratchBuffer: @unchecked Sendable {
    public private(set) var pointer: UnsafeMutablePointer<Float>
    public private(set) var capacity: Int

    public init(capacity: Int = 0) {
        self.capacity = max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// A pointer to at least `count` floats (contents undefined).
    public func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: count)
        }
        return pointer
    }
}
