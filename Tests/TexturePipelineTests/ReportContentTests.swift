// ReportContentTests: what the validation report shows: the overview grid has every stimulus and
// marks the non-converged, failed, warned and missing ones; the scatter colours each point by its
// condition; every thumbnail is a PNG; contact_sheet.png has the set's size with the source first.

import Foundation
import Testing
import TextureCore
import TextureImages
import TexturePipeline
import TextureValidation

/// A made-up report of 2 sources × 2 conditions × 2 samples of 24 px PNGs, each a flat grey of
/// its own level; `a__c1__s01` did not converge, `b__c2__s00` failed, `a__c2__s00` warned and
/// `b__c1__s01` is missing. Sources are flat 40 px images of level 0.1 (a) and 0.9 (b).
struct MadeUpSet {
    let folder: String
    let report: ValidationReport
    let conditions = ["c1", "c2"], sources = ["a", "b"]

    init() throws {
        folder = NSTemporaryDirectory() + "texstim-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var stimuli: [StimulusValidation] = []
        for (i, (source, condition, sample)) in Self.jobs.enumerated() {
            let id = "\(source)__\(condition)__s0\(sample)", file = "\(folder)/\(id).png"
            let pixels = Tensor(Shape(3, 24, 24), data: [Float](repeating: Float(i + 2) / 12, count: 3 * 24 * 24))
            var verdict = FindingLevel.pass, statistics: StimulusStatistics? = Self.statistics(pixels)
            switch id {
            case "a__c1__s01": verdict = .fail; statistics?.converged = false
            case "b__c2__s00": verdict = .fail
            case "a__c2__s00": verdict = .warn
            case "b__c1__s01": verdict = .fail; statistics = nil
            default: break
            }
            if statistics != nil {
                try PNGFile.encode(pixels, bitDepth: 8, text: nil).write(to: URL(fileURLWithPath: file))
            }
            stimuli.append(StimulusValidation(file: file, jobId: id, source: source, condition: condition,
                                              sample: sample, verdict: verdict, statistics: statistics,
                                              lumaHistogram: [], spectrum: [], lossTrace: [10, 1, 0.1]))
        }
        report = ValidationReport(set: "made-up", manifest: "m.yaml", folder: folder, verdict: .fail,
                                  thresholds: [:], stimuli: stimuli, conditions: [], findings: [],
                                  sourceHistograms: [:], sourceSpectra: [:])
    }

    static let jobs = ["a", "b"].flatMap { s in ["c1", "c2"].flatMap { c in [0, 1].map { (s, c, $0) } } }

    static func statistics(_ pixels: Tensor) -> StimulusStatistics {
        StimulusStatistics(luminance: PixelStatistics.luminance(PixelStatistics.luma(pixels)), clippedAtMinimum: 0,
                           clippedAtMaximum: 0, histogramDistance: 0, spectrumSlope: 0, sourceSpectrumSlope: 0,
                           spectrumDistance: 0, copyCorrelation: 0, duplicateCorrelation: 0, converged: true)
    }

    func sourcePixels(_ id: String) -> Tensor? {
        Tensor(Shape(1, 40, 40), data: [Float](repeating: id == "a" ? 0.1 : 0.9, count: 1600))
    }

    var thumbnails: ReportThumbnails { ReportThumbnails(report, sources: sources, sourcePixels: sourcePixels) }

    func html() -> String {
        ValidationHTML.render(report, conditions: conditions, sources: sources, reportPath: folder + "/validation.html",
                              thumbnails: thumbnails)
    }
}

/// The text of each `<figure class="cell …">` of the grid, by its job id.
func gridCells(_ html: String) -> [String: String] {
    var cells: [String: String] = [:]
    for piece in html.components(separatedBy: "<figure class=\"cell ").dropFirst() {
        let cell = piece.components(separatedBy: "</figure>")[0]
        guard let start = cell.range(of: "data-job=\""),
              let end = cell[start.upperBound...].firstIndex(of: "\"") else { continue }
        cells[String(cell[start.upperBound..<end])] = cell
    }
    return cells
}

@Suite struct ReportContentTests {
    @Test func gridHasEveryStimulusAndMarksTheFlaggedOnes() throws {
        let set = try MadeUpSet()
        let cells = gridCells(set.html())
        #expect(Set(cells.keys) == Set(set.report.stimuli.map(\.jobId)), "\(cells.keys.sorted())")
        let expected: [String: (String, String)] = [
            "a__c1__s01": ("not-converged", "FAIL · NOT CONVERGED"), "b__c2__s00": ("fail", ">FAIL<"),
            "a__c2__s00": ("warn", ">WARN<"), "b__c1__s01": ("missing", ">MISSING<"), "a__c1__s00": ("pass", ">pass<"),
        ]
        for (id, (mark, label)) in expected {
            let cell = try #require(cells[id])
            #expect(cell.hasPrefix(mark + "\""), "\(id): \(cell.prefix(60))")
            #expect(cell.contains(label), "\(id) is not labelled \(label)")
            let colour = StimulusMark(rawValue: mark)?.colour
            #expect(colour.map { cell.contains("border-color:\($0)") } ?? !cell.contains("border-color"), "\(id)")
        }
        for mark in [StimulusMark.warn, .fail, .notConverged, .missing] {
            #expect(set.html().contains(mark.meaning + ": 1"), "legend lacks \(mark)")
        }
    }

