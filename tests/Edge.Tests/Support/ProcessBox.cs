using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Edge.Tests.Support;

/// <summary>
/// The appliance as its own process (the built Edge.Appliance.dll), so a test can SIGKILL it the way a pulled
/// power cord would, and measure its memory as the box's alone.
/// </summary>
public sealed class ProcessBox : IDisposable
{
    private readonly string[] _settings;
    private Process? _process;
    private readonly List<string> _output = [];

    public ProcessBox(string dataDir, params string[] settings)
    {
        DataDir = dataDir;
        _settings = settings;
        TimingPort = TempDir.FreeTcpPort();
        HttpPort = TempDir.FreeTcpPort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string DataDir { get; }
    public int TimingPort { get; }
    public int HttpPort { get; }
    public HttpClient Http { get; }
    public int Pid => _process?.Id ?? 0;

    /// <summary>Environment variables the process starts with, beside the box's own.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>The appliance build to run; the build output beside the tests when not set.</summary>
    public string? ApplianceDll { get; set; }

    /// <summary>
    /// A self-contained appliance's own executable (as the image runs it), started instead of <c>dotnet</c> with
    /// <see cref="ApplianceDll"/>; a self-contained build is not always started by another installation's host.
    /// </summary>
    public string? ApplianceExecutable { get; set; }

    /// <summary>
    /// Cgroup directories the process joins before its first instruction, as a systemd unit's CPUQuota and
    /// AllowedCPUs would put it: the runtime reads its processor count and quota once, at start.
    /// </summary>
    public List<string> Cgroups { get; } = [];

    public static string AppliancePath
    {
        get
        {
            // The test project references the appliance, so its build output sits beside the tests.
            var path = Path.Combine(AppContext.BaseDirectory, "Edge.Appliance.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("appliance build not found", path);
        }
    }

    /// <summary>Starts the box and waits until /healthz says it is open and accepting; returns how long that took.</summary>
    public async Task<TimeSpan> StartAsync()
    {
        var host = ApplianceExecutable ?? "dotnet";
        var info = new ProcessStartInfo(Cgroups.Count == 0 ? host : "/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The box runs with a 4 MiB gen0 budget (appliance/Properties/launchSettings.json for dotnet run, the
        // image's service unit on a box): the GC's default on a big-cache CPU would commit far more than a Pi needs.
        info.Environment["DOTNET_GCgen0size"] = "0x400000";
        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }

        if (Cgroups.Count > 0)
        {
            // The shell moves itself into each cgroup, then becomes dotnet: same pid, so Kill, Pid and /proc still fit.
            foreach (var arg in (string[])["-c", "while [ \"$1\" != -- ]; do echo $$ > \"$1/cgroup.procs\" || exit 125; shift; done; shift; exec \"$@\"", "sh", .. Cgroups, "--", host])
            {
                info.ArgumentList.Add(arg);
            }
        }

        if (ApplianceExecutable is null)
        {
            info.ArgumentList.Add(ApplianceDll ?? AppliancePath);
        }
        foreach (var arg in (string[])[$"--urls=http://127.0.0.1:{HttpPort}", "--Timing:Address=127.0.0.1", $"--Timing:Port={TimingPort}", $"--Edge:DataDir={DataDir}", .. _settings])
        {
            info.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"appliance exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"appliance did not become healthy:\n{Output}");
    }

    /// <summary>The last 200 lines the process printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join("\n", _output.TakeLast(200));
            }
        }
    }

    /// <summary>True when any line the process printed so far contains the text.</summary>
    public bool Printed(string text)
    {
        lock (_output)
        {
            return _output.Any(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, like a power cut for the process.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, as systemd stops the box; returns how long the process took to exit and its exit code.</summary>
    public (TimeSpan Elapsed, int ExitCode) Terminate(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        Posix.Signal(Pid, Posix.SigTerm);
        if (!_process!.WaitForExit(timeout))
        {
            throw new TimeoutException($"the box did not exit within {timeout} of SIGTERM:\n{Output}");
        }

        return (clock.Elapsed, _process.ExitCode);
    }

    /// <summary>Resident set size in bytes, from /proc.</summary>
    public long ResidentBytes() => Posix.ResidentBytes(Pid);

    public async Task<JsonElement> StatusAsync() => await Http.GetFromJsonAsync<JsonElement>("/api/status");

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        Http.Dispose();
    }
}
