using System.Diagnostics;
using System.Globalization;
using System.Text;
using Edge.Simulator;

namespace Edge.Image.Tests;

/// <summary>The images the tests boot: <c>EDGE_IMAGE</c> (or <c>EDGE_IMAGE_ARM64</c>) when set, else built once per run.</summary>
internal static class Images
{
    private static readonly Lazy<string> BuiltAmd64 = new(() => Build("amd64"));

    public static string Amd64() => Environment.GetEnvironmentVariable("EDGE_IMAGE") is { Length: > 0 } given ? given : BuiltAmd64.Value;

    public static string Root { get; } = FindRoot();

    private static string Build(string arch)
    {
        var output = Path.Combine(Path.GetTempPath(), $"edge-image-{arch}-{Environment.ProcessId}.img");
        var clock = Stopwatch.StartNew();
        ImageTests.Run(Path.Combine(Root, "image-build", "build.sh"), "--arch", arch, "--out", output);
        Console.WriteLine($"{arch} image built in {clock.Elapsed.TotalSeconds:F0} s");
        return output;
    }

    /// <summary>A copy that keeps the image's holes, so a 1 GiB image with 500 MB of data costs 500 MB.</summary>
    public static void CopySparse(string from, string to) => ImageTests.Run("cp", "--sparse=always", from, to);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "edge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no edge.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>A meet folder for a generated race: one 10K with the race's mats, every runner on the roster.</summary>
internal static class Meets
{
    public static void Write(string dir, GeneratedRace race, string sshKey)
    {
        var points = race.Options.Locations.Select((l, i) =>
            i == 0 ? $$"""{ "location": "{{l}}", "role": "start" }"""
            : i == race.Options.Locations.Count - 1 ? $$"""{ "location": "{{l}}", "role": "finish", "km": 10 }"""
            : $$"""{ "location": "{{l}}", "role": "split" }""");
        File.WriteAllText(Path.Combine(dir, "meet.json"), $$"""
            {
              "event": { "name": "Image Test 10K", "date": "2026-05-02", "timeZone": "UTC" },
              "races": [ { "id": "10k", "name": "10K", "distanceKm": 10, "gun": { "location": "{{race.Options.Locations[0]}}" },
                           "timingPoints": [ {{string.Join(", ", points)}} ] } ],
              "ageGroups": { "width": 10, "from": 0, "to": 70 },
              "participants": "participants.csv",
              "wifi": { "ssid": "Image Test Results" },
              "network": { "ssh": { "authorizedKeys": [ "{{sshKey}}" ] } }
            }
            """);
        var csv = new StringBuilder("bib,first_name,last_name,gender,age,race\n");
        for (var i = 0; i < race.Options.Participants; i++)
        {
            var bib = race.Options.FirstBib + i;
            csv.Append(CultureInfo.InvariantCulture, $"{bib},Runner,No{bib},{(i % 2 == 0 ? "F" : "M")},{18 + i % 50},10k\n");
        }

        File.WriteAllText(Path.Combine(dir, "participants.csv"), csv.ToString());
    }
}

/// <summary>Commands inside the booted box over SSH (the meet folder's key, root, the forwarded port).</summary>
internal sealed class Ssh(int port, string key)
{
    public async Task<string> RunAsync(string command)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await Task.Run(() => ImageTests.Run("ssh", "-i", key, "-p", port.ToString(CultureInfo.InvariantCulture),
                    "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                    "-o", "ConnectTimeout=10", "root@127.0.0.1", command));
            }
            catch (InvalidOperationException e) when (DateTime.UtcNow < deadline && e.Message.Contains("exited with 255", StringComparison.Ordinal))
            {
                // sshd starts beside the appliance and may not listen yet.
                await Task.Delay(1000);
            }
        }
    }
}

/// <summary>Listening sockets as <c>ss -Hltun</c> prints them, and the ones the box means to have.</summary>
internal static class Ports
{
    /// <summary>"tcp 0.0.0.0:80" style entries.</summary>
    public static List<string> Parse(string ss) =>
        [.. ss.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 5)
            .Select(f => $"{f[0]} {f[4]}")];

    public static bool Intended(string entry)
    {
        var (protocol, address) = (entry[..3], entry[4..]);
        var colon = address.LastIndexOf(':');
        var (host, port) = (address[..colon], address[(colon + 1)..]);
        var loopback = host is "127.0.0.1" or "[::1]" || host.StartsWith("127.", StringComparison.Ordinal);
        return (protocol, port) switch
        {
            ("tcp", "80") or ("tcp", "61611") or ("tcp", "22") => true,
            // dnsmasq: DNS on the box's own addresses, DHCP on the wildcard (it filters by interface itself).
            ("tcp" or "udp", "53") => host.StartsWith("10.4", StringComparison.Ordinal) || loopback,
            ("udp", "67") => true,
            // chrony serves time to the timer's side; its command port answers only on loopback.
            ("udp", "123") => true,
            ("udp", "323") => loopback,
            _ => false,
        };
    }
}
