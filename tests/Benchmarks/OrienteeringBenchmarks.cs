using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml;
using Edge.Appliance.Orienteering;
using Microsoft.Extensions.DependencyInjection;

/// <summary>An IOF XML 3.0 result list at the size of a big local meet: 2,000 competitors with 30 splits each.</summary>
internal static class OrienteeringBenchmarks
{
    private const int Classes = 20;
    private const int PerClass = 100;
    private const int Controls = 30;
    private const int Runs = 9;

    public static Task Parse()
    {
        var bytes = Generate();
        var settings = Settings();
        // Warm-up: the first parse pays for the JIT, which a box pays once.
        var scored = OrienteeringScoring.Score(IofResultListParser.Parse(bytes), settings);
        if (scored.Classes.Sum(c => c.Competitors.Count) != Classes * PerClass)
        {
            throw new InvalidOperationException("benchmark list did not read whole");
        }

        var parse = new List<double>();
        var score = new List<double>();
        var bare = new List<double>();
        var fromText = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            using (var reader = XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { IgnoreWhitespace = true }))
            {
                while (reader.Read())
                {
                }
            }

            bare.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var list = IofResultListParser.Parse(bytes);
            parse.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            using (var text = new StringReader(Encoding.UTF8.GetString(bytes)))
            {
                _ = IofResultListParser.Parse(text);
            }

