using System.Diagnostics;
using Edge.Appliance.Box;
using Edge.Appliance.Meet;
using Edge.Tests.Support;

namespace Edge.Tests.Orienteering;

/// <summary>
/// The box's FTP side as the image runs it, on this machine: three network namespaces (the box with its
/// <c>eth0</c> and <c>wlan0</c> at the rendered addresses, the timer's laptop on the Ethernet side, a phone on the
/// radio), the rendered nftables.conf loaded in the box's, and a real vsftpd there on the rendered vsftpd.conf (port 21,
/// passive ports 40000-40099), its PAM service the image's <c>/etc/pam.d/edge-ftp</c> reading the rendered password
/// file. Only what a test machine cannot share is changed: the inbox folder, the local user uploads are written as
/// (made here with useradd, removed after), the PAM service's name and file path, the log.
/// Needs root (the machine and CI run as root), iproute2, nft, vsftpd, libpam-pwdfile and curl (packages.sh).
/// </summary>
internal sealed class FtpSite : IDisposable
{
    public const string BoxEthernet = NetworkSettings.EthernetAddress;
    public const string BoxRadio = NetworkSettings.WifiAddress;

    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private readonly string _dir = TempDir.Create("ftp-site");
    private readonly List<string> _namespaces = [];
    private readonly List<string> _output = [];
    private string? _pamFile;
    private bool _userMade;
    private Process? _server;

