// TextureCoreError: every error the numeric core reports, each with the file, the field and a hint.

public enum TextureCoreError: Error, Equatable, CustomStringConvertible {
    case weightsFileMissing(path: String)
    case weightsFileUnreadable(path: String, reason: String)
    case weightsMalformed(path: String, detail: String)
    case weightsTensorMissing(path: String, tensor: String)
    case weightsShapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    case weightsDtypeUnsupported(path: String, tensor: String, dtype: String)
    case weightsMetadataInvalid(path: String, key: String, value: String, allowed: [String])
    case unknownLayer(String, model: String, available: [String])
    case noLayers(model: String)
    case unknownPreset(String)
    case unknownModel(String)
    case inputTooSmall(side: Int, minimum: Int, layers: [String])
    // Last, so that the cases before keep their tags in builds that were not redone.
    case weightsValuesInvalid(path: String, tensor: String, problem: String)
    /// A model that is not a feature network (portilla-simoncelli) asked for as one.
    case notANetwork(model: String)

    public var description: String {
        switch self {
        case .weightsFileMissing(let path):
            return "\(path): weights file not found. Hint: fetch or import the real VGG-19 "
                + "(`texstim weights fetch vgg19`, `texstim weights import FILE`; see the README), pass --weights FILE, "
                + "or set TEXSTIM_WEIGHTS_DIR; for the random-weights control use --model vgg19-random."
        case .weightsFileUnreadable(let path, let reason):
            return "\(path): cannot read weights file: \(reason)"
        case .weightsMalformed(let path, let detail):
            return "\(path): not a valid safetensors file: \(detail). Hint: re-create it with `texstim weights`."
        case .weightsTensorMissing(let path, let tensor):
            return "\(path): tensor '\(tensor)' is missing. Hint: the file must hold conv1_1.weight … conv5_4.bias."
        case .weightsShapeMismatch(let path, let tensor, let expected, let found):
            return "\(path): tensor '\(tensor)' has shape \(found), expected \(expected)."
        case .weightsDtypeUnsupported(let path, let tensor, let dtype):
            return "\(path): tensor '\(tensor)' has dtype \(dtype); only F32 and F16 are supported."
        case .weightsMetadataInvalid(let path, let key, let value, let allowed):
            return "\(path): __metadata__.\(key) is '\(value)'; expected one of \(allowed.joined(separator: ", "))."
        case .weightsValuesInvalid(let path, let tensor, let problem):
            return
                "\(path): tensor '\(tensor)' is unusable: \(problem). Hint: the file is damaged or was converted wrongly; "
                + "fetch or import the original weights again."
        case .unknownLayer(let layer, let model, let available):
            return
                "unknown layer '\(layer)' for model \(model). Hint: choose from \(available.joined(separator: ", "))."
        case .noLayers(let model):
            return "no layers selected for model \(model). Hint: pass --layers or --preset."
        case .unknownPreset(let text):
            return "unknown preset '\(text)'. Hint: use gatys2015:<conv1_1|pool1|pool2|pool3|pool4> "
                + "or wallis2017:<conv1|conv2|conv3|conv4|conv5|powerspec>."
        case .unknownModel(let name):
            return
                "unknown model '\(name)'. Hint: choose from \(ModelName.allCases.map(\.rawValue).joined(separator: ", "))."
        case .notANetwork(let model):
            return "model \(model) is not a feature network (it matches statistics, not Gram matrices of layers). "
                + "Hint: its synthesis builds a PortillaSimoncelliObjective; use random-pyramid, vgg19 or vgg19-random here."
        case .inputTooSmall(let side, let minimum, let layers):
            return "image side \(side) is too small for layers \(layers.joined(separator: ",")): "
                + "at least \(minimum) pixels are needed. Hint: use a larger --size or shallower layers."
        }
    }
}
