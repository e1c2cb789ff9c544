/* test_images.h - the test set compiled into the firmware (examples/fashion-m7).
 *
 * run.sh generates test_images.c at build time (gen_data.py, from Debian's
 * dataset-fashion-mnist): the first N test images, already preprocessed into
 * the model's input type, and their labels. Everything is const, so it stays
 * in flash. */
#ifndef TEST_IMAGES_H_
#define TEST_IMAGES_H_

#include <stdint.h>

#include "fmnist.h"

/* The input type of fmnist_run: int8 codes when the emitted model takes int8
 * input (its header then defines FMNIST_INPUT_SCALE / _ZERO_POINT), else
 * float32 (pixel / 255). */
#ifdef FMNIST_INPUT_SCALE
typedef int8_t test_image_t;
#else
typedef float test_image_t;
#endif

extern const unsigned test_image_count;
extern const uint8_t test_labels[];
extern const test_image_t test_images[][FMNIST_INPUT_SIZE];

#endif /* TEST_IMAGES_H_ */
