// CPNG: libpng behind two calls that never longjmp into Swift (errors come back as text).
#ifndef TEXSTIM_PNG_H
#define TEXSTIM_PNG_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t width, height;
    int channels;      // 1 (grey) or 3 (RGB) after alpha was dropped
    int bit_depth;     // 8 or 16 (1/2/4-bit grey and palettes are expanded to 8)
    int had_alpha;     // 1 if an alpha channel or tRNS transparency was dropped
    int was_palette;   // 1 if the file stored palette indices
} texstim_png_info;

// Decodes a PNG held in memory. On success returns 0 and *pixels points to
// width*height*channels samples (row-major, interleaved), freed with free().
// Images with width or height above max_side are refused before the pixel buffer is allocated.
int texstim_png_decode(const uint8_t *data, size_t length, uint32_t max_side,
                       texstim_png_info *info, uint16_t **pixels, char *error, size_t error_length);

// Encodes interleaved samples (1 or 3 channels, bit depth 8 or 16) as PNG in memory,
// with one uncompressed UTF-8 iTXt chunk (key, text) if key is not NULL and no tIME chunk.
// On success returns 0 and *png (freed with free()) holds *png_length bytes.
int texstim_png_encode(const uint16_t *pixels, uint32_t width, uint32_t height, int channels,
                       int bit_depth, const char *key, const char *text,
                       uint8_t **png, size_t *png_length, char *error, size_t error_length);
#endif
