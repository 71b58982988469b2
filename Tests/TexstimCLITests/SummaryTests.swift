// SummaryTests: `texstim summary` on a real small set (table and --json), with a non-converged
// job, a shard's missing stimuli and a bad folder.

import Foundation
import Testing

@Suite struct SummaryTests {
    /// A set of pebbles × {good, cut} × 2 samples at 32², of which `cut` stops after 1 iteration (not converged).
    func smallSet(shardOnly: Bool) throws -> String {
        let root = try temporaryFolder("summary")
        try """
        version: 1
        name: tiny
        seed: 3
        defaults: {size: 32, iterations: 15}
        sources:
          - {id: pebbles, path: \(pebbles)}
        conditions:
          - {name: good, layers: [level0]}
          - {name: cut, layers: [level0, level1], iterations: 1}
        samples: 2
        """.write(toFile: root + "/tiny.yaml", atomically: true, encoding: .utf8)
        let run = try texstim(["run", "tiny.yaml"] + (shardOnly ? ["--shard", "1/2"] : []), in: root)
        #expect(run.status == 1, "\(run.output)\(run.error)")  // the cut jobs do not converge
        return root
    }

    @Test func tableCountsStimuliVerdictsFailuresAndCPUTime() throws {
        let root = try smallSet(shardOnly: false)
        let result = try texstim(["summary", "stimuli/tiny"], in: root)
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "set tiny in stimuli/tiny (manifest tiny.yaml)", "\(result.output)")
        #expect(Array(lines[1...4]) == ["source   condition  done", "pebbles  good       2/2", "pebbles  cut        2/2",
                                         "total               4/4"], "\(result.output)")
        #expect(lines[5].hasPrefix("verdicts: set fail; stimuli pass ") && lines[5].hasSuffix(", fail 2"), "\(lines[5])")
        #expect(lines[6] == "not converged: 2" && lines[7].hasPrefix("  pebbles__cut__s00: not converged: "), "\(result.output)")
        #expect(lines.last?.hasPrefix("CPU time: ") == true && lines.last?.hasSuffix("the sum of the stimuli's synthesis CPU times") == true)

        let json = try texstim(["summary", "stimuli/tiny", "--json"], in: root)
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["set"] as? String == "tiny" && object["done"] as? Int == 4 && object["expected"] as? Int == 4)
        #expect(object["verdict"] as? String == "fail" && (object["verdicts"] as? [String: Int])?["fail"] == 2)
        #expect((object["not_converged"] as? [[String: Any]])?.compactMap { $0["job_id"] as? String } == ["pebbles__cut__s00", "pebbles__cut__s01"])
        #expect((object["cpu_seconds"] as? Double ?? 0) > 0)
        let cells = try #require(object["cells"] as? [[String: Any]])
        #expect(cells.map { "\($0["source"]!)/\($0["condition"]!) \($0["done"]!)/\($0["expected"]!)" } == ["pebbles/good 2/2", "pebbles/cut 2/2"])
    }

    @Test func aShardShowsWhatIsMissing() throws {
        let root = try smallSet(shardOnly: true)
        let result = try texstim(["summary", "stimuli/tiny"], in: root)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("pebbles  good       1/2  (1 missing)"), "\(result.output)")
        #expect(result.output.contains("total               2/4"), "\(result.output)")
        #expect(result.output.contains("verdicts: not validated (run `texstim validate stimuli/tiny`)"), "\(result.output)")
    }

    @Test func aFolderThatIsNotASetExits2NamingIt() throws {
        let root = try temporaryFolder("summary-bad")
        let missing = try texstim(["summary", "nowhere"], in: root)
        #expect(missing.status == 2 && missing.error == "texstim: error: nowhere: not a stimulus set (no such folder). Hint: pass the folder "
            + "`texstim run` wrote (stimuli/<set name> by default, or the manifest's output).\n", "\(missing.error)")
        let empty = try texstim(["summary", "."], in: root)
        #expect(empty.status == 2 && empty.error.contains(".: not a stimulus set (it has no index.json)"), "\(empty.error)")
        try "[1, 2]".write(toFile: root + "/index.json", atomically: true, encoding: .utf8)
        let corrupt = try texstim(["summary", root], in: root)
        #expect(corrupt.status == 2 && corrupt.error.contains("\(root): not a stimulus set (index.json is not a JSON object"), "\(corrupt.error)")
    }
}
