using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Edge.Appliance.Console;
using Edge.Simulator;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Microsoft.Playwright;

/// <summary>The timer's console: what each page weighs, how soon it paints on a phone over the hotspot, and what open consoles cost ingest.</summary>
internal static partial class ConsoleBenchmarks
{
    private const string Password = "benchmark console password";
    private const int Runners = 5_000;

    private static readonly string[] Pages =
        ["/admin/timing", "/admin/clock", "/admin/gun", "/admin/corrections", "/admin/meet", "/admin/desk?q=a", "/admin/box"];

    /// <summary>
    /// A 5,000-runner meet with a race streaming in (1,000 reads/s): each console page's weight (whole HTML, nothing
    /// else loads; uncompressed and gzip) and its first contentful paint in Chromium on a 360 px phone over a crowded
    /// hotspot (2 Mbit/s, 100 ms round trip). Target: each page at most 60 KB.
    /// </summary>
    public static async Task Weight()
    {
        var meetDir = TempDir.Create("bench-console-meet");
        var dataDir = TempDir.Create("bench-console-data");
        WriteMeet(meetDir);
        using var box = new ProcessBox(dataDir, $"--Edge:MeetDir={meetDir}", "--Logging:LogLevel:Default=Warning");
        await box.StartAsync();
        var race = GeneratedRace.Generate(new RaceOptions { Participants = Runners, Locations = ["start", "5k", "finish"] });
        using var cts = new CancellationTokenSource();
        var feed = new Ctp01Client(race, new ClientOptions { Port = box.TimingPort, ReadsPerSecond = 1000 }).RunAsync(cts.Token);
        await Task.Delay(TimeSpan.FromSeconds(8));
        var (http, cookies) = await SignInAsync(box.HttpPort, Password);
        using (http)
        {
            foreach (var page in Pages)
            {
                var plain = await http.GetByteArrayAsync(page);
                using var request = new HttpRequestMessage(HttpMethod.Get, page);
                request.Headers.AcceptEncoding.ParseAdd("gzip");
                var clock = Stopwatch.StartNew();
                using var answer = await http.SendAsync(request);
                var gzip = await answer.Content.ReadAsByteArrayAsync();
                Console.WriteLine($"console weight: {page} {plain.Length:N0} B ({gzip.Length:N0} B gzip) in {clock.Elapsed.TotalMilliseconds:F0} ms (target <= 60 KB)");
            }

            await FirstPaintAsync(box.HttpPort, cookies);
        }

        await cts.CancelAsync();
        await feed.ContinueWith(_ => { });
        TempDir.Delete(meetDir);
        TempDir.Delete(dataDir);
    }

