// SynthesisError: errors of the synthesis layer (bad sizes, layers, images), each with a hint.

import TextureCore

public enum SynthesisError: Error, Equatable, CustomStringConvertible {
    case model(TextureCoreError)
    case invalidSetting(name: String, value: String, hint: String)
    case cancelled

    public var description: String {
        switch self {
        case .model(let error): return error.description
        case .invalidSetting(let name, let value, let hint): return "\(name): invalid value '\(value)'. Hint: \(hint)"
        case .cancelled: return "synthesis was interrupted"
        }
    }
}
