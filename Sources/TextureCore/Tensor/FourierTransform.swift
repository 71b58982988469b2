// FourierTransform: 2-D FFTs through FFTW (real single precision, complex double precision); the only
// file that imports CFFTW.
//
// Not a home-made FFT: FFTW 3 (Debian's libfftw3-dev; `fftwf_*` from libfftw3f for the real
// transforms, `fftw_*` from libfftw3 for the complex double-precision ones, which the
// Portilla–Simoncelli statistics need to agree with plenoptic's float64 values to 1e-4). Plans are made once per size
// and shared by every thread of the process; buffers come from fftwf_malloc.
//
// Threads: in FFTW only the fftwf_execute* functions are thread-safe; the planner is not (it
// keeps global state). So every plan is created under one lock (`RealFFT2D.cache`), kept for the
// life of the process, and executed with the new-array functions (fftwf_execute_dft_r2c/c2r),
// which may run on one plan from many threads at once with different arrays. The new arrays must
// have the alignment of the arrays the plan was made with: both are fftwf_malloc'd
// (`FFTBuffer`), so FFTW's SIMD codelets are always allowed and always the same.
//
// Bits: plans use FFTW_ESTIMATE, a fixed heuristic (no timing measurements, no wisdom), so the
// same size gets the same algorithm in every process and thread, and the same input the same
// output bits. FFTW_MEASURE would pick by timing and could change the last bits between runs.

internal import CFFTW
import Synchronization

/// A float buffer with FFTW's SIMD alignment (fftwf_malloc), freed when the object goes.
/// Not shared between threads: each user owns its own.
public final class FFTBuffer {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        self.count = count
        pointer = fftwf_alloc_real(max(1, count))!
        pointer.initialize(repeating: 0, count: max(1, count))
    }

    deinit { fftwf_free(pointer) }

    var complex: UnsafeMutablePointer<fftwf_complex> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: fftwf_complex.self)
    }
}

/// The real 2-D DFT of one size H × W and its inverse.
///
/// Forward: X(k, l) = Σ_{y, x} f(y, x) e^{−2πi (k y / H + l x / W)} for a real (H, W) row-major
/// image, stored as the half spectrum (H, W/2 + 1) row-major, re and im interleaved
/// (2 · H · (W/2 + 1) floats); the other half is its complex conjugate, X(−k, −l) = conj X(k, l).
/// Inverse: the unnormalised c2r transform, f = (1 / (H W)) · inverse(X) — divide by H W.
public final class RealFFT2D: @unchecked Sendable {
    public let height: Int
    public let width: Int
    /// W / 2 + 1: the columns of the half spectrum.
    public var columns: Int { width / 2 + 1 }
    /// Floats in a half spectrum: 2 · H · (W/2 + 1).
    public var spectrumFloats: Int { 2 * height * columns }
    // Created once under the lock and never destroyed; executing them is thread-safe.
    private let forwardPlan: fftwf_plan
    private let inversePlan: fftwf_plan

    private init(height: Int, width: Int) {
        self.height = height
        self.width = width
        let real = FFTBuffer(count: height * width)
        let spectrum = FFTBuffer(count: 2 * height * (width / 2 + 1))
        // FFTW_ESTIMATE does not touch the arrays while planning; c2r always destroys its input.
        forwardPlan = fftwf_plan_dft_r2c_2d(
            Int32(height), Int32(width), real.pointer, spectrum.complex, texstim_fftw_estimate)!
        inversePlan = fftwf_plan_dft_c2r_2d(
            Int32(height), Int32(width), spectrum.complex, real.pointer,
            texstim_fftw_estimate | texstim_fftw_destroy_input)!
    }

    /// Every plan made so far, by size, and how many times each size was planned (for tests: once);
    /// the lock also serialises FFTW's planner.
    private static let cache = Mutex<(plans: [Int: RealFFT2D], made: [Int: Int])>(([:], [:]))

    /// The transform of size H × W (made on first use, then shared). Sides must be ≥ 1.
    public static func plan(height: Int, width: Int) -> RealFFT2D {
        precondition(height >= 1 && width >= 1 && height <= 1 << 16 && width <= 1 << 16, "FFT size \(height)×\(width)")
        let key = height << 20 | width
        return cache.withLock { cache in
            if let plan = cache.plans[key] { return plan }
            let plan = RealFFT2D(height: height, width: width)
            cache.plans[key] = plan
            cache.made[key, default: 0] += 1
            return plan
        }
    }

