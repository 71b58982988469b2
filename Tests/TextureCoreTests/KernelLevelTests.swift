// KernelLevelTests: the kernel level (TEXSTIM_KERNEL, ProductKernel.machine) and the AVX2 code against the AVX-512 code.

import Foundation
import Testing
import TextureCore

@Suite struct KernelLevelTests {
    /// Unset, the process runs the CPU's best kernel; set to a value this CPU has, that one.
    /// (The refusal of a bad value is the command line's: TexstimCLITests.KernelEnvironmentTests.)
    @Test func machineFollowsTheCPUAndTheEnvironment() {
        let value = ProcessInfo.processInfo.environment[ProductKernel.environmentVariable] ?? ""
        if value.isEmpty {
            #expect(ProductKernel.machine == ProductKernel.cpuBest)
            #expect(ProductKernel.environmentProblem == nil)
        } else if let problem = ProductKernel.environmentProblem {
            #expect(ProductKernel.machine == ProductKernel.cpuBest)
            #expect(problem.contains("\(ProductKernel.environmentVariable)=\(value)"))
        } else {
            #expect(ProductKernel.machine.environmentValue == value)
        }
        #expect(ProductKernel.ownKernels.allSatisfy { $0 != .openBLAS })
        #expect(ProductKernel.ownKernels.first == (ProductKernel.cpuBest == .openBLAS ? nil : ProductKernel.cpuBest))
    }

    /// Both kernels sum each element of C by the same chain of fused multiply–adds, so they
    /// give the same bits, whichever blocks (6 × 64 against 6 × 16) and order compute it.
    @Test(.enabled(if: ProductKernel.cpuBest == .avx512, "needs AVX-512F to compare with AVX2"),
          arguments: [(1, 1, 1), (31, 37, 9), (23, 250, 40), (512, 16, 300), (40, 2100, 64), (11, 56, 17)])
    func avx2ProductsAreBitwiseTheAVX512Products(m: Int, n: Int, k: Int) {
        for transposeA in [false, true] {
            let (rowsA, columnsA) = transposeA ? (k, m) : (m, k)
            let a = randomTensor(Shape(1, rowsA, columnsA), seed: 95).data
            let b = randomTensor(Shape(1, k, n), seed: 96).data
            var results: [[Float]] = []
            for kernel in [ProductKernel.avx512, .avx2] {
                var c = [Float](repeating: .nan, count: m * n)
                ProductKernel.product(kernel: kernel, transposeA: transposeA, m: m, n: n, k: k, a: a, lda: columnsA,
                                      b: b, ldb: n, c: &c, ldc: n)
                results.append(c)
            }
            #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern), "transposeA \(transposeA)")
        }
    }

    /// The AVX2 transforms are compiled with FMA, and Clang fuses in the same places as in the
    /// AVX-512 code: a whole Winograd layer (forward with ReLU, backward with the fused mask)
    /// gives the same bits at both levels, so a stimulus made with TEXSTIM_KERNEL=avx2 reproduces
    /// bit for bit on an AVX-512 machine. Sizes cover the transforms' edge paths.
    @Test(.enabled(if: ProductKernel.cpuBest == .avx512, "needs AVX-512F to compare with AVX2"),
          arguments: [(8, 5, 9, 7), (16, 24, 70, 30), (8, 8, 6, 24), (8, 8, 5, 28), (8, 8, 16, 17)])
    func avx2LayerIsBitwiseTheAVX512Layer(inChannels: Int, outChannels: Int, height: Int, width: Int) {
        let conv = LayerTests.layer(inChannels, outChannels, kernel: 3, padding: 1, seed: 97)
        let input = randomTensor(Shape(inChannels, height, width), seed: 98)
        let dOutput = randomTensor(conv.outputShape(for: input.shape), seed: 99)
        var outputs: [[Float]] = [], gradients: [[Float]] = []
        for products in [ProductKernel.avx512, .avx2] {
            let algorithm = WinogradConvolution(products: products)
            var output = Tensor(conv.outputShape(for: input.shape))
            algorithm.forward(conv, input: input, output: &output, relu: true, scratch: ScratchBuffer(), threads: 2)
            var dInput = Tensor(input.shape)
            algorithm.backward(conv, dOutput: dOutput, reluOutput: output,
                               dInput: &dInput, accumulate: false, scratch: ScratchBuffer(), threads: 2)
            outputs.append(output.data)
            gradients.append(dInput.data)
        }
        #expect(outputs[0].map(\.bitPattern) == outputs[1].map(\.bitPattern))
        #expect(gradients[0].map(\.bitPattern) == gradients[1].map(\.bitPattern))
    }
}
