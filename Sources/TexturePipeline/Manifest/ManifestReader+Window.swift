// ManifestReader+Window: `postprocess.window`, the aperture with a raised-cosine edge, read strictly.
//
//   postprocess:
//     window: {shape: circle, radius: 120, ramp: 16, background: mean}
//     window: {shape: rectangle, size: [200, 120], ramp: 8, background: 0.5}
//
// What the manifest alone decides is checked here (names, types, ranges, ramp against a radius or
// size it gives); whether the window fits each stimulus's side is checked by the planner.

import Foundation
import TextureSynthesis
import Yams

extension ManifestReader {
    static let windowKeys = ["shape", "radius", "size", "ramp", "background"]

    /// `postprocess.window`; nil (with issues) when it is malformed.
    static func windowBlock(_ node: Node, _ fields: inout YAMLFields) -> ApertureWindow? {
        let path = "postprocess.window"
        guard let entries = fields.mapping(node, path, allowed: windowKeys) else { return nil }
        for key in ["shape", "ramp"] where entries[key] == nil {
            fields.report(
                node, "\(path).\(key)", "required key is missing",
                hint: "e.g. window: {shape: circle, ramp: 16} (a circle of half the side, a 16 px raised-cosine edge)")
        }
        var shape: ApertureWindow.Outline?
        if let node = entries["shape"], let text = fields.string(node, "\(path).shape") {
            shape = ApertureWindow.Outline(rawValue: text)
            if shape == nil {
                fields.report(
                    node, "\(path).shape", "unknown shape '\(text)'",
                    hint: "choose circle or rectangle (a rectangle without size fades at the image's edges only)")
            }
        }
        let ramp = entries["ramp"].flatMap { fields.number($0, "\(path).ramp") }
        let radius = entries["radius"].flatMap { positive($0, "\(path).radius", &fields) }
        let size = entries["size"].flatMap { rectangleSize($0, "\(path).size", &fields) }
        if shape == .rectangle, let node = entries["radius"] {
            fields.report(
                node, "\(path).radius", "radius is for shape: circle", hint: "give a rectangle's size: [width, height]")
        }
        if shape == .circle, let node = entries["size"] {
            fields.report(node, "\(path).size", "size is for shape: rectangle", hint: "give a circle's radius")
        }
        if let ramp, let node = entries["ramp"], !(ramp >= 0 && ramp.isFinite) {
            fields.report(node, "\(path).ramp", "expected a width of 0 px or more, got \(ramp)",
                          hint: "0 gives a hard edge; e.g. 16 fades the texture out over 16 px")
        } else if let ramp, let node = entries["ramp"] {
            let half = shape == .circle ? radius : size.map { min($0.width, $0.height) / 2 }
            if let half, ramp >= half {
                fields.report(
                    node, "\(path).ramp",
                    "ramp \(ramp) px is not smaller than the \(shape == .circle ? "radius" : "rectangle's half side") "
                        + "\(half) px, so no pixel would keep the texture at full weight",
                    hint: "the ramp lies inside the aperture's edge; use a smaller ramp or a larger aperture")
            }
        }
        let background = entries["background"].flatMap { backgroundValue($0, "\(path).background", &fields) }
        guard let shape, let ramp else { return nil }
        return ApertureWindow(
            shape: shape, radius: shape == .circle ? radius : nil, width: size?.width, height: size?.height,
            ramp: ramp, background: background ?? .mean)
    }

    /// A number of pixels above 0.
    static func positive(_ node: Node, _ path: String, _ fields: inout YAMLFields) -> Double? {
        guard let value = fields.number(node, path) else { return nil }
        guard value > 0 else {
            fields.report(node, path, "expected a number of pixels above 0, got \(value)")
            return nil
        }
        return value
    }

    /// `size: N` (a square) or `size: [width, height]`, in pixels.
    static func rectangleSize(
        _ node: Node, _ path: String, _ fields: inout YAMLFields
    ) -> (width: Double, height: Double)? {
        guard case .sequence = node else { return positive(node, path, &fields).map { ($0, $0) } }
        guard let items = fields.sequence(node, path) else { return nil }
        guard items.count == 2 else {
            fields.report(node, path, "expected [width, height], got \(items.count) values")
            return nil
        }
        let width = positive(items[0], "\(path)[0]", &fields), height = positive(items[1], "\(path)[1]", &fields)
        guard let width, let height else { return nil }
        return (width, height)
    }

    /// `background: mean` or a code value in [0, 1].
    static func backgroundValue(
        _ node: Node, _ path: String, _ fields: inout YAMLFields
    ) -> ApertureWindow.Background? {
        let hint = "use mean (the texture's mean luma; with equalisation its mean_luminance) or a value from 0 to 1"
        guard case .scalar(let scalar) = node else {
            fields.report(node, path, "expected mean or a number, got \(fields.kind(node))", hint: hint)
            return nil
        }
        if scalar.string == "mean" { return .mean }
        guard let value = node.float, value >= 0 && value <= 1 else {
            fields.report(node, path, "expected mean or a value between 0 and 1, got '\(scalar.string)'", hint: hint)
            return nil
        }
        return .value(value)
    }
}
