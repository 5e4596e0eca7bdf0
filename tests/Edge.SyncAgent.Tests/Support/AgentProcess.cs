using Edge.Tests.Support;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Edge.SyncAgent.Tests.Support;

/// <summary>The built sync agent (edge-sync-agent.dll) as a child process the test can SIGTERM or SIGKILL.</summary>
public sealed class AgentProcess : IDisposable
{
    private readonly string[] _settings;
    private ChildProcess? _process;

    public AgentProcess(string dataDir, params string[] settings)
    {
        DataDir = dataDir;
        _settings = settings;
    }

    public string DataDir { get; }
    public int Pid => _process?.Pid ?? 0;
    public bool HasExited => _process?.HasExited ?? true;

    public static string AgentPath
    {
        get
        {
            var path = typeof(AgentProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AgentPath").Value!;
            return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException("sync agent build not found", path);
        }
    }

    /// <summary>The setting that selects a transport.</summary>
    public static string Transport(string name) => $"--Sync:Transport={name}";

    /// <summary>Settings for an agent publishing to a local broker with no meet folder.</summary>
    public static string[] For(MosquittoBroker broker, string deviceId, params string[] more) =>
        [$"--Cloud:Broker=mqtt://127.0.0.1:{broker.Port}", $"--Cloud:DeviceId={deviceId}", .. more];

    public AgentProcess Start()
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(AgentPath);
        info.ArgumentList.Add($"--Edge:DataDir={DataDir}");
        foreach (var setting in _settings)
        {
            info.ArgumentList.Add(setting);
        }

        _process = new ChildProcess(info, "agent");
        return this;
    }

    /// <summary>Everything the process printed so far.</summary>
    public string Output => _process?.Output ?? "";

    public bool Printed(string text) => Output.Contains(text, StringComparison.Ordinal);

    /// <summary>Holds the agent still (SIGSTOP): it neither sends nor reads until <see cref="Resume"/>.</summary>
    public void Pause() => Posix.Signal(Pid, Posix.SigStop);

    public void Resume() => Posix.Signal(Pid, Posix.SigCont);

    /// <summary>SIGKILL: no shutdown at all.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>SIGTERM, as systemd stops it; returns the exit code and how long the stop took.</summary>
    public (int ExitCode, TimeSpan Took) Terminate(TimeSpan timeout) => _process!.Terminate(timeout);

    /// <summary>Waits for the agent to end by itself (a bad setting); returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout) => _process!.WaitForExit(timeout);

    /// <summary>The agent's sync-status.json, or null before it wrote one.</summary>
    public JsonElement? Status() => ReadJson(Path.Combine(DataDir, "sync-status.json"));

    /// <summary>The agent's saved watermark (sync-state.json), 0 before it saved one.</summary>
    public long SavedWatermark() => ReadJson(Path.Combine(DataDir, "sync-state.json"))?.GetProperty("watermark").GetInt64() ?? 0;

    public string State() => Status()?.GetProperty("state").GetString() ?? "(no status)";

    public long StatusNumber(string name) => Status()?.GetProperty(name).GetInt64() ?? -1;

    private static JsonElement? ReadJson(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (!File.Exists(path))
                {
                    return null;
                }

                using var document = JsonDocument.Parse(File.ReadAllBytes(path));
                return document.RootElement.Clone();
            }
            catch (Exception e) when ((e is IOException or JsonException) && attempt < 5)
            {
                // Replaced between the existence check and the read; read the new one.
                Thread.Sleep(5);
            }
        }
    }

    public TimeSpan CpuTime() => Posix.CpuTime(Pid);

    public long ResidentBytes() => Posix.ResidentBytes(Pid);

    public void Dispose()
    {
        _process?.Dispose();
        _process = null;
    }
}
