using Edge.Appliance.Ingest;
using Edge.Appliance.Store;
using Edge.Store.Systemd;

namespace Edge.Appliance.Box;

/// <summary>
/// Tells systemd the box is ready once it stores reads and listens for timers, then pets the service watchdog at
/// half its interval while <c>/healthz</c> would answer 200. A writer stuck on a dead card or a listener that
/// stopped accepting stops the pets, and systemd restarts the appliance (the unit's <c>WatchdogSec=</c>).
/// </summary>
public sealed class ServiceWatchdog(SystemdNotify notify, ReadStore store, IngestStatus ingest, IHostApplicationLifetime lifetime,
    TimeProvider time, ILogger<ServiceWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notify.Enabled)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        notify.Send("READY=1\nSTATUS=storing reads and serving pages");
        if (notify.Watchdog is not { } interval)
        {
            return;
        }

        logger.LogInformation("Service watchdog every {Interval}", interval);
        using var timer = new PeriodicTimer(interval / 2, time);
        var healthy = true;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = store.IsOpen && ingest.Accepting;
            if (now)
            {
                notify.Send("WATCHDOG=1");
            }
            else if (healthy)
            {
                logger.LogWarning("Not healthy (store open {Open}, timing accepting {Accepting}): the service watchdog is not told, systemd restarts the box if it lasts",
                    store.IsOpen, ingest.Accepting);
                notify.Send("STATUS=not healthy: see the log");
            }

            healthy = now;
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        notify.Send("STOPPING=1");
        return base.StopAsync(cancellationToken);
    }
}

public static class BoxExtensions
{
    /// <summary>The box's life under systemd: readiness and the service watchdog (nothing outside systemd).</summary>
    public static IHostApplicationBuilder AddServiceWatchdog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(_ => SystemdNotify.FromEnvironment());
        builder.Services.AddHostedService<ServiceWatchdog>();
        return builder;
    }
}
