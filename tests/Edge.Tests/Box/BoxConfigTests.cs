using Edge.Appliance.Box;
using Edge.Appliance.Meet;
using Edge.Tests.Support;

namespace Edge.Tests.Box;

/// <summary>
/// meet.json <c>network</c> and <c>time</c>, and the operating-system files the image renders from them at boot:
/// what can be checked without radio hardware (the image test boots them for real).
/// </summary>
public class BoxConfigTests : IDisposable
{
    private readonly string _dir = TempDir.Create("box-config");

    private BoxFiles Render(string json)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), json);
        return BoxConfig.Render(_dir);
    }

    private string Refused(string json)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), json);
        return Assert.Throws<MeetException>(() => MeetLoader.Load(_dir)).Message;
    }

    private static string Meet(string extra) => $$"""
        {
          "event": { "name": "Lakeside 10K", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
          "wifi": { "ssid": "Lakeside Results", "password": "run-fast-2026" }{{extra}}
        }
        """;

    [Fact]
    public void The_default_venue_puts_phones_on_the_hotspot_and_the_timer_on_ethernet()
    {
        var box = Render(Meet(""));
        Assert.Null(box.Problem);
        var f = box.Files;
        var hostapd = f["hostapd.conf"];
        Assert.Contains("interface=wlan0", hostapd, StringComparison.Ordinal);
        Assert.Contains("ssid2=" + Convert.ToHexStringLower("Lakeside Results"u8), hostapd, StringComparison.Ordinal);
        Assert.Contains("wpa_passphrase=run-fast-2026", hostapd, StringComparison.Ordinal);
        Assert.Contains("channel=6", hostapd, StringComparison.Ordinal);
        Assert.Contains("country_code=US", hostapd, StringComparison.Ordinal);

        // Phones: every name is the box. Timer's side: only the box's own name.
        Assert.Contains("address=/#/10.42.0.1", f["dnsmasq-wlan0.conf"], StringComparison.Ordinal);
        Assert.DoesNotContain("address=/#/", f["dnsmasq-eth0.conf"], StringComparison.Ordinal);
        Assert.Contains("Address=10.42.0.1/24", f["networkd/10-wlan0.network"], StringComparison.Ordinal);
        Assert.Contains("Address=10.43.0.1/24", f["networkd/10-eth0.network"], StringComparison.Ordinal);
        Assert.Contains("Name=usb* enx*", f["networkd/30-usb-uplink.network"], StringComparison.Ordinal);

        // The timing port and NTP only from the Ethernet side; phones get DHCP, DNS and the web port.
        var nft = f["nftables.conf"];
        Assert.Contains("policy drop;", nft, StringComparison.Ordinal);
        Assert.Contains("iifname \"wlan0\" tcp dport { 53, 80 } accept", nft, StringComparison.Ordinal);
        Assert.DoesNotContain("iifname \"wlan0\" tcp dport { 61611 }", nft, StringComparison.Ordinal);
        Assert.Contains("iifname \"eth0\" tcp dport { 61611 } accept", nft, StringComparison.Ordinal);
        Assert.DoesNotContain(" 22", nft, StringComparison.Ordinal);
        Assert.Equal("off\n", f["ssh"]);

        Assert.Contains("Console__AllowedNetworks=127.0.0.0/8,::1/128,10.43.0.0/24", f["appliance.env"], StringComparison.Ordinal);
        Assert.Contains("Timing__AllowedNetworks=127.0.0.0/8,::1/128,10.43.0.0/24", f["appliance.env"], StringComparison.Ordinal);
        Assert.Contains("allow 10.43.0.0/24", f["chrony.conf"], StringComparison.Ordinal);
        Assert.DoesNotContain("allow 10.42", f["chrony.conf"], StringComparison.Ordinal);
    }

    [Fact]
    public void An_external_access_point_on_ethernet_and_a_private_timer_radio()
    {
        var f = Render(Meet("""
            ,
              "network": { "wifi": "timer", "ethernet": "phones", "channel": 11, "country": "SE",
                           "timerWifi": { "ssid": "Timing", "password": "secret-timer-1" } }
            """)).Files;
        Assert.Contains("ssid2=" + Convert.ToHexStringLower("Timing"u8), f["hostapd.conf"], StringComparison.Ordinal);
        Assert.Contains("wpa_passphrase=secret-timer-1", f["hostapd.conf"], StringComparison.Ordinal);
        Assert.Contains("channel=11", f["hostapd.conf"], StringComparison.Ordinal);
        Assert.Contains("country_code=SE", f["hostapd.conf"], StringComparison.Ordinal);
        Assert.Contains("address=/#/10.43.0.1", f["dnsmasq-eth0.conf"], StringComparison.Ordinal);
        Assert.DoesNotContain("address=/#/", f["dnsmasq-wlan0.conf"], StringComparison.Ordinal);
        Assert.Contains("iifname \"wlan0\" tcp dport { 61611 } accept", f["nftables.conf"], StringComparison.Ordinal);
        Assert.DoesNotContain("iifname \"eth0\" tcp dport { 61611 }", f["nftables.conf"], StringComparison.Ordinal);
    }

    [Fact]
    public void Phones_on_both_ports_leave_the_timer_on_the_wired_side()
    {
        var f = Render(Meet("""
            ,
              "network": { "wifi": "phones", "ethernet": "phones" }
            """)).Files;
        Assert.Contains("address=/#/10.42.0.1", f["dnsmasq-wlan0.conf"], StringComparison.Ordinal);
        Assert.Contains("address=/#/10.43.0.1", f["dnsmasq-eth0.conf"], StringComparison.Ordinal);
        Assert.Contains("iifname \"eth0\" tcp dport { 61611 } accept", f["nftables.conf"], StringComparison.Ordinal);
        Assert.DoesNotContain("iifname \"wlan0\" tcp dport { 61611 }", f["nftables.conf"], StringComparison.Ordinal);
    }

    [Fact]
    public void Ethernet_as_uplink_a_second_radio_uplink_and_ssh_keys()
    {
        const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHGvmNXnc3gdIUD6I6X6muD5HOlwsEEo3JNMWhVocZvr timer@laptop";
        var box = Render(Meet($$"""
            ,
              "network": { "wifi": "timer", "ethernet": "uplink",
                           "timerWifi": { "ssid": "Timing", "password": "secret-timer-1" },
                           "uplinkWifi": { "ssid": "Venue Guest \"5G\"", "password": "guest-pass" },
                           "ssh": { "authorizedKeys": [ "{{Key}}" ] } },
              "time": { "rtc": "ds3231", "gps": false }
            """));
        Assert.True(box.Problem is null, box.Problem);
        var f = box.Files;
        Assert.Contains("DHCP=yes", f["networkd/20-eth0-uplink.network"], StringComparison.Ordinal);
        Assert.False(f.ContainsKey("dnsmasq-eth0.conf"));
        Assert.Contains("ssid=" + Convert.ToHexStringLower("Venue Guest \"5G\""u8), f["wpa_supplicant-wlan1.conf"], StringComparison.Ordinal);
        Assert.Contains("psk=\"guest-pass\"", f["wpa_supplicant-wlan1.conf"], StringComparison.Ordinal);
        Assert.Equal(Key + "\n", f["authorized_keys"]);
        Assert.Equal("on\n", f["ssh"]);
        Assert.Contains("iifname \"wlan0\" tcp dport { 22, 61611 } accept", f["nftables.conf"], StringComparison.Ordinal);
        Assert.Equal("ds3231 0x68\n", f["rtc"]);
        Assert.Equal("off\n", f["gps"]);
        Assert.Contains("rtcsync", f["chrony.conf"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_meet_folder_that_does_not_load_gives_the_default_networks_and_says_why()
    {
        var box = Render("""{ "event": { "name": "Lakeside" }, "network": { "wifi": "phonez" } }""");
        Assert.NotNull(box.Problem);
        Assert.Contains("network.wifi", box.Problem, StringComparison.Ordinal);
        Assert.Contains("ssid2=" + Convert.ToHexStringLower("Race Results"u8), box.Files["hostapd.conf"], StringComparison.Ordinal);
        Assert.DoesNotContain("wpa_passphrase", box.Files["hostapd.conf"], StringComparison.Ordinal);
        Assert.StartsWith("meet folder not used", box.Files["summary.txt"], StringComparison.Ordinal);

        // No meet folder at all: the defaults, no problem to report.
        Assert.Null(BoxConfig.Render(Path.Combine(_dir, "absent")).Problem);
    }

    [Theory]
    [InlineData("""{ "wifi": "phonez" }""", "network.wifi")]
    [InlineData("""{ "ethernet": "wan" }""", "network.ethernet")]
    [InlineData("""{ "ethernet": "uplink" }""", "network.ethernet")]
    [InlineData("""{ "wifi": "timer" }""", "network.wifi")]
    [InlineData("""{ "channel": 14 }""", "network.channel")]
    [InlineData("""{ "country": "usa" }""", "network.country")]
    [InlineData("""{ "timerWifi": { "ssid": "T", "password": "short" } }""", "network.timerWifi.password")]
    [InlineData("""{ "uplinkWifi": { "ssid": "012345678901234567890123456789012" } }""", "network.uplinkWifi.ssid")]
    [InlineData("""{ "ssh": { "authorizedKeys": [ "-----BEGIN OPENSSH PRIVATE KEY-----" ] } }""", "network.ssh.authorizedKeys[0]")]
    [InlineData("""{ "ssh": { "authorizedKeys": [ "ssh-ed25519 AAAA\ncommand=evil" ] } }""", "network.ssh.authorizedKeys[0]")]
    [InlineData("""{ "sssh": {} }""", "did you mean 'ssh'")]
    public void Every_mistake_in_the_network_section_is_named(string network, string named)
    {
        var message = Refused(Meet($",\n  \"network\": {network}"));
        Assert.Contains(named, message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hotspot_refuses_wep_and_a_clock_module_must_be_known()
    {
        Assert.Contains("wifi.security", Refused("""
            { "event": { "name": "L" }, "wifi": { "ssid": "Old AP", "password": "12345", "security": "WEP" } }
            """), StringComparison.Ordinal);
        Assert.Contains("time.rtc", Refused("""{ "event": { "name": "L" }, "time": { "rtc": "ds1307x" } }"""), StringComparison.Ordinal);
    }

    [Fact]
    public void Rendered_files_are_written_through_a_rename_and_rewritten_whole()
    {
        var out1 = Path.Combine(_dir, "out");
        Render(Meet("")).WriteTo(out1);
        Assert.True(File.Exists(Path.Combine(out1, "networkd", "10-eth0.network")));
        Render(Meet("""
            ,
              "network": { "channel": 1 }
            """)).WriteTo(out1);
        Assert.Contains("channel=1\n", File.ReadAllText(Path.Combine(out1, "hostapd.conf")), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(out1, "*.new", SearchOption.AllDirectories));
    }

    [Fact]
    public void Nft_and_dnsmasq_accept_the_rendered_files_of_every_layout()
    {
        string[] layouts =
        [
            "",
            """
            ,
              "network": { "wifi": "timer", "ethernet": "phones", "timerWifi": { "ssid": "T", "password": "secret-timer-1" } }
            """,
            """
            ,
              "network": { "wifi": "timer", "ethernet": "uplink", "timerWifi": { "ssid": "T", "password": "secret-timer-1" },
                           "ssh": { "authorizedKeys": [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHGvmNXnc3gdIUD6I6X6muD5HOlwsEEo3JNMWhVocZvr t@l" ] } }
            """,
            """
            ,
              "network": { "wifi": "phones", "ethernet": "phones" }
            """,
        ];
        foreach (var layout in layouts)
        {
            var box = Render(Meet(layout));
            var dir = Path.Combine(_dir, "check");
            box.WriteTo(dir);
            // nft -c parses and checks against the kernel's netfilter without changing the ruleset.
            Tool.Run("nft", "-c", "-f", Path.Combine(dir, "nftables.conf"));
            foreach (var conf in box.Files.Keys.Where(k => k.StartsWith("dnsmasq-", StringComparison.Ordinal)))
            {
                Tool.Run("dnsmasq", "--test", $"--conf-file={Path.Combine(dir, conf)}");
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    public void Dispose()
    {
        TempDir.Delete(_dir);
        GC.SuppressFinalize(this);
    }
}
