using System.Collections.Concurrent;
using Edge.Store;
using Edge.SyncAgent.Cloud;
using Edge.SyncAgent.Mqtt;
using Edge.SyncAgent.Outbox;
using Edge.SyncAgent.Snapshots;
using Edge.SyncAgent.Status;

namespace Edge.SyncAgent;

/// <summary>
/// The sync agent: publishes the appliance's log (the outbox) to the cloud broker, exactly once in effect.
/// <list type="bullet">
/// <item>The network thread owns the connection: a fresh client per attempt, CONNACK, backoff with jitter, protocol fallback.</item>
/// <item>The pump thread owns the outbox position: it pages the log after the watermark, publishes bounded messages
/// within the in-flight window, takes PUBACKs, advances and saves the watermark over contiguous acknowledged ids,
/// and writes the status file. After any reconnect it resends everything above the watermark.</item>
/// <item>A snapshot poller publishes participants and results from the appliance's HTTP API when they change.</item>
/// </list>
/// Nothing polls in a tight loop: the pump sleeps until the database's WAL changes, a PUBACK arrives, or the
/// connection changes; the network thread sleeps in libmosquitto's select.
/// Every interval (connect deadline, backoff, saves, status writes and messages, rates) is measured on the injected
/// <see cref="TimeProvider"/>'s monotonic clock; its wall clock, which chrony may step by hours on a box without a
/// battery clock, only gives the times the status reports.
/// </summary>
public sealed class SyncAgent : IDisposable
{
    private readonly AgentOptions _options;
    private readonly AgentSettings _configuration;
    private readonly AgentLog _log;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<PumpEvent> _events = new();
    private readonly AutoResetEvent _pumpWake = new(false);
    private readonly AutoResetEvent _networkWake = new(false);
    private readonly Lock _statusGate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SnapshotPoller _snapshots;
    private FileSystemWatcher? _outboxWatcher;
    private Timer? _settle;
    private int _settleWakes;
    private FileSystemWatcher? _meetWatcher;
    private Timer? _meetDebounce;
    private volatile bool _configDirty;
    private volatile Uplink? _current;
    private long _generation;

    // Connection facts for the status file (network thread writes, pump reads under _statusGate).
    private string _state = SyncStates.Connecting;
    private string? _broker;
    private string? _deviceId;
    private string? _protocol;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private DateTimeOffset? _connectedAt;
    private long _connectAttempts;
    private volatile bool _statusDirty = true;

    // Log entries not yet acknowledged (pump writes, snapshot poller reads).
    private long _backlog;

    public SyncAgent(AgentOptions options, AgentSettings configuration, AgentLog log, TimeProvider? time = null)
    {
        _options = options;
        _configuration = configuration;
        _log = log;
        _time = time ?? TimeProvider.System;
        _snapshots = new SnapshotPoller(options, log, () => _current, () => Interlocked.Read(ref _backlog) > options.WindowRows);
    }

    /// <summary>Runs until <paramref name="stop"/> fires, then stops cleanly: offline status, watermark saved. Returns the exit code.</summary>
    public int Run(CancellationToken stop)
    {
        Directory.CreateDirectory(_options.DataDir);
        _log.Info($"sync agent {typeof(SyncAgent).Assembly.GetName().Version} ({Uplink.LibraryName(_options.Transport)}); data {Path.GetFullPath(_options.DataDir)}" +
            (_options.MeetDir is null ? "" : $", meet folder {Path.GetFullPath(_options.MeetDir)}"));
        WatchOutbox();
        WatchMeetFolder();
        var pump = new Thread(RunPump) { Name = "outbox pump", IsBackground = true };
        var network = new Thread(RunNetwork) { Name = "mqtt network", IsBackground = true };
        pump.Start();
        network.Start();
        var snapshots = _snapshots.RunAsync(_stop.Token);

        // Under systemd: ready once both loops run; the watchdog is told only while both still do.
        using var notify = Edge.Store.Systemd.SystemdNotify.FromEnvironment();
        notify.Send("READY=1");
        using var watchdog = notify.Watchdog is { } interval
            ? new Timer(_ => { if (pump.IsAlive && network.IsAlive) { notify.Send("WATCHDOG=1"); } }, null, TimeSpan.Zero, interval / 2)
            : null;

        stop.WaitHandle.WaitOne();
        notify.Send("STOPPING=1");
        _log.Info("stopping");
        _stop.Cancel();
        _current?.Stop();
        _networkWake.Set();
        if (!network.Join(TimeSpan.FromSeconds(5)))
        {
            _log.Warn("network thread did not end within 5 s (a connect in progress); leaving it");
        }

        _events.Enqueue(new Stopping());
        _pumpWake.Set();
        pump.Join(TimeSpan.FromSeconds(10));
        try
        {
            snapshots.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // cancelled
        }

        _log.Info("stopped");
        return 0;
    }

