// Equalization: set a stimulus's mean luminance and RMS contrast to targets (SHINE-style).
//
// One affine map p' = a·p + b applied to every channel, with a = target RMS · target mean / SD(Y)
// and b = target mean − a · mean(Y), where Y is Rec. 709 luma. Luma is linear in R, G, B, so Y'
// has exactly the target mean and SD / mean = the target RMS contrast, and hue is unchanged.
// Values that land outside [0, 1] are handled by the clipping policy. With an aperture window the
// statistics are those of the window's plateau (the texture that stays as it is; SHINE measures
// inside a mask the same way), and clamped values are counted where the window leaves any weight.

import TextureCore

public struct Equalization: Codable, Sendable, Equatable {
    public enum Clipping: String, Codable, Sendable, CaseIterable {
        /// Refuse the stimulus (the job fails) if any value leaves [0, 1].
        case fail
        /// Clamp to [0, 1] and record the clamped fraction (the targets then hold only approximately).
        case clip
    }

    public var meanLuminance: Double
    public var rmsContrast: Double
    public var clipping: Clipping

    public init(meanLuminance: Double, rmsContrast: Double, clipping: Clipping) {
        self.meanLuminance = meanLuminance
        self.rmsContrast = rmsContrast
        self.clipping = clipping
    }

    /// The equalised image and the fraction of values clamped. With `window`, the mean and SD
    /// are measured on its plateau and the fraction counts the samples of positions it shows.
    public func apply(_ pixels: Tensor, within window: ApertureWindow? = nil) throws(SynthesisError) -> (Tensor, Double)
    {
        var luma = ImagePreparation.luma(ImagePreparation.rgb(pixels)).data.map(Double.init)
        // One pass of the window's weights: positions shown (weight > 0) and the plateau (= 1).
        let weights = window?.weights(height: pixels.shape.height, width: pixels.shape.width)
        let shown = weights?.map { $0 > 0 }
        if let weights { luma = luma.indices.filter { weights[$0] == 1 }.map { luma[$0] } }
        let mean = luma.reduce(0, +) / Double(luma.count)
        let deviation = (luma.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(luma.count)).squareRoot()
        guard deviation > 0 else {
            throw .invalidSetting(
                name: "equalize", value: "flat image", hint: "a constant image has no contrast to rescale")
        }
        let a = rmsContrast * meanLuminance / deviation, b = meanLuminance - a * mean
        var output = pixels
        var clamped = 0, counted = 0
        let m = pixels.shape.positions
        for i in output.data.indices {
            let value = a * Double(output.data[i]) + b
            if shown?[i % m] ?? true {
                counted += 1
                if value < 0 || value > 1 { clamped += 1 }
            }
            output.data[i] = Float(min(max(value, 0), 1))
        }
        let fraction = Double(clamped) / Double(max(counted, 1))
        if clamped > 0 && clipping == .fail {
            throw .invalidSetting(
                name: "equalize", value: String(format: "%.2f%% of values outside [0, 1]", 100 * fraction),
                hint: "lower rms_contrast, move mean_luminance towards 0.5, or set clipping: clip")
        }
        return (output, fraction)
    }
}
