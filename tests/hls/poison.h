/* The synthesizable-subset check of tests/hls: included after the HLS headers
 * (ap_int.h, hls_stream.h) and before the emitted model, it makes every use of
 * a name outside the subset a compile error: dynamic memory, I/O, process
 * control, pointer reinterpretation, exceptions, the C++ library. Together
 * with -Wvla (no run-time-sized arrays) and -Wall -Wextra -Werror. */
#undef alloca /* a macro of <alloca.h>, which the C++ headers may pull in */
#pragma GCC poison malloc calloc realloc free alloca new delete
#pragma GCC poison printf fprintf sprintf snprintf puts fopen fwrite fread exit abort atexit
#pragma GCC poison reinterpret_cast const_cast dynamic_cast typeid throw try catch
#pragma GCC poison std memcpy memset strlen
