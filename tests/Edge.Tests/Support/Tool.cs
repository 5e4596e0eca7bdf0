using System.Diagnostics;

namespace Edge.Tests.Support;

/// <summary>System tools the tests run (nft, dnsmasq, vsftpd, ip, curl...), found in /usr/sbin too.</summary>
internal static class Tool
{
    /// <summary>Runs the tool and fails the test with its output when it exits non-zero; returns its standard output.</summary>
    public static string Run(string file, params string[] args)
    {
        var (exit, output, error) = Exec(file, args);
        Assert.True(exit == 0, $"{file} {string.Join(' ', args)} exited with {exit}:\n{output}{error}");
        return output;
    }

    /// <summary>Runs the tool and returns its exit code and output, whatever it exits with.</summary>
    public static (int Exit, string Output, string Error) Exec(string file, params string[] args)
    {
        var info = new ProcessStartInfo(File.Exists($"/usr/sbin/{file}") ? $"/usr/sbin/{file}" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
