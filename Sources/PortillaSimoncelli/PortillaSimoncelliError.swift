// PortillaSimoncelliError: parameters and image sizes the Portilla–Simoncelli model refuses, each with the rule.

public enum PortillaSimoncelliError: Error, Equatable, CustomStringConvertible {
    case scalesOutOfRange(Int)
    case orientationsOutOfRange(Int)
    case correlationWidthOutOfRange(Int)
    /// Each side must be divisible by 2^scales.
    case sideNotDivisible(height: Int, width: Int, scales: Int)
    /// scales ≤ ⌊log₂ min(H, W)⌋ − 2.
    case tooManyScales(height: Int, width: Int, scales: Int, maximum: Int)
    /// spatial_corr_width ≤ min(H, W) / 2^scales.
    case correlationWidthTooLarge(height: Int, width: Int, scales: Int, correlationWidth: Int)

    public var description: String {
        switch self {
        case .scalesOutOfRange(let s):
            return "n_scales \(s): must be at least 1."
        case .orientationsOutOfRange(let k):
            return
                "n_orientations \(k): must be between 2 and 16 (a complex steerable pyramid of order K − 1, 1 ≤ order ≤ 15)."
        case .correlationWidthOutOfRange(let w):
            return "spatial_corr_width \(w): must be at least 1."
        case .sideNotDivisible(let h, let w, let s):
            return
                "image \(h)×\(w): each side must be divisible by 2^n_scales = \(1 << s) (the model halves the image \(s) times). "
                + "Hint: crop or resize, or use fewer scales."
        case .tooManyScales(let h, let w, let s, let maximum):
            return "image \(h)×\(w): n_scales \(s) is more than the pyramid allows, ⌊log₂ min(H, W)⌋ − 2 = \(maximum). "
                + "Hint: use --n-scales \(max(maximum, 1)) or a larger image."
        case .correlationWidthTooLarge(let h, let w, let s, let width):
            return
                "image \(h)×\(w): spatial_corr_width \(width) is larger than the coarsest scale, min(H, W) / 2^n_scales = \(min(h, w) >> s). "
                + "Hint: use a smaller --spatial-corr-width, fewer scales, or a larger image (plenoptic's default 4 scales, width 7 need at least 128×128)."
        }
    }
}
