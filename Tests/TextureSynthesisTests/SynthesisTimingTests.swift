// SynthesisTimingTests: the estimate's timings measure something (CPU seconds > 0) and report a bad size.

import Foundation
import Testing
import TextureCore
import TextureSynthesis

@Suite struct SynthesisTimingTests {
    @Test func anEvaluationAndAnOptimiserIterationTakeSomeCPUTime() throws {
        let model = RandomPyramid()
        let objective = try TextureObjective(model: model, source: syntheticSource(side: 32),
                                             terms: model.terms(layers: ["level0", "level1"]))
        let options = SynthesisOptions(height: 32, width: 32, iterations: 10, seed: 11)
        #expect(try SynthesisTiming.evaluationSeconds(objective: objective, options: options) > 0)
        // Past the memory (m = 5) within the timed iterations: the quadratic does not converge first.
        #expect(SynthesisTiming.optimizerSecondsPerIteration(variables: 3 * 32 * 32, memory: 5) > 0)
        let result = try TextureSynthesizer.synthesize(objective: objective, options: options)
        #expect(result.threadCPUSeconds > 0)
    }

    @Test func aSizeTheObjectiveCannotTakeIsReported() throws {
        let model = RandomPyramid()
        let objective = try TextureObjective(model: model, source: syntheticSource(side: 64),
                                             terms: model.terms(layers: ["level0", "level1", "level2", "level3"]))
        #expect(throws: SynthesisError.self) {
            let options = SynthesisOptions(height: 4, width: 4, iterations: 1, seed: 1)
            return try SynthesisTiming.evaluationSeconds(objective: objective, options: options)
        }
    }
}
