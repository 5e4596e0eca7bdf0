using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;
using Xunit.Abstractions;

namespace Edge.SyncAgent.Tests;

/// <summary>TLS with a CA the test makes, client certificates, passwords from files, and refused credentials.</summary>
public sealed class TlsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = TempDir.Create("sync-tls");

    private string Meet => Path.Combine(_dir, "meet");

    [Theory]
    [MemberData(nameof(Transports.Both), MemberType = typeof(Transports))]
    public void Client_certificate_connects_over_tls_and_reads_arrive(string transport)
    {
        var certs = Certificates.Create(Path.Combine(_dir, "pki"));
        using var broker = MosquittoBroker.Start(certs.Listener(requireClientCertificate: true), "allow_anonymous true");
        using var verifier = new SyncVerifier(new VerifierOptions
        {
            Port = broker.Port, ClientId = "verifier-cert", Tls = true, CaFile = certs.Ca, CertFile = certs.ClientCert, KeyFile = certs.ClientKey,
        });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)), "verifier over TLS: " + verifier.LastError);

        // Files beside meet.json, named relative to it, as a timer would copy them onto the card.
        Directory.CreateDirectory(Meet);
        File.Copy(certs.Ca, Path.Combine(Meet, "ca.pem"));
        File.Copy(certs.ClientCert, Path.Combine(Meet, "box.pem"));
        File.Copy(certs.ClientKey, Path.Combine(Meet, "box.key"));
        WriteMeet($$"""
            "broker": "mqtts://127.0.0.1:{{broker.Port}}", "deviceId": "cert-box",
            "caFile": "ca.pem", "certFile": "box.pem", "keyFile": "box.key"
            """);
        var data = Path.Combine(_dir, "data");
        TestLog.Build(data, 5000);
        using var agent = new AgentProcess(data, $"--Edge:MeetDir={Meet}", AgentProcess.Transport(transport)).Start();
        Poll.Until(() => verifier.UniqueIds("cert-box") == 5000, TimeSpan.FromSeconds(30), () => $"reads over TLS; {agent.Output}");
        Assert.Empty(verifier.Report("cert-box")!.Gaps);
        // The agent's output is captured asynchronously: its connect line may land just after the reads did.
        Poll.Until(() => agent.Output.Contains("client certificate", StringComparison.Ordinal), TimeSpan.FromSeconds(10), () => agent.Output);
        Assert.DoesNotContain("PRIVATE KEY", agent.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports.Both), MemberType = typeof(Transports))]
    public void Password_from_a_file_connects_and_a_wrong_one_backs_off_with_a_clear_error(string transport)
    {
        var certs = Certificates.Create(Path.Combine(_dir, "pki"));
        var password = $"pw-{Guid.NewGuid():N}";
        var wrong = $"wrong-{Guid.NewGuid():N}";
        var passwd = Path.Combine(_dir, "passwd");
        Run("mosquitto_passwd", $"-b -c {passwd} timer {password}");
        using var broker = MosquittoBroker.Start(certs.Listener(requireClientCertificate: false), $"allow_anonymous false\npassword_file {passwd}");
        using var verifier = new SyncVerifier(new VerifierOptions
        {
            Port = broker.Port, ClientId = "verifier-pw", Tls = true, CaFile = certs.Ca, Username = "timer", Password = password,
        });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)), "verifier with password: " + verifier.LastError);

        Directory.CreateDirectory(Meet);
        File.Copy(certs.Ca, Path.Combine(Meet, "ca.pem"));
        File.WriteAllText(Path.Combine(Meet, "user.txt"), "timer\n");
        File.WriteAllText(Path.Combine(Meet, "password.txt"), password + "\n");
        File.WriteAllText(Path.Combine(Meet, "wrong.txt"), wrong + "\n");
        WriteMeet($$"""
            "broker": "mqtts://127.0.0.1:{{broker.Port}}", "deviceId": "pw-box",
            "caFile": "ca.pem", "usernameFile": "user.txt", "passwordFile": "password.txt"
            """);

        var data = Path.Combine(_dir, "data");
        TestLog.Build(data, 3000);
        using (var agent = new AgentProcess(data, $"--Edge:MeetDir={Meet}", "--Logging:LogLevel:Default=Debug", AgentProcess.Transport(transport)).Start())
        {
            Poll.Until(() => verifier.UniqueIds("pw-box") == 3000, TimeSpan.FromSeconds(30), () => $"reads with a password; {agent.Output}");
            agent.Terminate(TimeSpan.FromSeconds(10));
            Assert.DoesNotContain(password, agent.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(password, File.ReadAllText(Path.Combine(data, "sync-status.json")), StringComparison.Ordinal);
            Assert.DoesNotContain(password, File.ReadAllText(Path.Combine(data, "sync-state.json")), StringComparison.Ordinal);
        }

        // The same box with a wrong password: a clear error and a backoff of 1 s, 2 s, 4 s ... not a tight loop.
        var wrongData = Path.Combine(_dir, "wrong-data");
        TestLog.Build(wrongData, 100);
        using var refused = new AgentProcess(wrongData, "--Cloud:DeviceId=wrong-box", "--Cloud:PasswordFile=" + Path.Combine(Meet, "wrong.txt"),
            $"--Edge:MeetDir={Meet}", "--Logging:LogLevel:Default=Debug", AgentProcess.Transport(transport)).Start();
        Poll.Until(() => refused.State() == "backoff", TimeSpan.FromSeconds(15), () => $"backoff: {refused.Status()}\n{refused.Output}");
        var connectionsBefore = broker.LogLines("New connection from");
        Thread.Sleep(TimeSpan.FromSeconds(10));
        var status = refused.Status()!.Value;
        var attempts = status.GetProperty("connectAttempts").GetInt64();
        var error = status.GetProperty("lastError").GetString()!;
        var connections = broker.LogLines("New connection from") - connectionsBefore;
        output.WriteLine($"{transport}: wrong password: {attempts} attempts in all, {connections} connections at the broker in the 10 s after the first refusal; lastError: {error}");
        Assert.Contains("not authori", error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("refused the connection", error, StringComparison.Ordinal);
        Assert.InRange(attempts, 3, 6);
        Assert.InRange(connections, 1, 5);
        Assert.Contains(refused.State(), new[] { "backoff", "connecting" });
        Assert.DoesNotContain(wrong, refused.Output, StringComparison.Ordinal);
        Assert.Equal(0, verifier.UniqueIds("wrong-box"));
    }

    private void WriteMeet(string cloud) =>
        File.WriteAllText(Path.Combine(Meet, "meet.json"), $$"""
            { "event": { "name": "Lakeside 10K", "date": "2026-05-02", "timeZone": "UTC" },
              "cloud": { {{cloud}} } }
            """);

    private static void Run(string file, string arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {arguments}: {error}");
    }

    public void Dispose() => TempDir.Delete(_dir);
}
