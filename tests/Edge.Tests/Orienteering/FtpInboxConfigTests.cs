using Edge.Appliance.Box;
using Edge.Appliance.Meet;
using Edge.Tests.Support;

namespace Edge.Tests.Orienteering;

/// <summary>
/// meet.json <c>network.ftp</c> and what the box renders from it: vsftpd.conf, the password file (a hash only) and
/// the firewall's FTP ports, on the timer's side only. The real server runs in <see cref="FtpInboxTests"/>.
/// </summary>
public class FtpInboxConfigTests : IDisposable
{
    public const string Password = "Orient-2026 pw";

    private readonly string _dir = TempDir.Create("ftp-config");

    /// <summary>A meet with <paramref name="network"/> as its network section (its first line is line 4).</summary>
    public static string Meet(string network) => $$"""
        {
          "event": { "name": "WIOL #3", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
          "wifi": { "ssid": "WIOL Results", "password": "run-fast-2026" },
          "network": {{network}}
        }
        """;

    public static string WithFtp(string layout = "") => Meet($$"""{ {{layout}}"ftp": { "user": "oe", "password": "{{Password}}" } }""");

    private BoxFiles Render(string json)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), json);
        var box = BoxConfig.Render(_dir);
        Assert.True(box.Problem is null, box.Problem);
        return box;
    }

    private string Refused(string json)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), json);
        var message = Assert.Throws<MeetException>(() => MeetLoader.Load(_dir)).Message;
        Assert.StartsWith(Path.Combine(_dir, "meet.json") + ": ", message, StringComparison.Ordinal);
        return message[(Path.Combine(_dir, "meet.json").Length + 2)..];
    }

    [Fact]
    public void The_ftp_account_loads_and_is_absent_by_default()
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), WithFtp());
        Assert.Equal(new FtpAccount("oe", Password), MeetLoader.Load(_dir).Network.Ftp);

        File.WriteAllText(Path.Combine(_dir, "meet.json"), Meet("""{ "ethernet": "timer" }"""));
        Assert.Null(MeetLoader.Load(_dir).Network.Ftp);
        File.WriteAllText(Path.Combine(_dir, "meet.json"), Meet("""{ "ftp": null }"""));
        Assert.Null(MeetLoader.Load(_dir).Network.Ftp);
    }

    [Theory]
    [InlineData("""{ "ftp": { "user": "oe", "password": "12345678", "home": "/" } }""", "line 4: unknown field 'network.ftp.home'")]
    [InlineData("""{ "ftp": { "usr": "oe", "password": "12345678" } }""", "did you mean 'user'")]
    [InlineData("""{ "ftp": { "password": "12345678" } }""", "line 4, field 'network.ftp': needs \"user\"")]
    [InlineData("""{ "ftp": { "user": "oe" } }""", "line 4, field 'network.ftp': needs \"password\"")]
    [InlineData("""{ "ftp": { "user": "o e", "password": "12345678" } }""", "line 4, field 'network.ftp.user': 'o e' must be 1 to 32 letters")]
    [InlineData("""{ "ftp": { "user": "oe:x", "password": "12345678" } }""", "field 'network.ftp.user'")]
    [InlineData("""{ "ftp": { "user": "1oe", "password": "12345678" } }""", "starting with a letter")]
    [InlineData("""{ "ftp": { "user": "a23456789012345678901234567890123", "password": "12345678" } }""", "field 'network.ftp.user'")]
    [InlineData("""{ "ftp": { "user": "Anonymous", "password": "12345678" } }""", "anonymous logins")]
    [InlineData("""{ "ftp": { "user": "ftp", "password": "12345678" } }""", "anonymous logins")]
    [InlineData("""{ "ftp": { "user": "oe", "password": "1234567" } }""", "line 4, field 'network.ftp.password': an FTP password has 8 to 128 characters")]
    [InlineData("""{ "ftp": { "user": "oe", "password": "pässword1" } }""", "field 'network.ftp.password': an FTP password")]
    [InlineData("""{ "ftp": { "user": "oe", "password": "pass\nword1" } }""", "field 'network.ftp.password': holds a control character")]
    [InlineData("""{ "ftp": { "user": "oe", "password": " password1" } }""", "field 'network.ftp.password': starts or ends with a space")]
    [InlineData("""{ "ftp": { "user": "", "password": "12345678" } }""", "field 'network.ftp.user': is required")]
    [InlineData("""{ "ftp": { "user": "oe", "password": 12345678 } }""", "field 'network.ftp.password': must be a string")]
    [InlineData("""{ "ftp": "oe:12345678" }""", "line 4, field 'network.ftp': must be an object")]
    public void Every_mistake_in_the_ftp_account_is_named(string network, string named) =>
        Assert.Contains(named, Refused(Meet(network)), StringComparison.Ordinal);

    [Fact]
    public void No_account_no_ftp_server_and_no_ftp_port()
    {
        var f = Render(Meet("""{ "ethernet": "timer" }""")).Files;
        Assert.False(f.ContainsKey("vsftpd.conf"));
        Assert.False(f.ContainsKey("ftp-passwd"));
        Assert.DoesNotContain(" 21", f["nftables.conf"], StringComparison.Ordinal);
        Assert.DoesNotContain("40000", f["nftables.conf"], StringComparison.Ordinal);
        Assert.Contains("ftp: off", f["summary.txt"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_server_takes_only_uploads_into_the_inbox_as_the_appliance()
    {
        var f = Render(WithFtp()).Files;
        var conf = Settings(f["vsftpd.conf"]);
        var must = new Dictionary<string, string>
        {
            ["listen"] = "YES", ["listen_ipv6"] = "NO", ["listen_port"] = "21", ["background"] = "NO",
            ["anonymous_enable"] = "NO", ["local_enable"] = "YES", ["pam_service_name"] = "edge-ftp",
            ["guest_enable"] = "YES", ["guest_username"] = "edge", ["virtual_use_local_privs"] = "YES",
            ["local_root"] = "/data/edge/inbox", ["chroot_local_user"] = "YES", ["allow_writeable_chroot"] = "YES",
            ["write_enable"] = "YES", ["download_enable"] = "NO", ["chmod_enable"] = "NO", ["local_umask"] = "022",
            ["pasv_enable"] = "YES", ["pasv_min_port"] = "40000", ["pasv_max_port"] = "40099", ["seccomp_sandbox"] = "NO",
        };
        foreach (var (key, value) in must)
        {
            Assert.True(conf.TryGetValue(key, out var set) && set == value, $"vsftpd.conf must set {key}={value}, has {set ?? "nothing"}");
        }

        Assert.Equal(["DELE", "MKD", "RMD", "SITE", "XMKD", "XRMD"], conf["cmds_denied"].Split(',').Order(StringComparer.Ordinal));
        // The advertised passive address is the one the laptop connected to (the timer's side may be two ports).
        Assert.False(conf.ContainsKey("pasv_address"));
        Assert.False(conf.ContainsKey("listen_address"));
        Assert.Contains("ftp: user 'oe' into /data/edge/inbox, from 10.43.0.1", f["summary.txt"], StringComparison.Ordinal);

        // The image's unit starts the server on this file, and its PAM service reads the rendered password file.
        var unit = File.ReadAllText(Path.Combine(Repo.Root, "image-build", "files", "etc", "systemd", "system", "edge-ftp.service"));
        Assert.Contains("ConditionPathExists=/run/edge/box/vsftpd.conf", unit, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/sbin/vsftpd /run/edge/box/vsftpd.conf", unit, StringComparison.Ordinal);
        var pam = File.ReadAllText(Path.Combine(Repo.Root, "image-build", "files", "etc", "pam.d", "edge-ftp"));
        Assert.Contains("pam_pwdfile.so pwdfile=/run/edge/box/ftp-passwd", pam, StringComparison.Ordinal);
    }

    [Fact]
    public void The_password_file_holds_a_salted_sha512_hash_and_never_the_password()
    {
        var first = Render(WithFtp()).Files["ftp-passwd"];
        var second = Render(WithFtp()).Files["ftp-passwd"];
        Assert.DoesNotContain(Password, first, StringComparison.Ordinal);
        Assert.DoesNotContain("Orient", first, StringComparison.Ordinal);
        Assert.EndsWith("\n", first, StringComparison.Ordinal);
        var (user, hash) = (first.TrimEnd('\n').Split(':')[0], first.TrimEnd('\n').Split(':')[1]);
        Assert.Equal("oe", user);
        Assert.Matches(@"^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$", hash);
        // A random salt per render: the same password never gives the same line twice.
        Assert.NotEqual(first, second);

        // The hash is SHA-512 crypt as another implementation computes it (OpenSSL), so PAM's crypt_r agrees.
        var salt = hash.Split('$')[2];
        Assert.Equal(hash, Tool.Run("openssl", "passwd", "-6", "-salt", salt, Password).Trim());
        Assert.Equal(hash, ShaCrypt.Hash(Password, hash));
        Assert.NotEqual(hash, ShaCrypt.Hash(Password + "x", hash));
    }

    [Theory]
    [InlineData("", new[] { "eth0" }, new[] { "wlan0" })]
    [InlineData("\"wifi\": \"timer\", \"ethernet\": \"phones\", \"timerWifi\": { \"ssid\": \"T\", \"password\": \"secret-timer-1\" }, ", new[] { "wlan0" }, new[] { "eth0" })]
    [InlineData("\"wifi\": \"timer\", \"ethernet\": \"timer\", \"timerWifi\": { \"ssid\": \"T\", \"password\": \"secret-timer-1\" }, ", new[] { "wlan0", "eth0" }, new string[0])]
    [InlineData("\"wifi\": \"timer\", \"ethernet\": \"uplink\", \"timerWifi\": { \"ssid\": \"T\", \"password\": \"secret-timer-1\" }, ", new[] { "wlan0" }, new[] { "eth0" })]
    [InlineData("\"wifi\": \"phones\", \"ethernet\": \"phones\", ", new[] { "eth0" }, new[] { "wlan0" })]
    [InlineData("\"wifi\": \"off\", \"ethernet\": \"timer\", ", new[] { "eth0" }, new[] { "wlan0" })]
    public void Nft_accepts_the_firewall_and_only_the_timers_side_reaches_ftp(string layout, string[] timer, string[] others)
    {
        var box = Render(WithFtp(layout));
        var nft = box.Files["nftables.conf"];
        var dir = Path.Combine(_dir, "check");
        box.WriteTo(dir);
        Tool.Run("nft", "-c", "-f", Path.Combine(dir, "nftables.conf"));

        var ftpRules = nft.Split('\n').Where(l => l.Contains("tcp dport", StringComparison.Ordinal) && l.Contains(" 21,", StringComparison.Ordinal)).ToList();
        Assert.Equal(timer.Order(StringComparer.Ordinal), ftpRules.Select(l => l.Trim().Split('"')[1]).Order(StringComparer.Ordinal));
        foreach (var rule in ftpRules)
        {
            Assert.Contains("40000-40099", rule, StringComparison.Ordinal);
            Assert.Contains("61611", rule, StringComparison.Ordinal);
        }

        // Nothing else names the FTP ports: not the phones' side, not an uplink, not every port.
        var elsewhere = nft.Split('\n').Where(l => (l.Contains(" 21", StringComparison.Ordinal) || l.Contains("40000", StringComparison.Ordinal)) && !ftpRules.Contains(l));
        Assert.Empty(elsewhere);
        foreach (var port in others)
        {
            Assert.DoesNotContain(ftpRules, l => l.Contains($"\"{port}\"", StringComparison.Ordinal));
        }
    }

    /// <summary>vsftpd.conf's settings; a key set twice fails (vsftpd would take the last one silently).</summary>
    public static Dictionary<string, string> Settings(string conf)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in conf.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var at = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(at > 0, $"not a setting: {line}");
            Assert.True(settings.TryAdd(line[..at], line[(at + 1)..]), $"{line[..at]} is set twice");
        }

        return settings;
    }

    public void Dispose()
    {
        TempDir.Delete(_dir);
        GC.SuppressFinalize(this);
    }
}
