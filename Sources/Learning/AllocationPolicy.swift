#if canImport(Glibc)
import Glibc
#endif

/// How the process allocates the large, short-lived tensors of training.
public enum AllocationPolicy {
    /// Keeps large blocks in the heap for reuse instead of returning them to the kernel.
    ///
    /// glibc serves blocks above its mmap threshold (at most 32 MiB) with fresh `mmap`s and unmaps
    /// them on `free`, so every large activation tensor of every training step page-faults its
    /// memory in again — a quarter of an autoencoder step was the kernel clearing pages. Serving every
    /// block from the heap and never trimming it makes freed tensors reusable, as PyTorch's caching
    /// allocator does. Call once, before training.
    public static func reuseLargeAllocations() {
        #if canImport(Glibc)
        // malloc.h is not part of Swift's Glibc module; look mallopt up in the C library instead.
        typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallocOption.self)
        _ = mallopt(-4 /* M_MMAP_MAX: no blocks from mmap at all */, 0)
        _ = mallopt(-1 /* M_TRIM_THRESHOLD: −1 is read as SIZE_MAX, never trim */, -1)
        #endif
    }
}