    internal void OnConnected(Uplink uplink)
    {
        lock (_statusGate)
        {
            _state = SyncStates.Connected;
            _connectedAt = _time.GetUtcNow();
            _protocol = uplink.ProtocolName;
            // The problem that kept the agent from the broker is over: a status that says "connected" carries no
            // error (the log keeps what it was).
            _lastError = null;
            _lastErrorAt = null;
        }

        _log.Info($"connected to {uplink.Settings.Broker} (MQTT {uplink.ProtocolName})");
        _events.Enqueue(new Connected(uplink));
        _statusDirty = true;
        _pumpWake.Set();
        _snapshots.Wake();
    }

    internal void OnAcknowledged(Uplink uplink, int mid, int reasonCode)
    {
        _events.Enqueue(new Acked(uplink, mid, reasonCode));
        _pumpWake.Set();
    }

    // ---------------------------------------------------------------- network thread

    private void RunNetwork()
    {
        Priority.LowerCurrentThread(_options.Nice);
        var failures = 0;
        MqttProtocol? learned = null;
        var config = CloudConfigResult.Off("not loaded");
        CloudConfigResult? changed = null;

        // True when meet.json (or a credential file beside it) changed what the agent should do.
        bool ConfigChanged()
        {
            if (changed is null && _configDirty)
            {
                _configDirty = false;
                var next = CloudConfig.Load(_configuration);
                if (next.Fingerprint != config.Fingerprint)
                {
                    changed = next;
                }
            }

            return changed is not null;
        }

        _configDirty = false;
        changed = CloudConfig.Load(_configuration);
        while (!_stop.IsCancellationRequested)
        {
            if (changed is not null || ConfigChanged())
            {
                config = changed!;
                changed = null;
                learned = null;
                failures = 0;
                Announce(config);
            }

            if (config.Settings is not { } settings)
            {
                SetState(config.Error is null ? SyncStates.Disabled : SyncStates.Error, config.Error ?? config.Disabled, null, null);
                // Nothing to do until meet.json changes (or the agent stops).
                _networkWake.WaitOne();
                continue;
            }

            var protocol = settings.Protocol ?? learned ?? MqttProtocol.V5;
            lock (_statusGate)
            {
                _state = SyncStates.Connecting;
                _broker = settings.Broker;
                _deviceId = settings.DeviceId;
                _protocol = protocol == MqttProtocol.V5 ? "5" : "3.1.1";
                _connectAttempts++;
            }

            _statusDirty = true;
            _pumpWake.Set();
            string? error;
            var wasConnected = false;
            var refused = false;
            var protocolRefused = false;
            Uplink? uplink = null;
            try
            {
                uplink = new Uplink(this, Interlocked.Increment(ref _generation), settings, protocol, _options, _log, _time);
                _current = uplink;
                error = uplink.Run(_options, () => _stop.IsCancellationRequested || ConfigChanged());
                wasConnected = uplink.IsConnected;
                refused = uplink.Refused;
                protocolRefused = uplink.ProtocolRefused;
            }
            catch (InvalidOperationException e)
            {
                error = e.Message;
            }
            finally
            {
                _current = null;
                if (uplink is not null)
                {
                    _events.Enqueue(new Disconnected(uplink));
                    _pumpWake.Set();
                    uplink.Dispose();
                }
            }

            if (_stop.IsCancellationRequested)
            {
                break;
            }

            if (wasConnected)
            {
                _log.Warn(error ?? $"disconnected from {settings.Broker}");
                if (!refused)
                {
                    // A connection that worked and dropped: start again from the shortest wait.
                    failures = 0;
                }
            }

            if (protocolRefused && protocol == MqttProtocol.V5 && settings.Protocol is null)
            {
                _log.Info($"{settings.Broker} does not speak MQTT 5; using MQTT 3.1.1");
                learned = MqttProtocol.V311;
                continue;
            }

            if (error is null)
            {
                // Ended on purpose: the configuration changed.
                continue;
            }

            var delay = Backoff(failures++);
            if (!wasConnected)
            {
                _log.Warn($"{error}; next attempt in {delay.TotalSeconds:0.0} s");
            }

            SetState(SyncStates.Backoff, error, settings.Broker, settings.DeviceId);
            // Until the delay has passed on the monotonic clock, the agent stops, or the configuration changes.
            var wait = Deadline.After(_time, delay);
            while (!wait.Expired && !_stop.IsCancellationRequested && !ConfigChanged())
            {
                _networkWake.WaitOne(wait.Remaining);
            }
        }

        SetState(SyncStates.Stopped, null, null, null);
    }

