// EstimateKey: what decides how long one iteration of a job takes, as one readable string.

import Foundation
import TextureCore
import TextureSynthesis

/// Jobs with equal keys cost the same per iteration: the model, its layers (or Portilla–Simoncelli
/// settings), the spectrum term, grey or colour, the stimulus's height × width, the convolution
/// algorithm, the compute threads and L-BFGS-B's memory m. What does not change the speed (seed,
/// source pixels, layer weights, iteration limit, stopping rules, post-processing) is not in it.
public struct EstimateKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public var text: String

    public init(text: String) { self.text = text }

    public init(
        parameters: StimulusParameters, height: Int, width: Int, convolution: ConvolutionChoice, threads: Int
    ) {
        var parts = [parameters.model.rawValue, "\(width)x\(height)", parameters.grey ? "grey" : "colour"]
        if parameters.model.isNetwork {
            parts.append((parameters.layers ?? []).joined(separator: ","))
            if parameters.spectrumWeight != nil { parts.append("spectrum") }
            parts.append(convolution.rawValue)
        } else {
            let settings = parameters.portillaSimoncelli ?? PortillaSimoncelliSettings()
            parts.append(
                "scales \(settings.nScales) orientations \(settings.nOrientations) width \(settings.spatialCorrWidth) "
                    + settings.statistics.joined(separator: ","))
        }
        parts += ["m\(parameters.optimizer.memory)", "\(threads) thread\(threads == 1 ? "" : "s")"]
        text = parts.joined(separator: " ")
    }

    /// The key of the run a stored record describes (nil: a record without parameters or output size).
    public init?(record: StimulusRecord) {
        guard let parameters = try? record.stimulusParameters() else { return nil }
        self.init(
            parameters: parameters, height: record.output.height, width: record.output.width,
            convolution: record.machine.convolution ?? .direct, threads: record.machine.threads)
    }

    public var description: String { text }

    /// Stored as its text: a plain string in the cache file.
    public init(from decoder: any Decoder) throws { text = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
