// StimulusRecord: the versioned provenance of one stimulus (PNG iTXt chunk and sidecar JSON).
//
// The PNG carries the record without `timing`, so equal inputs give byte-identical PNGs; the
// sidecar JSON carries all of it. Keys are snake_case and sorted.

import Foundation
import TextureCore

public struct StimulusRecord: Codable, Sendable, Equatable {
    public static let currentFormatVersion = 1

    public struct Tool: Codable, Sendable, Equatable {
        public var name = "texstim"
        public var version = ToolVersion.current
    }

    public struct Source: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var width: Int
        public var height: Int
        public var bitDepth: Int
    }

    public struct Preparation: Codable, Sendable, Equatable {
        /// Centre-square crop and resize to size × size, when a size was asked for.
        public var size: Int?
        public var crop: String
        public var resizeFilter: String
        public var grey: Bool
        public var greyConversion: String?
        public var modelInput: String
    }

    public struct Model: Codable, Sendable, Equatable {
        public var name: String
        public var weightsPath: String?
        public var weightsSha256: String?
    }

    public struct Optimizer: Codable, Sendable, Equatable {
        public var algorithm = "L-BFGS-B 3.0 (Nocedal; Debian liblbfgsb)"
        public var memory: Int
        public var maxIterations: Int
        public var factr: Double
        public var pgtol: Double
        public var boundsLower: Double
        public var boundsUpper: Double
        public var start: String
        public var variable: String
    }

    public struct Losses: Codable, Sendable, Equatable {
        public var initial: LossBreakdown
        public var final: LossBreakdown
        public var afterHistogramMatching: LossBreakdown?
    }

    public struct Postprocessing: Codable, Sendable, Equatable {
        public var histogramMatch: Bool
        public var clampedFraction: Double
    }

    public struct Output: Codable, Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var channels: Int
        public var bitDepth: Int
    }

    public struct Machine: Codable, Sendable, Equatable {
        public var cpu: String
        public var blasCore: String
        public var blasThreads: Int
        public var threads: Int
    }

    public struct Timing: Codable, Sendable, Equatable {
        public var seconds: Double
        public var secondsPerIteration: Double
        public var created: String
    }

    public var recordFormatVersion = currentFormatVersion
    public var tool = Tool()
    public var source: Source
    public var preparation: Preparation
    public var model: Model
    public var layers: [LayerTerm]
    public var seed: UInt64
    public var optimizer: Optimizer
    public var iterations: Int
    public var evaluations: Int
    public var stopReason: String
    public var loss: Losses
    public var postprocessing: Postprocessing
    public var output: Output
    public var machine: Machine
    public var timing: Timing?

    /// Pretty, sorted-key, snake_case JSON.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> StimulusRecord {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(StimulusRecord.self, from: Data(text.utf8))
    }
}

public enum ToolVersion {
    public static let current = "0.1.0"
}
