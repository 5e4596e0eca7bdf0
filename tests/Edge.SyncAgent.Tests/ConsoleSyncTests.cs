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

    [Fact]
    public async Task An_orienteering_result_list_of_megabytes_is_published_in_parts_on_the_corrections_topic()
    {
        const string Device = "o-box";
        using var meet = TestMeet.Create($$"""{ "event": { "name": "WIOL #3", "date": "2026-05-02", "timeZone": "UTC" }, {{ConsoleClient.MeetSection}} "orienteering": {} }""", []);
        using var box = new ProcessBox(_data, meet.Setting, "--Logging:LogLevel:Default=Warning");
        await box.StartAsync();
        // Over a megabyte: more than one entry of the agent's small heap should carry.
        var persons = new System.Text.StringBuilder();
        for (var i = 0; i < 6000; i++)
        {
            persons.Append(System.Globalization.CultureInfo.InvariantCulture, $"<PersonResult><Person><Id>{i}</Id><Name><Family>Family{i}</Family><Given>Given \"{i}\"</Given></Name></Person><Organisation><Name>Club {i % 50}</Name></Organisation><Result><Time>{1500 + i}</Time><Status>OK</Status></Result></PersonResult>\n");
        }

        var xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <ResultList xmlns="http://www.orienteering.org/datastandard/3.0" status="Complete" createTime="2026-05-02T12:00:00Z">
            <Event><Name>WIOL #3</Name></Event><ClassResult><Class><Name>W1F</Name></Class>
            {persons}</ClassResult></ResultList>
            """;
        Assert.True(xml.Length > 1024 * 1024);
        using (var timer = await ConsoleClient.SignInAsync(new Uri($"http://127.0.0.1:{box.HttpPort}"), ConsoleClient.Password))
        {
            using var stored = await timer.Http.PostAsync("/api/o/results", new StringContent(xml, System.Text.Encoding.UTF8, "application/xml"));
            Assert.Equal(System.Net.HttpStatusCode.Created, stored.StatusCode);
        }

        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-o" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device, $"--Sync:ApplianceUrl=http://127.0.0.1:{box.HttpPort}")).Start();
        // Stored in parts of at most 64 Ki characters: every one arrives.
        var parts = (xml.Length + Edge.Appliance.Orienteering.OrienteeringImport.PartChars - 1) / Edge.Appliance.Orienteering.OrienteeringImport.PartChars;
        Poll.Until(() => verifier.Report(Device)?.Corrections == parts, TimeSpan.FromSeconds(30), () => $"the result list's parts; {verifier.Report(Device)}; {agent.Output}");
        var report = verifier.Report(Device)!;
        Assert.Equal(0, report.Malformed);
        Assert.Equal(0, report.Reads);
    }

    public void Dispose() => TempDir.Delete(_data);
}
