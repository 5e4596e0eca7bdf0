using System.Diagnostics;
using System.Reflection;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;

namespace Edge.Cloud.Tests.Support;

/// <summary>One instance of the cloud consumer (Edge.Cloud.dll) as a child process, on a free HTTP port.</summary>
public sealed class CloudProcess : IDisposable
{
    private readonly string[] _settings;
    private ChildProcess? _process;

    public CloudProcess(string instanceId, MosquittoBroker broker, string connectionString, params string[] more)
    {
        InstanceId = instanceId;
        HttpPort = TempDir.FreeTcpPort();
        _settings =
        [
            $"--Urls=http://127.0.0.1:{HttpPort}", $"--Cloud:InstanceId={instanceId}", $"--Cloud:Broker=mqtt://127.0.0.1:{broker.Port}",
            $"--Cloud:Database={connectionString}", "--Cloud:BackoffMax=00:00:01", .. more,
        ];
    }

    public string InstanceId { get; }
    public int HttpPort { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}/");
    public bool HasExited => _process?.HasExited ?? true;
    public int Pid => _process?.Pid ?? 0;

    public static string CloudPath
    {
        get
        {
            var path = typeof(CloudProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CloudPath").Value!;
            return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException("cloud build not found", path);
        }
    }

    public CloudProcess Start()
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(CloudPath);
        foreach (var setting in _settings)
        {
            info.ArgumentList.Add(setting);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        _process = new ChildProcess(info, $"cloud instance {InstanceId}");
        return this;
    }

    /// <summary>Waits until the instance says it is connected to the broker and the database answers.</summary>
    public CloudProcess WaitHealthy(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"cloud instance {InstanceId} exited: {Output}");
            }

            try
            {
                if (http.GetAsync("healthz").Result.IsSuccessStatusCode)
                {
                    return this;
                }
            }
            catch (AggregateException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"cloud instance {InstanceId} not healthy after {timeout.TotalSeconds:0} s: {Output}");
            }

            Thread.Sleep(50);
        }
    }

    public string Get(string path)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        return http.GetStringAsync(path).Result;
    }

    public string Output => _process?.Output ?? "";

    /// <summary>Lines the instance logged at error level or worse (fail: / crit:).</summary>
    public IReadOnlyList<string> Errors =>
        [.. (_process?.Lines ?? []).Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal))];

    public void Kill() => _process?.Kill();

    public int Terminate(TimeSpan timeout) => _process!.Terminate(timeout).ExitCode;

    public int WaitForExit(TimeSpan timeout) => _process!.WaitForExit(timeout);

    public void Dispose()
    {
        _process?.Dispose();
        _process = null;
    }
}
