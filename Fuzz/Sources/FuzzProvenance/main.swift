// FuzzProvenance: libFuzzer target for the provenance JSON a stimulus carries (StimulusRecord.decode).
import Foundation
import FuzzDriver
import TexturePipeline

/// One input. A thrown error is a correct answer to bad bytes; only a trap, an ASan report,
/// a leak or a timeout is a finding. Also exported under libFuzzer's name, which its runtime
/// references even though its own main never runs.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    // The text comes out of a PNG iTXt chunk, decoded leniently as UTF-8 (as PNGFile does).
    guard let record = try? StimulusRecord.decode(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    else { return 0 }
    // What validate, inspect and resume then do with a record's values: format them, write them back.
    _ = record.convergenceProblem
    _ = record.json()
    // And what reproduce and resume do: its parameters, a format-1 record's translated.
    _ = try? record.stimulusParameters()
    return 0
}

exit(texstim_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzzOne))
