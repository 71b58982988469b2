// CJPEG: the only code that calls libjpeg; its error_exit longjmps back here, never into Swift.
#include "texstim_jpeg.h"
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *error;
    size_t error_length;
    void *scratch;  // the CMYK row buffer, freed if libjpeg longjmps out mid-image
} jpeg_context;

static void on_error_exit(j_common_ptr info) {
    jpeg_context *context = (jpeg_context *)info->err;
    char message[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, message);
    snprintf(context->error, context->error_length, "%s", message);
    longjmp(context->jump, 1);
}

// Corrupt-data warnings (e.g. premature end of data) must fail the decode, not pass silently.
static void on_emit_message(j_common_ptr info, int level) {
    if (level < 0 && info->err->num_warnings++ == 0) on_error_exit(info);
}

int texstim_jpeg_decode(const uint8_t *data, size_t length, uint32_t max_side,
                        uint32_t *width, uint32_t *height, int *channels,
                        uint8_t **pixels, char *error, size_t error_length) {
    struct jpeg_decompress_struct info;
    jpeg_context context;
    memset(&context, 0, sizeof context);
    context.error = error; context.error_length = error_length;
    info.err = jpeg_std_error(&context.base);
    context.base.error_exit = on_error_exit;
    context.base.emit_message = on_emit_message;
    uint8_t *volatile samples = NULL;
    *pixels = NULL;
    if (setjmp(context.jump)) {
        free(samples);
        free(context.scratch);
        jpeg_destroy_decompress(&info);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)length);
    jpeg_read_header(&info, TRUE);
    *width = info.image_width;
    *height = info.image_height;
    if (info.image_width > max_side || info.image_height > max_side) {
        snprintf(error, error_length, "image is %ux%u, above the limit of %u pixels per side",
                 info.image_width, info.image_height, max_side);
        jpeg_destroy_decompress(&info);
        return 1;
    }
    // CMYK and YCCK (Adobe's YCbCr-coded CMYK) are decoded by libjpeg as CMYK and turned into
    // RGB below; everything else libjpeg converts to grey or RGB itself.
    int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = cmyk ? JCS_CMYK : info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    int out_channels = cmyk ? 3 : info.output_components;
    size_t stride = (size_t)info.output_width * out_channels;
    samples = malloc(stride * info.output_height);
    // One CMYK scanline at a time; converted into the RGB rows of samples.
    uint8_t *ink = cmyk ? malloc((size_t)info.output_width * 4) : NULL;
    context.scratch = ink;
    if (!samples || (cmyk && !ink)) {
        snprintf(error, error_length, "out of memory");
        free(samples); free(ink);
        jpeg_destroy_decompress(&info);
        return 1;
    }
    // Photoshop writes an Adobe marker and stores CMYK inverted (255 = no ink), and libjpeg hands
    // the values over as stored; without the marker they are taken as plain ink amounts.
    int inverted = info.saw_Adobe_marker;
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = samples + (size_t)info.output_scanline * stride;
        if (!cmyk) { jpeg_read_scanlines(&info, &row, 1); continue; }
        JSAMPROW ink_row = ink;
        jpeg_read_scanlines(&info, &ink_row, 1);
        for (size_t x = 0; x < info.output_width; x++) {
            // With c', k' the amounts of paper left (255 − ink): R = c'·k'/255, likewise G, B.
            unsigned k = inverted ? ink[4 * x + 3] : 255u - ink[4 * x + 3];
            for (int channel = 0; channel < 3; channel++) {
                unsigned c = inverted ? ink[4 * x + channel] : 255u - ink[4 * x + channel];
                row[3 * x + channel] = (uint8_t)((c * k + 127) / 255);
            }
        }
    }
    jpeg_finish_decompress(&info);
    *width = info.output_width;
    *height = info.output_height;
    *channels = out_channels;
    free(ink);
    jpeg_destroy_decompress(&info);
    *pixels = samples;
    return 0;
}
