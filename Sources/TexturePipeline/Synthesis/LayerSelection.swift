// LayerSelection: resolve --layers / --preset (or the model's default) into checked layer names.

import TextureCore

public enum LayerSelection {
    public static func resolve(
        model: any TextureModel, layers: [String]?, preset: String?, sourceShape: Shape
    ) throws(PipelineError) -> [String] {
        if layers != nil && preset != nil {
            throw .invalidArgument(
                name: "--layers/--preset", value: preset ?? "", hint: "give either --layers or --preset, not both")
        }
        let names: [String]
        do {
            if let preset {
                names = try LayerPresets.layers(for: preset)
            } else {
                names = layers ?? model.defaultLayers(sourceShape: sourceShape)
            }
            try model.validate(layers: names)
        } catch { throw .core(error) }
        return names
    }
}
