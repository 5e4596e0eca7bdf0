namespace Edge.Appliance.Meet;

/// <summary>What one of the box's own network ports is for (meet.json <c>network.wifi</c> / <c>network.ethernet</c>).</summary>
public enum PortRole
{
    /// <summary>Runners' and spectators' phones: the box hands out addresses and answers every name with itself.</summary>
    Phones,
    /// <summary>The timer's side: the timing software's laptop; the timing port and the console are reachable here.</summary>
    Timer,
    /// <summary>A venue network with its own DHCP server, used as the uplink (Ethernet only).</summary>
    Uplink,
    /// <summary>Not used (the onboard radio only).</summary>
    Off,
}

/// <summary>A Wi-Fi network the box joins as a client, on a second radio, for its uplink.</summary>
public sealed record UplinkWifi(string Ssid, string Password);

/// <summary>
/// How the image sets up the box's networks (meet.json <c>network</c>). The appliance itself does not use it:
/// at boot, <c>edge-box-config</c> renders hostapd, dnsmasq, systemd-networkd and nftables files from it
/// (<see cref="Box.BoxConfig"/>). The defaults are the common venue: phones on the onboard radio's hotspot,
/// the timer's laptop on the Ethernet port.
/// </summary>
public sealed record NetworkSettings(
    PortRole Wifi,
    PortRole Ethernet,
    int Channel,
    string Country,
    WifiSettings? TimerWifi,
    UplinkWifi? UplinkWifi,
    IReadOnlyList<string> SshKeys)
{
    public static NetworkSettings Default { get; } = new(PortRole.Phones, PortRole.Timer, 6, "US", null, null, []);

    /// <summary>The account that may upload into the orienteering inbox over FTP (<c>network.ftp</c>); null: no FTP server runs.</summary>
    public FtpAccount? Ftp { get; init; }

    /// <summary>The box's address on the onboard radio's network (a /24).</summary>
    public const string WifiAddress = "10.42.0.1";

    /// <summary>The box's address on the Ethernet network when the box serves it (a /24).</summary>
    public const string EthernetAddress = "10.43.0.1";
}

/// <summary>The FTP account for the orienteering inbox: what the timer types into OE's "upload files to web".</summary>
public sealed record FtpAccount(string User, string Password);

/// <summary>Clocks beside the system clock (meet.json <c>time</c>).</summary>
public sealed record TimeSettings(string Rtc, bool Gps)
{
    public static TimeSettings Default { get; } = new("none", true);
}
