using Edge.Appliance.Ingest;
using Edge.Simulator;

namespace Edge.Appliance.Demo;

/// <summary>
/// <c>--demo</c>: the box feeds itself a simulated race over its own CTP01 port, exactly as ChronoTrack
/// middleware would, so a newcomer (or a timer checking the screens) sees reads arrive within seconds.
/// </summary>
public sealed partial class DemoFeed(
    IHostApplicationLifetime lifetime,
    TimingEndpoint timing,
    Microsoft.Extensions.Options.IOptions<DemoOptions> options,
    Meet.MeetHost meetHost,
    TimeProvider time,
    ILogger<DemoFeed> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        foreach (var display in meetHost.Current.Displays)
        {
            LogDisplay(display.Kind.ToString(), display.Id);
        }

        var participants = options.Value.DemoParticipants;
        var rate = options.Value.DemoReadsPerSecond;
        var now = time.GetUtcNow();
        // Demo reads are dated today so they look live; a real race's times only ever come from its controllers.
        var race = GeneratedRace.Generate(new RaceOptions
        {
            Participants = participants,
            GunTime = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero),
            LateLocation = "5k",
            LateLocationAfterReads = participants / 2,
        });
        var port = timing.Address?.Port ?? 61611;
        LogDemo(participants, race.TotalReads, rate, port);
        await using var client = new Ctp01Client(race, new ClientOptions { Host = "127.0.0.1", Port = port, ReadsPerSecond = rate, EventName = "Demo race" });
        try
        {
            await client.RunAsync(stoppingToken);
        }
        catch (Exception e) when (e is IOException && lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The box closes its timing connections as it stops; the demo controller just goes with it.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo display ({Kind}): /d/{Id}")]
    private partial void LogDisplay(string kind, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: simulating {Participants} runners ({Reads} reads at {Rate}/s) on timing port {Port}")]
    private partial void LogDemo(int participants, int reads, double rate, int port);
}

public static class DemoExtensions
{
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var demo = builder.Configuration.GetSection(DemoOptions.Section).Get<DemoOptions>() ?? new DemoOptions();
        if (demo.Demo)
        {
            // The demo keeps a database of its own beside the real one, and every run is a meet of its own: a
            // demo never touches a real meet's reads, and a second demo does not mix with the first.
            var dataDir = Path.Combine(builder.Configuration["Edge:DataDir"] ?? "./data", "demo");
            builder.Configuration["Edge:DataDir"] = dataDir;
            if (string.IsNullOrWhiteSpace(builder.Configuration["Edge:MeetDir"]))
            {
                var now = DateTime.UtcNow;
                builder.Configuration["Edge:MeetDir"] = DemoMeet.Write(
                    dataDir, Math.Clamp(demo.DemoParticipants, 1, 100_000), DateOnly.FromDateTime(now), $"demo-{now:yyyyMMdd-HHmmss}");
            }

            builder.Services.AddHostedService<DemoFeed>();
        }

        return builder;
    }
}
