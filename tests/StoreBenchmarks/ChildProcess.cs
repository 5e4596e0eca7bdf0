using System.Diagnostics;
using System.Text.Json;

namespace Edge.StoreBenchmarks;

/// <summary>
/// This program run again as a child process: the writer under strace (so only its own syscalls are counted)
/// and the reader beside a writing parent (so the two share nothing but the files).
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    /// <summary>The syscalls that can make written data durable; strace counts each of them.</summary>
    public const string SyncCalls = "fsync,fdatasync,msync,sync_file_range,syncfs,sync";

    private readonly Process _process;
    private readonly Task<string> _stderr;

    private ChildProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Starts this program with <paramref name="args"/>, under strace when <paramref name="straceOutput"/> is given.</summary>
    public static ChildProcess Start(IEnumerable<string> args, string? straceOutput = null)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (straceOutput is null)
        {
            info.FileName = host;
        }
        else
        {
            info.FileName = "strace";
            // -f: LiteDB writes from its own threads; -y: name each call's file; seccomp: stop only on these calls.
            foreach (var a in new[] { "-f", "-y", "-qq", "--seccomp-bpf", "-e", $"trace={SyncCalls}", "-o", straceOutput, host })
            {
                info.ArgumentList.Add(a);
            }
        }

        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException("child did not start"));
    }

    /// <summary>The child's next line on standard output, or an exception with its standard error.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var line = await _process.StandardOutput.ReadLineAsync(cts.Token);
        return line ?? throw await FailedAsync("ended without output");
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Reads the child's JSON result line and waits for it to exit.</summary>
    public async Task<T> ResultAsync<T>(TimeSpan timeout)
    {
        var line = await ReadLineAsync(timeout);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        if (_process.ExitCode != 0)
        {
            throw await FailedAsync($"exited with {_process.ExitCode}");
        }

        return JsonSerializer.Deserialize<T>(line) ?? throw new InvalidOperationException($"child printed '{line}'");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private async Task<Exception> FailedAsync(string what) =>
        new InvalidOperationException($"child {what}: {(await _stderr).Trim()}");
}
