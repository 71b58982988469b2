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
        return ComplexPlane(height: plane.height, width: plane.width, interleaved: fft.inverse(plane.interleaved).map { $0 * scale })
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

    private static func rolled(_ plane: ComplexPlane, rows: Int, columns: Int) -> ComplexPlane {
        var out = ComplexPlane(zeros: plane.height, plane.width)
        for y in 0..<plane.height {
            let row = (y + rows) % plane.height
            for x in 0..<plane.width { out[row, (x + columns) % plane.width] = plane[y, x] }
        }
        return out
    }
}
