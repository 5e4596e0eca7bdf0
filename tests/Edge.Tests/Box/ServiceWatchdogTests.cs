using System.Net.Sockets;
using System.Text;
using Edge.Store.Systemd;
using Edge.Tests.Support;

namespace Edge.Tests.Box;

/// <summary>
/// The box under systemd: the appliance says READY=1 once healthy and WATCHDOG=1 at half the watchdog interval,
/// to a real notification socket standing in for the service manager's.
/// </summary>
public class ServiceWatchdogTests : IDisposable
{
    private readonly string _dir = TempDir.Create("watchdog");

    [Fact]
    public async Task The_appliance_reports_ready_and_pets_the_watchdog_while_healthy()
    {
        var path = Path.Combine(_dir, "notify.sock");
        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(new UnixDomainSocketEndPoint(path));
        using var box = new ProcessBox(Path.Combine(_dir, "data"));
        box.Environment["NOTIFY_SOCKET"] = path;
        box.Environment["WATCHDOG_USEC"] = "1000000";
        await box.StartAsync();

        var received = new List<string>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (received.Count(m => m == "WATCHDOG=1") < 3)
        {
            var n = await manager.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            received.Add(Encoding.UTF8.GetString(buffer, 0, n));
        }

        Assert.StartsWith("READY=1", received[0], StringComparison.Ordinal);
        Assert.Equal(1, received.Count(m => m.StartsWith("READY=1", StringComparison.Ordinal)));

        // A clean stop tells the manager it is stopping.
        var (_, exitCode) = box.Terminate(TimeSpan.FromSeconds(20));
        Assert.Equal(0, exitCode);
        var stopping = false;
        using var late = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!stopping)
        {
            var n = await manager.ReceiveAsync(buffer, SocketFlags.None, late.Token);
            stopping = Encoding.UTF8.GetString(buffer, 0, n) == "STOPPING=1";
        }
    }

    [Theory]
    [InlineData(null, "30000000", null, false, null)]
    [InlineData("relative/path", "30000000", null, false, null)]
    [InlineData("/run/systemd/notify", null, null, true, null)]
    [InlineData("/run/systemd/notify", "30000000", null, true, 30.0)]
    [InlineData("@/org/freedesktop/systemd1/notify", "30000000", "4242", true, 30.0)]
    [InlineData("/run/systemd/notify", "30000000", "99", true, null)]
    [InlineData("/run/systemd/notify", "-5", null, true, null)]
    [InlineData("/run/systemd/notify", "soon", null, true, null)]
    public void The_environment_decides_what_is_sent_and_how_often(string? socket, string? usec, string? pid, bool enabled, double? seconds)
    {
        using var notify = SystemdNotify.From(socket, usec, pid, processId: 4242);
        Assert.Equal(enabled, notify.Enabled);
        Assert.Equal(seconds is null ? null : TimeSpan.FromSeconds(seconds.Value), notify.Watchdog);
        if (!enabled)
        {
            Assert.False(notify.Send("READY=1"));
        }
    }

    public void Dispose()
    {
        TempDir.Delete(_dir);
        GC.SuppressFinalize(this);
    }
}
