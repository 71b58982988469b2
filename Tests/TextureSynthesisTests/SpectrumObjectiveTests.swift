// SpectrumObjectiveTests: the whole loss with and without the spectrum term, its gradient, its size rule.

import Foundation
import Testing
import TextureCore
@testable import TextureSynthesis

@Suite struct SpectrumObjectiveTests {
    let model = RandomPyramid()
    let layers = ["level0", "level1"]

    func objective(spectrum: SpectrumSetting?, source: Tensor) throws -> TextureObjective {
        try TextureObjective(model: model, source: source, terms: model.terms(layers: layers), spectrum: spectrum)
    }

    /// Loss and gradient with the term = without it + β E_spec and + β (x − P(x)); "spectrum" is reported.
    @Test func wholeLossWithAndWithoutTheTerm() throws {
        let source = syntheticSource(side: 32)
        let beta = 0.05
        let plain = try objective(spectrum: nil, source: source)
        let with = try objective(spectrum: SpectrumSetting(weight: beta, grey: false), source: source)
        var sampler = NormalSampler(seed: 8)
        let x = Tensor(Shape(3, 32, 32), data: (0..<(3 * 32 * 32)).map { _ in Float(0.2 * sampler.next()) })
        let (lossPlain, gradientPlain) = plain.lossAndGradient(input: x)
        let (lossWith, gradientWith) = with.lossAndGradient(input: x)
        #expect(lossPlain.layers[SpectrumSetting.layerName] == nil)
        let term = SpectrumConstraint(source: with.transform.apply(source), channels: 3, weight: beta)
        let energy = term.evaluate(x)
        #expect(energy > 0)
        #expect(abs(lossWith.layers["spectrum"]! - energy) <= 1e-9 * energy)
        #expect(abs(lossWith.total - (lossPlain.total + beta * energy)) <= 1e-9 * lossWith.total)
        for layer in layers { #expect(lossWith.layers[layer] == lossPlain.layers[layer]) }
        let projected = term.project(x)
        let worst = (0..<x.data.count).map { abs(gradientWith.data[$0] - gradientPlain.data[$0] - Float(beta) * (x.data[$0] - projected.data[$0])) }.max()!
        #expect(worst < 1e-6, "gradient difference is β (x − P(x)) within \(worst)")
        #expect(with.loss(input: x) == lossWith, "loss(input:) reports the same breakdown")
    }

    /// ⟨∇f, v⟩ against central differences of f = s·L (Gram levels + spectrum) at the optimiser's variable.
    @Test(arguments: [false, true]) func wholeGradientMatchesFiniteDifferences(grey: Bool) throws {
        var source = ImagePreparation.prepareSource(syntheticSource(side: 32), size: 24, grey: grey)
        if grey { source = ImagePreparation.rgb(ImagePreparation.luma(source)) }
        let space = OptimisationSpace(objective: try objective(spectrum: SpectrumSetting(weight: 0.02, grey: grey), source: source),
                                      grey: grey, outputShape: Shape(3, 24, 24))
        var evaluation = ScaledEvaluation(space: space, start: space.startPoint(seed: 3, initImage: nil))
        var sampler = NormalSampler(seed: 4)
        let x = evaluation.start.map { $0 + 0.01 * sampler.next() }
        var gradient = [Double](repeating: 0, count: x.count), unused = gradient
        _ = evaluation.evaluate(x, &gradient)
        #expect(evaluation.latest.layers["spectrum"] != nil)
        let norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot() / Double(gradient.count).squareRoot()
        for seed in [1, 2] as [UInt64] {
            var directionSampler = NormalSampler(seed: seed)
            let v = gradient.map { $0 / norm + directionSampler.next() }
            let epsilon = 1e-4
            let numeric = (evaluation.evaluate(zip(x, v).map { $0 + epsilon * $1 }, &unused)
                           - evaluation.evaluate(zip(x, v).map { $0 - epsilon * $1 }, &unused)) / (2 * epsilon)
            let analytic = zip(gradient, v).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(analytic - numeric) / max(abs(analytic), abs(numeric)) < 1e-3, "\(grey ? "grey" : "colour"): \(analytic) vs \(numeric)")
        }
    }

    @Test func anotherSizeIsRefusedWithTheReason() throws {
        let objective = try objective(spectrum: SpectrumSetting(weight: 1, grey: false), source: syntheticSource(side: 32))
        #expect(throws: SynthesisError.self) { try objective.checkSize(Shape(3, 40, 40)) }
        do { try objective.checkSize(Shape(3, 40, 40)) } catch {
            #expect(error.description.contains("needs the stimulus at the source's size, 32×32"), "\(error)")
        }
        try objective.checkSize(Shape(3, 32, 32))
        #expect(throws: SynthesisError.self) {
            try TextureSynthesizer.synthesize(objective: objective, options: SynthesisOptions(height: 32, width: 32, iterations: 1, seed: 0, grey: true))
        }
        #expect(throws: SynthesisError.invalidSetting(name: "spectrum_weight", value: "-1.0", hint: "use a weight β ≥ 0, e.g. 1e6 for vgg19 at 256² (see the README)")) {
            _ = try self.objective(spectrum: SpectrumSetting(weight: -1, grey: false), source: syntheticSource(side: 32))
        }
    }

    /// A short grey synthesis with the term converges and lowers E_spec from the noise start.
    @Test func greySynthesisLowersTheSpectrumTerm() throws {
        let source = ImagePreparation.prepareSource(syntheticSource(side: 48), size: 32, grey: true)
        let objective = try objective(spectrum: SpectrumSetting(weight: 0.01, grey: true), source: source)
        let result = try TextureSynthesizer.synthesize(objective: objective,
                                                       options: SynthesisOptions(height: 32, width: 32, iterations: 40, seed: 2, grey: true))
        let start = result.initialLoss.layers["spectrum"]!, end = result.finalLoss.layers["spectrum"]!
        #expect(end < start / 10, "E_spec \(start) → \(end)")
        #expect(result.convergence.converged)
    }
}