            fromText.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            _ = OrienteeringScoring.Score(list, settings);
            score.Add(clock.Elapsed.TotalMilliseconds);
        }

        var total = parse.Zip(score, (p, s) => p + s).ToList();
        Console.WriteLine($"orienteering-parse: {bytes.Length / 1048576.0:F1} MiB ResultList, {Classes * PerClass:N0} competitors x {Controls} splits; " +
            $"median of {Runs}: parse {Median(parse):F0} ms (XmlReader alone {Median(bare):F0} ms; decoded to text, then parsed from it, {Median(fromText):F0} ms), score (worldcup, 1000pts, awt, 2 team classes) {Median(score):F1} ms, parse + score {Median(total):F0} ms");
        return Task.CompletedTask;
    }

    /// <summary>
    /// The import as the box runs it (a real box, a real SQLite file): decode and parse, append the list to the log
    /// durably, score it with the meet's settings and publish it to the live pages. Each run is a newer export (its
    /// createTime moves on), so every run stores and shows a list.
    /// </summary>
    public static async Task Import()
    {
        var template = Encoding.UTF8.GetString(Generate());
        // The meet folder scores as Parse does: worldcup, 1000pts and paired awt classes, a wiol-team and an awt-team class.
        var meetDir = Edge.Tests.Support.TempDir.Create("bench-meet");
        var classes = string.Join(", ", Enumerable.Range(0, Classes).Select(c => (c % 4) switch
        {
            0 => $"\"C{c}\": {{ \"scoring\": \"worldcup\" }}",
            1 => $"\"C{c}\": {{ \"scoring\": \"1000pts\" }}",
            2 => $"\"C{c}\": {{ \"scoring\": \"awt\", \"pairedWith\": \"C{c + 1}\" }}",
            _ => $"\"C{c}\": {{ \"scoring\": \"awt\" }}",
        }));
        var wt = string.Join(", ", Enumerable.Range(0, Classes).Where(c => c % 4 == 0).Select(c => $"\"C{c}\""));
        var at = string.Join(", ", Enumerable.Range(0, Classes).Where(c => c % 4 >= 2).Select(c => $"\"C{c}\""));
        File.WriteAllText(Path.Combine(meetDir, "meet.json"), $$"""
            { "event": { "name": "Bench Meet", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
              "orienteering": { "classes": { {{classes}} },
                "teams": [ { "id": "WT", "name": "Teams", "classes": [{{wt}}], "scoring": "wiol-team" },
                           { "id": "AT", "name": "AWT Teams", "classes": [{{at}}], "scoring": "awt-team" } ] } }
            """);
        var dataDir = Edge.Tests.Support.TempDir.Create("bench-o");
        var box = Edge.Appliance.EdgeApp.Build([
            "--urls=http://127.0.0.1:0", "--Timing:Address=127.0.0.1", "--Timing:Port=0", $"--Edge:DataDir={dataDir}", $"--Edge:MeetDir={meetDir}",
            "--Logging:LogLevel:Default=Warning"]);
        await box.StartAsync();
        var import = box.Services.GetRequiredService<OrienteeringImport>();
        var results = box.Services.GetRequiredService<OrienteeringResults>();
        // Each export new content, as one in which a result changed (an unchanged one is not stored again).
        byte[] Export(int n) => Encoding.UTF8.GetBytes(template.Replace("2026-05-02T13:00:00-07:00", $"2026-05-02T13:{n:00}:00-07:00", StringComparison.Ordinal)
            .Replace("</ResultList>", $"<!-- export {n} --></ResultList>", StringComparison.Ordinal));

        // Warm-up: the JIT, as a box pays once.
        await import.ImportAsync(Export(0), "bench", CancellationToken.None);
        var times = new List<double>();
        var prepares = new List<double>();
        var bytes = 0;
        for (var run = 1; run <= Runs; run++)
        {
            var export = Export(run);
            bytes = export.Length;
            var clock = Stopwatch.StartNew();
            var prepared = import.Prepare(export);
            prepares.Add(clock.Elapsed.TotalMilliseconds);
            var outcome = await import.StoreAsync(prepared, "bench", CancellationToken.None);
            times.Add(clock.Elapsed.TotalMilliseconds);
            if (!outcome.Stored || !outcome.Shown || results.Current.Shown?.LogId != outcome.LogId)
            {
                throw new InvalidOperationException("benchmark list was not stored and shown");
            }
        }

        Console.WriteLine($"orienteering-import: {bytes / 1048576.0:F1} MiB ResultList, {Classes * PerClass:N0} competitors x {Controls} splits, through OrienteeringImport " +
            $"(decode, parse, durable append to the log, score, publish); median of {Runs} {Median(times):F0} ms " +
            $"(of which decode, parse and hash {Median(prepares):F0} ms), slowest {times.Max():F0} ms (target: at most 1,000 ms)");
        await box.StopAsync();
        await box.DisposeAsync();
        Edge.Tests.Support.TempDir.Delete(meetDir);
        Edge.Tests.Support.TempDir.Delete(dataDir);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static OrienteeringSettings Settings()
    {
        var classes = new Dictionary<string, ClassScoring>(StringComparer.OrdinalIgnoreCase);
        for (var c = 0; c < Classes; c++)
        {
            classes[$"C{c}"] = (c % 4) switch
            {
                0 => new ClassScoring(ClassScheme.WorldCup),
                1 => new ClassScoring(ClassScheme.Points1000),
                2 => new ClassScoring(ClassScheme.Awt) { PairedWith = $"C{c + 1}" },
                _ => new ClassScoring(ClassScheme.Awt),
            };
        }

        TeamClass[] teams =
        [
            new("WT", "Teams", [.. Enumerable.Range(0, Classes).Where(c => c % 4 == 0).Select(c => $"C{c}")], TeamScheme.WiolTeam),
            new("AT", "AWT Teams", [.. Enumerable.Range(0, Classes).Where(c => c % 4 >= 2).Select(c => $"C{c}")], TeamScheme.AwtTeam),
        ];
        return new OrienteeringSettings(classes, teams, null);
    }

    private static byte[] Generate()
    {
        var random = new Random(12);
        string[] statuses = ["MissingPunch", "DidNotFinish", "DidNotStart", "Disqualified"];
        var xml = new StringBuilder(6 * 1024 * 1024);
        xml.Append($"""
            <?xml version="1.0" encoding="UTF-8"?>
            <ResultList xmlns="{IofResultListParser.Namespace}" iofVersion="3.0" createTime="2026-05-02T13:00:00-07:00" creator="Bench" status="Complete">
              <Event><Name>Bench Meet</Name><StartTime><Date>2026-05-02</Date><Time>10:00:00-07:00</Time></StartTime></Event>

            """);
        var id = 0;
        for (var c = 0; c < Classes; c++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"""
                  <ClassResult>
                    <Class><Id>{c + 1}</Id><Name>Class {c}</Name><ShortName>C{c}</ShortName></Class>
                    <Course><Length>{3000 + 100 * c}</Length><Climb>{80 + c}</Climb></Course>

                """);
            for (var p = 0; p < PerClass; p++)
            {
                id++;
                var ok = random.Next(10) != 0;
                var time = 1500 + random.Next(3000);
                var start = new DateTimeOffset(2026, 5, 2, 10, 0, 0, TimeSpan.FromHours(-7)).AddSeconds(random.Next(7200));
                xml.Append(CultureInfo.InvariantCulture, $"""
                          <PersonResult>
                            <Person><Id>{id}</Id><Name><Family>Family{id}</Family><Given>Given{id}</Given></Name></Person>
                            <Organisation><Id>{id % 40}</Id><Name>School {id % 40}</Name><ShortName>S{id % 40}</ShortName><Country code="USA">United States</Country></Organisation>
                            <Result>
                              <BibNumber>{id}</BibNumber>
                              <StartTime>{start:yyyy-MM-ddTHH:mm:sszzz}</StartTime>
                              <FinishTime>{start.AddSeconds(time):yyyy-MM-ddTHH:mm:sszzz}</FinishTime>
                              <Time>{time}</Time>
                              <Status>{(ok ? "OK" : statuses[random.Next(statuses.Length)])}</Status>

                    """);
                for (var k = 0; k < Controls; k++)
                {
                    if (!ok && k == Controls / 2)
                    {
                        xml.Append(CultureInfo.InvariantCulture, $"          <SplitTime status=\"Missing\"><ControlCode>{31 + k}</ControlCode></SplitTime>\n");
                    }
                    else
                    {
                        xml.Append(CultureInfo.InvariantCulture, $"          <SplitTime><ControlCode>{31 + k}</ControlCode><Time>{time * (k + 1) / (Controls + 1)}</Time></SplitTime>\n");
                    }
                }

                xml.Append(CultureInfo.InvariantCulture, $"""
                              <ControlCard>{8_000_000 + id}</ControlCard>
                            </Result>
                          </PersonResult>

                    """);
            }

            xml.Append("  </ClassResult>\n");
        }

        xml.Append("</ResultList>\n");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }
}
