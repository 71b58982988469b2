// Bench: `texstim bench` — seconds per loss + gradient evaluation by size and cutoff.

import ArgumentParser
import Foundation
import TextureCore
import TexturePipeline
import TextureSynthesis

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark loss + gradient evaluations (vgg19 cutoffs, the embedded model, portilla-simoncelli).",
        discussion: exitCodesHelp)

    @Option(help: ArgumentHelp("Comma-separated image sides, each 16 to 4096.", valueName: "side,…"))
    var sizes = CommaSeparated<Int>([128, 256, 512])

    @Option(parsing: .unconditional, help: "Compute threads.")
    var threads: Int = 2

    @Option(help: ArgumentHelp("Comma-separated convolution algorithms to time.", valueName: "direct,winograd"))
    var conv = CommaSeparated<ConvolutionChoice>(ConvolutionChoice.allCases)

    @Option(parsing: .unconditional, help: "Timed evaluations per case (median reported).")
    var repeats: Int = 5

    @Option(help: ArgumentHelp("Only these models or cutoffs, e.g. vgg19-random,pool2,portilla-simoncelli "
                               + "(a network case needs its model and its cutoff named), or gram (the Gram "
                               + "matrices by ssyrk and by texstim's kernel), or iteration (one L-BFGS-B "
                               + "iteration against one evaluation, in a pool4 synthesis at the largest size; "
                               + "only when named).",
                               valueName: "name,…"))
    var only: CommaSeparated<String>?

    @Option(help: LBFGSBImplementation.help)
    var lbfgsb: LBFGSBImplementation = .default

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard sizes.values.allSatisfy({ $0 >= 16 && $0 <= 4096 }) else {
            throw ValidationError("--sizes must be a comma-separated list of sides from 16 to 4096.")
        }
        if repeats < 5 { throw ValidationError("--repeats must be at least 5.") }
        if threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    /// One table row: the first and third columns left-aligned, the others right-aligned.
    func row(_ cells: [String]) -> String {
        let widths = [19, 5, 11, 9, 9, 9, 8, 8, 8]
        return zip(cells, widths).enumerated().map { index, pair in
            let padding = String(repeating: " ", count: max(0, pair.1 - pair.0.count))
            return [0, 2, 3].contains(index) ? pair.0 + padding : padding + pair.0
        }.joined(separator: " ")
    }

    func run() throws {
        if !json { print(row(["model", "size", "cutoff", "conv", "s/eval", "spread", "GFLOP", "GFLOP/s", "peak MB"])) }
        let report = try Benchmark.run(sizes: sizes.values, threads: threads, convolutions: conv.values,
                                        repeats: repeats, only: only?.values, optimizerCode: lbfgsb) { result in
            guard !json else { return }
            print(self.row([result.model, "\(result.size)", result.cutoff, result.convolution,
                            String(format: "%.4f", result.medianSeconds),
                            String(format: "%.4f", result.maxSeconds - result.minSeconds),
                            String(format: "%.2f", result.gflopPerEvaluation),
                            String(format: "%.1f", result.gflopPerSecond),
                            String(format: "%.0f", result.peakResidentMB)]))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            for gram in report.gram {
                let own = gram.productKernelSeconds.map {
                    String(format: "%.2f ms (%.0f GFLOP/s)", $0 * 1e3, gram.gflop / $0)
                }
                print(String(format: "Gram %@ (%d × %d): ssyrk %.2f ms (%.0f GFLOP/s), product kernel %@",
                             gram.layer, gram.channels, gram.positions, gram.ssyrkSeconds * 1e3,
                             gram.gflop / gram.ssyrkSeconds, own ?? "not on this CPU"))
            }
            if let it = report.iteration {
                print(String(format: "L-BFGS-B iteration (%@ %d² %@, %@, %@'s L-BFGS-B, iterations %d–%d): %.3f s = "
                             + "%.2f× one evaluation (%.3f s); %.2f evaluations and %.1f ms of L-BFGS-B's own work "
                             + "per iteration",
                             it.model, it.size, it.cutoff, it.convolution, it.lbfgsb, it.firstIteration, it.lastIteration,
                             it.iterationSeconds, it.ratio, it.evaluationSeconds, it.evaluationsPerIteration,
                             it.optimizerSecondsPerIteration * 1e3))
            }
            print(String(format: "cblas_sgemm %.1f GFLOP/s (2048³) · BLAS core %@ · Winograd products %@ · "
                         + "%d threads · %@",
                         report.sgemmGflopPerSecond, report.blasCore, report.winogradProducts, report.threads,
                         report.cpu))
        }
        printWarnings(report.warnings)
    }
}
