// ValidationOutput: validate a set and write its JSON and HTML reports and its contact sheet
// (used by validate and run).

import Foundation
import TextureImages
import TextureValidation

public enum ValidationOutput {
    /// The name of the contact sheet beside the default report (`validation.html`).
    public static let contactSheetName = "contact_sheet.png"

    public static func write(
        plan: SetPlan, htmlPath: String?, jsonPath: String?
    ) throws(PipelineError)
        -> (report: ValidationReport, htmlPath: String, jsonPath: String, contactSheetPath: String)
    {
        let report = SetValidator.validate(plan: plan)
        let html = htmlPath ?? (plan.outputFolder as NSString).appendingPathComponent("validation.html")
        let json = jsonPath ?? (plan.outputFolder as NSString).appendingPathComponent("validation.json")
        let sheet = contactSheetPath(html: html)
        let (conditions, sources) = (plan.manifest.conditions.map(\.name), plan.manifest.sources.map(\.id))
        let thumbnails = ReportThumbnails(report, sources: sources) { ValidationHTML.preparedSource($0, plan: plan) }
        // Encoded before anything is written: a report that cannot be encoded leaves the old files.
        let encoded: Data
        do { encoded = try report.json() } catch { throw .image(.jsonEncodingFailed(path: json, reason: "\(error)")) }
        do {
            try ImageFile.createFolder(for: html)
            try ImageFile.createFolder(for: json)
            let page = ValidationHTML.render(
                report, conditions: conditions, sources: sources, reportPath: html,
                thumbnails: thumbnails)
            try ImageFile.writeAtomically(Data(page.utf8), to: html)
            try ImageFile.writeAtomically(encoded + Data("\n".utf8), to: json)
            try ContactSheet.write(
                ContactSheet.image(
                    report, conditions: conditions, sources: sources,
                    thumbnails: thumbnails), to: sheet)
        } catch { throw .image(error) }
        return (report, html, json, sheet)
    }

    /// Beside the report: `contact_sheet.png` for `validation.html`, `<name>.contact_sheet.png`
    /// for a report named otherwise (so `--report /tmp/a.html` never replaces another sheet).
    public static func contactSheetPath(html: String) -> String {
        let folder = (html as NSString).deletingLastPathComponent, name = (html as NSString).lastPathComponent
        let sheet =
            name == "validation.html"
            ? contactSheetName
            : (name as NSString).deletingPathExtension + "." + contactSheetName
        return folder.isEmpty ? sheet : (folder as NSString).appendingPathComponent(sheet)
    }

    /// "validation: FAIL (2 failures, 1 warning)" and one line per failure or warning.
    public static func summary(_ report: ValidationReport) -> String {
        let failures = report.findings.filter { $0.level == .fail },
            warnings = report.findings.filter { $0.level == .warn }
        var lines = [
            "validation of \(report.stimuli.count) stimuli: \(report.verdict.rawValue.uppercased()) (\(failures.count) failures, \(warnings.count) warnings)"
        ]
        lines += (failures + warnings).map { "  \($0.level.rawValue): \($0.file): \($0.statistic): \($0.message)" }
        return lines.joined(separator: "\n")
    }
}
