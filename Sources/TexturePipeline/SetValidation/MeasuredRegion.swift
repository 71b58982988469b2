// MeasuredRegion: where validation measures a stimulus: the whole image, or an aperture's plateau.
//
// A windowed stimulus is texture on its plateau (weight 1), a ramp, and a flat background that
// says nothing about the synthesis: measured over the whole image, the surround would pile the
// histogram at the background grey, lower the contrast and add the window's own edge to the
// spectrum. So the pixel statistics (luminance, contrast, clipping, histogram, chroma, the
// duplicate correlation) are taken over the plateau's pixels, copied patches are looked for
// among the patches wholly inside it, and the spectrum and the Gram loss over the largest
// centred box inside it (a square for a circle, the plateau itself for a rectangle), whose
// spectrum is compared with that of a box of the same size from the source's centre (amplitudes
// per pixel depend on the number of pixels, so equal boxes compare fairly).

import TextureCore
import TextureSynthesis

struct MeasuredRegion {
    /// The plateau, row-major (nil: the whole image).
    var plateau: [Bool]?
    var top: Int, left: Int, height: Int, width: Int

    init(window: ApertureWindow?, height imageHeight: Int, width imageWidth: Int) {
        (top, left, height, width) = (0, 0, imageHeight, imageWidth)
        guard let window else { return }
        let plateau = window.plateau(height: imageHeight, width: imageWidth)
        self.plateau = plateau
        func inside(_ y: Int, _ x: Int) -> Bool { plateau[y * imageWidth + x] }
        switch window.shape {
        case .rectangle:
            // The plateau of a rectangle is a rectangle: its bounding box.
            let rows = (0..<imageHeight).filter { y in (0..<imageWidth).contains { inside(y, $0) } }
            let columns = (0..<imageWidth).filter { x in (0..<imageHeight).contains { inside($0, x) } }
            (top, left) = (rows.first ?? 0, columns.first ?? 0)
            (height, width) = (rows.count, columns.count)
        case .circle:
            // The largest centred square whose four corner pixels (hence all) lie on the disc.
            var side = min(imageHeight, imageWidth)
            while side > 0 {
                let (y0, x0) = ((imageHeight - side) / 2, (imageWidth - side) / 2)
                let (y1, x1) = (y0 + side - 1, x0 + side - 1)
                if inside(y0, x0) && inside(y0, x1) && inside(y1, x0) && inside(y1, x1) { break }
                side -= 1
            }
            (top, left) = ((imageHeight - side) / 2, (imageWidth - side) / 2)
            (height, width) = (side, side)
        }
    }

    /// The plateau's pixels as a (C, 1, n) image (the pixel statistics do not look at positions);
    /// the image itself without a window.
    func inside(_ pixels: Tensor) -> Tensor {
        guard let plateau else { return pixels }
        let m = pixels.shape.positions
        let kept = plateau.indices.filter { plateau[$0] }
        var data: [Float] = []
        data.reserveCapacity(kept.count * pixels.shape.channels)
        for c in 0..<pixels.shape.channels { for i in kept { data.append(pixels.data[c * m + i]) } }
        return Tensor(Shape(pixels.shape.channels, 1, kept.count), data: data)
    }

    /// The box, (C, height, width).
    func box(_ pixels: Tensor) -> Tensor {
        guard plateau != nil else { return pixels }
        return Self.crop(pixels, top: top, left: left, height: height, width: width)
    }

    /// A centred box of this region's size (at most the image's) from `image`: the source's
    /// counterpart of the stimulus's box.
    func centreBox(_ image: Tensor) -> Tensor {
        guard plateau != nil else { return image }
        let (h, w) = (min(height, image.shape.height), min(width, image.shape.width))
        return Self.crop(
            image, top: (image.shape.height - h) / 2, left: (image.shape.width - w) / 2, height: h, width: w)
    }

    static func crop(_ image: Tensor, top: Int, left: Int, height: Int, width: Int) -> Tensor {
        var result = Tensor(Shape(image.shape.channels, height, width))
        for c in 0..<image.shape.channels {
            for y in 0..<height {
                for x in 0..<width { result[c, y, x] = image[c, top + y, left + x] }
            }
        }
        return result
    }
}
