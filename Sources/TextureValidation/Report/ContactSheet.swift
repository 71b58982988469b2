// ContactSheet: contact_sheet.png, one image of a whole set for a quick look without a browser:
// a row per source × condition, the source at the left, then the samples in order.
//
// Thumbnails keep their size (at most ReportThumbnails.side, 128 px; cells as wide as the
// largest, never enlarging one) on a white ground with a 6 px gap; a flagged stimulus gets a 3 px
// frame in its StimulusMark colour inside the gap. A sheet that would be wider or taller than
// maxSide gets smaller thumbnails.

import Foundation
import TextureCore
import TextureImages

public enum ContactSheet {
    /// The gap between thumbnails and around the sheet, in pixels (the frame of a mark lies in it).
    public static let gap = 6
    public static let frameWidth = 3
    /// The largest side of the sheet; a set with more rows or samples gets smaller thumbnails.
    public static let maxSide = 4096

    /// The rows of the sheet: (source, condition, the stimuli of that pair in sample order).
    public static func rows(_ report: ValidationReport, conditions: [String], sources: [String])
        -> [(source: String, condition: String, stimuli: [StimulusValidation])] {
        sources.flatMap { source in
            conditions.compactMap { condition in
                let row = report.stimuli.filter { $0.source == source && $0.condition == condition }
                    .sorted { $0.sample < $1.sample }
                return row.isEmpty ? nil : (source, condition, row)
            }
        }
    }

    /// The sheet as (3, H, W) pixels in [0, 1].
    public static func image(_ report: ValidationReport, conditions: [String], sources: [String],
                             thumbnails: ReportThumbnails) -> Tensor {
        let rows = rows(report, conditions: conditions, sources: sources)
        let columns = 1 + (rows.map(\.stimuli.count).max() ?? 0)
        let largest = (Array(thumbnails.sources.values) + Array(thumbnails.stimuli.values))
            .map { max($0.shape.height, $0.shape.width) }.max() ?? thumbnails.side
        let cell = cellSide(columns: columns, rows: max(rows.count, 1), side: min(largest, thumbnails.side))
        var sheet = Tensor(Shape(3, gap + max(rows.count, 1) * (cell + gap), gap + columns * (cell + gap)))
        sheet.data = [Float](repeating: 1, count: sheet.shape.count)
        for (r, row) in rows.enumerated() {
            let top = gap + r * (cell + gap)
            if let source = thumbnails.sources[row.source] {
                paste(source, into: &sheet, top: top, left: gap, cell: cell)
            }
            for (k, stimulus) in row.stimuli.enumerated() {
                let left = gap + (k + 1) * (cell + gap)
                if let pixels = thumbnails.stimuli[stimulus.jobId] {
                    paste(pixels, into: &sheet, top: top, left: left, cell: cell)
                }
                if let rgb = StimulusMark.of(stimulus).rgb { frame(&sheet, top: top, left: left, cell: cell, rgb: rgb) }
            }
        }
        return sheet
    }

    /// Writes the sheet as an 8-bit PNG, atomically (no provenance text: it is a view, not a stimulus).
    public static func write(_ sheet: Tensor, to path: String) throws(ImageFileError) {
        try ImageFile.writeAtomically(try PNGFile.encode(sheet, bitDepth: 8, text: nil), to: path)
    }

    /// The cell side that keeps the sheet within maxSide (never above `side`, never below 16).
    static func cellSide(columns: Int, rows: Int, side: Int) -> Int {
        let fit = min((maxSide - gap) / columns, (maxSide - gap) / rows) - gap
        return max(16, min(side, fit))
    }

    /// Pastes `pixels` (3, h, w) centred in the cell at (top, left), shrunk if it is larger than the cell.
    static func paste(_ pixels: Tensor, into sheet: inout Tensor, top: Int, left: Int, cell: Int) {
        let image = max(pixels.shape.height, pixels.shape.width) > cell
            ? ReportThumbnails.shrink(pixels, side: cell) : pixels
        let (h, w) = (image.shape.height, image.shape.width)
        let (y0, x0) = (top + (cell - h) / 2, left + (cell - w) / 2)
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w { sheet[c, y0 + y, x0 + x] = image[c, y, x] }
            }
        }
    }

    /// A frame of frameWidth pixels just outside the cell, in the gap.
    static func frame(_ sheet: inout Tensor, top: Int, left: Int, cell: Int, rgb: (Float, Float, Float)) {
        let colour = [rgb.0, rgb.1, rgb.2]
        for y in (top - frameWidth)..<(top + cell + frameWidth) {
            for x in (left - frameWidth)..<(left + cell + frameWidth) {
                let inside = y >= top && y < top + cell && x >= left && x < left + cell
                if !inside { for c in 0..<3 { sheet[c, y, x] = colour[c] } }
            }
        }
    }
}
