using System.Globalization;
using Edge.Verifier;

// Subscribes as a cloud consumer would and reports, per device, what arrived:
//   dotnet run --project tests/Verifier -- --broker mqtt://127.0.0.1:1883 [--prefix edge] [--client-id edge-verifier]
//       [--ca ca.pem] [--cert c.pem --key c.key] [--username u --password-file p] [--seconds 60] [--expect N]
// Prints a report every 5 s and at the end; exits 0 when no device has gaps (and, with --expect, every device
// reached N unique ids), 1 otherwise.
var options = new VerifierOptions();
var seconds = 0;
long expect = 0;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--broker":
            var uri = new Uri(Next());
            var tls = uri.Scheme is "mqtts" or "ssl" or "tls";
            options = options with { Host = uri.IdnHost, Port = uri.Port > 0 ? uri.Port : (tls ? 8883 : 1883), Tls = tls };
            break;
        case "--prefix":
            options = options with { TopicPrefix = Next() };
            break;
        case "--client-id":
            options = options with { ClientId = Next() };
            break;
        case "--ca":
            options = options with { CaFile = Next() };
            break;
        case "--cert":
            options = options with { CertFile = Next() };
            break;
        case "--key":
            options = options with { KeyFile = Next() };
            break;
        case "--username":
            options = options with { Username = Next() };
            break;
        case "--password-file":
            options = options with { Password = File.ReadAllText(Next()).TrimEnd('\r', '\n') };
            break;
        case "--seconds":
            seconds = int.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--expect":
            expect = long.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}");
            return 2;
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
if (seconds > 0)
{
    stop.CancelAfter(TimeSpan.FromSeconds(seconds));
}

using var verifier = new SyncVerifier(options);
verifier.Start();
while (!stop.IsCancellationRequested)
{
    try
    {
        await Task.Delay(TimeSpan.FromSeconds(5), stop.Token);
    }
    catch (OperationCanceledException)
    {
        break;
    }

    Print(verifier, "progress");
    if (expect > 0 && verifier.Report() is { Count: > 0 } now && now.All(d => d.UniqueIds >= expect))
    {
        break;
    }
}

var report = Print(verifier, "final");
var ok = report.All(d => d.Gaps.Count == 0 && d.Malformed == 0 && d.OrderViolations == 0 && (expect == 0 || d.UniqueIds >= expect));
return ok && report.Count > 0 ? 0 : 1;

static IReadOnlyList<DeviceReport> Print(SyncVerifier verifier, string what)
{
    var report = verifier.Report();
    Console.WriteLine($"== {what} ({(verifier.IsSubscribed ? "subscribed" : "not connected" + (verifier.LastError is null ? "" : ": " + verifier.LastError))})");
    foreach (var device in report)
    {
        Console.WriteLine(device);
    }

    return report;
}
