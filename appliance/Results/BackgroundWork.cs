using System.Runtime.InteropServices;

namespace Edge.Appliance.Results;

/// <summary>
/// Work that gives way to the box's reason for being: a results rebuild (a restart mid-race, a meet edit) runs on its
/// own threads at a lower scheduling priority (nice 10), so while it runs the timing port's reads and the phones'
/// pages get the CPU first. On a Pi-class core the rebuild of a big meet takes seconds of CPU; at equal priority it
/// would delay every read and page by as much. Where the priority cannot be lowered (not Linux) the work simply runs.
/// </summary>
public static partial class BackgroundWork
{
    /// <summary>The nice value of the work's threads (0 is the box's own; 19 the lowest).</summary>
    public const int Nice = 10;

    private const int PriorityProcess = 0;

    /// <summary>Runs <paramref name="work"/> on a new background thread at the lower priority; the task ends with it.</summary>
    public static Task<T> Run<T>(string name, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            LowerThisThread();
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }

    /// <summary>Lowers the calling thread's priority (on Linux a nice value is a thread's own); false when it could not.</summary>
    public static bool LowerThisThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SetPriority(PriorityProcess, GetThreadId(), Nice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The calling thread's nice value as the kernel reports it (/proc/thread-self/stat), or null off Linux.</summary>
    public static int? ThisThreadsNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // Fields after the command name (which may hold spaces, hence the last ')'): nice is the 19th field of the line.
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
