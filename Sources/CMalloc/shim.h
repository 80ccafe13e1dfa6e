#ifndef TORC_CMALLOC_SHIM_H
#define TORC_CMALLOC_SHIM_H

/*
 * glibc's allocator knobs (`mallopt`), which Swift's Glibc module does not
 * import. Elsewhere the functions do nothing and report failure.
 */

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#include <stddef.h>

/* Largest number of malloc arenas; returns 1 on success. */
static inline int cmalloc_set_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas); }

/* Size from which allocations are mmap'd (and returned to the system when freed). */
static inline int cmalloc_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

/* Returns the free pages of every arena to the system; 1 if any was released. */
static inline int cmalloc_trim(void) { return malloc_trim(0); }

/* Bytes held free in the arenas (what a trim can give back, at most). */
static inline size_t cmalloc_free_bytes(void) {
#if __GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33)
    struct mallinfo2 info = mallinfo2();
    return info.fordblks;
#else
    struct mallinfo info = mallinfo();
    return (size_t)(unsigned int)info.fordblks;
#endif
}
#else
static inline int cmalloc_set_arena_max(int arenas) { (void)arenas; return 0; }
static inline int cmalloc_set_mmap_threshold(int bytes) { (void)bytes; return 0; }
static inline int cmalloc_trim(void) { return 0; }
static inline size_t cmalloc_free_bytes(void) { return 0; }
#endif

#endif /* TORC_CMALLOC_SHIM_H */
