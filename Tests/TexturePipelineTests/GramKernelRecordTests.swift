// GramKernelRecordTests: provenance records which code computed the Gram matrices and products; reproduce uses it.

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

    /// An AVX2-only machine recorded `openblas` before texstim had its AVX2 kernel: reproduce
    /// runs OpenBLAS again (it runs anywhere), and a kernel this CPU cannot run falls back to
    /// this machine's with the difference named.
    @Test func reproduceRunsTheRecordedProductKernelWhereItCan() throws {
        let outcome = try SynthesisJob.run(SynthesisJobTests.request(temporaryFolder()))
        var record = outcome.record
        record.machine.winogradProducts = "openblas"
        #expect(try Reproduction.request(from: record, path: outcome.pngPath).products == .openBLAS)
        for kernel in ProductKernel.ownKernels {
            record.machine.winogradProducts = kernel.rawValue
            #expect(try Reproduction.request(from: record, path: outcome.pngPath).products == kernel)
        }
        record.machine.winogradProducts = "texstim-avx1024"
        let request = try Reproduction.request(from: record, path: outcome.pngPath)
        #expect(request.products == nil)
        let differences = Reproduction.machineDifferences(record.machine, request: request)
        #expect(differences.contains { $0.contains("texstim-avx1024 recorded") && $0.contains("does not know") })
    }
}
