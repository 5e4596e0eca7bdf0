using System.Runtime.InteropServices;

namespace Edge.SyncAgent;

/// <summary>
/// Gives memory back to the system once a burst of work is over (a backlog drained): a compacting full GC that
/// decommits the managed heap's free space, then glibc's malloc_trim for what libmosquitto and SQLite freed.
/// A Pi-class box runs the appliance beside the agent; an idle agent should hold only what it needs.
/// </summary>
internal static partial class MemoryTrim
{
    private const int MallocMmapThreshold = -3;

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);

    [LibraryImport("libc")]
    private static partial int mallopt(int parameter, int value);

    /// <summary>
    /// Large native blocks (snapshot bodies, libmosquitto's copies of them) get their own mappings, returned to the
    /// system the moment they are freed. glibc's default raises that threshold to the largest block freed so far,
    /// after which megabyte snapshots would be carved from the heap and kept there.
    /// </summary>
    public static void Configure()
    {
        try
        {
            mallopt(MallocMmapThreshold, 128 * 1024);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: its allocator has its own policy.
        }
    }

    public static void Now()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        try
        {
            malloc_trim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the managed part is trimmed anyway.
        }
    }
}
