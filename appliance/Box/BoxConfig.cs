using System.Globalization;
using System.Text;
using Edge.Appliance.Meet;

namespace Edge.Appliance.Box;

/// <summary>
/// The operating system's side of a meet: the hostapd, dnsmasq, systemd-networkd, wpa_supplicant, nftables and
/// chrony files, the appliance's environment, the SSH keys and the FTP server into the inbox, rendered from meet.json's <c>wifi</c>,
/// <c>network</c> and <c>time</c>. The image runs it at every boot, before the network comes up
/// (<c>edge-box-config.service</c>, writing under <c>/run/edge/box</c>, since the root is read-only), so a meet
/// folder copied onto the card decides the networks. A meet folder that does not load gives the default networks
/// and the reason, so a typo in meet.json never leaves a box that no one can reach.
/// </summary>
public static class BoxConfig
{
    /// <summary>The onboard radio, the Ethernet port, and the uplinks the image looks for.</summary>
    public const string WifiPort = "wlan0";
    public const string EthernetPort = "eth0";
    public const string SecondRadio = "wlan1";

    public const int HttpPort = 80;
    public const int TimingPort = 61611;

    /// <summary>FTP into the orienteering inbox (meet.json <c>network.ftp</c>): the control port and the passive data ports.</summary>
    public const int FtpPort = 21;
    public const int FtpPassiveFirst = 40000;
    public const int FtpPassiveLast = 40099;

    /// <summary>Where the image keeps what is rendered (edge-box-config), and the inbox the appliance watches (edge-appliance.service).</summary>
    public const string RenderedDir = "/run/edge/box";
    public const string InboxDir = "/data/edge/inbox";

    /// <summary>The image's PAM service for the FTP account (<c>/etc/pam.d/edge-ftp</c>, reading <c>ftp-passwd</c>) and the user uploads are written as.</summary>
    public const string FtpPamService = "edge-ftp";
    public const string FtpLocalUser = "edge";

    /// <summary>The hotspot's name when meet.json names none.</summary>
    public const string DefaultHotspot = "Race Results";

    /// <summary>Renders every file for a meet folder (or the defaults, with the reason, when it does not load).</summary>
    public static BoxFiles Render(string? meetDir)
    {
        if (meetDir is null || !File.Exists(Path.Combine(meetDir, MeetLoader.MeetFile)))
        {
            return Render(Meet.Meet.Empty, problem: null);
        }

        try
        {
            return Render(MeetLoader.Load(meetDir), problem: null);
        }
        catch (MeetException e)
        {
            return Render(Meet.Meet.Empty, problem: e.Message);
        }
    }

    public static BoxFiles Render(Meet.Meet meet, string? problem)
    {
        var n = meet.Network;
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var served = new List<(string Port, string Address, PortRole Role)>();
        if (n.Wifi is PortRole.Phones or PortRole.Timer)
        {
            served.Add((WifiPort, NetworkSettings.WifiAddress, n.Wifi));
            files["hostapd.conf"] = Hostapd(meet, n);
        }

        if (n.Ethernet is PortRole.Phones or PortRole.Timer)
        {
            served.Add((EthernetPort, NetworkSettings.EthernetAddress, n.Ethernet));
        }

        foreach (var (port, address, role) in served)
        {
            files[$"networkd/10-{port}.network"] = StaticNetwork(port, address);
            files[$"dnsmasq-{port}.conf"] = Dnsmasq(port, address, role);
        }

        if (n.Ethernet == PortRole.Uplink)
        {
            files[$"networkd/20-{EthernetPort}-uplink.network"] = UplinkNetwork(EthernetPort, metric: 100);
        }

        // A phone tethered by USB shows up as usb0 (RNDIS) or enx<mac> (CDC Ethernet): always an uplink.
        files["networkd/30-usb-uplink.network"] = UplinkNetwork("usb* enx*", metric: 200);
        if (n.UplinkWifi is { } uplink)
        {
            files[$"networkd/40-{SecondRadio}-uplink.network"] = UplinkNetwork(SecondRadio, metric: 300);
            files[$"wpa_supplicant-{SecondRadio}.conf"] = Supplicant(n, uplink);
        }

        // Phones on both ports: the timer's laptop shares the wired switch with the external access point.
        var timerSide = served.Where(s => s.Role == PortRole.Timer).ToList();
        if (timerSide.Count == 0)
        {
            timerSide = [.. served.Where(s => s.Port == EthernetPort)];
        }

        files["nftables.conf"] = Firewall(served, timerSide, n);
        files["chrony.conf"] = Chrony(timerSide, meet.Time);
        files["appliance.env"] = ApplianceEnvironment(timerSide);
        files["authorized_keys"] = n.SshKeys.Count == 0 ? "" : string.Join('\n', n.SshKeys) + "\n";
        files["ssh"] = n.SshKeys.Count == 0 ? "off\n" : "on\n";
        files["rtc"] = meet.Time.Rtc switch
        {
            "ds3231" => "ds3231 0x68\n",
            "pcf8523" => "pcf8523 0x68\n",
            _ => "",
        };
        files["gps"] = meet.Time.Gps ? "on\n" : "off\n";
        if (n.Ftp is { } ftp)
        {
            files["vsftpd.conf"] = Vsftpd();
            files["ftp-passwd"] = $"{ftp.User}:{ShaCrypt.Hash(ftp.Password)}\n";
        }

        files["summary.txt"] = Summary(meet, served, timerSide, problem);
        return new BoxFiles(files, problem);
    }

