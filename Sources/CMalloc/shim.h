// glibc's allocator controls (malloc_trim), which Swift's Glibc module does not export.
#pragma once
#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
static inline int cmalloc_trim(void) { return malloc_trim(0); }
#else
static inline int cmalloc_trim(void) { return 0; }
#endif
