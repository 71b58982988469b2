// FourierPlanes: 2-D DFTs (FFTW, double precision, via TextureCore) and the centring shifts of planes.

import TextureCore

/// The transforms the pyramid uses, with numpy/torch conventions:
/// `fft2` X(k, l) = Σ f(y, x) e^{−2πi (k y / H + l x / W)} (unnormalised, torch's norm="backward"),
/// `ifft2` its inverse with the 1 / (H W) factor; `fftshift` moves frequency 0 from (0, 0) to
/// (H / 2, W / 2) (integer halves), `ifftshift` undoes it (they differ only for odd sides).
enum Fourier {
    static func fft2(_ plane: ComplexPlane) -> ComplexPlane {
        let fft = ComplexFFT2D.plan(height: plane.height, width: plane.width)
        return ComplexPlane(height: plane.height, width: plane.width, interleaved: fft.forward(plane.interleaved))
    }

    static func ifft2(_ plane: ComplexPlane) -> ComplexPlane {
        let fft = ComplexFFT2D.plan(height: plane.height, width: plane.width)
        let scale = 1 / Double(plane.count)
        return ComplexPlane(
            height: plane.height, width: plane.width, interleaved: fft.inverse(plane.interleaved).map { $0 * scale })
    }

    /// out[(y + H/2) mod H, (x + W/2) mod W] = in[y, x] (numpy's fftshift).
    static func fftshift(_ plane: ComplexPlane) -> ComplexPlane {
        rolled(plane, rows: plane.height / 2, columns: plane.width / 2)
    }

    /// out[(y − H/2) mod H, (x − W/2) mod W] = in[y, x] (numpy's ifftshift).
    static func ifftshift(_ plane: ComplexPlane) -> ComplexPlane {
        rolled(plane, rows: plane.height - plane.height / 2, columns: plane.width - plane.width / 2)
    }

    /// The centred spectrum fftshift(fft2(plane)) of a real plane.
    static func centredSpectrum(_ plane: RealPlane) -> ComplexPlane { fftshift(fft2(plane.complex)) }

    /// ifft2(ifftshift(spectrum)): the spatial plane of a centred spectrum.
    static func spatial(_ centredSpectrum: ComplexPlane) -> ComplexPlane { ifft2(ifftshift(centredSpectrum)) }

    // MARK: - Backward (adjoints)
    //
    // A gradient with respect to a complex plane z is G = ∂L/∂Re z + i ∂L/∂Im z, so that
    // dL = Re Σ conj(G) dz. For a complex-linear map A the backward pass is then the adjoint
    // A^H: G_in = A^H G_out. For a real plane embedded as x + 0i the backward keeps Re G; for
    // "Re" it embeds the real gradient as G + 0i.

    /// fft2 is F (unnormalised); its adjoint is F^H = H W · ifft2.
    static func fft2Backward(_ dOut: ComplexPlane) -> ComplexPlane { ifft2(dOut).scaled(by: Double(dOut.count)) }

    /// ifft2 is F^H / (H W); its adjoint is F / (H W).
    static func ifft2Backward(_ dOut: ComplexPlane) -> ComplexPlane { fft2(dOut).scaled(by: 1 / Double(dOut.count)) }

    /// Backward of `centredSpectrum` (real x ↦ fftshift(fft2(x))): Re fft2ᴴ(ifftshift(G)).
    static func centredSpectrumBackward(_ dSpectrum: ComplexPlane) -> RealPlane {
        fft2Backward(ifftshift(dSpectrum)).real
    }

    /// Backward of fftshift(fft2(z)) for a complex z: fft2ᴴ(ifftshift(G)).
    static func complexSpectrumBackward(_ dSpectrum: ComplexPlane) -> ComplexPlane {
        fft2Backward(ifftshift(dSpectrum))
    }

    /// Backward of `spatial` (S ↦ ifft2(ifftshift(S))): fftshift(ifft2ᴴ(G)).
    static func spatialBackward(_ dOut: ComplexPlane) -> ComplexPlane { fftshift(ifft2Backward(dOut)) }

    private static func rolled(_ plane: ComplexPlane, rows: Int, columns: Int) -> ComplexPlane {
        var out = ComplexPlane(zeros: plane.height, plane.width)
        for y in 0..<plane.height {
            let row = (y + rows) % plane.height
            for x in 0..<plane.width { out[row, (x + columns) % plane.width] = plane[y, x] }
        }
        return out
    }
}