    private static string Hostapd(Meet.Meet meet, NetworkSettings n)
    {
        var (ssid, password) = n.Wifi == PortRole.Timer
            ? (n.TimerWifi!.Ssid, n.TimerWifi.Password)
            : (meet.Wifi?.Ssid ?? DefaultHotspot, meet.Wifi is { Security: "WPA" } w ? w.Password : "");
        var text = new StringBuilder();
        Line(text, "# The onboard radio's access point (rendered from meet.json at boot)");
        Line(text, $"interface={WifiPort}");
        Line(text, "driver=nl80211");
        // ssid2 takes the name as a quoted string in hex-free form; utf8_ssid marks it UTF-8 for phones.
        Line(text, $"ssid2={HexSsid(ssid)}");
        Line(text, "utf8_ssid=1");
        Line(text, $"country_code={n.Country}");
        Line(text, "ieee80211d=1");
        Line(text, "hw_mode=g");
        Line(text, Invariant($"channel={n.Channel}"));
        Line(text, "ieee80211n=1");
        Line(text, "wmm_enabled=1");
        // The Pi's radio holds about 19 stations on its minimal firmware; more only queue and time out.
        Line(text, "max_num_sta=19");
        // Phones must not reach each other, only the box.
        Line(text, "ap_isolate=1");
        Line(text, "ignore_broadcast_ssid=0");
        if (password.Length > 0)
        {
            Line(text, "wpa=2");
            Line(text, "wpa_key_mgmt=WPA-PSK");
            Line(text, "rsn_pairwise=CCMP");
            Line(text, $"wpa_passphrase={password}");
        }

        return text.ToString();
    }

