using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Edge.Store.Systemd;

/// <summary>
/// The service manager's notification protocol (sd_notify(3)): a datagram such as <c>READY=1</c> or
/// <c>WATCHDOG=1</c> sent to the socket named by <c>NOTIFY_SOCKET</c>. Outside systemd (a developer's terminal,
/// the tests) there is no socket and every call does nothing.
/// </summary>
public sealed class SystemdNotify : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endPoint;

    private SystemdNotify(Socket? socket, UnixDomainSocketEndPoint? endPoint) => (_socket, _endPoint) = (socket, endPoint);

    /// <summary>The notifier for this process's environment (none when not started by systemd with Type=notify).</summary>
    public static SystemdNotify FromEnvironment() => From(
        Environment.GetEnvironmentVariable("NOTIFY_SOCKET"),
        Environment.GetEnvironmentVariable("WATCHDOG_USEC"),
        Environment.GetEnvironmentVariable("WATCHDOG_PID"),
        Environment.ProcessId);

    public static SystemdNotify From(string? notifySocket, string? watchdogUsec, string? watchdogPid, int processId)
    {
        var watchdog = ParseWatchdog(watchdogUsec, watchdogPid, processId);
        if (string.IsNullOrEmpty(notifySocket) || notifySocket.Length > 107 || notifySocket[0] is not ('/' or '@'))
        {
            return new SystemdNotify(null, null) { Watchdog = null };
        }

        // '@' names a socket in the abstract namespace: its address starts with a zero byte.
        var endPoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        return new SystemdNotify(new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified), endPoint) { Watchdog = watchdog };
    }

    /// <summary>How often systemd wants WATCHDOG=1 (WatchdogSec=), or null when it watches nothing of this process.</summary>
    public TimeSpan? Watchdog { get; private init; }

    /// <summary>Whether the process runs under a service manager that listens.</summary>
    public bool Enabled => _socket is not null;

    /// <summary>Sends one state line (<c>READY=1</c>, <c>WATCHDOG=1</c>, <c>STATUS=...</c>, <c>STOPPING=1</c>); false when not sent.</summary>
    public bool Send(string state)
    {
        if (_socket is null || _endPoint is null)
        {
            return false;
        }

        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, _endPoint);
            return true;
        }
        catch (SocketException)
        {
            // The manager went away (a stop in progress): nothing to tell it.
            return false;
        }
    }

    private static TimeSpan? ParseWatchdog(string? usec, string? pid, int processId)
    {
        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) || microseconds <= 0)
        {
            return null;
        }

        // WATCHDOG_PID names the process systemd watches; another one's variables may have been inherited.
        if (pid is not null && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var watched) || watched != processId))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(microseconds);
    }

    public void Dispose() => _socket?.Dispose();
}
