// ApertureWindow+Text: the window as one option value, `texstim synthesize --window circle:ramp=16,radius=120`.
//
// Grammar: SHAPE ":" KEY "=" VALUE ("," KEY "=" VALUE)*, with SHAPE circle or rectangle and the
// keys of the manifest's `postprocess.window`: ramp (required, px), radius (circle, px), size
// (rectangle: W or WxH, px) and background (mean or a value in [0, 1]).

import Foundation
import TextureSynthesis

extension ApertureWindow {
    static let textExample = "circle:ramp=16 or rectangle:ramp=8,size=200x120,background=0.5"

    /// Parses `text`; a bad value is an error that names the key, the value and the rule.
    public init(text: String) throws(PipelineError) {
        func bad(_ value: String, _ hint: String) -> PipelineError {
            .invalidArgument(name: "--window", value: value, hint: hint + " (e.g. \(Self.textExample))")
        }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let shape = Outline(rawValue: parts.first ?? "") else {
            throw bad(text, "start with the shape: circle or rectangle")
        }
        var settings: [String: String] = [:]
        let items = parts.count > 1 ? parts[1].split(separator: ",", omittingEmptySubsequences: false) : []
        for item in items {
            let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, ["ramp", "radius", "size", "background"].contains(pair[0]) else {
                throw bad(String(item), "give key=value with the keys ramp, radius, size, background")
            }
            guard settings.updateValue(pair[1], forKey: pair[0]) == nil else {
                throw bad(String(item), "give \(pair[0]) once")
            }
        }
        func pixels(_ key: String, _ value: String, zero: Bool = false) throws(PipelineError) -> Double {
            guard let number = Double(value), number.isFinite, zero ? number >= 0 : number > 0 else {
                throw bad("\(key)=\(value)", "\(key) is a number of pixels \(zero ? "≥ 0" : "above 0")")
            }
            return number
        }
        guard let rampText = settings["ramp"] else {
            throw bad(text, "give the ramp's width: ramp=PX (0: a hard edge)")
        }
        var window = ApertureWindow(shape: shape, ramp: try pixels("ramp", rampText, zero: true))
        if let radius = settings["radius"] {
            guard shape == .circle else { throw bad("radius=\(radius)", "radius is for a circle; give size=WxH") }
            window.radius = try pixels("radius", radius)
        }
        if let size = settings["size"] {
            guard shape == .rectangle else { throw bad("size=\(size)", "size is for a rectangle; give radius=R") }
            let sides = size.split(separator: "x", omittingEmptySubsequences: false).map(String.init)
            guard sides.count <= 2 else { throw bad("size=\(size)", "size is W or WxH") }
            window.width = try pixels("size", sides[0])
            window.height = try pixels("size", sides.count == 2 ? sides[1] : sides[0])
        }
        if let background = settings["background"], background != "mean" {
            guard let value = Double(background), value >= 0 && value <= 1 else {
                throw bad("background=\(background)", "background is mean or a value from 0 to 1")
            }
            window.background = .value(value)
        }
        let half = shape == .circle ? window.radius : window.width.map { min($0, window.height ?? $0) / 2 }
        if let half, window.ramp >= half {
            throw bad("ramp=\(rampText)", "the ramp lies inside the aperture and must be smaller than \(half) px")
        }
        self = window
    }

    /// The window as `init(text:)` reads it back, e.g. `circle:ramp=16,radius=120,background=mean`.
    public var text: String {
        var items = ["ramp=\(Self.number(ramp))"]
        if let radius { items.append("radius=\(Self.number(radius))") }
        if let width, let height { items.append("size=\(Self.number(width))x\(Self.number(height))") }
        switch background {
        case .mean: items.append("background=mean")
        case .value(let value): items.append("background=\(Self.number(value))")
        }
        return "\(shape.rawValue):" + items.joined(separator: ",")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
