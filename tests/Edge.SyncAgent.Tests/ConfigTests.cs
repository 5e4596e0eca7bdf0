using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;
using Xunit.Abstractions;

namespace Edge.SyncAgent.Tests;

/// <summary>The meet folder's cloud section: missing, invalid, added while running.</summary>
public sealed class ConfigTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = TempDir.Create("sync-config-data");
    private readonly string _meet = TempDir.Create("sync-config-meet");

    private const string Event = """ "event": { "name": "Lakeside 10K", "date": "2026-05-02", "timeZone": "UTC" } """;

    [Fact]
    public void Without_a_cloud_section_sync_is_off_idle_and_starts_when_one_is_added()
    {
        TestLog.Build(_data, 3000);
        File.WriteAllText(Path.Combine(_meet, "meet.json"), $$"""{ {{Event}} }""");
        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-config" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, $"--Edge:MeetDir={_meet}").Start();
        Poll.Until(() => agent.State() == "disabled" && agent.StatusNumber("lastLogId") == 3000, TimeSpan.FromSeconds(15), () => $"disabled status: {agent.Status()}\n{agent.Output}");
        Poll.Until(() => agent.Printed("no 'cloud' section: cloud sync is off"), TimeSpan.FromSeconds(5), () => $"sync off message: {agent.Output}");
        Assert.Contains("no 'cloud' section", agent.Status()!.Value.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(3000, agent.StatusNumber("pending"));

        var before = agent.CpuTime();
        Thread.Sleep(TimeSpan.FromSeconds(3));
        var used = agent.CpuTime() - before;
        output.WriteLine($"sync off: {used.TotalMilliseconds:F0} ms CPU in 3 s");
        Assert.True(used < TimeSpan.FromMilliseconds(150), $"disabled agent used {used.TotalMilliseconds} ms of CPU in 3 s");
        Assert.Equal(0, verifier.UniqueIds("added-box"));

        // The timer adds the section on a laptop: the agent picks it up without a restart.
        File.WriteAllText(Path.Combine(_meet, "meet.json"), $$"""
            { {{Event}},
              "cloud": { "broker": "mqtt://127.0.0.1:{{broker.Port}}", "deviceId": "added-box" } }
            """);
        Poll.Until(() => verifier.UniqueIds("added-box") == 3000, TimeSpan.FromSeconds(30), () => $"reads after adding the section; {agent.Output}");
        Poll.Until(() => agent.State() == "connected" && agent.StatusNumber("pending") == 0, TimeSpan.FromSeconds(10), () => $"connected status: {agent.Status()}");
    }

    [Fact]
    public void A_meet_folder_without_a_meet_json_yet_is_sync_off_not_an_error_until_one_is_written()
    {
        // A card fresh from the image: the meet folder holds only its README.
        TestLog.Build(_data, 500);
        File.WriteAllText(Path.Combine(_meet, "README.txt"), "This folder is the box's meet folder.");
        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-fresh" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, $"--Edge:MeetDir={_meet}").Start();
        Poll.Until(() => agent.State() == "disabled", TimeSpan.FromSeconds(15), () => $"disabled status: {agent.Status()}\n{agent.Output}");
        Assert.Contains("meet.json: not there yet: cloud sync is off", agent.Status()!.Value.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", agent.Output, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_meet, "meet.json"), $$"""
            { {{Event}},
              "cloud": { "broker": "mqtt://127.0.0.1:{{broker.Port}}", "deviceId": "fresh-box" } }
            """);
        Poll.Until(() => verifier.UniqueIds("fresh-box") == 500, TimeSpan.FromSeconds(30), () => $"reads after the meet folder was written; {agent.Output}");
    }

    [Theory]
    [InlineData("""{ "broker": "http://127.0.0.1:1883", "deviceId": "box" }""", "field 'cloud.broker': scheme 'http' is not supported")]
    [InlineData("""{ "broker": "mqtt://127.0.0.1:1883" }""", "field 'cloud.deviceId' is required")]
    [InlineData("""{ "broker": "mqtt://127.0.0.1:1883", "deviceId": "box/1" }""", "field 'cloud.deviceId': 'box/1' must be 1-64 letters")]
    [InlineData("""{ "broker": "mqtts://127.0.0.1:8883", "deviceId": "box", "caFile": "missing-ca.pem" }""", "field 'cloud.caFile': file not found")]
    [InlineData("""{ "broker": "mqtt://127.0.0.1:1883", "deviceId": "box", "protocol": "4.0" }""", "field 'cloud.protocol': '4.0' is not a protocol")]
    [InlineData("""{ "broker": "mqtt://127.0.0.1:1883", "deviceId": "box", "brokre": "x" }""", "field 'cloud.brokre' is unknown")]
    public void An_invalid_cloud_section_is_reported_naming_the_file_and_field(string cloud, string message)
    {
        File.WriteAllText(Path.Combine(_meet, "meet.json"), $$"""{ {{Event}}, "cloud": {{cloud}} }""");
        using var agent = new AgentProcess(_data, $"--Edge:MeetDir={_meet}").Start();
        Poll.Until(() => agent.State() == "error", TimeSpan.FromSeconds(15), () => $"error status: {agent.Status()}\n{agent.Output}");
        var error = agent.Status()!.Value.GetProperty("lastError").GetString()!;
        Assert.Contains(Path.Combine(_meet, "meet.json"), error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Poll.Until(() => agent.Printed(message), TimeSpan.FromSeconds(5), () => $"'{message}' in the output: {agent.Output}");
        var (exitCode, _) = agent.Terminate(TimeSpan.FromSeconds(10));
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void A_broken_meet_file_is_reported_with_its_line()
    {
        File.WriteAllText(Path.Combine(_meet, "meet.json"), "{\n  \"event\": { \"name\": \"x\" },\n  \"cloud\": { \"broker\": }\n}");
        using var agent = new AgentProcess(_data, $"--Edge:MeetDir={_meet}").Start();
        Poll.Until(() => agent.State() == "error", TimeSpan.FromSeconds(15), () => $"error status: {agent.Status()}\n{agent.Output}");
        Assert.Contains("meet.json: line 3:", agent.Status()!.Value.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        TempDir.Delete(_data);
        TempDir.Delete(_meet);
    }
}
