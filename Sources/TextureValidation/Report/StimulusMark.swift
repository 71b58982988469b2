// StimulusMark: how the overview grid and the contact sheet flag a stimulus (colour, border, label).

import Foundation

/// The most serious thing to show about one stimulus. A run that did not converge also fails
/// its `convergence` check; it gets its own colour because it is the cause to look at first.
public enum StimulusMark: String, Sendable, CaseIterable {
    case pass, warn, fail, notConverged = "not-converged", missing

    /// not converged > missing > fail > warn > pass.
    public static func of(_ stimulus: StimulusValidation) -> StimulusMark {
        if stimulus.statistics?.converged == false { return .notConverged }
        if stimulus.statistics == nil && stimulus.verdict == .fail { return .missing }
        switch stimulus.verdict {
        case .fail: return .fail
        case .warn: return .warn
        case .pass: return .pass
        }
    }

    /// Border colour (nil: no border); the same in the HTML grid and in contact_sheet.png.
    public var colour: String? {
        switch self {
        case .pass: return nil
        case .warn: return "#d4a72c"
        case .fail: return "#cf222e"
        case .notConverged: return "#8250df"
        case .missing: return "#6e7781"
        }
    }

    /// RGB in [0, 1] of `colour`, for the PNG contact sheet.
    var rgb: (Float, Float, Float)? {
        guard let colour, colour.count == 7, let value = Int(colour.dropFirst(), radix: 16) else { return nil }
        return (Float(value >> 16 & 255) / 255, Float(value >> 8 & 255) / 255, Float(value & 255) / 255)
    }

    /// The label under a thumbnail; a not-converged stimulus is labelled with its verdict too.
    public func label(_ stimulus: StimulusValidation) -> String {
        switch self {
        case .pass: return "pass"
        case .warn: return "WARN"
        case .fail: return "FAIL"
        case .notConverged: return (stimulus.verdict == .fail ? "FAIL · " : "") + "NOT CONVERGED"
        case .missing: return "MISSING"
        }
    }

    /// What each border means, in words, for the legend.
    public var meaning: String {
        switch self {
        case .pass: return "passed every check"
        case .warn: return "warning (see findings)"
        case .fail: return "failed a check (see findings)"
        case .notConverged: return "did not converge (its convergence record says converged: false)"
        case .missing: return "missing or unreadable file"
        }
    }
}
