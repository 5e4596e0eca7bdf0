using Edge.Provisioning;

namespace Edge.Online.Tests.Support;

/// <summary>What one run of edge-provision printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- out\n{Out}\n--- err\n{Err}";
}

/// <summary>Runs <c>edge-provision</c> in this process through its entry, nobody at the terminal.</summary>
public static class Cli
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var terminal = new Terminal(new StringReader(""), TextWriter.Synchronized(output), TextWriter.Synchronized(error), interactive: false);
        var code = await ProvisionCli.RunAsync(args, terminal, CancellationToken.None);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>A meet folder as <c>edge-provision new</c> makes it: a 10K (with a 5k split) and a 5K, no roster yet.</summary>
    public static async Task<string> NewMeetAsync(TempFolder temp, string name = "lakeside")
    {
        var dir = temp[name];
        var made = await RunAsync("new", dir, "--yes", "--name", "Lakeside 10K", "--date", "2026-05-02", "--time-zone", "America/Los_Angeles",
            "--race", "10k:10K:10", "--split", "10k:5k:5", "--race", "5k:5K Fun Run:5");
        Assert.True(made.ExitCode == 0, made.ToString());
        return dir;
    }
}
