using System.Diagnostics;

namespace Edge.Provisioning.Tests.Support;

/// <summary>Runs a command-line tool (sfdisk, mkfs.vfat, mtools) and fails the test when it fails.</summary>
public static class Tools
{
    public static string Run(string tool, string? input, params string[] args)
    {
        var path = File.Exists($"/usr/sbin/{tool}") ? $"/usr/sbin/{tool}" : tool;
        var info = new ProcessStartInfo(path) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["MTOOLS_SKIP_CHECK"] = "1";
        using var process = Process.Start(info)!;
        process.StandardInput.Write(input ?? "");
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Result}{output}");
        return output;
    }

    /// <summary>The exit code alone, for tools whose failure is the answer (mdir of a missing folder).</summary>
    public static int ExitCode(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["MTOOLS_SKIP_CHECK"] = "1";
        using var process = Process.Start(info)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}
