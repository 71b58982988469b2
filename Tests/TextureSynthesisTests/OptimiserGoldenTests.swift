// OptimiserGoldenTests: L-BFGS-B's first iterates on a tiny texture objective against SciPy's, and
// finite differences at the optimiser's own variable (what L-BFGS-B sees), colour and grey.

import Foundation
import Testing
@testable import TextureCore
@testable import TextureSynthesis

/// The fixture written by scripts/make_lbfgsb_fixture.py (SciPy's L-BFGS-B, float64 objective).
struct OptimiserFixture: Decodable {
    struct Iterate: Decodable { var x: [Double]; var loss: Double }
    struct Case: Decodable {
        var grey: Bool
        var start: [Double]
        var lower: [Double]
        var upper: [Double]
        var scale: Double
        var startLoss: Double
        var iterates: [Iterate]
    }
    var side: Int
    var filters: [Double]
    var filterCount: Int
    var kernel: Int
    var source: [Double]
    var cases: [Case]

    static let shared: OptimiserFixture = {
        let path = Bundle.module.path(forResource: "lbfgsb_first_iterates", ofType: "json", inDirectory: "Fixtures")!
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try! decoder.decode(OptimiserFixture.self, from: FileManager.default.contents(atPath: path)!)
    }()

    /// The fixture's one-level model and the optimisation space of one case.
    func space(grey: Bool) throws -> OptimisationSpace {
        let conv = Conv2D(inChannels: 3, outChannels: filterCount, kernel: kernel, padding: 0,
                          weight: filters.map(Float.init), bias: [Float](repeating: 0, count: filterCount))
        let model = RandomPyramid(seed: 1, filters: [conv])
        var pixels = Tensor(Shape(3, side, side), data: source.map(Float.init))
        if grey { pixels = ImagePreparation.rgb(ImagePreparation.luma(pixels)) }
        let objective = try TextureObjective(model: model, source: pixels, terms: model.terms(layers: ["level0"]))
        return OptimisationSpace(objective: objective, grey: grey, outputShape: Shape(3, side, side))
    }
}

@Suite struct OptimiserGoldenTests {
    /// Same start, same box, same objective scale: texstim's first 5 iterates are SciPy's, up to
    /// the float32 objective. The grey case fails with the old gradient (a third of the true one).
    @Test(arguments: [false, true], LBFGSBImplementation.allCases)
    func firstIteratesMatchSciPy(grey: Bool, code: LBFGSBImplementation) throws {
        let fixture = OptimiserFixture.shared
        let golden = fixture.cases.first { $0.grey == grey }!
        let space = try fixture.space(grey: grey)
        let box = space.variableBounds
        #expect(zip(box.lower + box.upper, expandedBox(golden, count: golden.start.count)).allSatisfy { abs($0 - $1) < 1e-6 })
        var evaluation = ScaledEvaluation(space: space, start: golden.start)
        #expect(relativeError(evaluation.scale, golden.scale) < 1e-4, "scale \(evaluation.scale) vs SciPy's \(golden.scale)")
        #expect(relativeError(evaluation.startLoss.total, golden.startLoss) < 1e-5)
        var lastX: [Double] = [], iterates: [[Double]] = [], losses: [Double] = []
        _ = LBFGSB.minimize(start: golden.start, lower: box.lower, upper: box.upper,
                            settings: LBFGSBSettings(maxIterations: golden.iterates.count, code: code),
                            objective: { x, gradient in lastX = x; return evaluation.evaluate(x, &gradient) },
                            onIteration: { _ in iterates.append(lastX); losses.append(evaluation.latest.total); return true })
        #expect(iterates.count == golden.iterates.count)
        for (k, (x, reference)) in zip(iterates, golden.iterates).enumerated() {
            let difference = zip(x, reference.x).map { abs($0 - $1) }.max() ?? .infinity
            print(String(format: "%@ %@ iterate %d: max |x − x_scipy| = %.2e, loss %.6g vs %.6g", code.rawValue,
                         grey ? "grey" : "colour", k + 1, difference, losses[k], reference.loss))
            #expect(difference < 2e-4, "iterate \(k + 1) differs from SciPy's by \(difference)")
            #expect(relativeError(losses[k], reference.loss) < 1e-3)
        }
    }

    /// ⟨∇f, v⟩ against (f(x + εv) − f(x − εv)) / 2ε for f = s·L at the optimiser's variable.
    @Test(arguments: [false, true]) func scaledObjectiveGradientMatchesFiniteDifferences(grey: Bool) throws {
        let fixture = OptimiserFixture.shared
        let golden = fixture.cases.first { $0.grey == grey }!
        var evaluation = ScaledEvaluation(space: try fixture.space(grey: grey), start: golden.start)
        // A point inside the box away from the start, so the cached start evaluation is not used.
        var sampler = NormalSampler(seed: 5)
        let x = golden.start.map { $0 + 0.01 * Double(sampler.next()) }
        var gradient = [Double](repeating: 0, count: x.count), unused = gradient
        _ = evaluation.evaluate(x, &gradient)
        for seed in [1, 2, 3] as [UInt64] {
            // Half along the gradient, half random: a random direction alone is nearly orthogonal
            // to ∇f in 432 dimensions, and float32 rounding and ReLU kinks then swamp ⟨∇f, v⟩.
            var directionSampler = NormalSampler(seed: seed)
            let norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot() / Double(gradient.count).squareRoot()
            let v = gradient.map { $0 / norm + Double(directionSampler.next()) }
            let epsilon = 1e-4
            let plus = evaluation.evaluate(zip(x, v).map { $0 + epsilon * $1 }, &unused)
            let minus = evaluation.evaluate(zip(x, v).map { $0 - epsilon * $1 }, &unused)
            let numeric = (plus - minus) / (2 * epsilon)
            let analytic = zip(gradient, v).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(relativeError(analytic, numeric) < 1e-3, "\(grey ? "grey" : "colour"): analytic \(analytic), numeric \(numeric)")
        }
    }

    func expandedBox(_ golden: OptimiserFixture.Case, count: Int) -> [Double] {
        let per = count / golden.lower.count
        return golden.lower.flatMap { [Double](repeating: $0, count: per) } + golden.upper.flatMap { [Double](repeating: $0, count: per) }
    }

    func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(a), abs(b), 1e-12) }
}
