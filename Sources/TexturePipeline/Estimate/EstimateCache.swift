// EstimateCache: the timings `plan` measured and the runs `run` finished, kept per machine and texstim build.
//
// One JSON file per machine key (CPU model, texstim version and commit, product kernel, BLAS
// core) under $XDG_CACHE_HOME/texstim/ (else ~/.cache/texstim/), so nodes of a cluster that share
// a home folder never read each other's figures. It is only a cache: a file that cannot be read,
// is not one, or belongs to another machine is ignored with a warning and rewritten, never an error.

import Foundation
import TextureCore
import TextureImages
import TextureSynthesis

public struct EstimateCache: Codable, Sendable, Equatable {
    public static let currentFormat = 1
    /// Measured runs kept per key (the newest); older ones say little about today's machine.
    static let runsPerKey = 30
    /// A cache is tens of kilobytes; a larger file is not one (and is not read whole).
    static let readLimit = 16 << 20

    /// What changes the speed of the same job: the machine and the build.
    public struct MachineKey: Codable, Sendable, Hashable {
        public var cpu: String
        public var texstimVersion: String
        public var gitCommit: String
        public var productKernel: String
        public var blasCore: String

        public static var current: MachineKey {
            MachineKey(
                cpu: MachineInfo.cpuModel, texstimVersion: ToolVersion.current, gitCommit: ToolVersion.gitCommit,
                productKernel: ProductKernel.machine.rawValue, blasCore: BLAS.coreName)
        }

        /// 16 hex digits of the key's SHA-256: the cache file's name.
        var fileStem: String {
            let text = [cpu, texstimVersion, gitCommit, productKernel, blasCore].joined(separator: "\n")
            return String(SHA256.hex(Data(text.utf8)).prefix(16))
        }
    }

    /// One timed calibration: a loss + gradient evaluation and L-BFGS-B's own work per iteration.
    public struct Calibration: Codable, Sendable, Equatable {
        public var key: EstimateKey
        public var evaluationSeconds: Double
        public var optimizerSecondsPerIteration: Double
        /// ISO 8601 UTC.
        public var measured: String
    }

    /// One finished stimulus's figures, from its sidecar.
    public struct MeasuredRun: Codable, Sendable, Equatable {
        public var key: EstimateKey
        public var job: String
        public var iterationLimit: Int
        public var stopping: StoppingRules
        public var optimizer: OptimizerSettings
        public var iterations: Int
        public var evaluations: Int
        public var seconds: Double
        /// The sidecar's `timing.created` (ISO 8601 UTC).
        public var created: String
    }

    public var format = currentFormat
    public var machine: MachineKey
    public var calibrations: [Calibration] = []
    public var runs: [MeasuredRun] = []

    public init(machine: MachineKey = .current) { self.machine = machine }

    /// $XDG_CACHE_HOME/texstim (an absolute XDG_CACHE_HOME only, as the XDG spec says), else
    /// $HOME/.cache/texstim; nil when neither is set.
    public static func folder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("texstim")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return ((home as NSString).appendingPathComponent(".cache") as NSString).appendingPathComponent("texstim")
    }

    /// The file of `machine`'s cache inside `folder`.
    public static func path(folder: String, machine: MachineKey = .current) -> String {
        (folder as NSString).appendingPathComponent("estimates-\(machine.fileStem).json")
    }

    /// The cache at `path` for `machine`: an empty one when there is no file; an empty one and a
    /// warning when the file cannot be read, is not a cache of this format, or is another machine's.
    public static func load(path: String, machine: MachineKey = .current) -> (cache: EstimateCache, warning: String?) {
        let empty = EstimateCache(machine: machine)
        let ignored = "ignored the estimate cache \(path): "
        let data: Data
        switch RegularFile.read(path: path, limit: readLimit) {
        case .success(let bytes): data = bytes
        case .failure(.missing): return (empty, nil)
        case .failure(let problem): return (empty, ignored + "it cannot be read (\(problem.reason))")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let cache = try? decoder.decode(EstimateCache.self, from: data) else {
            return (
                empty, ignored + "it is not a texstim estimate cache of format \(currentFormat); it will be rewritten"
            )
        }
        guard cache.format == currentFormat, cache.machine == machine else {
            return (
                empty,
                ignored + "it was measured on \(cache.machine.cpu) with texstim \(cache.machine.texstimVersion) "
                    + "(\(cache.machine.gitCommit), \(cache.machine.productKernel), \(cache.machine.blasCore)), "
                    + "not this machine and build; it will be rewritten"
            )
        }
        return (cache, nil)
    }

    /// Writes the cache atomically (a reader sees the old file or the new one), creating the
    /// folder; returns a warning instead of throwing when it cannot.
    public func save(path: String) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        do {
            let data = try encoder.encode(self)
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try ImageFile.writeAtomically(data, to: path)
            return nil
        } catch {
            return "could not write the estimate cache \(path): \(error); the next plan measures again"
        }
    }

    /// The newest calibration of `key`.
    public func calibration(_ key: EstimateKey) -> Calibration? {
        calibrations.last { $0.key == key }
    }

    /// Replaces `key`'s calibration with `calibration`.
    public mutating func store(_ calibration: Calibration) {
        calibrations.removeAll { $0.key == calibration.key }
        calibrations.append(calibration)
    }

    /// Adds the runs not already here (same key, job and creation time), keeping the newest
    /// `runsPerKey` of each key; returns how many were new.
    @discardableResult
    public mutating func add(_ newRuns: [MeasuredRun]) -> Int {
        let known = Set(runs.map { "\($0.key)|\($0.job)|\($0.created)" })
        let fresh = newRuns.filter { !known.contains("\($0.key)|\($0.job)|\($0.created)") }
        runs += fresh
        var kept: [EstimateKey: Int] = [:]
        runs = runs.sorted { $0.created > $1.created }.filter { run in
            kept[run.key, default: 0] += 1
            return kept[run.key]! <= Self.runsPerKey
        }.sorted { $0.created < $1.created }
        return fresh.count
    }
}