    /// <summary>First contentful paint of each page on a phone over a slow, crowded hotspot, the session cookie already set.</summary>
    private static async Task FirstPaintAsync(int port, CookieContainer cookies)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        });
        var baseUrl = $"http://127.0.0.1:{port}";
        await using var phone = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            IsMobile = true,
            HasTouch = true,
        });
        await phone.AddCookiesAsync([.. cookies.GetAllCookies().Select(c => new Microsoft.Playwright.Cookie { Name = c.Name, Value = c.Value, Url = baseUrl })]);
        foreach (var path in Pages)
        {
            var paints = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                // A fresh tab each time, throttled before it loads anything.
                var page = await phone.NewPageAsync();
                var cdp = await phone.NewCDPSessionAsync(page);
                await cdp.SendAsync("Network.enable");
                await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
                {
                    ["offline"] = false,
                    ["latency"] = 100,
                    ["downloadThroughput"] = 2_000_000 / 8,
                    ["uploadThroughput"] = 1_000_000 / 8,
                });
                await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
                paints.Add(await page.EvaluateAsync<double>(
                    "() => new Promise(done => { const p = () => performance.getEntriesByName('first-contentful-paint')[0];" +
                    " if (p()) { done(p().startTime); return; } new PerformanceObserver(() => p() && done(p().startTime)).observe({ type: 'paint', buffered: true });" +
                    " setTimeout(() => done(-1), 5000); })"));
                await page.CloseAsync();
            }

            paints.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"console first paint (phone, 2 Mbit/s, 100 ms RTT): {path} median {paints[1]:F0} ms (runs {string.Join(", ", paints.Select(p => p.ToString("F0", CultureInfo.InvariantCulture)))})"));
        }
    }

    /// <summary>
    /// Durable ingest (8 unpaced clients, as ./bench ingest) alone, then with three consoles open on the live timing
    /// view (each refreshing it every 3 s as its script does, plus the clock view). Target: ingest unchanged.
    /// </summary>
    public static async Task Ingest()
    {
        // Alternating, so a machine that slows down part-way shows in both.
        foreach (var consoles in new[] { 0, 3, 0, 3 })
        {
            var dataDir = TempDir.Create("bench-console-ingest");
            using (var box = new ProcessBox(dataDir, "--Logging:LogLevel:Default=Warning", $"--Console:SessionLifetime=01:00:00"))
            {
                await box.StartAsync();
                using var stop = new CancellationTokenSource();
                var fetched = 0L;
                var viewers = new List<Task>();
                for (var i = 0; i < consoles; i++)
                {
                    var code = SetupCode(box);
                    var (http, _) = await SignInAsync(box.HttpPort, code);
                    viewers.Add(Task.Run(async () =>
                    {
                        using (http)
                        {
                            while (!stop.IsCancellationRequested)
                            {
                                await http.GetByteArrayAsync("/admin/timing?fragment=1", stop.Token).ContinueWith(t => t.IsCompletedSuccessfully && Interlocked.Increment(ref fetched) > 0);
                                await http.GetByteArrayAsync("/admin/clock?fragment=1", stop.Token).ContinueWith(t => t.IsCompletedSuccessfully && Interlocked.Increment(ref fetched) > 0);
                                await Task.Delay(3000, stop.Token).ContinueWith(_ => { });
                            }
                        }
                    }));
                }

                var (reads, rate, elapsed) = await IngestRun.PushAsync(box, 8, participants: 12_500, tag: "", mats: 4, timeout: TimeSpan.FromMinutes(5));
                await stop.CancelAsync();
                await Task.WhenAll(viewers);
                Console.WriteLine($"console ingest: {consoles} consoles open on the live timing view ({fetched} refreshes): {reads:N0} reads stored in {elapsed.TotalSeconds:F2} s = {rate:N0} reads/s");
            }

            TempDir.Delete(dataDir);
        }
    }

    /// <summary>The box's current one-time setup code, as its log printed it (each use prints the next).</summary>
    private static string SetupCode(ProcessBox box)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var codes = SetupCodePattern().Matches(box.Output);
            if (codes.Count > 0)
            {
                return codes[^1].Groups[1].Value;
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException("the box printed no console setup code");
    }

    private static async Task<(HttpClient Http, CookieContainer Cookies)> SignInAsync(int port, string password)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var form = await http.GetStringAsync("/admin/signin");
        var token = WebUtility.HtmlDecode(FormToken().Match(form).Groups[1].Value);
        using var answer = await http.PostAsync("/admin/signin", new FormUrlEncodedContent([new("_form", token), new("password", password)]));
        if (answer.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"sign-in answered {(int)answer.StatusCode}");
        }

        return (http, cookies);
    }

    private static void WriteMeet(string dir)
    {
        File.WriteAllText(Path.Combine(dir, "meet.json"), $$"""
            {
              "event": { "name": "Benchmark 10K", "date": "2026-05-02", "timeZone": "UTC" },
              "console": { "passwordHash": "{{ConsoleAccess.Hash(Password)}}" },
              "races": [ { "id": "10k", "name": "10K", "distanceKm": 10, "gun": { "location": "start" },
                "timingPoints": [ { "location": "start", "role": "start" }, { "location": "5k", "role": "split", "km": 5 },
                                  { "location": "finish", "role": "finish", "km": 10 } ],
                "minimumTime": "00:10:00" } ],
              "participants": "participants.csv"
            }
            """);
        var csv = new System.Text.StringBuilder("bib,first_name,last_name,gender,age,race,city,state,team\n");
        for (var i = 1; i <= Runners; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},Runner{i},Family{i % 97},{(i % 2 == 0 ? "F" : "M")},{16 + i * 7 % 60},10k,Seattle,WA,\n");
        }

        File.WriteAllText(Path.Combine(dir, "participants.csv"), csv.ToString());
    }

    [GeneratedRegex("name=\"_form\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex(@"setup code: ([A-Z0-9]{4}-[A-Z0-9]{4})")]
    private static partial Regex SetupCodePattern();
}
