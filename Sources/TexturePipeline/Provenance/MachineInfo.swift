// MachineInfo: the CPU and BLAS facts that decide whether results are bitwise reproducible.

import Foundation
import TextureCore

public enum MachineInfo {
    /// The CPU's model name from /proc/cpuinfo (Linux), else "unknown".
    public static var cpuModel: String { cpuinfoValue("model name") ?? "unknown" }

    /// The value of the first /proc/cpuinfo line whose key starts with `key` (Linux), trimmed;
    /// nil where there is no such file or line.
    static func cpuinfoValue(_ key: String) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        }
        return nil
    }

    /// The machine facts of a run with `convolution` and, for Winograd, the Gram and product
    /// kernels asked for (nil: the defaults); the record says what ran.
    public static func record(
        threads: Int, convolution: ConvolutionChoice, gram: GramKernel? = nil, products: ProductKernel? = nil
    ) -> StimulusRecord.Machine {
        let algorithm = convolution.algorithm(gram: gram, products: products)
        return StimulusRecord.Machine(
            cpu: cpuModel, blasCore: BLAS.coreName, blasThreads: BLAS.threads, threads: threads,
            convolution: convolution,
            winogradProducts: convolution == .winograd ? algorithm.products.rawValue : nil,
            gram: algorithm.gram.resolved(products: algorithm.products))
    }

    /// Peak resident set size of this process in bytes (getrusage; Linux reports KiB).
    public static var peakResidentBytes: Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024
    }

    /// An ISO 8601 UTC timestamp for provenance.
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
