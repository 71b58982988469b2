// CJPEG: libjpeg(-turbo) decoding behind one call that never longjmps into Swift.
#ifndef TEXSTIM_JPEG_H
#define TEXSTIM_JPEG_H
#include <stddef.h>
#include <stdint.h>

// Decodes a baseline or progressive JPEG held in memory to 8-bit grey (1 channel) or RGB
// (3 channels), interleaved, row-major; CMYK and YCCK JPEGs are converted to RGB (Adobe's
// inverted CMYK when the file carries an Adobe marker). Returns 0 on success; *pixels is freed with free().
// Images with a side above max_side are refused before the pixel buffer is allocated.
int texstim_jpeg_decode(const uint8_t *data, size_t length, uint32_t max_side,
                        uint32_t *width, uint32_t *height, int *channels,
                        uint8_t **pixels, char *error, size_t error_length);
#endif