    /// <summary>1 s, 2 s, 4 s ... up to the maximum, each with ±20 % jitter so a fleet of boxes does not retry in step.</summary>
    private TimeSpan Backoff(int failures)
    {
        var nominal = _options.BackoffMin.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20));
        nominal = Math.Min(nominal, _options.BackoffMax.TotalMilliseconds);
        var jittered = nominal * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, _options.BackoffMin.TotalMilliseconds, _options.BackoffMax.TotalMilliseconds));
    }

    private void Announce(CloudConfigResult config)
    {
        if (config.Settings is { } s)
        {
            _log.Info($"cloud: {s}");
        }
        else if (config.Error is { } error)
        {
            _log.Error($"cloud configuration invalid, sync is off until it is fixed: {error}");
        }
        else
        {
            _log.Info(config.Disabled!);
        }
    }

    private void SetState(string state, string? error, string? broker, string? deviceId)
    {
        lock (_statusGate)
        {
            if (state is SyncStates.Disabled or SyncStates.Error or SyncStates.Stopped)
            {
                _broker = broker;
                _deviceId = deviceId;
                _protocol = null;
                _connectedAt = null;
            }

            if (state == SyncStates.Backoff)
            {
                _connectedAt = null;
            }

            _state = state;
            if (error is not null)
            {
                _lastError = error;
                _lastErrorAt = _time.GetUtcNow();
            }
            else if (state == SyncStates.Disabled)
            {
                _lastError = null;
                _lastErrorAt = null;
            }
        }

        _statusDirty = true;
        _pumpWake.Set();
    }

    // ---------------------------------------------------------------- pump thread

    private abstract record PumpEvent;

    private sealed record Connected(Uplink Uplink) : PumpEvent;

    private sealed record Disconnected(Uplink Uplink) : PumpEvent;

    private sealed record Acked(Uplink Uplink, int Mid, int ReasonCode) : PumpEvent;

    private sealed record Stopping : PumpEvent;

    private void RunPump()
    {
        Priority.LowerCurrentThread(_options.Nice);
        try
        {
            new Pump(this).Run();
        }
        catch (Exception e)
        {
            // A bug, not a condition: say so loudly and let systemd restart the agent.
            _log.Error($"outbox pump failed: {e}");
            Environment.Exit(70);
        }
    }

    /// <summary>The pump's state, owned by the pump thread alone.</summary>
    private sealed class Pump(SyncAgent agent)
    {
        private static readonly TimeSpan SaveInterval = TimeSpan.FromMilliseconds(250);

        private readonly TimeProvider _time = agent._time;
        private readonly IngestPressure _pressure = new(agent._options.YieldAbovePerSecond, TimeSpan.FromSeconds(1), agent._time.TimestampFrequency);
        private readonly SaveSchedule _saves = new(agent._time, agent._options.WindowRows, SaveInterval);
        private readonly RateLimit _statusMessages = new(agent._time, agent._options.StatusMessageInterval);
        private long _lastPublishTicks;
        private long _lastRefreshTicks;
        private int _yieldWaitMs = int.MaxValue;

        private readonly AgentOptions _options = agent._options;
        private readonly AgentLog _log = agent._log;
        private readonly OutboxReader _outbox = new(agent._options.DataDir);
        private readonly InflightWindow _window = new();
        private readonly Queue<(long Ticks, long Watermark)> _rateSamples = new();
        private SyncState _state = SyncState.Load(agent._options.DataDir, agent._log);
        private Uplink? _uplink;
        private MessageBuilder? _builder;
        private long _lastLogId;
        private long _acknowledgedMessages;
        private DateTimeOffset? _lastAckAt;
        private double _rate;
        private long _lastStatusTicks;
        private bool _outboxErrorLogged;
        private bool _drainedAnnounced;
        // More than a window was pending since the last drain (the snapshots waited for it).
        private bool _backlogSeen;
        // A retained status held back by the rate limit, to go out when the interval has passed.
        private bool _statusMessageHeld;
        private string? _outboxError;

        public void Run()
        {
            _window.Reset(_state.Watermark);
            if (_state.Watermark > 0)
            {
                _log.Info($"resuming after log id {_state.Watermark}");
            }

            var stopping = false;
            while (!stopping)
            {
                var moved = false;
                while (agent._events.TryDequeue(out var e))
                {
                    switch (e)
                    {
                        case Connected c:
                            OnConnected(c.Uplink);
                            break;
                        case Disconnected d when ReferenceEquals(d.Uplink, _uplink):
                            _uplink = null;
                            _window.Reset(_window.Watermark);
                            break;
                        case Acked a when ReferenceEquals(a.Uplink, _uplink):
                            moved |= OnAcked(a);
                            break;
                        case Stopping:
                            stopping = true;
                            break;
                    }
                }

                if (moved && _saves.Due(_window.Watermark - _state.Watermark, _window.Count) || (stopping && _window.Watermark != _state.Watermark))
                {
                    Save();
                }

                var stuckDueMs = stopping ? int.MaxValue : FailStuckPublish();
                var busy = Pull();
                var statusMessageDueMs = stopping ? int.MaxValue : PublishHeldStatusMessage();
                var statusDueMs = WriteStatus(force: stopping);
                if (stopping)
                {
                    break;
                }

                // Woken by WAL changes, PUBACKs and connection changes; the timeout is only a safety net
                // (and lets the rate shown in the status fall to zero after a drain).
                var timeout = _rate > 0 || busy ? 1000 : (_uplink is null ? 30_000 : 5_000);
                agent._pumpWake.WaitOne(Math.Min(Math.Min(Math.Min(timeout, statusDueMs), Math.Min(_yieldWaitMs, statusMessageDueMs)), stuckDueMs));
            }

            _outbox.Dispose();
        }

        private void OnConnected(Uplink uplink)
        {
            _uplink = uplink;
            var s = uplink.Settings;
            if (_state.DeviceId is not null && (_state.DeviceId != s.DeviceId || _state.Broker != s.Broker))
            {
                _log.Info($"new destination ({s.DeviceId} at {s.Broker}, was {_state.DeviceId} at {_state.Broker}): sending the whole log");
                _state = _state with { Watermark = 0 };
            }

            _state = _state with { DeviceId = s.DeviceId, Broker = s.Broker };
            _window.Reset(_state.Watermark);
            _builder = new MessageBuilder(s.DeviceId, _options.MaxBatchItems, _options.MaxBatchBytes);
            Save();
            RefreshLastId();
            // A state change: published at once, whatever the rate limit.
            _statusMessages.Took();
            PublishStatusMessage(uplink);
            _drainedAnnounced = _lastLogId <= _window.Watermark;
        }

        private bool OnAcked(Acked a)
        {
            if (a.ReasonCode >= 0x80)
            {
                if (!_window.Carries(a.Mid))
                {
                    // A status or snapshot message; the reads go on without it.
                    _log.Warn($"broker {a.Uplink.Settings.Broker} refused a status or snapshot message: {a.Uplink.Client.ReasonText(a.ReasonCode)}");
                    return false;
                }

                // Not delivered: reconnect after a backoff and send it again from the watermark.
                var reason = $"broker {a.Uplink.Settings.Broker} refused a message: {a.Uplink.Client.ReasonText(a.ReasonCode)}";
                _log.Warn(reason);
                a.Uplink.Fail(reason);
                return false;
            }

            if (!_window.Acknowledged(a.Mid))
            {
                return false;
            }

            _acknowledgedMessages++;
            _lastAckAt = _time.GetUtcNow();
            return true;
        }

        /// <summary>
        /// Saves the watermark (when: <see cref="SaveSchedule"/>). Publishing never runs more than a window ahead of
        /// the saved watermark, so a crash still repeats at most one window.
        /// </summary>
        private void Save()
        {
            // SavedAt is for people reading the file; when the next save is due is measured by _saves.
            _state = _state with { Watermark = _window.Watermark, SavedAt = _time.GetUtcNow() };
            _saves.Saved();
            try
            {
                _state.Save(_options.DataDir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not fatal: an unsaved watermark only means repeats after a restart.
                _log.Warn($"cannot save {SyncState.FileName}: {e.Message}");
            }
        }

        /// <summary>
        /// The oldest message in flight has waited <see cref="AgentOptions.PublishTimeout"/> for its PUBACK: the connection
        /// counts as lost, whatever the client library thinks of it (MQTTnet's DisconnectedAsync was seen not to fire
        /// while publishes were in flight, issue #2244; a frozen broker keeps the TCP connection open). The network
        /// thread reconnects after a backoff and the pump resends from the watermark. Returns ms until the next check.
        /// </summary>
        private int FailStuckPublish()
        {
            if (_uplink is not { IsConnected: true } uplink || _window.Count == 0)
            {
                return int.MaxValue;
            }

            var waited = _time.GetElapsedTime(_window.OldestPublishedTicks);
            if (waited < _options.PublishTimeout)
            {
                return (int)Math.Ceiling((_options.PublishTimeout - waited).TotalMilliseconds);
            }

            var reason = $"no PUBACK from {uplink.Settings.Broker} within {_options.PublishTimeout.TotalSeconds:0.#} s for log ids after {_window.Watermark}";
            _log.Warn(reason);
            _window.Reset(_window.Watermark);
            uplink.Fail(reason);
            return int.MaxValue;
        }

        /// <summary>Publishes what the window allows; true when more is waiting (the window is full).</summary>
        private bool Pull()
        {
            _yieldWaitMs = int.MaxValue;
            try
            {
                if (!OpenOutbox())
                {
                    return false;
                }

                // During an ingest burst even looking at the log (a read transaction per commit) is left for later.
                var now = _time.GetTimestamp();
                if (_pressure.IsHigh(now) && _time.GetElapsedTime(_lastRefreshTicks, now) is var since && since < _options.YieldPause)
                {
                    _yieldWaitMs = (int)Math.Ceiling((_options.YieldPause - since).TotalMilliseconds);
                    return true;
                }

                _lastRefreshTicks = now;
                RefreshLastId();
                if (_uplink is not { IsConnected: true } uplink || _builder is null)
                {
                    return false;
                }

                while (true)
                {
                    var room = _options.WindowRows - (_window.SentUpTo - _state.Watermark);
                    if (room <= 0 || _window.Count >= _options.InflightMessages)
                    {
                        return true;
                    }

                    var page = _outbox.ReadAfter(_window.SentUpTo, (int)Math.Min(room, AgentOptions.MaxPageEntries), _options.PageTextBytes);
                    if (page.Count == 0)
                    {
                        AnnounceDrained(uplink);
                        return false;
                    }

                    var index = 0;
                    while (index < page.Count)
                    {
                        if (_window.Count >= _options.InflightMessages)
                        {
                            // The rest of the page is read again when acknowledgements make room.
                            return true;
                        }

                        if (StepAside())
                        {
                            return true;
                        }

                        var start = index;
                        var message = _builder.Next(page, ref index, _outbox.SourceName, _outbox.MeetKey);
                        var error = uplink.Client.Publish(uplink.Settings.Topic(MessageBuilder.Leaf(message.Topic)), message.Payload.Span, 1, false, out var mid);
                        if (error is not null)
                        {
                            // The connection is going; the network thread reports it and the next one resends.
                            _log.Debug($"publish of ids {page[start].Id}..{message.Last} failed: {error}");
                            return false;
                        }

                        _lastPublishTicks = _time.GetTimestamp();
                        _window.Published(mid, message.Last, _lastPublishTicks);
                    }
                }
            }
            catch (OutboxException e)
            {
                OutboxFailed(e.Message);
                return false;
            }
        }

        /// <summary>True when ingest is running hard and the last message went out less than a pause ago.</summary>
        private bool StepAside()
        {
            var now = _time.GetTimestamp();
            if (!_pressure.IsHigh(now))
            {
                return false;
            }

            var waited = _time.GetElapsedTime(_lastPublishTicks, now);
            if (waited >= _options.YieldPause)
            {
                return false;
            }

            _yieldWaitMs = (int)Math.Ceiling((_options.YieldPause - waited).TotalMilliseconds);
            return true;
        }

        /// <summary>
        /// Everything in the log is acknowledged. After a backlog (more than a window pending, which held the
        /// snapshots back) that is a state change: the retained status goes out at once, the snapshots are fetched,
        /// memory is given back. Caught up with live reads, batch after batch, the retained status follows at most
        /// once per <see cref="AgentOptions.StatusMessageInterval"/>; one held back goes out when the interval has passed.
        /// </summary>
        private void AnnounceDrained(Uplink uplink)
        {
            if (_window.Count != 0 || _drainedAnnounced || _window.Watermark < _lastLogId)
            {
                return;
            }

            _drainedAnnounced = true;
            if (_backlogSeen)
            {
                _backlogSeen = false;
                agent._snapshots.Wake();
                _statusMessages.Took();
                PublishStatusMessage(uplink);
                _log.Info($"backlog drained: every entry up to log id {_window.Watermark} is acknowledged");
                MemoryTrim.Now();
            }
            else if (_statusMessages.TryTake())
            {
                PublishStatusMessage(uplink);
            }
            else
            {
                _statusMessageHeld = true;
            }
        }

        /// <summary>Publishes a held-back retained status once the rate limit allows; returns ms until it does (or int.MaxValue).</summary>
        private int PublishHeldStatusMessage()
        {
            if (!_statusMessageHeld)
            {
                return int.MaxValue;
            }

            if (_uplink is not { IsConnected: true } uplink)
            {
                // The next connection publishes one anyway.
                _statusMessageHeld = false;
                return int.MaxValue;
            }

            var wait = _statusMessages.Wait;
            if (wait > TimeSpan.Zero)
            {
                return (int)Math.Ceiling(wait.TotalMilliseconds);
            }

            _statusMessages.Took();
            PublishStatusMessage(uplink);
            return int.MaxValue;
        }

        /// <summary>The retained <c>online</c> status with the counts as they stand.</summary>
        private void PublishStatusMessage(Uplink uplink)
        {
            _statusMessageHeld = false;
            var s = uplink.Settings;
            _ = uplink.Client.Publish(s.Topic("status"), StatusMessages.Online(s.DeviceId, _window.Watermark, _lastLogId, _time.GetUtcNow()), 1, true, out _);
        }

        private void RefreshLastId()
        {
            if (!_outbox.IsOpen)
            {
                return;
            }

            var last = _outbox.LastId();
            _pressure.Observe(_time.GetTimestamp(), last);
            if (last > _lastLogId)
            {
                _drainedAnnounced = false;
            }

            _lastLogId = last;
            _backlogSeen |= last - _window.Watermark > _options.WindowRows;
            if (_state.LogKey is null && last > 0)
            {
                _state = _state with { LogKey = _outbox.FirstEntryKey() };
            }
        }

        private bool OpenOutbox()
        {
            if (_outbox.IsOpen)
            {
                return true;
            }

            if (!_outbox.TryOpen())
            {
                if (!_outboxErrorLogged)
                {
                    _outboxErrorLogged = true;
                    _log.Info($"waiting for {_outbox.DatabasePath} (the appliance creates it)");
                }

                return false;
            }

            _outboxErrorLogged = false;
            _outboxError = null;
            var last = _outbox.LastId();
            var key = last > 0 ? _outbox.FirstEntryKey() : null;
            if ((_state.LogKey is not null && key is not null && key != _state.LogKey) || last < _state.Watermark)
            {
                _log.Warn($"{_outbox.DatabasePath} is not the log synced so far (its first entry or length differs): sending it from the beginning");
                _state = _state with { Watermark = 0, LogKey = key };
                _window.Reset(0);
                Save();
            }

            return true;
        }

        private void OutboxFailed(string message)
        {
            _outboxError = $"cannot read {_outbox.DatabasePath}: {message}";
            _log.Warn(_outboxError);
            _outbox.Close();
            _window.Reset(_window.Watermark);
            _uplink?.Fail(_outboxError);
        }

        /// <summary>Writes the status file when something changed, at most every StatusInterval; returns ms until a held-back write is due.</summary>
        private int WriteStatus(bool force)
        {
            Interlocked.Exchange(ref agent._backlog, Math.Max(0, _lastLogId - _window.Watermark));
            var now = _time.GetTimestamp();
            UpdateRate(now);
            var since = _time.GetElapsedTime(_lastStatusTicks, now);
            var due = since >= _options.StatusInterval;
            var changed = agent._statusDirty || _window.Watermark != _lastWrittenWatermark || _lastLogId != _lastWrittenLastId || _rate != _lastWrittenRate;
            if (!changed && !force)
            {
                return int.MaxValue;
            }

            if (!force && !due && !agent._statusDirty)
            {
                return (int)Math.Ceiling((_options.StatusInterval - since).TotalMilliseconds);
            }

            agent._statusDirty = false;
            _lastStatusTicks = now;
            _lastWrittenWatermark = _window.Watermark;
            _lastWrittenLastId = _lastLogId;
            _lastWrittenRate = _rate;
            SyncStatus status;
            lock (agent._statusGate)
            {
                var state = force ? SyncStates.Stopped : agent._state;
                var error = _outboxError ?? agent._lastError;
                status = new SyncStatus(
                    state,
                    agent._broker,
                    agent._deviceId,
                    agent._protocol,
                    _window.Watermark,
                    _lastLogId,
                    Math.Max(0, _lastLogId - _window.Watermark),
                    _window.Count,
                    Math.Round(_rate, 1),
                    _lastAckAt,
                    error,
                    agent._lastErrorAt,
                    agent._connectedAt,
                    agent._connectAttempts,
                    _acknowledgedMessages,
                    _time.GetUtcNow(),
                    Environment.ProcessId,
                    Environment.WorkingSet,
                    GC.GetGCMemoryInfo().TotalCommittedBytes);
            }

            try
            {
                status.Write(_options.DataDir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.Warn($"cannot write {SyncStatus.FileName}: {e.Message}");
            }

            return int.MaxValue;
        }

        private long _lastSampleTicks;
        private long _lastWrittenWatermark = -1;
        private long _lastWrittenLastId = -1;
        private double _lastWrittenRate = -1;

        /// <summary>Acknowledged entries per second over the last five seconds.</summary>
        private void UpdateRate(long now)
        {
            if (_rateSamples.Count == 0 || _time.GetElapsedTime(_lastSampleTicks, now) >= TimeSpan.FromMilliseconds(100))
            {
                _rateSamples.Enqueue((now, _window.Watermark));
                _lastSampleTicks = now;
            }

            while (_rateSamples.Count > 1 && _time.GetElapsedTime(_rateSamples.Peek().Ticks, now) > TimeSpan.FromSeconds(5))
            {
                _rateSamples.Dequeue();
            }

            var (ticks, watermark) = _rateSamples.Peek();
            var seconds = _time.GetElapsedTime(ticks, now).TotalSeconds;
            _rate = seconds < 0.5 ? (_window.Watermark > watermark ? _rate : 0) : (_window.Watermark - watermark) / seconds;
        }
    }

    // ---------------------------------------------------------------- watchers

    /// <summary>Every commit of the appliance writes the WAL: that write wakes the pump (inotify), within milliseconds.</summary>
    private void WatchOutbox()
    {
        var dataDir = Path.GetFullPath(_options.DataDir);
        _outboxWatcher = new FileSystemWatcher(dataDir)
        {
            Filter = EdgeDatabase.FileName + "*",
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
            IncludeSubdirectories = false,
        };
        // A commit becomes visible when SQLite updates the WAL index in the shared memory file, through mmap,
        // which inotify does not see: the last WAL write can come just before that. So the pump is woken at
        // once and again shortly after the last write.
        _settle = new Timer(_ =>
        {
            _pumpWake.Set();
            if (Interlocked.Decrement(ref _settleWakes) > 0)
            {
                _settle?.Change(TimeSpan.FromMilliseconds(60), Timeout.InfiniteTimeSpan);
            }
        });
        FileSystemEventHandler handler = (_, e) =>
        {
            if (e.Name is EdgeDatabase.FileName or EdgeDatabase.FileName + "-wal")
            {
                _pumpWake.Set();
                Volatile.Write(ref _settleWakes, 2);
                _settle.Change(TimeSpan.FromMilliseconds(15), Timeout.InfiniteTimeSpan);
            }
        };
        _outboxWatcher.Changed += handler;
        _outboxWatcher.Created += handler;
        _outboxWatcher.Renamed += (sender, e) => handler(sender, e);
        _outboxWatcher.EnableRaisingEvents = true;
    }

    /// <summary>meet.json is re-read when it changes (debounced: editors write in several steps).</summary>
    private void WatchMeetFolder()
    {
        if (_options.MeetDir is null || !Directory.Exists(_options.MeetDir))
        {
            return;
        }

        _meetDebounce = new Timer(_ =>
        {
            _configDirty = true;
            _networkWake.Set();
        });
        _meetWatcher = new FileSystemWatcher(Path.GetFullPath(_options.MeetDir))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
            IncludeSubdirectories = false,
        };
        FileSystemEventHandler handler = (_, _) => _meetDebounce.Change(TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
        _meetWatcher.Changed += handler;
        _meetWatcher.Created += handler;
        _meetWatcher.Deleted += handler;
        _meetWatcher.Renamed += (sender, e) => handler(sender, e);
        _meetWatcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        _outboxWatcher?.Dispose();
        _settle?.Dispose();
        _meetWatcher?.Dispose();
        _meetDebounce?.Dispose();
        _snapshots.Dispose();
        _pumpWake.Dispose();
        _networkWake.Dispose();
        _stop.Dispose();
    }
}
