// ManifestTemplate+Text: the manifest text `texstim init` writes, every key commented for a new user.

import Foundation

extension ManifestTemplate {
    /// The manifest for `images` (paths as found in `folder`), to be saved at `manifestPath`:
    /// source paths are written relative to the manifest's folder, as the reader resolves them;
    /// the images in `greyImages` get `grey: true`.
    public static func render(
        folder: String, images: [String], manifestPath: String, greyImages: Set<String> = []
    ) -> String {
        let manifestFolder = (manifestPath as NSString).deletingLastPathComponent
        let ids = sourceIDs(for: images)
        let idWidth = (ids.map(\.count).max() ?? 0) + 1
        let sources = zip(ids, images).map { id, image in
            let path = FileLocator.relativePath(of: image, from: manifestFolder.isEmpty ? "." : manifestFolder)
            let grey = greyImages.contains(image) ? ", grey: true" : ""
            return "  - {id: \(padded(id + ",", idWidth)) path: \(quoted(path))\(grey)}"
        }
        let name = cleanID(URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent)
        return header(folder: folder, count: images.count, name: name, manifestPath: manifestPath)
            + body(name: name) + sources.joined(separator: "\n") + "\n" + footer
    }

    /// `text` followed by spaces up to `width` characters (never cut).
    static func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    static func header(folder: String, count: Int, name: String, manifestPath: String) -> String {
        """
        # A texstim manifest: which textures to synthesise, how, and how many (written by `texstim init`).
        # \(count) source image\(count == 1 ? "" : "s") from \(folder) × 3 conditions × 2 samples = \(count * 6) stimuli.
        #   texstim plan \(manifestPath)        # the jobs and the estimated CPU time; runs nothing
        #   texstim run \(manifestPath)         # synthesises, then validates the set
        # Every key is checked before any work starts: a misspelt key is an error, never ignored.
        # Paths are relative to this file. Details: the README's "The manifest" section.

        """
    }

    static func body(name: String) -> String {
        """
        version: 1                 # manifest format version (always 1 for now)
        name: \(padded(name, 20)) # the set's name: letters, digits, '-', '_', '.'; output goes to stimuli/<name>
        seed: 1                    # set seed (integer ≥ 0); each stimulus's seed is derived from it, the source id
                                   # and the sample, so the same manifest gives the same pixels; change it for a new set
        # output: stimuli/other    # optional: another output folder (relative, inside the current directory)
        defaults:                  # settings for every condition; a condition may override any of them
          model: random-pyramid    # random-pyramid (embedded, runs offline; NOT the paper's model),
                                   # vgg19 (Gatys et al. 2015; needs weights, see the README), vgg19-random
          # weights: ../weights/vgg19.safetensors   # vgg19 only: the weights file, relative to this file
          size: 128                # the source's centre square, resized to size × size pixels (bicubic)
          # crop: true             # false: resize the whole source without cropping to a square
          # output_size: 256       # synthesise at another side than the source's prepared size
          iterations: 200          # L-BFGS-B iterations per stimulus (the paper used 1000 with vgg19)
          histogram_match: true    # match each channel's histogram to the source's after synthesis
          # grey: true             # synthesise grey-level stimuli (from the source's luma)
          bit_depth: 8             # PNG bit depth: 8, or 16 for high-bit displays
          init: shared             # shared: all conditions of one sample start from the same noise;
                                   # per-condition: each condition gets its own noise
          # stopping: {window: 50, relative_change: 0.001}   # stop early once the loss stops falling
        sources:                   # the source textures: a clean id (used in file names) and the image's path;
                                   # grey: true (set for grey images) synthesises that source grey in every condition

        """
    }

    static let footer = """
        conditions:                # which texture statistics are matched: Gram matrices of these layers,
                                   # finer scales only (fine) up to coarser ones (full)
          - {name: fine, layers: [level0, level1]}
          - {name: medium, layers: [level0, level1, level2]}
          - {name: full, layers: [level0, level1, level2, level3]}
          # with model vgg19, e.g. {name: pool2, preset: "gatys2015:pool2"} (presets: see the README)
        samples: 2                 # syntheses per source × condition (different seeds)
        # postprocess: {equalize: {mean_luminance: 0.45, rms_contrast: 0.25, clipping: fail}}   # equal luminance and
                                   # contrast for every stimulus, after histogram matching
        # postprocess: {window: {shape: circle, ramp: 16, background: mean}}   # fade into a grey surround through
                                   # a circular aperture (half the side) with a 16 px raised-cosine edge
        # validate: {copy_correlation: {warn: 0.85, fail: 0.95}}   # thresholds of `texstim validate`'s checks

        """
}
