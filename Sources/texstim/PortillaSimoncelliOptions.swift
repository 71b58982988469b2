// PortillaSimoncelliOptions: the options of --model portilla-simoncelli (plenoptic's arguments and the matched groups).

import ArgumentParser
import TextureCore
import TextureSynthesis

/// `--n-scales`, `--n-orientations`, `--spatial-corr-width`, `--statistics`: the Portilla–Simoncelli
/// settings (plenoptic's defaults 4, 4, 7 and all groups); refused with another model.
struct PortillaSimoncelliOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: "portilla-simoncelli: pyramid scales S (each side divisible by 2^S; default 4).")
    var nScales: Int?

    @Option(parsing: .unconditional, help: "portilla-simoncelli: orientations per scale, 2–16 (default 4).")
    var nOrientations: Int?

    @Option(
        parsing: .unconditional,
        help: "portilla-simoncelli: auto-correlation lags W × W, W ≤ side / 2^S (default 7).")
    var spatialCorrWidth: Int?

    @Option(
        help: ArgumentHelp(
            "portilla-simoncelli: the statistic groups to match (plenoptic's names; default all): "
                + PortillaSimoncelliSettings.groupNames.joined(separator: ", ") + ".",
            valueName: "group,…"))
    var statistics: CommaSeparated<String>?

    /// The options given, by name (for the refusal with another model).
    var given: [String] {
        [
            ("--n-scales", nScales != nil), ("--n-orientations", nOrientations != nil),
            ("--spatial-corr-width", spatialCorrWidth != nil), ("--statistics", statistics != nil),
        ].filter(\.1).map(\.0)
    }

    func validate() throws {
        if let names = statistics?.values {
            let groups = PortillaSimoncelliSettings.groupNames
            if let unknown = names.first(where: { !groups.contains($0) }) {
                throw ValidationError(
                    "--statistics: unknown group '\(unknown)'; choose from \(groups.joined(separator: ", ")).")
            }
            if Set(names).count != names.count { throw ValidationError("--statistics: name each group once.") }
        }
    }

    /// The settings for `model` (nil for a network model).
    func settings(for model: ModelName) throws -> PortillaSimoncelliSettings? {
        guard model == .portillaSimoncelli else {
            if let option = given.first {
                throw ValidationError(
                    "\(option) is an option of --model portilla-simoncelli, not of \(model.rawValue).")
            }
            return nil
        }
        return PortillaSimoncelliSettings(
            nScales: nScales ?? PortillaSimoncelliSettings.defaultScales,
            nOrientations: nOrientations ?? PortillaSimoncelliSettings.defaultOrientations,
            spatialCorrWidth: spatialCorrWidth
                ?? PortillaSimoncelliSettings.defaultCorrelationWidth,
            statistics: statistics?.values)
    }
}
