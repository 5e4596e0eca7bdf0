using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Edge.Cloud.Landing;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace Edge.Cloud.Intake;

/// <summary>
/// This instance's connection to the broker: an MQTT 5 persistent session (clean start off, a session expiry) with
/// shared subscriptions (<c>$share/{group}/{prefix}/+/...</c>), so that the instances of a group split the boxes'
/// messages and the broker keeps an instance's share while it is away. Nothing is acknowledged on receipt: a message
/// is acknowledged once its transaction has committed (<see cref="DeviceLanes"/>). Reconnects forever with backoff.
/// </summary>
public sealed class BoxIntake(
    IOptions<CloudOptions> settings,
    NpgsqlDataSource database,
    DeviceLanes lanes,
    IntakeCounters counters,
    TimeProvider time,
    ILogger<BoxIntake> log) : BackgroundService
{
    private static readonly string[] Leaves = ["reads", "corrections", "status", "participants", "results/+"];
    private readonly CloudOptions _options = settings.Value;

    /// <summary>The topic filters this instance subscribes to.</summary>
    public IEnumerable<string> Filters => Leaves.Select(leaf => $"$share/{_options.ShareGroup}/{_options.TopicPrefix}/+/{leaf}");

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await MakeSchemaAsync(stop).ConfigureAwait(false);
        lanes.Start(stop);
        var backoff = TimeSpan.FromMilliseconds(100);
        var factory = new MqttClientFactory();
        long connection = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = factory.CreateMqttClient();
                var current = ++connection;
                var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                client.DisconnectedAsync += _ =>
                {
                    closed.TrySetResult();
                    return Task.CompletedTask;
                };
                client.ApplicationMessageReceivedAsync += e =>
                {
                    e.AutoAcknowledge = false;
                    Receive(e, current);
                    return Task.CompletedTask;
                };
                try
                {
                    lanes.CurrentConnection = current;
                    using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop))
                    {
                        deadline.CancelAfter(_options.ConnectTimeout);
                        await client.ConnectAsync(ClientOptions(), deadline.Token).ConfigureAwait(false);
                        var subscribe = factory.CreateSubscribeOptionsBuilder();
                        foreach (var filter in Filters)
                        {
                            subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
                        }

                        var granted = await client.SubscribeAsync(subscribe.Build(), deadline.Token).ConfigureAwait(false);
                        if (granted.Items.FirstOrDefault(i => (int)i.ResultCode > 2) is { } refused)
                        {
                            throw new InvalidOperationException($"the broker refused the subscription {refused.TopicFilter.Topic}: {refused.ResultCode}");
                        }
                    }

                    counters.Connection(true);
                    log.LogInformation("Connected to {Broker} as {ClientId}; landing boxes' messages", Where, _options.ClientId);
                    backoff = TimeSpan.FromMilliseconds(100);
                    await WhileConnectedAsync(client, closed.Task, stop).ConfigureAwait(false);
                    log.LogWarning("Lost the broker {Broker}; reconnecting", Where);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    log.LogWarning("Broker {Broker} not reachable, retrying in {Backoff}: {Error}", Where, backoff, e.Message);
                }
                finally
                {
                    counters.Connection(false);
                }

                if (stop.IsCancellationRequested)
                {
                    // A clean DISCONNECT keeps the session: what is unacknowledged waits for this instance's return.
                    await DisconnectAsync(client).ConfigureAwait(false);
                    break;
                }

                await Task.Delay(backoff, time, stop).ConfigureAwait(false);
                backoff = backoff * 2 > _options.BackoffMax ? _options.BackoffMax : backoff * 2;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await lanes.StopAsync().ConfigureAwait(false);
        }
    }

    private string Where => $"{_options.BrokerUri.Host}:{Port}";

    private int Port => _options.BrokerUri.IsDefaultPort || _options.BrokerUri.Port < 0
        ? (_options.BrokerUri.Scheme == "mqtts" ? 8883 : 1883)
        : _options.BrokerUri.Port;

    /// <summary>
    /// Until the connection ends. MQTTnet's <c>DisconnectedAsync</c> is backed by a check of <c>IsConnected</c> every
    /// second: it was reported not to fire in some states (MQTTnet issue #2244).
    /// </summary>
    private async Task WhileConnectedAsync(IMqttClient client, Task closed, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (!closed.IsCompleted && client.IsConnected)
        {
            var tick = timer.WaitForNextTickAsync(stop).AsTask();
            await Task.WhenAny(closed, tick).ConfigureAwait(false);
            stop.ThrowIfCancellationRequested();
        }
    }

    private void Receive(MqttApplicationMessageReceivedEventArgs e, long connection)
    {
        var topic = e.ApplicationMessage.Topic;
        var prefix = _options.TopicPrefix + "/";
        var rest = topic.StartsWith(prefix, StringComparison.Ordinal) ? topic[prefix.Length..] : "";
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var device = slash > 0 ? rest[..slash] : "?";
        var leaf = slash > 0 ? rest[(slash + 1)..] : topic;
        var payload = e.ApplicationMessage.Payload.ToArray();
        lanes.Add(new Delivery(connection, device, leaf, payload, time.GetTimestamp(), e.AcknowledgeAsync));
    }

    private MqttClientOptions ClientOptions()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.BrokerUri.Host, Port)
            .WithClientId(_options.ClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(_options.SessionExpirySeconds)
            .WithReceiveMaximum((ushort)_options.ReceiveMaximum)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTimeout(_options.ConnectTimeout);
        if (_options.Username is { } user)
        {
            builder.WithCredentials(user, _options.PasswordFile is { } file ? File.ReadAllText(file).TrimEnd('\r', '\n') : null);
        }

        if (_options.BrokerUri.Scheme == "mqtts")
        {
            var tls = new MqttClientTlsOptionsBuilder().UseTls().WithTargetHost(_options.BrokerUri.Host);
            if (_options.CaFile is { } caFile)
            {
                var trust = new X509Certificate2Collection();
                trust.ImportFromPemFile(caFile);
                tls.WithTrustChain(trust);
            }

            builder.WithTlsOptions(tls.Build());
        }

        return builder.Build();
    }

    private async Task MakeSchemaAsync(CancellationToken stop)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await CloudDatabase.EnsureSchemaAsync(database, stop).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stop.IsCancellationRequested)
            {
                log.LogWarning("Database not reachable yet, retrying in {Backoff}: {Error}", backoff, e.Message);
                await Task.Delay(backoff, time, stop).ConfigureAwait(false);
                backoff = backoff * 2 > _options.BackoffMax ? _options.BackoffMax : backoff * 2;
            }
        }
    }

    private async Task DisconnectAsync(IMqttClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            log.LogDebug("Disconnect at stop: {Error}", e.Message);
        }
    }
}
