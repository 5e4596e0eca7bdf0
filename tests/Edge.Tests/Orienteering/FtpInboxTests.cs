using Edge.Tests.Support;

namespace Edge.Tests.Orienteering;

/// <summary>
/// OE's "upload files to web" into the box: a real vsftpd on the rendered files behind the rendered firewall
/// (<see cref="FtpSite"/>), a real FTP client (curl) on the timer's side and on the phones', and a real box watching
/// the inbox.
/// </summary>
public class FtpInboxTests
{
    private static readonly string Login = $"oe:{FtpInboxConfigTests.Password}";
    private static readonly string Url = $"ftp://{FtpSite.BoxEthernet}/";

    private static string Fixture(string name) => Repo.Fixture(Path.Combine("iof", name));

    [Fact]
    public async Task A_list_uploaded_from_the_timers_laptop_shows_on_the_box_and_an_upload_over_it_replaces_it()
    {
        using var o = new OrienteeringBox();
        using var ftp = new FtpSite(FtpSite.Render(FtpInboxConfigTests.WithFtp()), o.Inbox);
        await using var box = await TestBox.StartAsync(null, o.Settings());

        // PASV (not EPSV), as older Windows clients use it: the address it answers is the one the laptop reached.
        var upload = ftp.Curl(ftp.Timer, "-v", "--disable-epsv", "-T", Fixture("ResultList1.xml"), Url + "results.xml", "--user", Login);
        Assert.True(upload.Exit == 0, upload.ToString());
        Assert.Contains("227 Entering Passive Mode (10,43,0,1,", upload.Error, StringComparison.Ordinal);
        var classes = await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "Men Elite"), "ResultList1 through FTP");
        Assert.Equal("Example event", classes.GetProperty("event").GetString());
        Assert.Contains("George Wood", await box.Http.GetStringAsync("/o/classes/Men%20Elite"));

        // Written as the appliance's user, readable by it, exactly the bytes sent.
        var stored = Path.Combine(o.Inbox, "results.xml");
        Assert.Equal($"{ftp.User} 644", Tool.Run("stat", "-c", "%U %a", stored).Trim());
        Assert.Equal(File.ReadAllBytes(Fixture("ResultList1.xml")), File.ReadAllBytes(stored));

        // OE rewrites the one file at every export: an upload over it (EPSV this time) is the newer list.
        var again = ftp.Curl(ftp.Timer, "-T", Fixture("ResultList2.xml"), Url + "results.xml", "--user", Login);
        Assert.True(again.Exit == 0, again.ToString());
        await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "Open") && !OrienteeringBox.HasClass(c, "Men Elite"), "ResultList2 over the same name");
        Assert.Equal(File.ReadAllBytes(Fixture("ResultList2.xml")), File.ReadAllBytes(stored));
        Assert.Equal(["results.xml"], Directory.GetFiles(o.Inbox).Select(Path.GetFileName));
        Assert.Contains("Open", await box.Http.GetStringAsync("/o"));
    }

    [Fact]
    public void Only_the_account_logs_in_and_only_from_the_timers_side()
    {
        using var o = new OrienteeringBox();
        using var ftp = new FtpSite(FtpSite.Render(FtpInboxConfigTests.WithFtp()), o.Inbox);
        var list = Fixture("ResultList1.xml");

        // 67: the login was refused. The wrong password, no anonymous FTP, not the local user the server writes as.
        foreach (var login in new[] { "oe:Orient-2026 pX", "anonymous:guest@", $"{ftp.User}:{FtpInboxConfigTests.Password}", $"root:{FtpInboxConfigTests.Password}" })
        {
            var refused = ftp.Curl(ftp.Timer, "-T", list, Url + "wrong.xml", "--user", login);
            Assert.True(refused.Exit == 67, $"{login}: {refused}");
        }

        Assert.Empty(Directory.GetFiles(o.Inbox));

        // The phones' side gets nothing from port 21 at either of the box's addresses: the firewall drops it (28: timed out)...
        foreach (var address in new[] { FtpSite.BoxRadio, FtpSite.BoxEthernet })
        {
            var dropped = ftp.Curl(ftp.Phone, "--connect-timeout", "2", "-T", list, $"ftp://{address}/phone.xml", "--user", Login);
            Assert.True(dropped.Exit == 28, $"{address}: {dropped}");
        }

        // ... though the phone does reach the box: the web port is let through (7: refused, since no box listens here).
        var web = ftp.Curl(ftp.Phone, "--connect-timeout", "2", $"http://{FtpSite.BoxRadio}/");
        Assert.True(web.Exit == 7, web.ToString());
        Assert.Empty(Directory.GetFiles(o.Inbox));

        // The timer's side does, passive (EPSV) and active (PORT: the box connects back to the laptop, an answer the firewall lets out).
        var listed = ftp.Curl(ftp.Timer, Url, "--user", Login);
        Assert.True(listed.Exit == 0, listed.ToString());
        var active = ftp.Curl(ftp.Timer, "-P", "-", "-T", list, Url + "active.xml", "--user", Login);
        Assert.True(active.Exit == 0, active.ToString());
        Assert.True(File.Exists(Path.Combine(o.Inbox, "active.xml")), active.ToString());
    }

    [Fact]
    public void An_upload_stays_in_the_inbox_and_nothing_is_deleted_made_or_read_back()
    {
        using var o = new OrienteeringBox();
        using var ftp = new FtpSite(FtpSite.Render(FtpInboxConfigTests.WithFtp()), o.Inbox);
        var outside = TempDir.Create("ftp-outside");
        try
        {
            // Writable by the server's user: only the chroot keeps uploads out of it.
            Tool.Run("chmod", "0777", outside);
            var note = Path.Combine(outside, "note.txt");
            File.WriteAllText(note, "not for FTP\n");
            var parent = Path.GetDirectoryName(o.Inbox)!;
            var escape = $"escape-{Guid.NewGuid():N}.txt";

            // "../" from the top of the chroot is the top again.
            var up = ftp.Curl(ftp.Timer, "--path-as-is", "-T", note, $"{Url}../{escape}", "--user", Login);
            Assert.False(File.Exists(Path.Combine(parent, escape)), up.ToString());
            Assert.True(up.Exit != 0 || File.Exists(Path.Combine(o.Inbox, escape)), up.ToString());

            // The folder by its full path, walked into (CWD) or named whole (STOR /...): not there inside the chroot.
            var cwd = ftp.Curl(ftp.Timer, "-T", note, $"{Url}%2F{outside.TrimStart('/')}/cwd.txt", "--user", Login);
            Assert.True(cwd.Exit != 0, cwd.ToString());
            var whole = ftp.Curl(ftp.Timer, "--ftp-method", "nocwd", "-T", note, $"{Url}%2F{outside.TrimStart('/')}/whole.txt", "--user", Login);
            Assert.True(whole.Exit != 0, whole.ToString());
            Assert.Equal(["note.txt"], Directory.GetFiles(outside).Select(Path.GetFileName));
            Assert.Equal("not for FTP\n", File.ReadAllText(note));

            var kept = ftp.Curl(ftp.Timer, "-T", note, Url + "kept.txt", "--user", Login);
            Assert.True(kept.Exit == 0, kept.ToString());
            var keptPath = Path.Combine(o.Inbox, "kept.txt");
            // A folder of the inbox's own, as the box makes rejected/: it stays.
            var rejected = Path.Combine(o.Inbox, "rejected");
            Directory.CreateDirectory(rejected);
            Tool.Run("chown", $"{ftp.User}:{ftp.User}", rejected);

            // 21: the server refused the command. No delete, no folders, no chmod.
            foreach (var command in new[] { "DELE kept.txt", "RMD rejected", "XRMD rejected", "MKD sub", "XMKD sub", "SITE CHMOD 777 kept.txt" })
            {
                var denied = ftp.Curl(ftp.Timer, Url, "-Q", command, "--user", Login);
                Assert.True(denied.Exit == 21, $"{command}: {denied}");
            }

            Assert.True(File.Exists(keptPath));
            Assert.Equal([rejected], Directory.GetDirectories(o.Inbox));
            Assert.Equal("644", Tool.Run("stat", "-c", "%a", keptPath).Trim());

            // Nothing is read back (download_enable=NO): 78, the server answered 550 to RETR.
            var read = ftp.Curl(ftp.Timer, Url + "kept.txt", "--user", Login);
            Assert.True(read.Exit == 78, read.ToString());
            Assert.DoesNotContain("not for FTP", read.Output, StringComparison.Ordinal);
        }
        finally
        {
            TempDir.Delete(outside);
        }
    }
}
