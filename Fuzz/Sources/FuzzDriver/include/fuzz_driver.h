// FuzzDriver: starts libFuzzer from a Swift main (SwiftPM renames an executable's main, so
// libFuzzer's own main never runs; each target's main.swift calls this instead).
#ifndef TEXSTIM_FUZZ_DRIVER_H
#define TEXSTIM_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

// Runs libFuzzer with the process's arguments, calling one_input once per input; returns its exit status.
int texstim_fuzz_main(int argc, char **argv, int (*one_input)(const uint8_t *data, size_t size));
#endif
