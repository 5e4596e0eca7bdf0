namespace Edge.Provisioning.Tests.Support;

/// <summary>What one run of the CLI printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- out\n{Out}\n--- err\n{Err}";

    /// <summary>The command refused its input (exit 1) with a message saying each of <paramref name="says"/>.</summary>
    public void AssertRefused(params string[] says)
    {
        Xunit.Assert.True(ExitCode == 1, ToString());
        foreach (var text in says)
        {
            Xunit.Assert.Contains(text, Err, StringComparison.Ordinal);
        }
    }
}

/// <summary>Runs <c>edge-provision</c> in this process through its entry, with the text a timer would type.</summary>
public static class Cli
{
    public static CliResult Run(params string[] args) => RunWithInput("", args);

    /// <summary>Standard input that is not a terminal (a pipe): nothing is asked; --password-stdin reads it.</summary>
    public static CliResult RunWithInput(string input, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = ProvisionCli.Run(args, new StringReader(input), output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>A person at the terminal answering each question with the next line of <paramref name="answers"/>.</summary>
    public static CliResult RunInteractive(string answers, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var terminal = new Terminal(new StringReader(answers), output, error, interactive: true);
        var code = ProvisionCli.RunAsync(args, terminal, CancellationToken.None).GetAwaiter().GetResult();
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public static async Task<CliResult> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var terminal = new Terminal(new StringReader(""), TextWriter.Synchronized(output), TextWriter.Synchronized(error), interactive: false);
        var code = await ProvisionCli.RunAsync(args, terminal, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
