// ExitStatus: the one exit-code scheme of every texstim command, and which error or verdict maps to which.
//
// 0 success; 1 stimuli failed (a job failed, or validation failed); 2 bad input (manifest,
// arguments, files); 130 interrupted (128 + SIGINT, what a shell reports for Ctrl-C).

import TextureCore
import TextureImages
import TextureSynthesis
import TextureValidation
import TextureWeights

public enum ExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    case stimuliFailed = 1
    case badInput = 2
    case interrupted = 130
}

extension PipelineError {
    /// Only failed jobs and interruption have their own codes: every other error stops the
    /// command before a stimulus is judged, because of what it was given.
    public var exitStatus: ExitStatus {
        switch self {
        case .jobsFailed, .notConverged: return .stimuliFailed
        case .cancelled: return .interrupted
        case .synthesis(let error): return error.exitStatus
        default: return .badInput
        }
    }
}

extension SynthesisError {
    public var exitStatus: ExitStatus { self == .cancelled ? .interrupted : .badInput }
}

extension ManifestError {
    public var exitStatus: ExitStatus { .badInput }
}

extension TextureCoreError {
    public var exitStatus: ExitStatus { .badInput }
}

extension ImageFileError {
    public var exitStatus: ExitStatus { .badInput }
}

extension WeightsError {
    public var exitStatus: ExitStatus { .badInput }
}

extension ExitStatus {
    /// The status for any error a command reports: the library's own mapping, else bad input
    /// (texstim throws nothing else on purpose; an unexpected error is still not a failed stimulus).
    public static func of(_ error: any Error) -> ExitStatus {
        switch error {
        case let error as PipelineError: return error.exitStatus
        case let error as SynthesisError: return error.exitStatus
        case let error as ManifestError: return error.exitStatus
        case let error as TextureCoreError: return error.exitStatus
        case let error as ImageFileError: return error.exitStatus
        case let error as WeightsError: return error.exitStatus
        default: return .badInput
        }
    }
}

extension ReproductionVerdict {
    /// Identical: success; anything else is a stimulus that failed to reproduce.
    public var exitStatus: ExitStatus { self == .identical ? .success : .stimuliFailed }
}

extension ReproductionSummary {
    /// Success only when every stimulus was regenerated identical.
    public var exitStatus: ExitStatus {
        results.map(\.verdict.exitStatus).max { $0.rawValue < $1.rawValue } ?? .success
    }
}

extension WeightsVerdict {
    /// A fingerprint that differs is a bad weights file (bad input); no fingerprint is not an error.
    public var exitStatus: ExitStatus { self == .fingerprintDiffers ? .badInput : .success }
}

extension FindingLevel {
    /// A validation that fails is a failed stimulus; warnings pass.
    public var exitStatus: ExitStatus { self == .fail ? .stimuliFailed : .success }
}
