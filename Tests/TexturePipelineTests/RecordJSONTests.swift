// RecordJSONTests: a provenance record with a NaN or infinite loss is written in full and reads
// back, rather than becoming empty provenance.

import Foundation
import Testing
import TexturePipeline

@Suite struct RecordJSONTests {
    /// A complete record written by texstim (the fuzzer's seed, checked in).
    func sampleRecord() throws -> StimulusRecord {
        // Tests/TexturePipelineTests/<this file> → the repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("Fuzz/corpus/FuzzProvenance/record.json").path
        return try StimulusRecord.decode(String(contentsOfFile: path, encoding: .utf8))
    }

    @Test func nonFiniteLossesAreWrittenAndReadBack() throws {
        var record = try sampleRecord()
        record.loss.final.total = .nan
        record.loss.initial.total = .infinity
        record.loss.final.layers["nonfinite"] = -.infinity
        let json = record.json()
        #expect(json.contains("\"total\" : \"NaN\""), "\(json.prefix(400))")
        #expect(json.contains("\"Infinity\"") && json.contains("\"-Infinity\""))
        let back = try StimulusRecord.decode(json)
        #expect(back.loss.final.total.isNaN)
        #expect(back.loss.initial.total == .infinity)
        #expect(back.loss.final.layers["nonfinite"] == -.infinity)
        #expect(back.job == record.job && back.source == record.source)
    }

    @Test func finiteRecordsAreWrittenAsBefore() throws {
        let record = try sampleRecord()
        #expect(try StimulusRecord.decode(record.json()) == record)
        #expect(!record.json().contains("\"NaN\""))
    }
}
