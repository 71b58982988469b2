// ManifestReader+Conditions: the `conditions` list: unique safe names, preset or layers and weights, β, settings.

import TextureCore
import TextureSynthesis
import Yams

extension ManifestReader {
    /// A source's `grey` applies in every condition, over `defaults`; a condition that says the
    /// opposite itself is a contradiction the user must settle (choosing one silently would
    /// synthesise a stimulus the manifest also says not to make).
    static func checkGreyChoices(sources: [ManifestSource], conditions: [ManifestCondition], _ fields: inout YAMLFields) {
        for source in sources {
            guard let grey = source.grey else { continue }
            for condition in conditions where condition.settings.grey.map({ $0 != grey }) == true {
                fields.report(
                    at: condition.mark, "\(condition.keyPath).grey",
                    "condition '\(condition.name)' sets grey: \(!grey), but source '\(source.id)' "
                        + "(\(source.keyPath), line \(source.mark.line)) sets grey: \(grey), and a source's grey holds in every condition",
                    hint: "remove grey from the condition or from the source, or list the source in another manifest")
            }
        }
    }

    static func conditionList(_ node: Node, _ fields: inout YAMLFields) -> [ManifestCondition] {
        guard let items = fields.sequence(node, "conditions") else { return [] }
        if items.isEmpty { fields.report(node, "conditions", "the list is empty", hint: "add at least one condition") }
        var names: [String: Node] = [:]
        return items.enumerated().compactMap { index, item -> ManifestCondition? in
            let path = "conditions[\(index)]"
            let keys = ["name", "preset", "layers", "layer_weights", "spectrum_weight"] + settingKeys
            guard
                let entries = fields.mapping(item, path, allowed: keys),
                let name = conditionName(entries, item, path, names: &names, &fields)
            else { return nil }
            return condition(named: name, entries, item, path, &fields)
        }
    }

    /// The condition's name: present, a safe file name and not used before (`names`: the node of
    /// each name's first use, for the duplicate's message); nil (reported) when it is missing.
    static func conditionName(
        _ entries: [String: Node], _ item: Node, _ path: String, names: inout [String: Node],
        _ fields: inout YAMLFields
    ) -> String? {
        guard let nameNode = entries["name"], let name = fields.string(nameNode, "\(path).name") else {
            if entries["name"] == nil { fields.report(item, "\(path).name", "required key is missing") }
            return nil
        }
        checkSafeName(name, nameNode, "\(path).name", &fields)
        if let first = names[name] {
            fields.report(
                nameNode, "\(path).name", "duplicate condition name '\(name)' (first at \(fields.location(first)))",
                hint: "condition names must be unique")
        }
        names[name] = nameNode
        return name
    }

    /// One condition after its name: the preset or layers matched, their weights, the spectrum
    /// term's β and the settings it overrides, each checked (problems go to `fields`).
    static func condition(
        named name: String, _ entries: [String: Node], _ item: Node, _ path: String, _ fields: inout YAMLFields
    ) -> ManifestCondition {
        let preset = entries["preset"].flatMap { fields.string($0, "\(path).preset") }
        if let preset, let presetNode = entries["preset"], (try? LayerPresets.layers(for: preset)) == nil {
            fields.report(
                presetNode, "\(path).preset", "unknown preset '\(preset)'",
                hint: "use gatys2015:<conv1_1|pool1|pool2|pool3|pool4> or wallis2017:<conv1…conv5|powerspec>")
        }
        let layers = entries["layers"].flatMap { fields.strings($0, "\(path).layers") }
        let weights = entries["layer_weights"].flatMap { node in
            fields.sequence(node, "\(path).layer_weights").map {
                $0.enumerated().compactMap { fields.number($1, "\(path).layer_weights[\($0)]") }
            }
        }
        let spectrumWeight = entries["spectrum_weight"].flatMap { fields.number($0, "\(path).spectrum_weight") }
        if let beta = spectrumWeight, !(beta >= 0 && beta.isFinite), let node = entries["spectrum_weight"] {
            fields.report(
                node, "\(path).spectrum_weight", "expected a weight β ≥ 0, got \(beta)",
                hint:
                    "β multiplies ½‖x − P(x)‖² in the model's input units; e.g. 1e6 for vgg19 at 256² (see the README)"
            )
        }
        checkLayerChoice(preset: preset, layers: layers, weights: weights, entries, item, path, &fields)
        return ManifestCondition(
            name: name, preset: preset, layers: layers, layerWeights: weights, spectrumWeight: spectrumWeight,
            settings: settings(entries, path, &fields), mark: fields.mark(item), keyPath: path)
    }

    /// Preset and layers exclude each other; layer weights are not all 0 and there is one per layer.
    static func checkLayerChoice(
        preset: String?, layers: [String]?, weights: [Double]?, _ entries: [String: Node], _ item: Node,
        _ path: String, _ fields: inout YAMLFields
    ) {
        if preset != nil && entries["layers"] != nil {
            fields.report(item, path, "give either preset or layers, not both")
        }
        if let weights, !weights.isEmpty, weights.allSatisfy({ $0 == 0 }) {
            fields.report(
                entries["layer_weights"], "\(path).layer_weights",
                "every weight is 0, so the condition matches no statistics",
                hint: "give at least one layer a positive weight, e.g. 1")
        }
        if let weights,
            weights.count
                != (layers?.count ?? preset.flatMap { try? LayerPresets.layers(for: $0) }?.count ?? weights.count)
        {
            fields.report(
                entries["layer_weights"], "\(path).layer_weights",
                "\(weights.count) weights for \(layers?.count ?? 0) layers", hint: "give one weight per layer")
        }
    }
}
