using System.Globalization;
using Edge.Appliance.Meet;
using Edge.Store;

namespace Edge.Appliance.Face;

/// <summary>What the box's face tells, as of one moment (gathered by <see cref="FaceReadings"/>).</summary>
/// <param name="Wifi">meet.json's <c>wifi</c>.</param>
/// <param name="PhoneAddress">The results address phones open (meet.json <c>wifi.resultsUrl</c>, else the box's own); null when there is none.</param>
/// <param name="ReadsStored">Reads stored in the open meet, as <c>/api/status</c> counts them.</param>
/// <param name="Mats">Every timing location the console's timing page lists.</param>
/// <param name="Sync">The sync agent's last report; null when no agent has reported.</param>
/// <param name="SetupCode">The console's one-time setup code while no password is set.</param>
/// <param name="Problems">Short lines for what needs the timer's attention.</param>
public sealed record FaceFacts(
    WifiSettings? Wifi,
    string? PhoneAddress,
    long ReadsStored,
    IReadOnlyList<MatFacts> Mats,
    SyncStatus? Sync,
    string? SetupCode,
    IReadOnlyList<string> Problems);

/// <summary>One timing location.</summary>
/// <param name="Location">Its name as the controllers send it.</param>
/// <param name="SecondsSinceRead">Since its latest read arrived (box clock); null before its first read since the box started.</param>
public sealed record MatFacts(string Location, double? SecondsSinceRead);

/// <summary>
/// The screens the face cycles through, each a few lines: problems (while there are any), joining, reads and mats,
/// sync, the console's setup code (while there is one). Titles fit the title row beside its counter ("! 10/12").
/// </summary>
public static class FaceScreens
{
    public const string Problems = "problems";
    public const string Join = "join";
    public const string Reads = "reads";
    public const string Mats = "mats";
    public const string Sync = "sync";
    public const string Console = "console";

    /// <summary>Mats listed under the reads count; more go on screens of their own.</summary>
    private const int MatsWithReads = 4;
    private const int MatsPerScreen = 5;

    public static IReadOnlyList<FaceScreen> For(FaceFacts facts)
    {
        var screens = new List<FaceScreen>();
        if (facts.Problems.Count > 0)
        {
            screens.Add(new FaceScreen(Problems, facts.Problems.Count == 1 ? "1 problem" : $"{facts.Problems.Count} problems", ProblemLines(facts.Problems)));
        }

        screens.Add(JoinScreen(facts));
        screens.Add(new FaceScreen(Reads, "Reads stored",
            [new FaceLine(facts.ReadsStored.ToString("N0", CultureInfo.InvariantCulture), Large: true), .. facts.Mats.Take(MatsWithReads).Select(Mat)]));
        for (var (from, page) = (MatsWithReads, 2); from < facts.Mats.Count; from += MatsPerScreen, page++)
        {
            screens.Add(new FaceScreen($"{Mats}{page}", "More mats", [.. facts.Mats.Skip(from).Take(MatsPerScreen).Select(Mat)]));
        }

        screens.Add(SyncScreen(facts.Sync));
        if (facts.SetupCode is { } code)
        {
            screens.Add(new FaceScreen(Console, "Console setup",
                [new FaceLine("No password. Code:"), new FaceLine(code, Large: true), new FaceLine("Sign in at /admin")]));
        }

        return screens;
    }

    /// <summary>The screens shown once the box is stopping: nothing on them goes stale.</summary>
    public static FaceScreen Stopped { get; } = new("stopped", "edge", [new FaceLine("Stopped", Large: true), new FaceLine("Results are not served.")]);

    public static FaceScreen PoweringOff { get; } = new("poweroff", "edge",
        [new FaceLine("Power off", Large: true), new FaceLine("Unplug once the green LED stays dark.")]);

    /// <summary>Each problem gets its share of the rows, so a long one (a meet folder's message) cannot hide the others.</summary>
    private static List<FaceLine> ProblemLines(IReadOnlyList<string> problems)
    {
        var share = Math.Max(1, FaceLayout.SmallRows / problems.Count);
        var lines = new List<FaceLine>();
        foreach (var problem in problems)
        {
            var rows = FaceLayout.Wrap(FaceFont.Printable(problem), FaceLayout.SmallColumns);
            if (rows.Count > share)
            {
                rows = rows[..share];
                rows[^1] = (rows[^1].Length > FaceLayout.SmallColumns - 2 ? rows[^1][..(FaceLayout.SmallColumns - 2)] : rows[^1]) + "..";
            }

            lines.AddRange(rows.Select(r => new FaceLine(r)));
        }

        return lines;
    }

    private static FaceScreen JoinScreen(FaceFacts facts)
    {
        var lines = new List<FaceLine>();
        if (facts.Wifi is { } wifi)
        {
            lines.Add(new FaceLine(wifi.Ssid, Large: true));
            if (wifi.Security != "nopass")
            {
                lines.Add(new FaceLine("Key " + wifi.Password));
            }
        }
        else
        {
            lines.Add(new FaceLine("No Wi-Fi in meet.json"));
        }

        if (facts.PhoneAddress is { } address)
        {
            lines.Add(new FaceLine("then open"));
            lines.Add(new FaceLine(Shown(address), Large: true));
        }
        else
        {
            lines.Add(new FaceLine("No address for phones"));
        }

        return new FaceScreen(Join, "Join Wi-Fi", lines);
    }

    private static FaceScreen SyncScreen(SyncStatus? sync)
    {
        if (sync is null)
        {
            return new FaceScreen(Sync, "Cloud sync", [new FaceLine("No sync agent"), new FaceLine("has reported.")]);
        }

        var lines = new List<FaceLine>
        {
            new(sync.Running ? sync.State : "not running", Large: true),
            new(sync.Pending.ToString("N0", CultureInfo.InvariantCulture), Large: true),
            new(sync.Pending == 1 ? "entry to send" : "entries to send"),
        };
        if (sync.LastError is { Length: > 0 } error)
        {
            lines.Add(new FaceLine(error));
        }

        return new FaceScreen(Sync, "Cloud sync", lines);
    }

    private static FaceLine Mat(MatFacts mat) => new(mat.Location, Right: mat.SecondsSinceRead is { } seconds ? Ago(seconds) : "no read");

    /// <summary>Seconds up to 99, then minutes, then hours: the width of the figure stays small.</summary>
    public static string Ago(double seconds)
    {
        var s = (long)Math.Max(0, Math.Floor(seconds));
        return s < 100 ? $"{s} s" : s < 100 * 60 ? $"{s / 60} min" : $"{s / 3600} h";
    }

    /// <summary>An address as a phone's browser takes it typed: without <c>http://</c> and the trailing slash.</summary>
    public static string Shown(string url)
    {
        var shown = url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? url["http://".Length..] : url;
        return shown.EndsWith('/') ? shown[..^1] : shown;
    }
}
