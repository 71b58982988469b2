// Benchmark: seconds per loss + gradient evaluation by size and cutoff (texstim bench).

import Foundation
import TextureCore
import TextureSynthesis

public struct BenchmarkRow: Codable, Sendable {
    public var model: String
    public var size: Int
    public var cutoff: String
    /// The convolution algorithm (`direct` or `winograd`).
    public var convolution: String
    public var medianSeconds: Double
    public var minSeconds: Double
    public var maxSeconds: Double
    public var gflopPerEvaluation: Double
    public var gflopPerSecond: Double
    public var peakResidentMB: Double
}

public struct BenchmarkReport: Codable, Sendable {
    public var cpu: String
    public var blasCore: String
    /// What computes the Winograd path's matrix products here (ProductKernel.machine).
    public var winogradProducts: String
    public var threads: Int
    public var sgemmGflopPerSecond: Double
    public var rows: [BenchmarkRow]
    /// The five Gatys layers' Gram matrices at the largest size, ssyrk against the product kernel.
    public var gram: [GramBenchmarkRow]
    /// One L-BFGS-B iteration against one evaluation at the largest size (IterationBenchmark).
    public var iteration: IterationBenchmark?
    /// OpenBLASCheck's warning, if any.
    public var warnings: [String]
}

public enum Benchmark {
    public static let cutoffs = ["conv1_1", "pool1", "pool2", "pool3", "pool4"]

    /// Times vgg19-random (the same cost as vgg19) to each Gatys cutoff with each convolution
    /// algorithm, and the embedded model, at each size: `warmups` untimed evaluations, then the
    /// median of `repeats`. GFLOP/s always counts direct-convolution FLOPs, so the algorithms
    /// compare by time.
    /// Then portilla-simoncelli (plenoptic's defaults, a grey plane; one thread, FFTW) at each size.
    /// Then the Gram matrices of the five Gatys layers at the largest size (`gram`). Only when
    /// `only` names it (it runs a 45-iteration synthesis): one L-BFGS-B iteration against one
    /// evaluation at that size (`iteration`). `only` (names of models or cutoffs, `gram` or
    /// `iteration`) restricts the cases; nil: all but `iteration`.
    public static func run(
        sizes: [Int], threads: Int, convolutions: [ConvolutionChoice] = ConvolutionChoice.allCases,
        repeats: Int = 5, warmups: Int = 3, only: [String]? = nil,
        optimizerCode: LBFGSBImplementation = .default, report: (BenchmarkRow) -> Void = { _ in }
    ) throws(PipelineError) -> BenchmarkReport {
        let sgemm = sgemmRate(threads: threads)
        let vgg = VGG19Weights.random(seed: ModelCatalog.defaultRandomWeightsSeed)
        let pyramid = RandomPyramid()
        var rows: [BenchmarkRow] = []
        for size in sizes {
            let source = noiseSource(side: size)
            var cases: [(any TextureModel, String, [String], ConvolutionChoice, SpectrumSetting?)] = []
            for convolution in convolutions {
                cases += cutoffs.map { cutoff in
                    (
                        vgg, cutoff,
                        Array(LayerPresets.gatysReferenceLayers.prefix(through: cutoffs.firstIndex(of: cutoff)!)),
                        convolution, nil
                    )
                }
                // wallis2017:powerspec: pool4 plus the spectrum term (3 forward + 3 inverse FFTs).
                cases.append(
                    (
                        vgg, "pool4+spectrum", LayerPresets.gatysReferenceLayers, convolution,
                        SpectrumSetting(weight: LayerPresets.powerspecSpectrumWeight, grey: false)
                    ))
            }
            // The pyramid's 5×5 filters on 3 channels run as im2col either way, but with `winograd`
            // their products and the Gram gradient use the machine's ProductKernel.
            for convolution in convolutions {
                cases.append(
                    (pyramid, "all levels", pyramid.defaultLayers(sourceShape: source.shape), convolution, nil))
                cases.append(
                    (
                        pyramid, "levels+spectrum", pyramid.defaultLayers(sourceShape: source.shape), convolution,
                        SpectrumSetting(weight: 0.01, grey: false)
                    ))
            }
            for (model, cutoff, layers, convolution, spectrum) in cases
            where only.map({ $0.contains(model.name) && $0.contains(cutoff) }) ?? true {
                let row = try time(
                    model: model, cutoff: cutoff, layers: layers, convolution: convolution, source: source,
                    threads: threads, repeats: repeats, warmups: warmups, spectrum: spectrum)
                rows.append(row)
                report(row)
            }
            if only.map({ $0.contains(ModelName.portillaSimoncelli.rawValue) }) ?? true {
                let row = try timePortillaSimoncelli(source: source, repeats: repeats, warmups: warmups)
                rows.append(row)
                report(row)
            }
        }
        let wantsGram = only.map { $0.contains("gram") } ?? true
        let gram = wantsGram ? timeGram(side: sizes.max() ?? 256, threads: threads, repeats: repeats) : []
        var iteration: IterationBenchmark?
        if only?.contains("iteration") == true {
            let convolution = convolutions.contains(.winograd) ? .winograd : convolutions.first ?? .default
            iteration = try timeIteration(
                side: sizes.max() ?? 256, threads: threads, convolution: convolution, code: optimizerCode)
        }
        return BenchmarkReport(
            cpu: MachineInfo.cpuModel, blasCore: BLAS.coreName,
            winogradProducts: ProductKernel.machine.rawValue, threads: threads,
            sgemmGflopPerSecond: sgemm, rows: rows, gram: gram, iteration: iteration,
            warnings: OpenBLASCheck.warning().map { [$0] } ?? [])
    }

