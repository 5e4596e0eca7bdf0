using System.Runtime.InteropServices;

namespace Edge.SyncAgent;

/// <summary>
/// The agent's working threads run at a lower CPU priority (a higher nice value) than the appliance: a backlog
/// drains at full speed on an idle CPU and gives way to ingest on a busy one. On Linux the nice value belongs to
/// the thread, so each working thread lowers its own.
/// </summary>
internal static partial class Priority
{
    private const int PrioProcess = 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setpriority(int which, uint who, int priority);

    /// <summary>Lowers the calling thread's priority to <paramref name="nice"/> (0 = leave as is); failures are harmless.</summary>
    public static void LowerCurrentThread(int nice)
    {
        if (nice <= 0 || !OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            setpriority(PrioProcess, 0, nice);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: run at normal priority
        }
    }
}
