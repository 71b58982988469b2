// TypedOptionsTests: option values are checked by argument-parser (enums, lists, shards), errors
// end in one exit-code mapping, reproduce's verdicts print and map, and completion knows files.

import Foundation
import Testing
import TextureCore
import TexturePipeline
@testable import texstim

@Suite struct TypedOptionsTests {
    @Test func anInvalidModelExitsWith2AndListsTheModels() throws {
        let folder = try temporaryFolder("model")
        let result = try texstim(["synthesize", pebbles, "--out", folder + "/out.png", "--model", "alexnet"])
        #expect(result.status == 2, "\(result.error)")
        let listing = "Please provide one of 'random-pyramid', 'vgg19', 'vgg19-random' or 'portilla-simoncelli'."
        #expect(result.error.contains("The value 'alexnet' is invalid for '--model <model>'. " + listing), "\(result.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    /// Lists, shards and the library's enums are parsed by argument-parser: a bad value gets its
    /// message naming the option, and exit 2.
    @Test func badListShardAndEnumValuesExitWith2NamingTheOption() throws {
        let cases: [([String], String)] = [
            (["bench", "--sizes", "128,x"], "The value '128,x' is invalid for '--sizes <side,…>'"),
            (["bench", "--sizes", "8"], "--sizes must be a comma-separated list of sides from 16 to 4096."),
            (["bench", "--conv", "direct,fft"], "The value 'direct,fft' is invalid for '--conv <direct,winograd>'"),
            (["run", "m.yaml", "--shard", "4/4"], "The value '4/4' is invalid for '--shard <I/N>'"),
            (["run", "m.yaml", "--conv", "fft"], "Please provide one of 'direct' and 'winograd'."),
            (["compare", pebbles, pebbles, "--preset", "gatys2015:pool9"],
             "The value 'gatys2015:pool9' is invalid for '--preset <preset>'"),
            (["synthesize", pebbles, "--out", "o.png", "--layers", "level0,,level1"],
             "is invalid for '--layers <layer,…>'"),
            (["weights", "import", "w.pth", "--format", "onnx"],
             "Please provide one of 'auto', 'pth', 'caffemodel' or 'safetensors'."),
            (["weights", "import", "w.pth", "--preprocessing", "source-mean-rgb"],
             "Please provide one of 'caffe-bgr' and 'torchvision-rgb'."),
            (["weights", "fetch", "alexnet"], "The value 'alexnet' is invalid for '<model>'"),
            (["weights", "fetch", "vgg19", "--from", "keras"], "Please provide one of 'torchvision' and 'caffe'."),
        ]
        for (arguments, message) in cases {
            let result = try texstim(arguments)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.error)")
            #expect(result.error.contains(message), "\(arguments): \(result.error)")
        }
    }

    @Test func listsParseEveryItem() throws {
        #expect(CommaSeparated<Int>(argument: "128, 256")?.values == [128, 256])
        #expect(CommaSeparated<Int>(argument: "128,") == nil && CommaSeparated<Int>(argument: "") == nil)
        #expect(CommaSeparated<ConvolutionChoice>(argument: "winograd,direct")?.values == [.winograd, .direct])
    }

    @Test func reproduceVerdictsPrintAndMapToExitStatuses() throws {
        #expect(Reproduce.describe(.identical) == "identical")
        #expect(Reproduce.describe(.differs(maxDifference: 3)) == "differs, max |difference| 3 code values")
        #expect(Reproduce.describe(.couldNotReproduce(problem: "source a.png changed"))
                == "cannot reproduce: source a.png changed")
        #expect(ReproductionVerdict.identical.exitStatus == .success)
        #expect(ReproductionVerdict.differs(maxDifference: 3).exitStatus == .stimuliFailed)
        #expect(ReproductionVerdict.couldNotReproduce(problem: "").exitStatus == .stimuliFailed)
        // A PNG that is not a stimulus: reported, and the command exits 1 (a stimulus not reproduced).
        let folder = try temporaryFolder("reproduce")
        try FileManager.default.copyItem(atPath: pebbles, toPath: folder + "/photo.png")
        let result = try texstim(["reproduce", folder])
        #expect(result.status == 1, "\(result.error)")
        #expect(result.output.hasPrefix("\(folder)/photo.png: cannot reproduce: "), "\(result.output)")
        #expect(result.output.hasSuffix("0 of 1 stimuli identical\n"), "\(result.output)")
        #expect(result.error.isEmpty, "\(result.error)")
    }

    @Test func theCompletionScriptCompletesManifestsImagesAndFolders() throws {
        let bash = try texstim(["--generate-completion-script", "bash"])
        #expect(bash.status == 0)
        // `run`'s function: its manifest argument completes YAML files (and folders to reach them).
        let start = try #require(bash.output.range(of: "_texstim_run() {")).upperBound
        let end = bash.output[start...].range(of: "\n}\n")?.lowerBound ?? bash.output.endIndex
        let body = bash.output[start..<end]
        #expect(body.contains("-fX '!*.@(yaml|yml)'"), "\(body)")
        #expect(bash.output.contains("-fX '!*.@(png|jpg|jpeg)'"))
        #expect(bash.output.contains("__texstim_add_completions -d"))
        let zsh = try texstim(["--generate-completion-script", "zsh"])
        #expect(zsh.status == 0 && zsh.output.contains("':manifest:_files -g '\\''*.yaml *.yml'\\'''"),
                "\(zsh.output.prefix(300))")
    }
}
