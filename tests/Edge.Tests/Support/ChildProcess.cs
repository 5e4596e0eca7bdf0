using System.Diagnostics;

namespace Edge.Tests.Support;

/// <summary>
/// A program a test runs as a child process: every line it prints (standard output and error), and the ways a test
/// ends it: SIGTERM as systemd stops a service, SIGKILL as a pulled power cord, or waiting for it to end by itself.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly List<string> _lines = [];
    private readonly Process _process;
    private readonly string _name;

    /// <summary>Starts <paramref name="info"/> (its output redirected here); <paramref name="name"/> names it in failure messages.</summary>
    public ChildProcess(ProcessStartInfo info, string name)
    {
        _name = name;
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far, a line each.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Everything the process printed so far.</summary>
    public string Output => string.Join("\n", Lines);

    /// <summary>SIGKILL: no shutdown at all.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            Posix.Signal(_process.Id, Posix.SigKill);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM; returns the exit code and how long the stop took.</summary>
    public (int ExitCode, TimeSpan Took) Terminate(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        Posix.Signal(_process.Id, Posix.SigTerm);
        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"{_name} did not exit within {timeout.TotalSeconds} s of SIGTERM:\n{Output}");
        }

        var took = clock.Elapsed;
        // Until the output is read to its end.
        _process.WaitForExit();
        return (_process.ExitCode, took);
    }

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"{_name} still running after {timeout.TotalSeconds} s:\n{Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }
}
