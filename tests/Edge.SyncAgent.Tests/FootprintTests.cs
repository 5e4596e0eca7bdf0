using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;
using Xunit.Abstractions;

namespace Edge.SyncAgent.Tests;

/// <summary>
/// What keeps the agent small (docs/SYNC.md, "Memory"): a bounded managed heap that still carries the largest entries
/// the appliance stores, and none of the libraries it does without loaded, whatever happens.
/// </summary>
public sealed class FootprintTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = TempDir.Create("sync-footprint");

    [Fact]
    public void Entries_with_raw_lines_at_the_ingest_limit_drain_within_the_bounded_heap()
    {
        // 6,000 reads of 4,096 characters: 24 MB of text (48 MB as .NET strings) against a 16 MiB heap limit.
        const int Entries = 6000;
        using (var log = new TestLog(_data))
        {
            log.Append(Entries, correctionEvery: 0, rawLength: 4096);
        }

        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-footprint" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)), "verifier did not subscribe: " + verifier.LastError);
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, "big-box")).Start();
        Poll.Until(() => verifier.UniqueIds("big-box") == Entries || agent.HasExited, TimeSpan.FromSeconds(60),
            () => $"all ids; have {verifier.UniqueIds("big-box")}; agent: {agent.Output}");
        Assert.False(agent.HasExited, "the agent exited: " + agent.Output);
        var report = verifier.Report("big-box")!;
        output.WriteLine($"{report}; resident {agent.ResidentBytes() / 1048576.0:F1} MiB");
        Assert.Equal(Entries, verifier.UniqueIds("big-box"));
        Assert.Empty(report.Gaps);
        Assert.DoesNotContain("fail", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_agent_loads_none_of_the_libraries_it_does_without()
    {
        TestLog.Build(_data, 20_000);
        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-lean" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)), "verifier did not subscribe: " + verifier.LastError);
        // No appliance on this port: every snapshot poll is refused, the routine case while the appliance restarts.
        var nobody = TempDir.FreeTcpPort();
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, "lean-box",
            $"--Sync:ApplianceUrl=http://127.0.0.1:{nobody}", "--Sync:SnapshotInterval=00:00:00.200")).Start();
        Poll.Until(() => verifier.UniqueIds("lean-box") == 20_000, TimeSpan.FromSeconds(60), () => $"all ids; agent: {agent.Output}");
        // Several refused polls after the drain.
        Thread.Sleep(TimeSpan.FromSeconds(1.5));

        var mapped = File.ReadLines($"/proc/{agent.Pid}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6)
            .Select(fields => Path.GetFileName(fields[5]))
            .ToHashSet(StringComparer.Ordinal);
        output.WriteLine(string.Join(", ", mapped.Where(m => m.EndsWith(".dll", StringComparison.Ordinal)).Order(StringComparer.Ordinal)));
        Assert.Contains("edge-sync-agent.dll", mapped);
        string[] avoided =
        [
            "Microsoft.Data.Sqlite.dll", "System.Data.Common.dll", "System.Text.RegularExpressions.dll",
            "System.ComponentModel.TypeConverter.dll", "Microsoft.Extensions.Configuration.dll",
            "Microsoft.Extensions.Configuration.Json.dll", "System.Net.Http.dll", "System.Reflection.Metadata.dll",
        ];
        var loaded = avoided.Where(mapped.Contains).ToList();
        Assert.True(loaded.Count == 0, "loaded: " + string.Join(", ", loaded));
    }

    public void Dispose() => TempDir.Delete(_data);
}
