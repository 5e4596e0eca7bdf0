using System.Runtime.InteropServices;

namespace Edge.SyncAgent;

/// <summary>
/// Gives memory back to the system once a burst of work is over (a backlog drained): a compacting full GC that
/// decommits the managed heap's free space, then glibc's malloc_trim for what libmosquitto and SQLite freed.
/// A Pi-class box runs the appliance beside the agent; an idle agent should hold only what it needs.
/// </summary>
internal static partial class MemoryTrim
{
    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);

    public static void Now()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Native();
    }

    /// <summary>Returns freed native memory (snapshot buffers, libmosquitto's and SQLite's) to the system.</summary>
    public static void Native()
    {
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
