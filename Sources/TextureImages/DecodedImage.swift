// DecodedImage: the pixels of a decoded image file, with what the decoder noticed on the way.

import TextureCore

/// An image file's pixels as a (C, H, W) tensor in [0, 1] (C = 1 grey or 3 RGB).
public struct DecodedImage: Sendable {
    public var pixels: Tensor
    /// Bits per sample as stored (8 or 16; 1/2/4-bit grey and palettes report 8).
    public var bitDepth: Int
    /// Things the decoder dropped or changed (e.g. an alpha channel), for the user to see.
    public var warnings: [String]
    /// The provenance text stored in the file's iTXt chunk, if any.
    public var text: String?
}
