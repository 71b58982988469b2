// LayerPresets: the published stimulus conditions as named sets of layers.
//
// gatys2015:<cutoff> — the paper's reference layers conv1_1, pool1, pool2, pool3, pool4 up to
// and including the cutoff (gatys2015:pool2 = conv1_1, pool1, pool2).
// wallis2017:convN — Wallis et al. 2017 (J. Vision): conv1_1, conv2_1, … convN_1.
// wallis2017:powerspec — their "powerspec" model: conv1_1, pool1 … pool4 (Gatys's layers) plus
// Liu et al. (2016)'s Fourier-spectrum term with β = `powerspecSpectrumWeight`.

public enum LayerPresets {
    public static let gatysReferenceLayers = ["conv1_1", "pool1", "pool2", "pool3", "pool4"]

    public static let names: [String] =
        gatysReferenceLayers.map { "gatys2015:\($0)" } + (1...5).map { "wallis2017:conv\($0)" } + [
            "wallis2017:powerspec"
        ]

    /// β of wallis2017:powerspec, in the units of VGG-19's Caffe input (pixels × 255 minus the
    /// ImageNet mean) at 256² (Wallis et al.'s size): at a noise start on the shared periodic
    /// textures (vgg19-random), β E_spec is 0.3–0.5 of the Gram loss of conv1_1 + pool1 … pool4
    /// (the Gram loss is 2–4 × 10⁶ E_spec there; see the README). E_spec sums over pixels and the
    /// Gram loss does not, so at side s the same balance needs β · (256 / s)².
    public static let powerspecSpectrumWeight = 1e6

    /// The spectrum weight β a preset carries (nil: the preset has no spectrum term).
    public static func spectrumWeight(for preset: String) -> Double? {
        preset == "wallis2017:powerspec" ? powerspecSpectrumWeight : nil
    }

    /// The layers of a preset such as "gatys2015:pool4" or "wallis2017:conv3".
    public static func layers(for preset: String) throws(TextureCoreError) -> [String] {
        let parts = preset.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw .unknownPreset(preset) }
        switch parts[0] {
        case "gatys2015":
            guard let cutoff = gatysReferenceLayers.firstIndex(of: parts[1]) else { throw .unknownPreset(preset) }
            return Array(gatysReferenceLayers[...cutoff])
        case "wallis2017":
            if parts[1] == "powerspec" { return gatysReferenceLayers }
            guard parts[1].hasPrefix("conv"), let n = Int(parts[1].dropFirst(4)), (1...5).contains(n) else {
                throw .unknownPreset(preset)
            }
            return (1...n).map { "conv\($0)_1" }
        default:
            throw .unknownPreset(preset)
        }
    }
}
