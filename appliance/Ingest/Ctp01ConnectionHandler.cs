using System.Threading.Channels;
using Edge.Appliance.Store;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Ingest;

/// <summary>Kestrel hands every TCP connection on the timing port to this handler; each runs one <see cref="Ctp01Session"/>.</summary>
public sealed partial class Ctp01ConnectionHandler(
    IOptions<TimingOptions> options,
    ReadStore store,
    IngestStatus status,
    EventClock clock,
    TimeProvider time,
    TimingMonitor monitor,
    IHostApplicationLifetime lifetime,
    ILogger<Ctp01ConnectionHandler> logger) : ConnectionHandler
{
    private readonly TimingOptions _options = options.Value;
    private readonly string _password = ReadPassword(options.Value);
    private readonly IReadOnlyList<System.Net.IPNetwork> _networks = options.Value.Networks();

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var remote = connection.RemoteEndPoint?.ToString() ?? "unknown";
        if (!TimingOptions.Allows(_networks, (connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address))
        {
            // Closed before a byte is read or said: a phone on the spectators' network cannot inject reads.
            status.Reject(RejectReason.NetworkNotAllowed);
            LogNotAllowed(remote, _options.AllowedNetworks);
            return;
        }

        if (status.Count >= _options.MaxConnections)
        {
            status.Reject(RejectReason.TooManyConnections);
            LogRefused(remote, _options.MaxConnections);
            return;
        }

        var info = status.Open(remote, time.GetUtcNow());
        LogOpened(info.Id, remote);
        var watch = monitor.Opened(info);
        var reason = "closed by client";
        try
        {
            var session = new Ctp01Session(connection, info, _options, _password, store, status, clock, time, monitor, watch, logger);
            // Shutdown does not wait for controllers to hang up: each session stops reading at once.
            using var stopping = lifetime.ApplicationStopping.Register(session.Stop);
            await session.RunAsync();
            if (store.Health.State == StoreState.Failed)
            {
                reason = $"store failed: {store.Health.Problem}";
            }
            else if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                reason = "box shutting down";
            }
        }
        catch (Exception) when (store.Health.State == StoreState.Failed)
        {
            // The store cannot keep reads: the middleware holds them and resends after the resume.
            reason = $"store failed: {store.Health.Problem}";
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionResetException or ConnectionAbortedException or IOException)
        {
            reason = e.Message;
        }
        catch (ChannelClosedException)
        {
            reason = "box shutting down";
        }
        finally
        {
            status.Close(info);
            monitor.Closed(watch, reason);
            LogClosed(info.Id, remote, info.ConnectionId ?? "-", info.Reads, reason);
        }
    }

    private static string ReadPassword(TimingOptions options) =>
        string.IsNullOrEmpty(options.PasswordFile) ? options.Password : File.ReadLines(options.PasswordFile).FirstOrDefault()?.Trim() ?? "";

    [LoggerMessage(Level = LogLevel.Information, Message = "Timing connection {Connection} opened from {Remote}")]
    private partial void LogOpened(long connection, string remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "Timing connection {Connection} from {Remote} ({ConnectionId}) closed after {Reads} reads: {Reason}")]
    private partial void LogClosed(long connection, string remote, string connectionId, long reads, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timing connection from {Remote} refused: not in Timing:AllowedNetworks ({Networks})")]
    private partial void LogNotAllowed(string remote, string networks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timing connection from {Remote} refused: {Max} connections already open")]
    private partial void LogRefused(string remote, int max);
}