    public FtpSite(BoxFiles files, string inbox)
    {
        Inbox = inbox;
        try
        {
            Start(files);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Inbox { get; }

    /// <summary>The local user the server writes uploads as (the image's <c>edge</c>).</summary>
    public string User => $"edgeftp{_id}";

    public string Timer => $"edge-{_id}-timer";

    public string Phone => $"edge-{_id}-phone";

    private string BoxNamespace => $"edge-{_id}-box";

    /// <summary>What BoxConfig renders for a meet.json.</summary>
    public static BoxFiles Render(string meetJson)
    {
        var dir = TempDir.Create("ftp-meet");
        try
        {
            File.WriteAllText(Path.Combine(dir, "meet.json"), meetJson);
            var box = BoxConfig.Render(dir);
            Assert.True(box.Problem is null, box.Problem);
            return box;
        }
        finally
        {
            TempDir.Delete(dir);
        }
    }

    private void Start(BoxFiles files)
    {
        Assert.True(Tool.Exec("id", "-u").Output.Trim() == "0", "the FTP tests make network namespaces and a user and run vsftpd: they run as root (as the machine and CI do)");

        // The box, the timer's laptop on its Ethernet side, a phone on its radio.
        foreach (var name in new[] { BoxNamespace, Timer, Phone })
        {
            Tool.Run("ip", "netns", "add", name);
            _namespaces.Add(name);
            Tool.Run("ip", "-n", name, "link", "set", "lo", "up");
        }

        Tool.Run("ip", "-n", BoxNamespace, "link", "add", BoxConfig.EthernetPort, "type", "veth", "peer", "name", "lan0", "netns", Timer);
        Tool.Run("ip", "-n", BoxNamespace, "link", "add", BoxConfig.WifiPort, "type", "veth", "peer", "name", "air0", "netns", Phone);
        Up(BoxNamespace, BoxConfig.EthernetPort, BoxEthernet);
        Up(BoxNamespace, BoxConfig.WifiPort, BoxRadio);
        Up(Timer, "lan0", "10.43.0.50");
        Up(Phone, "air0", "10.42.0.50");
        // The phone may try the box's Ethernet address through the radio too.
        Tool.Run("ip", "-n", Phone, "route", "add", "default", "via", BoxRadio);
        var firewall = Path.Combine(_dir, "nftables.conf");
        File.WriteAllText(firewall, files.Files["nftables.conf"]);
        Tool.Run("ip", "netns", "exec", BoxNamespace, "nft", "-f", firewall);

        // The appliance's user owns the inbox (etc/tmpfiles.d/edge.conf: 0770 edge edge); here a user of the test's own.
        Tool.Run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", Inbox, "--shell", "/usr/sbin/nologin", User);
        _userMade = true;
        Tool.Run("chown", $"{User}:{User}", Inbox);
        Tool.Run("chmod", "0770", Inbox);

        var passwd = Path.Combine(_dir, "ftp-passwd");
        File.WriteAllText(passwd, files.Files["ftp-passwd"]);
        var pam = File.ReadAllText(Path.Combine(Repo.Root, "image-build", "files", "etc", "pam.d", BoxConfig.FtpPamService));
        Assert.Contains($"{BoxConfig.RenderedDir}/ftp-passwd", pam, StringComparison.Ordinal);
        // vsftpd's pam_service_name is a name under /etc/pam.d.
        var service = $"edge-ftp-test-{_id}";
        _pamFile = Path.Combine("/etc/pam.d", service);
        File.WriteAllText(_pamFile, pam.Replace($"{BoxConfig.RenderedDir}/ftp-passwd", passwd, StringComparison.Ordinal));

        var empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        var conf = Path.Combine(_dir, "vsftpd.conf");
        Log = Path.Combine(_dir, "vsftpd.log");
        File.WriteAllText(conf, Adapt(files.Files["vsftpd.conf"], new()
        {
            ["local_root"] = Inbox,
            ["guest_username"] = User,
            ["pam_service_name"] = service,
            ["secure_chroot_dir"] = empty,
            ["syslog_enable"] = "NO",
        }) + $"vsftpd_log_file={Log}\nlog_ftp_protocol=YES\n");

        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", BoxNamespace, "/usr/sbin/vsftpd", conf })
        {
            info.ArgumentList.Add(arg);
        }

        _server = Process.Start(info)!;
        _server.OutputDataReceived += (_, e) => Capture(e.Data);
        _server.ErrorDataReceived += (_, e) => Capture(e.Data);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        // ip netns exec becomes vsftpd; its /proc/<pid>/net/tcp is the box namespace's: wait for port 21 to listen.
        var clock = Stopwatch.StartNew();
        while (!Listening(_server.Id, BoxConfig.FtpPort))
        {
            Assert.False(_server.HasExited, $"vsftpd exited with {(_server.HasExited ? _server.ExitCode : 0)}: {Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"vsftpd does not listen on port 21: {Output}");
            Thread.Sleep(20);
        }
    }

    /// <summary>vsftpd's own log (logins and the FTP conversation), for failure messages.</summary>
    public string Log { get; private set; } = "";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output) + (File.Exists(Log) ? "\n" + File.ReadAllText(Log) : "");
            }
        }
    }

    /// <summary>curl run from one side (<see cref="Timer"/> or <see cref="Phone"/>); its exit code and what it said.</summary>
    public Curled Curl(string side, params string[] args)
    {
        var (exit, output, error) = Tool.Exec("ip", ["netns", "exec", side, "curl", "-sS", "--max-time", "20", .. args]);
        return new Curled(exit, output, error, Output);
    }

    /// <summary>The rendered file with <paramref name="changes"/> made; each key changed must be there (the render keeps them).</summary>
    private static string Adapt(string conf, Dictionary<string, string> changes)
    {
        var lines = conf.Split('\n').ToList();
        foreach (var (key, value) in changes)
        {
            var at = lines.FindIndex(l => l.StartsWith(key + "=", StringComparison.Ordinal));
            Assert.True(at >= 0, $"the rendered vsftpd.conf has no {key}");
            lines[at] = $"{key}={value}";
        }

        return string.Join('\n', lines);
    }

    private static bool Listening(int pid, int port)
    {
        try
        {
            // "sl local_address rem_address st ...": a listening socket is state 0A.
            return File.ReadLines($"/proc/{pid}/net/tcp").Skip(1)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Any(f => f[1].EndsWith($":{port:X4}", StringComparison.Ordinal) && f[3] == "0A");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void Up(string space, string port, string address)
    {
        Tool.Run("ip", "-n", space, "addr", "add", address + "/24", "dev", port);
        Tool.Run("ip", "-n", space, "link", "set", port, "up");
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    public void Dispose()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit();
        }

        _server?.Dispose();
        foreach (var name in _namespaces)
        {
            Tool.Exec("ip", "netns", "del", name);
        }

        if (_userMade)
        {
            Tool.Exec("userdel", User);
        }

        if (_pamFile is not null)
        {
            File.Delete(_pamFile);
        }

        TempDir.Delete(_dir);
    }
}

/// <summary>What one curl run did.</summary>
internal sealed record Curled(int Exit, string Output, string Error, string ServerLog)
{
    public override string ToString() => $"curl exited with {Exit}: {Output}{Error}\nvsftpd:\n{ServerLog}";
}
