using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Appliance;
using Edge.Appliance.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.Support;

/// <summary>
/// The real appliance in this process: real Kestrel on loopback ports the OS picks, a real SQLite file in a
/// temp folder. Disposing stops it and fails the test if anything was logged at Error that the test did not expect.
/// </summary>
public sealed class TestBox : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsDataDir;
    private readonly ErrorLog _errors = new();
    private bool _stopped;

    private TestBox(WebApplication app, string dataDir, bool ownsDataDir)
    {
        _app = app;
        DataDir = dataDir;
        _ownsDataDir = ownsDataDir;
    }

    public string DataDir { get; }
    public int TimingPort { get; private set; }
    public HttpClient Http { get; private set; } = null!;
    public IServiceProvider Services => _app.Services;

    /// <summary>What the console asked the system clock to be set to.</summary>
    public RecordingClockSetter ClockSets { get; private init; } = new();

    /// <summary>Everything logged at Error so far.</summary>
    public IReadOnlyCollection<string> LoggedErrors => _errors.Entries;

    /// <summary>Errors a test provokes on purpose; any other Error-level log fails the test.</summary>
    public List<string> ExpectedErrors { get; } = [];

    public static Task<TestBox> StartAsync(string? dataDir = null, params string[] settings) => StartAsync(dataDir, null, null, settings);

    /// <summary>A box with endpoints of the test's own beside the real ones (a handler that throws, one that reads a body).</summary>
    public static Task<TestBox> StartWithEndpointsAsync(Action<IEndpointRouteBuilder> map, params string[] settings) => StartAsync(null, map, null, settings);

    /// <summary>Starts the box with <paramref name="services"/> registered after its own (they win: a stepped clock, a fake probe).</summary>
    public static Task<TestBox> StartWithAsync(Action<IServiceCollection> services, string? dataDir = null, params string[] settings) =>
        StartAsync(dataDir, null, services, settings);

    private static async Task<TestBox> StartAsync(string? dataDir, Action<IEndpointRouteBuilder>? map, Action<IServiceCollection>? services, string[] settings)
    {
        var owns = dataDir is null;
        dataDir ??= TempDir.Create("box");
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--Timing:Address=127.0.0.1",
            "--Timing:Port=0",
            $"--Edge:DataDir={dataDir}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var clockSets = new RecordingClockSetter();
        // Tests never set this machine's clock: the console's "set the box clock" lands in ClockSets.
        var app = EdgeApp.Build(args, replace =>
        {
            replace.AddSingleton<Edge.Appliance.Console.IClockSetter>(clockSets);
            services?.Invoke(replace);
        });
        map?.Invoke(app);
        var box = new TestBox(app, dataDir, owns) { ClockSets = clockSets };
        box.Attach();
        await app.StartAsync();
        var timing = app.Services.GetRequiredService<TimingEndpoint>().Address!;
        box.TimingPort = timing.Port;
        var http = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a))
            .First(u => u.Port != timing.Port);
        box.Http = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(30) };
        return box;
    }

    private void Attach() =>
        _app.Services.GetRequiredService<ILoggerFactory>().AddProvider(_errors);

    public async Task<JsonElement> StatusAsync() =>
        (await Http.GetFromJsonAsync<JsonElement>("/api/status"));

    public async Task<long> ReadsAsync() => (await StatusAsync()).GetProperty("reads").GetInt64();

    public async Task<long> RejectedAsync(string reason) =>
        (await StatusAsync()).GetProperty("rejected").TryGetProperty(reason, out var n) ? n.GetInt64() : 0;

    /// <summary>Polls until the condition holds; fails with the last status when it does not within the timeout.</summary>
    public async Task WaitUntilAsync(Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement status;
        do
        {
            status = await StatusAsync();
            if (condition(status))
            {
                return;
            }

            await Task.Delay(25);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"timed out waiting for {what}; status: {status}");
    }

    public Task WaitForReadsAsync(long reads, TimeSpan? timeout = null) =>
        WaitUntilAsync(s => s.GetProperty("reads").GetInt64() >= reads, timeout ?? TimeSpan.FromSeconds(30), $"{reads} reads");

    /// <summary>Stops the box as its service manager would; once (disposing after it only cleans up).</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
        if (_ownsDataDir)
        {
            TempDir.Delete(DataDir);
        }

        var unexpected = _errors.Entries.Where(e => !ExpectedErrors.Any(e.Contains)).ToList();
        Assert.True(unexpected.Count == 0, "errors were logged:\n" + string.Join("\n", unexpected));
    }
}

/// <summary>Records the console's clock settings instead of changing the machine's clock.</summary>
public sealed class RecordingClockSetter : Edge.Appliance.Console.IClockSetter
{
    public ConcurrentQueue<DateTimeOffset> Sets { get; } = new();

    public void Set(DateTimeOffset utc) => Sets.Enqueue(utc);
}