    /// <summary>The SSID as hostapd's hex form, so no character of the name can end or change a line.</summary>
    private static string HexSsid(string ssid) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(ssid));

    private static string StaticNetwork(string port, string address)
    {
        var text = new StringBuilder();
        Line(text, "[Match]");
        Line(text, $"Name={port}");
        Line(text, "");
        Line(text, "[Network]");
        Line(text, $"Address={address}/24");
        Line(text, "ConfigureWithoutCarrier=yes");
        Line(text, "IPv6AcceptRA=no");
        Line(text, "LinkLocalAddressing=no");
        return text.ToString();
    }

    private static string UplinkNetwork(string ports, int metric)
    {
        var text = new StringBuilder();
        Line(text, "[Match]");
        Line(text, $"Name={ports}");
        Line(text, "");
        Line(text, "[Network]");
        Line(text, "DHCP=yes");
        Line(text, "IPv6AcceptRA=yes");
        Line(text, "");
        Line(text, "[DHCPv4]");
        Line(text, Invariant($"RouteMetric={metric}"));
        // The uplink's DNS is for the sync agent only; phones are answered by the box's own dnsmasq.
        Line(text, "UseDNS=yes");
        return text.ToString();
    }

    private static string Dnsmasq(string port, string address, PortRole role)
    {
        var prefix = address[..address.LastIndexOf('.')];
        var text = new StringBuilder();
        Line(text, $"# DHCP and DNS for {(role == PortRole.Phones ? "phones" : "the timer's side")} on {port}");
        Line(text, $"interface={port}");
        Line(text, "bind-interfaces");
        Line(text, "except-interface=lo");
        Line(text, "no-resolv");
        Line(text, "no-hosts");
        Line(text, $"dhcp-range={prefix}.20,{prefix}.250,255.255.255.0,2h");
        Line(text, $"dhcp-option=option:router,{address}");
        Line(text, $"dhcp-option=option:dns-server,{address}");
        Line(text, "dhcp-authoritative");
        Line(text, "dhcp-leasefile=/run/edge/box/dnsmasq-" + port + ".leases");
        if (role == PortRole.Phones)
        {
            // Every name is the box: a phone's captive-portal probe lands on the results page.
            Line(text, $"address=/#/{address}");
        }
        else
        {
            // The timer's laptop keeps its own internet names; only the box's name is answered.
            Line(text, $"address=/edge.box/{address}");
            Line(text, $"dhcp-option=option:ntp-server,{address}");
        }

        Line(text, "domain-needed");
        Line(text, "bogus-priv");
        Line(text, "cache-size=1000");
        return text.ToString();
    }

    private static string Supplicant(NetworkSettings n, UplinkWifi uplink)
    {
        var text = new StringBuilder();
        Line(text, "ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev");
        Line(text, $"country={n.Country}");
        Line(text, "network={");
        Line(text, $"  ssid={HexSsid(uplink.Ssid)}");
        if (uplink.Password.Length > 0)
        {
            Line(text, $"  psk=\"{uplink.Password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }
        else
        {
            Line(text, "  key_mgmt=NONE");
        }

        Line(text, "}");
        return text.ToString();
    }

    /// <summary>
    /// Nothing listens unless needed: phones reach DHCP, DNS and the web port; the timer's side also the timing
    /// port, NTP, SSH (when keys are set) and FTP (when an account is set); an uplink only answers what the box asked for.
    /// </summary>
    private static string Firewall(List<(string Port, string Address, PortRole Role)> served, List<(string Port, string Address, PortRole Role)> timerSide, NetworkSettings n)
    {
        var text = new StringBuilder();
        Line(text, "#!/usr/sbin/nft -f");
        Line(text, "flush ruleset");
        Line(text, "table inet edge {");
        Line(text, "  chain input {");
        Line(text, "    type filter hook input priority filter; policy drop;");
        Line(text, "    iif lo accept");
        Line(text, "    ct state established,related accept");
        Line(text, "    ct state invalid drop");
        // ICMP and ICMPv6 by number: the image carries no /etc/protocols.
        Line(text, "    meta l4proto { 1, 58 } accept");
        foreach (var (port, _, _) in served)
        {
            Line(text, $"    iifname \"{port}\" udp dport {{ 53, 67 }} accept");
            Line(text, $"    iifname \"{port}\" tcp dport {{ 53, {HttpPort} }} accept");
        }

        foreach (var (port, _, _) in timerSide)
        {
            var tcp = new List<int> { TimingPort };
            if (n.SshKeys.Count > 0)
            {
                tcp.Add(22);
            }

            var ports = tcp.Select(p => (First: p, Text: p.ToString(CultureInfo.InvariantCulture))).ToList();
            if (n.Ftp is not null)
            {
                ports.Add((FtpPort, FtpPort.ToString(CultureInfo.InvariantCulture)));
                ports.Add((FtpPassiveFirst, Invariant($"{FtpPassiveFirst}-{FtpPassiveLast}")));
            }

            Line(text, $"    iifname \"{port}\" tcp dport {{ {string.Join(", ", ports.OrderBy(p => p.First).Select(p => p.Text))} }} accept");
            Line(text, $"    iifname \"{port}\" udp dport 123 accept");
        }

        Line(text, "  }");
        Line(text, "  chain forward {");
        Line(text, "    type filter hook forward priority filter; policy drop;");
        Line(text, "  }");
        Line(text, "}");
        return text.ToString();
    }

    /// <summary>
    /// vsftpd for OE's "upload files to web": the one account of <c>ftp-passwd</c> (checked by PAM), uploading into the
    /// inbox as the appliance's own user, and doing nothing else.
    /// </summary>
    private static string Vsftpd()
    {
        var text = new StringBuilder();
        Line(text, "# FTP into the orienteering inbox (meet.json network.ftp; rendered at boot, run by edge-ftp.service)");
        Line(text, "listen=YES");
        Line(text, "listen_ipv6=NO");
        Line(text, Invariant($"listen_port={FtpPort}"));
        Line(text, "background=NO");
        Line(text, "ftpd_banner=edge results box: orienteering inbox");
        // No anonymous FTP; the account is virtual (PAM checks it against ftp-passwd) and works as the local user edge.
        Line(text, "anonymous_enable=NO");
        Line(text, "local_enable=YES");
        Line(text, $"pam_service_name={FtpPamService}");
        Line(text, "guest_enable=YES");
        Line(text, $"guest_username={FtpLocalUser}");
        Line(text, "virtual_use_local_privs=YES");
        // Shut into the inbox; its top is the appliance's writable folder, where the exports must land.
        Line(text, $"local_root={InboxDir}");
        Line(text, "chroot_local_user=YES");
        Line(text, "allow_writeable_chroot=YES");
        // Upload, and overwrite (OE rewrites one file name at every export); renaming stays for clients that upload
        // to a temporary name. Nothing is downloaded, deleted, made or chmod-ed.
        Line(text, "write_enable=YES");
        Line(text, "download_enable=NO");
        Line(text, "chmod_enable=NO");
        Line(text, "cmds_denied=DELE,RMD,XRMD,MKD,XMKD,SITE");
        // rw-r--r--: the appliance reads what arrives.
        Line(text, "local_umask=022");
        // Passive data connections on the ports the firewall opens on the timer's side. No pasv_address: vsftpd
        // answers with the address the laptop reached, right on every timer-side port (there may be two) and no NAT.
        Line(text, "pasv_enable=YES");
        Line(text, Invariant($"pasv_min_port={FtpPassiveFirst}"));
        Line(text, Invariant($"pasv_max_port={FtpPassiveLast}"));
        // Debian turns vsftpd's seccomp filter off by default (it kills sessions on system calls newer than it, as
        // newer kernels and C libraries make); said here so a change of package default cannot break uploads.
        Line(text, "seccomp_sandbox=NO");
        Line(text, "secure_chroot_dir=/run/vsftpd/empty");
        Line(text, "max_clients=8");
        Line(text, "max_per_ip=4");
        Line(text, "idle_session_timeout=600");
        // Logins and uploads go to the journal (the root is read-only; /var/log is memory).
        Line(text, "syslog_enable=YES");
        Line(text, "xferlog_enable=YES");
        Line(text, "hide_ids=YES");
        return text.ToString();
    }

    private static string Chrony(List<(string Port, string Address, PortRole Role)> timerSide, TimeSettings time)
    {
        var text = new StringBuilder();
        Line(text, "# Serves the box's time to the timer's side, even with no source, so the laptop and the box agree.");
        foreach (var (_, address, _) in timerSide)
        {
            Line(text, $"allow {address[..address.LastIndexOf('.')]}.0/24");
        }

        Line(text, "local stratum 10 orphan");
        if (time.Gps)
        {
            // gpsd hands chrony the fix time when a receiver is plugged in; absent, the source stays unreachable.
            Line(text, "refclock SOCK /run/chrony.gps0.sock refid GPS precision 1e-1 offset 0.0 noselect");
            Line(text, "refclock SHM 0 refid NMEA precision 1e-1 offset 0.2 delay 0.2");
        }

        if (time.Rtc != "none")
        {
            Line(text, "rtcsync");
        }

        return text.ToString();
    }

    private static string ApplianceEnvironment(List<(string Port, string Address, PortRole Role)> timerSide)
    {
        var networks = string.Join(',', new[] { "127.0.0.0/8", "::1/128" }.Concat(timerSide.Select(t => $"{t.Address[..t.Address.LastIndexOf('.')]}.0/24")));
        var text = new StringBuilder();
        Line(text, "# The appliance's settings that follow from the meet's networks (rendered at boot)");
        Line(text, $"Console__AllowedNetworks={networks}");
        Line(text, $"Timing__AllowedNetworks={networks}");
        return text.ToString();
    }

    private static string Summary(Meet.Meet meet, List<(string Port, string Address, PortRole Role)> served, List<(string Port, string Address, PortRole Role)> timerSide, string? problem)
    {
        var text = new StringBuilder();
        if (problem is not null)
        {
            Line(text, $"meet folder not used ({problem}); default networks");
        }

        foreach (var (port, address, role) in served)
        {
            Line(text, $"{port}: {(role == PortRole.Phones ? "phones" : "timer")} at {address}");
        }

        var n = meet.Network;
        Line(text, n.Ethernet == PortRole.Uplink ? $"{EthernetPort}: uplink" : "");
        Line(text, n.UplinkWifi is { } u ? $"{SecondRadio}: uplink to '{u.Ssid}'" : "");
        Line(text, $"ssh: {(n.SshKeys.Count == 0 ? "off" : $"on, {n.SshKeys.Count} key(s)")}");
        Line(text, $"ftp: {(n.Ftp is { } ftp ? $"user '{ftp.User}' into {InboxDir}, from {string.Join(", ", timerSide.Select(t => t.Address))}" : "off")}");
        return string.Join('\n', text.ToString().Split('\n').Where(l => l.Length > 0)) + "\n";
    }

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The rendered files by relative path, and why the meet folder was not used (null when it was).</summary>
public sealed record BoxFiles(IReadOnlyDictionary<string, string> Files, string? Problem)
{
    /// <summary>Writes every file under <paramref name="dir"/> (made if missing), each through a temporary file and a rename.</summary>
    public void WriteTo(string dir)
    {
        foreach (var (path, content) in Files)
        {
            var target = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temporary = target + ".new";
            File.WriteAllText(temporary, content);
            File.Move(temporary, target, overwrite: true);
        }
    }
}