    @Test func everyThumbnailIsAPNGDataURI() throws {
        let set = try MadeUpSet()
        let uris = set.html().components(separatedBy: "src=\"data:image/png;base64,").dropFirst()
        #expect(uris.count == 7 + 2, "7 stimuli with files and 2 sources")
        for uri in uris {
            let data = try #require(Data(base64Encoded: String(uri.prefix { $0 != "\"" })))
            let image = try PNGFile.decode(data, path: "data URI", maxSide: 256)
            #expect(image.pixels.shape.channels == 3 && image.pixels.shape.width <= 128)
        }
    }

    @Test func scatterDrawsEachPointInItsConditionsColour() throws {
        let set = try MadeUpSet()
        let html = set.html()
        let circles = html.components(separatedBy: "<circle ").dropFirst().filter { $0.contains("data-condition=") }
        #expect(circles.count == 7, "one point per measured stimulus")
        let colours = ["c1": "#1f77b4", "c2": "#d62728"]
        for circle in circles {
            let id = try #require(circle.components(separatedBy: "<title>").last?.components(separatedBy: "<").first)
            let condition = id.components(separatedBy: "__")[1]
            #expect(circle.contains("stroke=\"\(colours[condition]!)\""), "\(id) not in \(condition)'s colour")
            #expect(circle.contains("data-condition=\"\(condition)\""))
        }
        // Coincident points stay visible: the conditions' rings differ in size, the first the largest.
        let radius = { (c: String) in circles.first { $0.contains("data-condition=\"\(c)\"") }?
            .components(separatedBy: "r=\"")[1].prefix { $0 != "\"" } }
        #expect(Double(radius("c1").map(String.init) ?? "") ?? 0 > Double(radius("c2").map(String.init) ?? "") ?? 0)
        #expect(html.contains(">c1</text>") && html.contains(">c2</text>"), "the scatter has a legend")
    }

    @Test func contactSheetHasTheSetsSizeAndTheSourceFirst() throws {
        let set = try MadeUpSet()
        let sheet = ContactSheet.image(set.report, conditions: set.conditions, sources: set.sources,
                                       thumbnails: set.thumbnails)
        // 4 rows (a·c1, a·c2, b·c1, b·c2) of 1 source + 2 samples, in cells as wide as the largest
        // thumbnail (the 40 px sources; none is enlarged), the 24 px stimuli centred in theirs.
        let (gap, side) = (ContactSheet.gap, 40)
        #expect(sheet.shape.width == gap + 3 * (side + gap) && sheet.shape.height == gap + 4 * (side + gap))
        for (row, level) in [(0, Float(0.1)), (1, 0.1), (2, 0.9), (3, 0.9)] {
            let centre = gap + row * (side + gap) + side / 2
            #expect(abs(sheet[0, centre, gap + side / 2] - level) < 0.01, "row \(row)'s first column is not its source")
            let sample = try #require(set.report.stimuli.first { $0.jobId == MadeUpSet.jobs[row * 2].0
                + "__" + MadeUpSet.jobs[row * 2].1 + "__s00" })
            let file = try ImageFile.load(path: sample.file).pixels
            #expect(abs(sheet[1, centre, 2 * gap + side + side / 2] - file[1, 0, 0]) < 0.01, "row \(row)'s sample 0")
        }
        // The non-converged a__c1__s01 (row 0, column 2) is framed in its mark's colour.
        let frameY = gap + side / 2, frameX = 3 * gap + 2 * side + side + 1
        #expect(abs(sheet[0, frameY, frameX] - Float(0x82) / 255) < 0.01)
        #expect(abs(sheet[2, frameY, frameX] - Float(0xdf) / 255) < 0.01)
    }

    @Test func contactSheetIsWrittenBesideTheReportAsTexstimsFile() throws {
        #expect(ValidationOutput.contactSheetPath(html: "/s/validation.html") == "/s/contact_sheet.png")
        #expect(ValidationOutput.contactSheetPath(html: "/tmp/demo.html") == "/tmp/demo.contact_sheet.png")
        let set = try MadeUpSet()
        let path = set.folder + "/contact_sheet.png"
        try ContactSheet.write(ContactSheet.image(set.report, conditions: set.conditions, sources: set.sources,
                                                  thumbnails: set.thumbnails), to: path)
        let image = try ImageFile.load(path: path)
        #expect(image.bitDepth == 8 && image.pixels.shape.channels == 3 && image.text == nil)
    }
}
