// BIDSStimuliTests: stimuli.tsv/json of a run set (columns, values, levels), n/a for missing
// values, refused tabs and line breaks, and BIDS labels for job ids.

import Foundation
import Testing
import TexturePipeline

@Suite struct BIDSStimuliTests {
    @Test func aValidatedSetListsEveryStimulusWithBIDSColumns() throws {
        let folder = temporaryFolder()
        let manifest = try smallManifest(in: folder)
        var options = RunOptions()
        options.validate = true
        let summary = try SetRunner.run(plan: SetPlanner.plan(manifestPath: manifest, outputOverride: folder + "/set"), options: options)
        #expect(summary.failed.isEmpty)
        let lines = try String(contentsOfFile: folder + "/set/stimuli.tsv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1 + 8 + 1 && lines.last == "")  // header, 8 rows, final newline
        #expect(lines[0] == "stimulus_id\ttype\tdescription\tfilename\tjob_id\tsource\tcondition\tsample\tseed\tmodel\tlayers\tverdict")
        let first = lines[1].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        #expect(first.count == 12)
        #expect(Array(first.prefix(2)) == ["stim-pebblesFineS00", "image"])
        #expect(first[2] == "texture synthesised from source pebbles, condition fine (random-pyramid layers level0), sample 0")
        #expect(Array(first[3...7]) == ["pebbles/fine/pebbles__fine__s00.png", "pebbles__fine__s00", "pebbles", "fine", "0"])
        #expect(UInt64(first[8]) != nil && first[9] == "random-pyramid" && first[10] == "level0")
        #expect(["pass", "warn", "fail"].contains(first[11]), "\(first[11])")
        #expect(FileManager.default.fileExists(atPath: folder + "/set/" + first[3]))
        let both = lines[3].split(separator: "\t").map(String.init)
        #expect(both[0] == "stim-pebblesBothS00" && both[10] == "level0+level1")

        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/set/stimuli.json"))
        let sidecar = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        #expect(Set(sidecar.keys) == Set(BIDSStimuli.columns + ["verdict"]))
        for (column, entry) in sidecar { #expect(entry["Description"] is String, "\(column)") }
        #expect(sidecar["type"]?["Levels"] as? [String: String] == ["image": "a still image"])
        #expect((sidecar["source"]?["Levels"] as? [String: String]).map { Set($0.keys) } == ["pebbles", "leaves"])
        #expect(sidecar["condition"]?["Levels"] as? [String: String] == ["fine": "layers level0", "both": "layers level0+level1"])
        #expect((sidecar["verdict"]?["Levels"] as? [String: String]).map { Set($0.keys) } == ["pass", "warn", "fail"])
    }

    @Test func emptyValuesAreWrittenNA() throws {
        let text = try BIDSStimuli.table(header: ["stimulus_id", "type", "verdict"], rows: [["stim-a", "image", ""], ["stim-b", "", "pass"]],
                                         file: "set/stimuli.tsv")
        #expect(text == "stimulus_id\ttype\tverdict\nstim-a\timage\tn/a\nstim-b\tn/a\tpass\n")
    }

    @Test func tabsAndLineBreaksAreRefusedNotEscaped() {
        for bad in ["pebbles\tbig", "two\nlines", "carriage\rreturn"] {
            #expect(throws: PipelineError.tableValue(file: "set/stimuli.tsv", column: "description", row: "stim-a", value: bad)) {
                try BIDSStimuli.table(header: ["stimulus_id", "description"], rows: [["stim-a", bad]], file: "set/stimuli.tsv")
            }
        }
        let message = PipelineError.tableValue(file: "set/stimuli.tsv", column: "description", row: "stim-a", value: "a\tb").description
        #expect(message == "set/stimuli.tsv: column 'description' of row 'stim-a' would hold \"a\\tb\", which has a tab or line break; "
            + "a BIDS TSV file cannot quote it. Hint: rename the source or condition so that no id or path has tabs or line breaks.")
    }

    @Test func stimulusIDsAreAlphanumericLabelsAndUnique() {
        let ids = BIDSStimuli.stimulusIDs(["maple-leaves__fine__s00", "wood.fence_2__full__s10", "mapleLeaves__fine__s00", "a-b__c__s0"])
        #expect(ids == ["maple-leaves__fine__s00": "stim-mapleLeavesFineS00", "wood.fence_2__full__s10": "stim-woodFence2FullS10",
                        "mapleLeaves__fine__s00": "stim-mapleLeavesFineS00x2", "a-b__c__s0": "stim-aBCS0"])
    }
}
