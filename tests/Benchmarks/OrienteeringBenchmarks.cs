using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml;
using Edge.Appliance.Orienteering;

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
            _ = OrienteeringScoring.Score(list, settings);
            score.Add(clock.Elapsed.TotalMilliseconds);
        }

        var total = parse.Zip(score, (p, s) => p + s).ToList();
        Console.WriteLine($"orienteering-parse: {bytes.Length / 1048576.0:F1} MiB ResultList, {Classes * PerClass:N0} competitors x {Controls} splits; " +
            $"median of {Runs}: parse {Median(parse):F0} ms (XmlReader alone {Median(bare):F0} ms), score (worldcup, 1000pts, awt, 2 team classes) {Median(score):F1} ms, parse + score {Median(total):F0} ms");
        return Task.CompletedTask;
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
