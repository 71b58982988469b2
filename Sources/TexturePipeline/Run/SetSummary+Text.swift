// SetSummary+Text: the summary as a table for people and as JSON for programs.

import Foundation

extension SetSummary {
    /// The summary as aligned text, e.g.
    ///
    ///     set small in stimuli/small (manifest small.yaml)
    ///     source   condition  done
    ///     pebbles  fine        2/2
    ///     leaves   both        1/2  (1 missing)
    ///     total                7/8
    ///     verdicts: set fail; stimuli pass 6, warn 1, fail 0
    ///     not converged: none
    ///     CPU time: 41.2 s (0.01 h), the sum of the stimuli's synthesis CPU times
    public func text() -> String {
        let source = manifest.map { "(manifest \($0))" } ?? "(manifest not found: expected counts unknown)"
        var lines = ["set \(set) in \(folder) " + source]
        let rows = cells.map { cell -> [String] in
            let missing = cell.expected.map { $0 > cell.done ? "  (\($0 - cell.done) missing)" : "" } ?? ""
            return [cell.source, cell.condition, "\(cell.done)/\(cell.expected.map(String.init) ?? "?")" + missing]
        }
        let total = ["total", "", "\(done)/\(expected.map(String.init) ?? "?")"]
        lines += Self.aligned([["source", "condition", "done"]] + rows + [total])
        if let verdicts {
            let counts = ["pass", "warn", "fail"].map { "\($0) \(verdicts[$0] ?? 0)" }.joined(separator: ", ")
            lines.append("verdicts: set \(verdict ?? "?"); stimuli \(counts)")
        } else {
            lines.append("verdicts: not validated (run `texstim validate \(folder)`)")
        }
        if notConverged.isEmpty {
            lines.append("not converged: none")
        } else {
            lines.append("not converged: \(notConverged.count)")
            lines += notConverged.map { "  \($0.jobId): \($0.problem)" }
        }
        lines.append(String(format: "CPU time: %.1f s (%.2f h), the sum of the stimuli's synthesis CPU times",
                            cpuSeconds, cpuSeconds / 3600))
        return lines.joined(separator: "\n")
    }

    /// The summary as JSON (snake_case keys, sorted; absent values omitted).
    public func json() throws(PipelineError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do { return String(decoding: try encoder.encode(self), as: UTF8.self) } catch {
            throw .image(.jsonEncodingFailed(path: folder, reason: "\(error)"))
        }
    }

    /// Rows as columns padded to the widest cell (the last column unpadded).
    static func aligned(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
