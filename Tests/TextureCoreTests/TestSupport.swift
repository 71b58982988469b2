// TestSupport: random tensors and the central finite-difference check used by every layer test.

import TextureCore

/// A tensor of seeded normal values times `scale` plus `offset`.
func randomTensor(_ shape: Shape, seed: UInt64, scale: Float = 1, offset: Float = 0) -> Tensor {
    var sampler = NormalSampler(seed: seed)
    return Tensor(shape, data: sampler.fill(count: shape.count).map { $0 * scale + offset })
}

/// Compares ⟨∇L(x), v⟩ with (L(x + εv) − L(x − εv)) / 2ε for one random direction v.
/// Returns (analytic, numeric).
func directionalCheck(at x: Tensor, gradient: Tensor, epsilon: Float, seed: UInt64 = 99,
                      loss: (Tensor) -> Double) -> (analytic: Double, numeric: Double) {
    let direction = randomTensor(x.shape, seed: seed)
    var plus = x, minus = x
    for i in x.data.indices {
        plus.data[i] += epsilon * direction.data[i]
        minus.data[i] -= epsilon * direction.data[i]
    }
    let numeric = (loss(plus) - loss(minus)) / (2 * Double(epsilon))
    return (gradient.dot(direction), numeric)
}

func relativeError(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(abs(a), abs(b), 1e-12)
}

func maxAbs(_ values: [Float]) -> Float { values.map(abs).max() ?? 0 }
