using System.Globalization;
using Edge.Tests.Support;

/// <summary>
/// A Pi-class CPU for the appliance process: one core at a CFS quota, as the image's unit could set it
/// (<c>AllowedCPUs=0</c>, <c>CPUQuota=30%</c>, systemd's 100 ms period). Made of cgroups (v1: a <c>cpu</c>, a
/// <c>cpuset</c> and a <c>cpuacct</c> group; v2: one group with <c>cpu.max</c> and <c>cpuset.cpus</c>) that a
/// <see cref="ProcessBox"/> joins before its first instruction; removed on dispose. Needs root. The group's weight
/// is raised so that on a shared machine the quota, not the neighbours, is what limits the box.
/// </summary>
internal sealed class CpuEnvelope : IDisposable
{
    private const string V1 = "/sys/fs/cgroup";
    private const long PeriodMicroseconds = 100_000;

    private readonly List<string> _directories;
    private readonly bool _v2;

    private CpuEnvelope(List<string> directories, bool v2, int cpu, int quotaPercent)
    {
        _directories = directories;
        _v2 = v2;
        Cpu = cpu;
        QuotaPercent = quotaPercent;
    }

    public int Cpu { get; }

    public int QuotaPercent { get; }

    public string Description =>
        $"cgroup {(_v2 ? "v2" : "v1")} {string.Join(", ", _directories)}: cpu {Cpu} only, quota {QuotaPercent * PeriodMicroseconds / 100:N0} us per {PeriodMicroseconds:N0} us period";

    public static CpuEnvelope Create(string name, int cpu, int quotaPercent)
    {
        var quota = (quotaPercent * PeriodMicroseconds / 100).ToString(CultureInfo.InvariantCulture);
        var cpus = cpu.ToString(CultureInfo.InvariantCulture);
        if (File.Exists($"{V1}/cpu/cpu.cfs_quota_us") && File.Exists($"{V1}/cpuset/cpuset.cpus") && File.Exists($"{V1}/cpuacct/cpuacct.usage"))
        {
            var cpuGroup = Make($"{V1}/cpu/{name}");
            var cpusetGroup = Make($"{V1}/cpuset/{name}");
            var accounting = Make($"{V1}/cpuacct/{name}");
            var envelope = new CpuEnvelope([cpuGroup, cpusetGroup, accounting], v2: false, cpu, quotaPercent);
            try
            {
                Write(cpuGroup, "cpu.cfs_period_us", PeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
                Write(cpuGroup, "cpu.cfs_quota_us", quota);
                Write(cpuGroup, "cpu.shares", "10240");
                // A v1 cpuset starts with no cpus and no memory nodes: both must be set before a process may join.
                Write(cpusetGroup, "cpuset.cpus", cpus);
                Write(cpusetGroup, "cpuset.mems", File.ReadAllText($"{V1}/cpuset/cpuset.mems").Trim());
            }
            catch
            {
                envelope.Dispose();
                throw;
            }

            return envelope;
        }

        var root = File.Exists($"{V1}/cgroup.controllers") ? V1 : $"{V1}/unified";
        var controllers = File.Exists($"{root}/cgroup.controllers") ? File.ReadAllText($"{root}/cgroup.controllers").Split(' ', StringSplitOptions.TrimEntries) : [];
        if (!controllers.Contains("cpu") || !controllers.Contains("cpuset"))
        {
            throw new InvalidOperationException("no cgroup hierarchy with the cpu and cpuset controllers (v1 under /sys/fs/cgroup/cpu, or v2)");
        }

        Write(root, "cgroup.subtree_control", "+cpu +cpuset");
        var group = Make($"{root}/{name}");
        var v2 = new CpuEnvelope([group], v2: true, cpu, quotaPercent);
        try
        {
            Write(group, "cpu.max", $"{quota} {PeriodMicroseconds}");
            Write(group, "cpu.weight", "1000");
            Write(group, "cpuset.cpus", cpus);
        }
        catch
        {
            v2.Dispose();
            throw;
        }

        return v2;
    }

    /// <summary>Puts the box in the envelope; call before it starts.</summary>
    public void Hold(ProcessBox box) => box.Cgroups.AddRange(_directories);

    /// <summary>CPU the group has used and how often the quota stopped it, since the group was made.</summary>
    public Usage Sample()
    {
        if (_v2)
        {
            var stat = Stat(_directories[0], "cpu.stat");
            return new Usage(
                TimeSpan.FromMicroseconds(stat["usage_usec"]), stat["nr_periods"], stat["nr_throttled"], TimeSpan.FromMicroseconds(stat["throttled_usec"]));
        }

        var cpuStat = Stat(_directories[0], "cpu.stat");
        var used = long.Parse(File.ReadAllText(Path.Combine(_directories[2], "cpuacct.usage")).Trim(), CultureInfo.InvariantCulture);
        return new Usage(TimeSpan.FromTicks(used / 100), cpuStat["nr_periods"], cpuStat["nr_throttled"], TimeSpan.FromTicks(cpuStat["throttled_time"] / 100));
    }

    public void Dispose()
    {
        // The box has been killed by now; a dying process can hold its group for a moment after it is reaped.
        foreach (var directory in _directories.AsEnumerable().Reverse())
        {
            for (var attempt = 0; Directory.Exists(directory); attempt++)
            {
                try
                {
                    Directory.Delete(directory);
                }
                catch (IOException) when (attempt < 50)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }

    private static string Make(string directory)
    {
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static void Write(string directory, string file, string value) => File.WriteAllText(Path.Combine(directory, file), value);

    private static Dictionary<string, long> Stat(string directory, string file) =>
        File.ReadLines(Path.Combine(directory, file))
            .Select(l => l.Split(' '))
            .ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture));

    /// <summary>CPU used by the group, periods elapsed while it ran, and how many of them (and how long) the quota stopped it.</summary>
    public sealed record Usage(TimeSpan Cpu, long Periods, long Throttled, TimeSpan ThrottledTime)
    {
        public static Usage operator -(Usage a, Usage b) =>
            new(a.Cpu - b.Cpu, a.Periods - b.Periods, a.Throttled - b.Throttled, a.ThrottledTime - b.ThrottledTime);

        public string Describe(TimeSpan wall) =>
            $"box CPU {Cpu.TotalSeconds:F1} s in {wall.TotalSeconds:F1} s ({Cpu / wall:P0} of a core); " +
            $"throttled in {Throttled:N0} of {Periods:N0} periods, {ThrottledTime.TotalSeconds:F1} s stopped";
    }
}
