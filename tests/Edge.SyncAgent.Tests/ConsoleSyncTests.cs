using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;

namespace Edge.SyncAgent.Tests;

/// <summary>The timer's corrections made in the console of a real appliance reach the cloud's corrections topic like reads.</summary>
public sealed class ConsoleSyncTests : IDisposable
{
    private readonly string _data = TempDir.Create("sync-console");

    [Fact]
    public async Task Corrections_guns_and_registrations_from_the_console_are_published_on_the_corrections_topic()
    {
        const string Device = "console-box";
        using var meet = TestMeet.Create(TestMeet.StandardJson().Replace("\"races\":", ConsoleClient.MeetSection + "\n  \"races\":", StringComparison.Ordinal), TestMeet.SmallRoster);
        using var box = new ProcessBox(_data, meet.Setting, "--Logging:LogLevel:Default=Warning");
        await box.StartAsync();
        using (var timer = await ConsoleClient.SignInAsync(new Uri($"http://127.0.0.1:{box.HttpPort}"), ConsoleClient.Password))
        {
            await timer.DoAsync("/admin/corrections", "/admin/corrections/dnf", ("bib", "101"));
            await timer.DoAsync("/admin/gun", "/admin/gun/set", ("race", "10k"), ("time", "8:00:00"));
            using var desk = await timer.PairAsync("desk", "Desk 1");
            await desk.DoAsync("/admin/desk", "/admin/desk/register", ("bib", "777"), ("first", "Day"), ("last", "Of"), ("gender", "F"), ("race", "5k"));
        }

        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-console" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device, $"--Sync:ApplianceUrl=http://127.0.0.1:{box.HttpPort}")).Start();
        Poll.Until(() => verifier.Report(Device) is { Corrections: 3 }, TimeSpan.FromSeconds(20), () => $"three corrections; {verifier.Report(Device)}; {agent.Output}");
        var report = verifier.Report(Device)!;
        Assert.Equal(0, report.Malformed);
        Assert.Equal(0, report.Reads);
    }

    public void Dispose() => TempDir.Delete(_data);
}
