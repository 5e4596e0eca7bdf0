using System.Diagnostics;
using System.Net;
using Edge.Tests.Support;

namespace Edge.Tests.Console;

/// <summary>The hash a timer writes into meet.json comes from the box's own command, and signs in.</summary>
public sealed class PasswordHashTests
{
    private static async Task<(int ExitCode, string Output, string Error)> HashAsync(string password)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ProcessBox.AppliancePath);
        info.ArgumentList.Add("--hash-password");
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteLineAsync(password);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output.Trim(), error.Trim());
    }

    [Fact]
    public async Task The_hash_password_command_writes_a_hash_the_meet_folder_takes_and_refuses_a_short_password()
    {
        var (exit, hash, _) = await HashAsync("a long venue password");
        Assert.Equal(0, exit);
        Assert.DoesNotContain("venue", hash, StringComparison.Ordinal);
        using var meet = TestMeet.Create(TestMeet.StandardJson().Replace("\"races\":", $"\"console\": {{ \"passwordHash\": \"{hash}\" }},\n  \"races\":", StringComparison.Ordinal), TestMeet.SmallRoster);
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, "a long venue password");
        Assert.Equal(HttpStatusCode.OK, (await timer.GetAsync("/admin/box")).StatusCode);
        Assert.Contains("The meet folder sets the password", await timer.PageAsync("/admin/box"), StringComparison.Ordinal);

        var (shortExit, shortOutput, shortError) = await HashAsync("short");
        Assert.Equal(2, shortExit);
        Assert.Equal("", shortOutput);
        Assert.Contains("at least 10 characters", shortError, StringComparison.Ordinal);
    }
}
