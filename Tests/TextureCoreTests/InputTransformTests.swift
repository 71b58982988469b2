// InputTransformTests: the pixels → model input map of each preprocessing, its inverse and its
// pull-back (∂L/∂pixels from ∂L/∂input), checked by finite differences.

import Testing
import TextureCore

@Suite struct InputTransformTests {
    /// For L(x) = ⟨w, x⟩ + ½‖x‖² at x = T(p): ⟨pullBack(∂L/∂x), v⟩ = (L(T(p + εv)) − L(T(p − εv))) / 2ε.
    @Test(arguments: Preprocessing.allCases) func pullBackMatchesFiniteDifferences(preprocessing: Preprocessing) {
        let transform = preprocessing.transform(sourceMean: [0.4, 0.5, 0.6])
        let pixels = randomTensor(Shape(3, 4, 5), seed: 31, scale: 0.2, offset: 0.5)
        let w = randomTensor(pixels.shape, seed: 32)
        func loss(_ p: Tensor) -> Double {
            let x = transform.apply(p)
            return zip(w.data, x.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) + 0.5 * Double($1.1) * Double($1.1) }
        }
        let x = transform.apply(pixels)
        let dInput = Tensor(x.shape, data: zip(w.data, x.data).map { $0 + $1 })
        let (analytic, numeric) = directionalCheck(at: pixels, gradient: transform.pullBack(dInput), epsilon: 1e-2, loss: loss)
        #expect(relativeError(analytic, numeric) < 1e-3, "\(preprocessing): analytic \(analytic) numeric \(numeric)")
    }

    @Test(arguments: Preprocessing.allCases) func invertUndoesApply(preprocessing: Preprocessing) {
        let transform = preprocessing.transform(sourceMean: [0.4, 0.5, 0.6])
        let pixels = randomTensor(Shape(3, 3, 3), seed: 33, scale: 0.2, offset: 0.5)
        #expect(maxAbs(zip(transform.invert(transform.apply(pixels)).data, pixels.data).map { $0 - $1 }) < 1e-5)
    }
}
