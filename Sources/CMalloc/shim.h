#ifndef TORC_CMALLOC_SHIM_H
#define TORC_CMALLOC_SHIM_H

/*
 * glibc's allocator knobs (`mallopt`), which Swift's Glibc module does not
 * import. Elsewhere the functions do nothing and report failure.
 */

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>

/* Largest number of malloc arenas; returns 1 on success. */
static inline int cmalloc_set_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas); }

/* Size from which allocations are mmap'd (and returned to the system when freed). */
static inline int cmalloc_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

/* Returns the free pages of every arena to the system; 1 if any was released. */
static inline int cmalloc_trim(void) { return malloc_trim(0); }
#else
static inline int cmalloc_set_arena_max(int arenas) { (void)arenas; return 0; }
static inline int cmalloc_set_mmap_threshold(int bytes) { (void)bytes; return 0; }
static inline int cmalloc_trim(void) { return 0; }
#endif

#endif /* TORC_CMALLOC_SHIM_H */
