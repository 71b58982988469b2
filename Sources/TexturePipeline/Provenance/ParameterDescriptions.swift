// ParameterDescriptions: the words provenance's descriptive blocks use for a stimulus's parameters.

extension StimulusParameters {
    /// `optimizer.start`: where the optimisation started.
    var startDescription: String {
        initImage.map { "init image \($0)" } ?? "gaussian noise (source mean and SD per channel)"
    }

    /// `preparation.crop`: how the source was cut before resizing (only with a size).
    var cropDescription: String {
        size == nil ? "none" : (crop ? "centre-square" : "none (whole image resized)")
    }
}
