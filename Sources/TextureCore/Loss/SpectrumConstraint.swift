// SpectrumConstraint: Liu, Gousseau & Xia (2016)'s Fourier-spectrum term, its value and gradient.
//
// Liu et al., "Texture synthesis through convolutional neural networks and spectrum constraints"
// (ICPR 2016, arXiv 1605.01141); Wallis et al. (2017, J. Vision)'s "powerspec" model. Gram
// matrices average over positions and so lose large-scale regularity (brick courses, boards);
// the Fourier modulus keeps it.
//
// Key: C channels taken (3 colour, 1 grey), H × W image, ξ a frequency. x and u are the model's
// inputs (preprocessed, (3, H, W)) of the candidate and of the source, at the same size.
//   X_c = F(x_c), U_c = F(u_c), S(ξ) = Σ_c X_c(ξ) conj(U_c(ξ)), φ(ξ) = arg S(ξ)
//   P(x)_c = F⁻¹(U_c · e^{iφ})  — the image with u's modulus closest to x (one phase shift
//                                  shared by the channels, which keeps u's colour relations)
//   E_spec = ½ ‖x − P(x)‖²  (summed over the C channels and all positions)
//   loss β E_spec, gradient ∂(β E_spec)/∂x = β (x − P(x))
// The gradient of half the squared distance to a closed set is x minus the projection wherever
// the projection is unique, i.e. wherever S(ξ) ≠ 0: no approximation. Where S(ξ) = 0 every
// phase is nearest; texstim takes φ = 0 there (deterministic).
// Grey: C = 1, the first channel of x (the model sees three copies of one grey plane, up to its
// per-channel preprocessing, so one channel carries the whole image).

/// The spectrum term for one source at one size. Holds scratch buffers: one instance per thread.
public final class SpectrumConstraint {
    /// β, the term's weight in the total loss.
    public let weight: Double
    /// Channels taken from the input: 3 (colour) or 1 (grey, the first channel).
    public let channels: Int
    public let height: Int
    public let width: Int
    let transform: RealFFT2D
    /// U_c, the source's half spectra, one per channel.
    let target: [FFTBuffer]
    let real: FFTBuffer
    /// X_c, overwritten by U_c e^{iφ} and then by the inverse transform.
    let spectra: [FFTBuffer]

    /// - Parameters:
    ///   - source: the source as the model's input u, (≥ channels, H, W) row-major.
    ///   - channels: 3, or 1 for grey (the first channel).
    ///   - weight: β ≥ 0.
    public init(source: Tensor, channels: Int, weight: Double) {
        precondition(channels >= 1 && channels <= source.shape.channels)
        self.weight = weight
        self.channels = channels
        height = source.shape.height
        width = source.shape.width
        let transform = RealFFT2D.plan(height: height, width: width)
        self.transform = transform
        real = transform.makeRealBuffer()
        spectra = (0..<channels).map { _ in transform.makeSpectrumBuffer() }
        target = (0..<channels).map { _ in transform.makeSpectrumBuffer() }
        for c in 0..<channels {
            load(source, channel: c)
            transform.forward(real, into: target[c])
        }
    }

    /// Whether an input of this shape can be compared with the source (same H and W).
    public func accepts(_ shape: Shape) -> Bool {
        shape.height == height && shape.width == width && shape.channels >= channels
    }

    /// P(x): the projection of x (≥ channels, H, W) onto the images with the source's modulus,
    /// (channels, H, W).
    public func project(_ x: Tensor) -> Tensor {
        precondition(accepts(x.shape))
        let m = height * width
        var result = Tensor(Shape(channels, height, width))
        projectInPlace(x)
        let scale = 1 / Float(m)
        for c in 0..<channels {
            transform.inverse(spectra[c], into: real)
            for i in 0..<m { result.data[c * m + i] = real.pointer[i] * scale }
        }
        return result
    }

    /// E_spec = ½ ‖x − P(x)‖² (unweighted); with `dInput`, adds β (x − P(x)) into its first
    /// `channels` channels (dInput has x's shape).
    public func evaluate(_ x: Tensor, dInput: UnsafeMutablePointer<Float>? = nil) -> Double {
        precondition(accepts(x.shape))
        let m = height * width
        projectInPlace(x)
        let scale = 1 / Float(m), beta = Float(weight)
        var energy = 0.0
        x.data.withUnsafeBufferPointer { values in
            for c in 0..<channels {
                transform.inverse(spectra[c], into: real)
                let offset = c * m
                for i in 0..<m {
                    let residual = values[offset + i] - real.pointer[i] * scale
                    energy += Double(residual) * Double(residual)
                    if let dInput { dInput[offset + i] += beta * residual }
                }
            }
        }
        return energy / 2
    }

    /// spectra[c] ← U_c e^{iφ} with φ = arg Σ_c X_c conj(U_c), from x's channels.
    private func projectInPlace(_ x: Tensor) {
        for c in 0..<channels {
            load(x, channel: c)
            transform.forward(real, into: spectra[c])
        }
        let bins = height * transform.columns
        for k in 0..<bins {
            // In Double: |X U|² reaches 1e40 for large images in Caffe's units (Float's limit is 3e38).
            var sumRe = 0.0, sumIm = 0.0
            for c in 0..<channels {
                let xr = Double(spectra[c].pointer[2 * k]), xi = Double(spectra[c].pointer[2 * k + 1])
                let ur = Double(target[c].pointer[2 * k]), ui = Double(target[c].pointer[2 * k + 1])
                // X conj(U) = (xr + i xi)(ur − i ui)
                sumRe += xr * ur + xi * ui
                sumIm += xi * ur - xr * ui
            }
            let magnitude = (sumRe * sumRe + sumIm * sumIm).squareRoot()
            let (cosine, sine): (Float, Float) =
                magnitude > 0 ? (Float(sumRe / magnitude), Float(sumIm / magnitude)) : (1, 0)
            for c in 0..<channels {
                let ur = target[c].pointer[2 * k], ui = target[c].pointer[2 * k + 1]
                spectra[c].pointer[2 * k] = ur * cosine - ui * sine
                spectra[c].pointer[2 * k + 1] = ur * sine + ui * cosine
            }
        }
    }

    private func load(_ tensor: Tensor, channel c: Int) {
        let m = height * width
        tensor.data.withUnsafeBufferPointer { values in
            for i in 0..<m { real.pointer[i] = values[c * m + i] }
        }
    }
}
