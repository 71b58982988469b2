// OptimizerCodeRecordTests: provenance names the L-BFGS-B code that made a stimulus; reproduce runs that code.

import Foundation
import Testing
import TextureSynthesis

@testable import TexturePipeline

@Suite struct OptimizerCodeRecordTests {
    @Test func aRunRecordsTexstimsCodeAndReproducesWithIt() throws {
        let outcome = try SynthesisJob.run(SynthesisJobTests.request(temporaryFolder()))
        #expect(outcome.record.optimizer.algorithm == LBFGSBImplementation.texstim.recordName)
        #expect(outcome.record.convergence?.restarts == 0)
        #expect(try Reproduction.request(from: outcome.record, path: outcome.pngPath).optimizerCode == .texstim)
        #expect(Reproduction.reproduce(outcome.pngPath).identical)
    }

    /// Every record made before texstim had its own code names the Fortran: reproduce runs the
    /// Fortran again, and gets the same bytes.
    @Test func aFortranRecordReproducesWithTheFortran() throws {
        let outcome = try SynthesisJob.run(SynthesisJobTests.request(temporaryFolder()) { $0.optimizerCode = .fortran })
        #expect(outcome.record.optimizer.algorithm == "L-BFGS-B 3.0 (Nocedal; Debian liblbfgsb)")
        #expect(outcome.record.convergence.map { $0.restarts == nil } == true)
        #expect(try Reproduction.request(from: outcome.record, path: outcome.pngPath).optimizerCode == .fortran)
        #expect(Reproduction.reproduce(outcome.pngPath).identical)
    }

    /// The two codes run the same algorithm: the stimuli differ in rounding, not in what was reached.
    @Test func bothCodesReachTheSameLoss() throws {
        let texstim = try SynthesisJob.run(SynthesisJobTests.request(temporaryFolder()))
        let fortran = try SynthesisJob.run(SynthesisJobTests.request(temporaryFolder()) { $0.optimizerCode = .fortran })
        let a = texstim.record.loss.final.total, b = fortran.record.loss.final.total
        #expect(abs(a - b) <= 0.02 * max(a, b), "texstim's code \(a), the Fortran \(b)")
        #expect(texstim.record.iterations == fortran.record.iterations)
    }

    @Test func anUnknownAlgorithmIsRefusedWithTheKnownNames() throws {
        let outcome = try SynthesisJob.run(SynthesisJobTests.request(temporaryFolder()))
        var record = outcome.record
        record.optimizer.algorithm = "L-BFGS-B 4.0 (somebody's)"
        #expect {
            try Reproduction.request(from: record, path: outcome.pngPath)
        } throws: { error in
            let text = "\(error)"
            return text.contains("optimizer.algorithm") && text.contains("L-BFGS-B 4.0 (somebody's)")
                && text.contains(LBFGSBImplementation.fortran.recordName)
        }
    }
}
