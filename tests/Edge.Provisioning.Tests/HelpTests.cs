using System.Diagnostics;
using Edge.Provisioning.Tests.Support;

namespace Edge.Provisioning.Tests;

/// <summary>Help a timer can follow: every command explains itself and ends with examples; the built tool runs as a process.</summary>
public class HelpTests
{
    [Theory]
    [InlineData("new", "--participants <FILE>", "--password-stdin")]
    [InlineData("check", "--show-network", "Exit code 0")]
    [InlineData("write", "--image <FILE.img>", "--boot <PATH>")]
    [InlineData("simulate", "--host <HOST>", "--rate <R>")]
    [InlineData("roster", "runsignup <DIR>", "chronotrack <DIR>")]
    [InlineData("roster runsignup", "--secret-file <FILE>", "--race <KEY=RACE>")]
    [InlineData("roster chronotrack", "--password-file <FILE>", "SHA-1")]
    public void Each_command_has_help_with_its_options_and_examples(string command, string option, string more)
    {
        var result = Cli.Run([.. command.Split(' '), "--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(option, result.Out, StringComparison.Ordinal);
        Assert.Contains(more, result.Out, StringComparison.Ordinal);
        Assert.Contains("Examples:", result.Out, StringComparison.Ordinal);
        Assert.Contains($"edge-provision {command} ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_tool_prints_its_help_as_a_process_and_an_unknown_command_fails()
    {
        var help = RunProcess("--help");
        var unknown = RunProcess("format-card");

        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var command in new[] { "new <DIR>", "check <DIR>", "roster", "write <DIR>", "simulate" })
        {
            Assert.Contains(command, help.Out, StringComparison.Ordinal);
        }

        Assert.Contains("edge-provision check lakeside", help.Out, StringComparison.Ordinal);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("format-card", unknown.Err, StringComparison.Ordinal);
    }

    private static CliResult RunProcess(params string[] args)
    {
        // The test project references the CLI, so its build output sits beside the tests.
        var tool = Path.Combine(AppContext.BaseDirectory, "edge-provision.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(tool);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "edge-provision did not exit");
        return new CliResult(process.ExitCode, output, error.Result);
    }
}
