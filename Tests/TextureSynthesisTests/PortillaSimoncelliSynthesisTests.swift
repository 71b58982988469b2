// PortillaSimoncelliSynthesisTests: L-BFGS-B on the grey pixels against the Portilla–Simoncelli loss;
// and, only when TEXSTIM_PS_COMPARE is set, texstim's side of scripts/compare_portilla_simoncelli_synthesis.py.

import Foundation
import Testing
import TextureCore
import TextureSynthesis

@Suite struct PortillaSimoncelliSynthesisTests {
    /// 32², 3 scales, 4 orientations, width 3, 20 iterations from seeded noise: the loss falls
    /// more than 100-fold, the output is grey in [0, 1], and a second run is bitwise identical.
    @Test func shortSynthesisLowersTheLossAndIsReproducible() throws {
        let source = ImagePreparation.luma(syntheticSource(side: 32))
        func run() throws -> SynthesisResult {
            let objective = try PortillaSimoncelliObjective(source: source, scales: 3, orientations: 4, correlationWidth: 3)
            return try TextureSynthesizer.synthesize(objective: objective,
                                                     options: SynthesisOptions(height: 32, width: 32, iterations: 20, seed: 11, grey: true))
        }
        let first = try run(), second = try run()
        print("PS 32² synthesis: loss \(first.initialLoss.total) → \(first.finalLoss.total) in \(first.iterations) iterations, "
              + "\(first.evaluations) evaluations, \(first.seconds) s")
        #expect(first.finalLoss.total * 100 <= first.initialLoss.total)
        #expect(first.pixels.shape == Shape(1, 32, 32) && first.pixels.data.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(first.iterations == 20)
        #expect(first.pixels.data == second.pixels.data)
        #expect(first.convergence.lossTrace == second.convergence.lossTrace)
        #expect(first.finalLoss == second.finalLoss)
    }

    @Test func refusesColourAndOtherSizes() throws {
        let objective = try PortillaSimoncelliObjective(source: ImagePreparation.luma(syntheticSource(side: 32)), scales: 2,
                                                        orientations: 2, correlationWidth: 3)
        #expect(throws: SynthesisError.self) {
            try TextureSynthesizer.synthesize(objective: objective, options: SynthesisOptions(height: 32, width: 32, iterations: 1, seed: 0))
        }
        #expect(throws: SynthesisError.self) {
            try TextureSynthesizer.synthesize(objective: objective, options: SynthesisOptions(height: 64, width: 64, iterations: 1, seed: 0, grey: true))
        }
    }

    /// texstim's side of the comparison with plenoptic (run by hand, see the script): reads
    /// $TEXSTIM_PS_COMPARE/source.f64 (H · W float64, little-endian, row-major, grey in [0, 1],
    /// H = W = $TEXSTIM_PS_SIZE, default 128), synthesises with 4 scales, 4 orientations, width 7,
    /// $TEXSTIM_PS_ITERATIONS (default 200) L-BFGS-B iterations, seed 0; writes texstim.f64 (the
    /// optimiser's pixels before clamping to 8 bits) and texstim.json (losses, trace, time).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TEXSTIM_PS_COMPARE"] != nil))
    func compareWithPlenoptic() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = URL(fileURLWithPath: environment["TEXSTIM_PS_COMPARE"]!)
        let side = Int(environment["TEXSTIM_PS_SIZE"] ?? "128")!, iterations = Int(environment["TEXSTIM_PS_ITERATIONS"] ?? "200")!
        let bytes = try Data(contentsOf: directory.appendingPathComponent("source.f64"))
        let values = bytes.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        precondition(values.count == side * side, "source.f64 has \(values.count) values, expected \(side)²")
        let source = Tensor(Shape(1, side, side), data: values.map { Float($0) })
        let objective = try PortillaSimoncelliObjective(source: source)
        let result = try TextureSynthesizer.synthesize(
            objective: objective, options: SynthesisOptions(height: side, width: side, iterations: iterations, seed: 0, grey: true),
            progress: { if $0.iteration % 20 == 0 { print("iteration \($0.iteration): loss \($0.loss) (\($0.seconds) s)") } })
        let output = result.pixels.data.map(Double.init)
        try output.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: directory.appendingPathComponent("texstim.f64"))
        let report: [String: Any] = [
            "initial_loss_squared": result.initialLoss.total, "final_loss_squared": result.finalLoss.total,
            "final_loss_norm": result.finalLoss.total.squareRoot(), "iterations": result.iterations,
            "evaluations": result.evaluations, "seconds": result.seconds, "stop_reason": result.stopReason,
            "groups_squared": result.finalLoss.layers, "loss_trace_squared": result.convergence.lossTrace,
            "clamped_fraction": result.clampedFraction,
        ]
        try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            .write(to: directory.appendingPathComponent("texstim.json"))
        print("texstim PS \(side)²: ‖w⊙Δ‖ \(result.initialLoss.total.squareRoot()) → \(result.finalLoss.total.squareRoot()) "
              + "in \(result.iterations) iterations, \(result.evaluations) evaluations, \(result.seconds) s")
    }
}
