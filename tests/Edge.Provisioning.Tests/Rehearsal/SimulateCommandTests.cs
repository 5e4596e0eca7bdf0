using System.Globalization;
using Edge.Provisioning.Tests.Support;

namespace Edge.Provisioning.Tests.Rehearsal;

/// <summary><c>edge-provision simulate</c> against a real box: the reads a rehearsal sends are the reads the box stores.</summary>
public class SimulateCommandTests
{
    [Fact]
    public async Task A_rehearsal_race_reaches_a_real_box_read_for_read_and_ends_by_itself()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp);
        await using var box = await Box.StartAsync(dir);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var result = await Cli.RunAsync(
            ["simulate", "--host", "127.0.0.1", "--port", box.TimingPort.ToString(CultureInfo.InvariantCulture), "--runners", "25", "--rate", "200",
             "--locations", "start,finish", "--first-bib", "1"],
            timeout.Token);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(timeout.IsCancellationRequested, "simulate did not end by itself");
        // 25 runners at 2 mats, and the gun read at the start.
        Assert.Contains("51 reads (25 runners at start, finish)", result.Out, StringComparison.Ordinal);
        Assert.Contains("done: sent 51 of 51 reads over 1 connection(s)", result.Out, StringComparison.Ordinal);
        Assert.Contains(" sent ", result.Out.Split('\n')[1], StringComparison.Ordinal);
        var status = await box.StatusAsync();
        Assert.Equal(50, status.GetProperty("reads").GetInt64());
        var locations = status.GetProperty("locations").EnumerateArray().Select(l => l.GetProperty("name").GetString()).Order().ToList();
        Assert.Equal(["finish", "start"], locations);
    }

    [Fact]
    public async Task A_box_that_cannot_be_reached_ends_the_rehearsal_with_exit_1_and_the_reason()
    {
        var port = FreePort();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var result = await Cli.RunAsync(["simulate", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--connect-within", "1"], timeout.Token);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"could not connect to 127.0.0.1:{port} within 1 s", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_needs_a_host_and_refuses_options_the_simulator_cannot_run()
    {
        var noHost = await Cli.RunAsync(["simulate"], CancellationToken.None);
        var badPort = await Cli.RunAsync(["simulate", "--host", "127.0.0.1", "--port", "70000"], CancellationToken.None);
        var badGun = await Cli.RunAsync(["simulate", "--host", "127.0.0.1", "--gun-time", "noon"], CancellationToken.None);

        Assert.NotEqual(0, noHost.ExitCode);
        Assert.Contains("--host", noHost.Err, StringComparison.Ordinal);
        Assert.Equal(1, badPort.ExitCode);
        Assert.Contains("Port must be 1..65535", badPort.Err, StringComparison.Ordinal);
        Assert.Equal(1, badGun.ExitCode);
        Assert.Contains("--gun-time 'noon' is not a time", badGun.Err, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
