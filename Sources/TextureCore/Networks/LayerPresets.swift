// LayerPresets: the published stimulus conditions as named sets of layers.
//
// gatys2015:<cutoff> — the paper's reference layers conv1_1, pool1, pool2, pool3, pool4 up to
// and including the cutoff (gatys2015:pool2 = conv1_1, pool1, pool2).
// wallis2017:convN — Wallis et al. 2017 (J. Vision): conv1_1, conv2_1, … convN_1.

public enum LayerPresets {
    public static let gatysReferenceLayers = ["conv1_1", "pool1", "pool2", "pool3", "pool4"]

    public static let names: [String] =
        gatysReferenceLayers.map { "gatys2015:\($0)" } + (1...5).map { "wallis2017:conv\($0)" }

    /// The layers of a preset such as "gatys2015:pool4" or "wallis2017:conv3".
    public static func layers(for preset: String) throws(TextureCoreError) -> [String] {
        let parts = preset.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw .unknownPreset(preset) }
        switch parts[0] {
        case "gatys2015":
            guard let cutoff = gatysReferenceLayers.firstIndex(of: parts[1]) else { throw .unknownPreset(preset) }
            return Array(gatysReferenceLayers[...cutoff])
        case "wallis2017":
            guard parts[1].hasPrefix("conv"), let n = Int(parts[1].dropFirst(4)), (1...5).contains(n) else {
                throw .unknownPreset(preset)
            }
            return (1...n).map { "conv\($0)_1" }
        default:
            throw .unknownPreset(preset)
        }
    }
}
