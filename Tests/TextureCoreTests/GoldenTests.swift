// GoldenTests: a narrow VGG stack against the numpy reference in scripts/make_fixtures.py.
//
// The fixture holds the weights (widths 4, 6, 8, 8, 8), a source and an input (model space,
// (3, 16, 16)), and the reference's activations, Grams, per-layer energies, loss and input
// gradient, all computed in float64. We report the max difference per tensor.

import Foundation
import Testing
import TextureCore

@Suite struct GoldenTests {
    static let fixture = Bundle.module.path(forResource: "golden_vgg", ofType: "safetensors", inDirectory: "Fixtures")!

    /// Max |ours − reference| relative to max |reference|, printed per tensor.
    static func compare(_ name: String, _ ours: [Float], _ reference: [Float], tolerance: Float) {
        let scale = max(maxAbs(reference), 1e-30)
        let difference = maxAbs(zip(ours, reference).map { $0 - $1 })
        print("golden \(name): max |diff| \(difference) (relative \(difference / scale), tolerance \(tolerance))")
        #expect(ours.count == reference.count)
        #expect(difference / scale < tolerance, "\(name)")
    }

    @Test func narrowVGGMatchesTheNumpyReference() throws {
        let file = try SafetensorsFile.read(path: Self.fixture)
        let model = try VGG19Weights.load(path: Self.fixture, architecture: VGGArchitecture(widths: [4, 6, 8, 8, 8]))
        let taps = file.metadata["taps"]!.split(separator: ",").map(String.init)
        let shape = Shape(3, 16, 16)
        let source = Tensor(shape, data: file.tensors["input.source"]!.values)
        let x = Tensor(shape, data: file.tensors["input.x"]!.values)
        let network = model.makeNetwork(input: shape, layers: taps, threads: 2, convolution: Im2ColConvolution())
        let loss = TextureLoss(terms: model.terms(layers: taps), sourceFeatures: network.forward(source))
        let features = network.forward(x)
        var gradients: [Tensor] = []
        let result = loss.evaluate(features, gradients: &gradients)
        for (index, tap) in taps.enumerated() {
            Self.compare("act.\(tap)", features[index].data, file.tensors["expected.act.\(tap)"]!.values, tolerance: 1e-5)
            Self.compare("target_gram.\(tap)", loss.targets[index], file.tensors["expected.target_gram.\(tap)"]!.values, tolerance: 1e-5)
            Self.compare("gram.\(tap)", GramMatrix.compute(features[index]), file.tensors["expected.gram.\(tap)"]!.values, tolerance: 1e-5)
            Self.compare("energy.\(tap)", [Float(result.layers[tap]!)], file.tensors["expected.energy.\(tap)"]!.values, tolerance: 1e-4)
        }
        Self.compare("loss", [Float(result.total)], file.tensors["expected.loss"]!.values, tolerance: 1e-4)
        let dInput = network.backward(featureGradients: gradients)
        Self.compare("input_gradient", dInput.data, file.tensors["expected.input_gradient"]!.values, tolerance: 1e-4)
    }
}
