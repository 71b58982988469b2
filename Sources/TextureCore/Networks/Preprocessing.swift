// Preprocessing: the per-channel affine map from RGB pixels in [0, 1] to a model's input.

import Foundation

/// Which input convention a model was trained with. Declared by the model (for `vgg19`, by
/// the weights file's `texstim.preprocessing` metadata).
public enum Preprocessing: String, Sendable, Codable, CaseIterable {
    /// The paper's Caffe VGG-19: ×255, RGB→BGR, minus the ImageNet mean (B, G, R) =
    /// (103.939, 116.779, 123.68).
    case caffeBGR = "caffe-bgr"
    /// torchvision's VGG-19: (x − (0.485, 0.456, 0.406)) / (0.229, 0.224, 0.225), RGB.
    case torchvisionRGB = "torchvision-rgb"
    /// The embedded random model: RGB in [0, 1] minus the source image's mean colour.
    case sourceMeanRGB = "source-mean-rgb"

    /// The concrete map for a given source (only `sourceMeanRGB` looks at the source).
    /// - Parameter sourceMean: the source's mean R, G, B in [0, 1].
    public func transform(sourceMean: [Float]) -> InputTransform {
        switch self {
        case .caffeBGR:
            return InputTransform(permutation: [2, 1, 0], scale: [255, 255, 255],
                                  offset: [-103.939, -116.779, -123.68])
        case .torchvisionRGB:
            let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
            return InputTransform(permutation: [0, 1, 2], scale: std.map { 1 / $0 },
                                  offset: (0..<3).map { -mean[$0] / std[$0] })
        case .sourceMeanRGB:
            return InputTransform(permutation: [0, 1, 2], scale: [1, 1, 1], offset: sourceMean.map { -$0 })
        }
    }
}

/// x[c] = p[permutation[c]] · scale[c] + offset[c] for a (3, H, W) RGB image p in [0, 1].
public struct InputTransform: Sendable, Equatable, Codable {
    public var permutation: [Int]
    public var scale: [Float]
    public var offset: [Float]

    public func apply(_ pixels: Tensor) -> Tensor {
        precondition(pixels.shape.channels == 3)
        var output = Tensor(pixels.shape)
        let m = pixels.shape.positions
        for c in 0..<3 {
            let from = permutation[c] * m, to = c * m
            for i in 0..<m { output.data[to + i] = pixels.data[from + i] * scale[c] + offset[c] }
        }
        return output
    }

    /// The inverse map: model input back to RGB pixels (not clamped).
    public func invert(_ input: Tensor) -> Tensor {
        var output = Tensor(input.shape)
        let m = input.shape.positions
        for c in 0..<3 {
            let from = c * m, to = permutation[c] * m
            for i in 0..<m { output.data[to + i] = (input.data[from + i] - offset[c]) / scale[c] }
        }
        return output
    }

    /// ∂L/∂pixels from ∂L/∂input (chain rule through the affine map).
    public func pullBack(_ dInput: Tensor) -> Tensor {
        var output = Tensor(dInput.shape)
        let m = dInput.shape.positions
        for c in 0..<3 {
            let from = c * m, to = permutation[c] * m
            for i in 0..<m { output.data[to + i] = dInput.data[from + i] * scale[c] }
        }
        return output
    }
}
