// GramKernelRecordTests: provenance records which code computed the Gram matrices, and reproduce uses it.

import Foundation
import Testing
import TextureCore

@testable import TexturePipeline

@Suite struct GramKernelRecordTests {
    @Test func aWinogradRunRecordsItsGramKernelAndReproducesWithIt() throws {
        let folder = temporaryFolder()
        let outcome = try SynthesisJob.run(SynthesisJobTests.request(folder))
        let expected = GramKernel.products.resolved(products: ProductKernel.machine)
        #expect(outcome.record.machine.convolution == .winograd && outcome.record.machine.gram == expected)
        #expect(try Reproduction.request(from: outcome.record, path: outcome.pngPath).gram == expected)
        #expect(Reproduction.reproduce(outcome.pngPath).identical)
    }

    @Test func aDirectRunRecordsSsyrk() throws {
        let outcome = try SynthesisJob.run(SynthesisJobTests.request(temporaryFolder()) { $0.convolution = .direct })
        #expect(outcome.record.machine.gram == .openBLAS)
    }

    /// Records written before `machine.gram` existed computed the Gram matrices with ssyrk,
    /// Winograd included: reproduce must ask for ssyrk again, not for today's default.
    @Test func aRecordWithoutTheFieldReproducesWithSsyrk() throws {
        let outcome = try SynthesisJob.run(SynthesisJobTests.request(temporaryFolder()))
        var json = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: outcome.jsonPath)))
                as? [String: Any])
        var machine = try #require(json["machine"] as? [String: Any])
        #expect(machine.removeValue(forKey: "gram") != nil, "the record names the key `gram`")
        json["machine"] = machine
        let old = try StimulusRecord.decode(
            String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self))
        #expect(old.machine.gram == nil)
        #expect(try Reproduction.request(from: old, path: outcome.pngPath).gram == .openBLAS)
    }
}