    /// How many times a plan of size H × W was made (for tests: plans are reused, not remade).
    /// Counted per size, so tests running in parallel on other sizes do not disturb it.
    public static func timesPlanned(height: Int, width: Int) -> Int {
        cache.withLock { $0.made[height << 20 | width, default: 0] }
    }

    /// A buffer for an (H, W) real image.
    public func makeRealBuffer() -> FFTBuffer { FFTBuffer(count: height * width) }
    /// A buffer for an (H, W/2 + 1) half spectrum, interleaved.
    public func makeSpectrumBuffer() -> FFTBuffer { FFTBuffer(count: spectrumFloats) }

    /// spectrum ← DFT(real); `real` (H · W floats) is left unchanged.
    public func forward(_ real: FFTBuffer, into spectrum: FFTBuffer) {
        precondition(real.count == height * width && spectrum.count == spectrumFloats)
        fftwf_execute_dft_r2c(forwardPlan, real.pointer, spectrum.complex)
    }

    /// real ← H W · DFT⁻¹(spectrum) (unnormalised). Overwrites `spectrum` (FFTW's c2r does).
    public func inverse(_ spectrum: FFTBuffer, into real: FFTBuffer) {
        precondition(real.count == height * width && spectrum.count == spectrumFloats)
        fftwf_execute_dft_c2r(inversePlan, spectrum.complex, real.pointer)
    }
}

/// The complex 2-D DFT of one size H × W in double precision, forward and inverse.
///
/// Data: an (H, W) row-major complex image, re and im interleaved (2 · H · W doubles).
/// Forward: X(k, l) = Σ_{y, x} f(y, x) e^{−2πi (k y / H + l x / W)}.
/// Inverse: the unnormalised backward transform, f = (1 / (H W)) · inverse(X) — divide by H W.
/// Each call copies into FFTW-aligned buffers of its own, so calls may run from many threads at
/// once; plans are made under one lock (FFTW's double-precision planner is not thread-safe either).
public final class ComplexFFT2D: @unchecked Sendable {
    public let height: Int
    public let width: Int
    private let forwardPlan: fftw_plan
    private let inversePlan: fftw_plan

    private init(height: Int, width: Int) {
        self.height = height
        self.width = width
        let input = fftw_alloc_complex(height * width)!, output = fftw_alloc_complex(height * width)!
        defer { fftw_free(input); fftw_free(output) }
        // FFTW_ESTIMATE does not touch the arrays while planning.
        forwardPlan = fftw_plan_dft_2d(
            Int32(height), Int32(width), input, output, texstim_fftw_forward, texstim_fftw_estimate)!
        inversePlan = fftw_plan_dft_2d(
            Int32(height), Int32(width), input, output, texstim_fftw_backward, texstim_fftw_estimate)!
    }

    private static let cache = Mutex<[Int: ComplexFFT2D]>([:])

    /// The transform of size H × W (made on first use, then shared). Sides must be ≥ 1.
    public static func plan(height: Int, width: Int) -> ComplexFFT2D {
        precondition(height >= 1 && width >= 1 && height <= 1 << 16 && width <= 1 << 16, "FFT size \(height)×\(width)")
        let key = height << 20 | width
        return cache.withLock { plans in
            if let plan = plans[key] { return plan }
            let plan = ComplexFFT2D(height: height, width: width)
            plans[key] = plan
            return plan
        }
    }

    /// DFT(data) for 2 · H · W interleaved doubles.
    public func forward(_ data: [Double]) -> [Double] { execute(forwardPlan, data) }

    /// H W · DFT⁻¹(data) (unnormalised) for 2 · H · W interleaved doubles.
    public func inverse(_ data: [Double]) -> [Double] { execute(inversePlan, data) }

    private func execute(_ plan: fftw_plan, _ data: [Double]) -> [Double] {
        let count = height * width
        precondition(data.count == 2 * count, "complex FFT input of \(data.count) doubles for \(height)×\(width)")
        let input = fftw_alloc_complex(count)!, output = fftw_alloc_complex(count)!
        defer { fftw_free(input); fftw_free(output) }
        let inputReals = UnsafeMutableRawPointer(input).assumingMemoryBound(to: Double.self)
        data.withUnsafeBufferPointer { inputReals.update(from: $0.baseAddress!, count: 2 * count) }
        fftw_execute_dft(plan, input, output)
        let outputReals = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Double.self)
        return Array(UnsafeBufferPointer(start: outputReals, count: 2 * count))
    }
}
