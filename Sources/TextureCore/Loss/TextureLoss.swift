// TextureLoss: the weighted Gram-matrix distance between an image's features and a target's.
//
// For layer l with N_l channels, Gram G_l and target Ĝ_l:
//   E_l = c_l · Σ_ij (G_l − Ĝ_l)²_ij,  total L = Σ_l w_l E_l,
// with c_l = 1 / (4 N_l²) for the paper's loss (Gatys et al. 2015, eq. 4; w_l = 1e9 in the
// reference code) or c_l = 1 / ‖Ĝ_l‖² (relative error, used by the embedded random model
// whose raw feature magnitudes differ by orders of magnitude between scales).
// Gradient: ∂L/∂F_l = w_l · 4 c_l · (G_l − Ĝ_l) F_l / M_l, which for c_l = 1/(4N²) is the
// paper's w_l (G_l − Ĝ_l) F_l / (M_l N_l²). The ReLU mask is applied by the network.

/// How a layer's squared Gram difference is normalised (c_l above).
public enum LossNormalization: String, Sendable, Codable {
    /// c_l = 1 / (4 N_l²), the paper's.
    case gatys
    /// c_l = 1 / ‖Ĝ_l‖²_F, relative to the target's energy.
    case relative
}

/// One matched layer: its name, weight w_l and normalisation.
public struct LayerTerm: Sendable, Codable, Equatable {
    public var layer: String
    public var weight: Double
    public var normalization: LossNormalization

    public init(layer: String, weight: Double, normalization: LossNormalization) {
        self.layer = layer
        self.weight = weight
        self.normalization = normalization
    }
}

/// The per-layer E_l (unweighted) and the weighted total Σ w_l E_l.
public struct LossBreakdown: Sendable, Codable, Equatable {
    public var layers: [String: Double]
    public var total: Double

    public init(layers: [String: Double], total: Double) {
        self.layers = layers
        self.total = total
    }
}

/// A texture description: the target Gram matrices for a list of layer terms.
public struct TextureLoss: Sendable {
    public let terms: [LayerTerm]
    /// Ĝ_l, N_l × N_l row-major, in the order of `terms`.
    public let targets: [[Float]]
    let scales: [Double]
    let threads: Int
    /// The kernel of the Gram gradient's product: the convolution algorithm's (its `products`).
    let products: ProductKernel
    /// What computes the Gram matrices (the convolution algorithm's `gram`).
    let gram: GramKernel

    /// Builds the loss from the source's features (one tensor per term, in order).
    public init(
        terms: [LayerTerm], sourceFeatures: [Tensor], threads: Int = 1,
        products: ProductKernel = .openBLAS, gram: GramKernel = .openBLAS
    ) {
        precondition(terms.count == sourceFeatures.count)
        self.terms = terms
        self.threads = threads
        self.products = products
        self.gram = gram
        self.targets = sourceFeatures.map {
            GramMatrix.compute($0, threads: threads, kernel: gram, products: products)
        }
        self.scales = zip(terms, targets).map { term, target in
            let n = Double(Int(Double(target.count).squareRoot()))
            switch term.normalization {
            case .gatys: return 1 / (4 * n * n)
            case .relative:
                let energy = target.reduce(0.0) { $0 + Double($1) * Double($1) }
                return energy > 0 ? 1 / energy : 1
            }
        }
    }

    /// The loss of `features` (one tensor per term, in the order of `terms`).
    public func evaluate(_ features: [Tensor]) -> LossBreakdown {
        var unused: [Tensor] = []
        return evaluate(features, gradients: &unused, wantGradients: false)
    }

    /// The loss and ∂L/∂F per term, written into `gradients` (same shapes as `features`;
    /// resized on first use and overwritten afterwards, so a caller can reuse the buffers).
    public func evaluate(_ features: [Tensor], gradients: inout [Tensor]) -> LossBreakdown {
        if gradients.map(\.shape) != features.map(\.shape) { gradients = features.map { Tensor($0.shape) } }
        return evaluate(features, gradients: &gradients, wantGradients: true)
    }

    private func evaluate(_ features: [Tensor], gradients: inout [Tensor], wantGradients: Bool) -> LossBreakdown {
        var layers: [String: Double] = [:]
        var total = 0.0
        for (index, term) in terms.enumerated() {
            let gram = GramMatrix.compute(features[index], threads: threads, kernel: gram, products: products)
            let target = targets[index]
            var difference = [Float](repeating: 0, count: gram.count)
            var squares = 0.0
            for i in 0..<gram.count {
                difference[i] = gram[i] - target[i]
                squares += Double(difference[i]) * Double(difference[i])
            }
            let energy = scales[index] * squares
            layers[term.layer] = energy
            total += term.weight * energy
            if wantGradients {
                // ∂(w c Σ D²)/∂G = 2 w c D; GramMatrix.backward doubles again: 4 w c D F / M.
                let factor = Float(2 * term.weight * scales[index])
                for i in 0..<difference.count { difference[i] *= factor }
                GramMatrix.backward(
                    dGram: difference, features: features[index], dFeatures: &gradients[index], threads: threads,
                    products: products)
            }
        }
        return LossBreakdown(layers: layers, total: total)
    }
}
