using System.Diagnostics;
using System.Net.Sockets;
using Edge.Tests.Support;

namespace Edge.SyncAgent.Tests.Support;

/// <summary>
/// A real mosquitto broker (Debian's /usr/sbin/mosquitto) on a free 127.0.0.1 port, with persistence in a temp
/// folder, that a test can SIGKILL and restart on the same port and data. Its queue for offline subscribers is
/// unbounded (mosquitto's default keeps 1,000 messages), and it sends subscribers as much as they take.
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";

    private Process? _process;

    private MosquittoBroker(string listener, string extra)
    {
        Dir = TempDir.Create("mosquitto");
        Port = TempDir.FreeTcpPort();
        ConfigPath = Path.Combine(Dir, "mosquitto.conf");
        File.WriteAllText(ConfigPath, $"""
            listener {Port} 127.0.0.1
            {listener}
            {extra}
            persistence true
            persistence_location {Dir}/
            autosave_interval 3600
            max_queued_messages 0
            max_inflight_messages 0
            user root
            log_dest file {LogPath}
            log_type error
            log_type warning
            log_type notice
            log_type information
            connection_messages true

            """);
    }

    public string Dir { get; }
    public int Port { get; }
    public string ConfigPath { get; }
    public string LogPath => Path.Combine(Dir, "mosquitto.log");
    public int Pid => _process?.Id ?? 0;
    public int Starts { get; private set; }

    /// <summary>A plain listener that lets anyone in.</summary>
    public static MosquittoBroker Start(string extra = "allow_anonymous true") => Start("", extra);

    /// <summary>A broker with listener options (TLS) and global options (authentication).</summary>
    public static MosquittoBroker Start(string listener, string extra)
    {
        var broker = new MosquittoBroker(listener, extra);
        broker.Restart();
        return broker;
    }

    /// <summary>Starts the broker (again) on the same port and persistence file; returns once it accepts connections.</summary>
    public void Restart()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("broker is running");
        }

        _process?.Dispose();
        var info = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(ConfigPath);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Starts++;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}: {Log}");
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(10);
            }
        }
    }

    /// <summary>SIGKILL: whatever the broker held only in memory is gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            Posix.Signal(_process.Id, Posix.SigKill);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGSTOP: the broker stops answering while its connections stay open (a hung host, a dead link).</summary>
    public void Freeze() => Posix.Signal(_process!.Id, Posix.SigStop);

    /// <summary>SIGCONT: a frozen broker carries on where it stopped.</summary>
    public void Thaw() => Posix.Signal(_process!.Id, Posix.SigCont);

    /// <summary>SIGTERM: the broker saves its sessions and queues to its persistence file and exits.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            Posix.Signal(_process.Id, Posix.SigTerm);
            if (!_process.WaitForExit(10_000))
            {
                throw new TimeoutException("mosquitto did not stop on SIGTERM");
            }
        }
    }

    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    /// <summary>Lines of the broker's log containing the text.</summary>
    public int LogLines(string text) => Log.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        TempDir.Delete(Dir);
    }
}
