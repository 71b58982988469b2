// ValidationOutput: validate a set and write its JSON and HTML reports (used by validate and run).

import Foundation
import TextureImages
import TextureValidation

public enum ValidationOutput {
    public static func write(plan: SetPlan, htmlPath: String?, jsonPath: String?) throws(PipelineError) -> (report: ValidationReport, htmlPath: String, jsonPath: String) {
        let report = SetValidator.validate(plan: plan)
        let html = htmlPath ?? (plan.outputFolder as NSString).appendingPathComponent("validation.html")
        let json = jsonPath ?? (plan.outputFolder as NSString).appendingPathComponent("validation.json")
        // Encoded before anything is written: a report that cannot be encoded leaves the old files.
        let encoded: Data
        do { encoded = try report.json() } catch { throw .image(.jsonEncodingFailed(path: json, reason: "\(error)")) }
        do {
            try ImageFile.createFolder(for: html)
            try ImageFile.createFolder(for: json)
            try ImageFile.writeAtomically(Data(ValidationHTML.render(report, plan: plan, reportPath: html).utf8), to: html)
            try ImageFile.writeAtomically(encoded + Data("\n".utf8), to: json)
        } catch { throw .image(error) }
        return (report, html, json)
    }

    /// "validation: FAIL (2 failures, 1 warning)" and one line per failure or warning.
    public static func summary(_ report: ValidationReport) -> String {
        let failures = report.findings.filter { $0.level == .fail }, warnings = report.findings.filter { $0.level == .warn }
        var lines = ["validation of \(report.stimuli.count) stimuli: \(report.verdict.rawValue.uppercased()) (\(failures.count) failures, \(warnings.count) warnings)"]
        lines += (failures + warnings).map { "  \($0.level.rawValue): \($0.file): \($0.statistic): \($0.message)" }
        return lines.joined(separator: "\n")
    }
}
