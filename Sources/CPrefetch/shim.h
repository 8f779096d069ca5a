// The compiler's cache-line prefetch hint, which Swift does not expose: a request that never
// faults and changes no value. Part of the compiler itself: nothing to link.

/// Asks for the cache line holding `address`, to be read soon.
static inline void residual_prefetch_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Asks for the cache line holding `address`, to be written soon (owned, so the write does
/// not wait for it).
static inline void residual_prefetch_write(void *address) {
    __builtin_prefetch(address, 1, 3);
}