    static func time(
        model: any TextureModel, cutoff: String, layers: [String], convolution: ConvolutionChoice, source: Tensor,
        threads: Int, repeats: Int, warmups: Int, spectrum: SpectrumSetting? = nil
    ) throws(PipelineError) -> BenchmarkRow {
        let objective: TextureObjective
        do {
            objective = try TextureObjective(
                model: model, source: source, terms: model.terms(layers: layers), threads: threads,
                convolution: convolution.algorithm, spectrum: spectrum)
        } catch {
            throw .synthesis(error)
        }
        let input = objective.transform.apply(source)
        let clock = ContinuousClock()
        var seconds: [Double] = []
        for run in 0..<(warmups + repeats) {
            let start = clock.now
            _ = objective.lossAndGradient(input: input)
            if run >= warmups { seconds.append((clock.now - start) / .seconds(1)) }
        }
        seconds.sort()
        let median = seconds[seconds.count / 2]
        let flops = model.evaluationFLOPs(input: input.shape, layers: layers)
        return BenchmarkRow(
            model: model.name, size: source.shape.height, cutoff: cutoff, convolution: convolution.rawValue,
            medianSeconds: median,
            minSeconds: seconds.first!, maxSeconds: seconds.last!, gflopPerEvaluation: flops / 1e9,
            gflopPerSecond: flops / 1e9 / median, peakResidentMB: Double(MachineInfo.peakResidentBytes) / 1e6)
    }

    /// One Portilla–Simoncelli loss + gradient evaluation of the source's luma (double precision,
    /// single-threaded FFTW); its FLOPs are not counted (0).
    static func timePortillaSimoncelli(source: Tensor, repeats: Int, warmups: Int) throws(PipelineError) -> BenchmarkRow
    {
        let objective: PortillaSimoncelliObjective
        do { objective = try PortillaSimoncelliObjective(source: source) } catch {
            throw .invalidArgument(name: "--sizes", value: "\(source.shape.height)", hint: error.description)
        }
        let shape = Shape(1, source.shape.height, source.shape.width)
        let x = ImagePreparation.luma(source).data.map(Double.init)
        var gradient = [Double](repeating: 0, count: x.count)
        let clock = ContinuousClock()
        var seconds: [Double] = []
        for run in 0..<(warmups + repeats) {
            let start = clock.now
            _ = objective.lossAndGradient(variable: x, shape: shape, grey: true, gradient: &gradient)
            if run >= warmups { seconds.append((clock.now - start) / .seconds(1)) }
        }
        seconds.sort()
        let median = seconds[seconds.count / 2]
        return BenchmarkRow(
            model: ModelName.portillaSimoncelli.rawValue, size: shape.height, cutoff: "S4 K4 W7",
            convolution: "fft", medianSeconds: median, minSeconds: seconds.first!,
            maxSeconds: seconds.last!, gflopPerEvaluation: 0, gflopPerSecond: 0,
            peakResidentMB: Double(MachineInfo.peakResidentBytes) / 1e6)
    }

    /// cblas_sgemm GFLOP/s on 2048 × 2048 matrices (best of 3) with `threads` threads, split
    /// as texstim splits its own products, for comparison.
    static func sgemmRate(side n: Int = 2048, threads: Int) -> Double {
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<3 {
            let start = clock.now
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        BLAS.parallelSgemm(
                            m: n, n: n, k: n, a: a.baseAddress!, lda: n, b: b.baseAddress!, ldb: n,
                            c: c.baseAddress!, ldc: n, threads: threads)
                    }
                }
            }
            best = min(best, (clock.now - start) / .seconds(1))
        }
        return 2 * pow(Double(n), 3) / best / 1e9
    }
}
