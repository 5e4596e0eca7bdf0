using System.Text.Json;

namespace Edge.Appliance.Meet;

/// <summary>meet.json <c>network</c> and <c>time</c>: what the image makes of the box's ports and clocks.</summary>
public static partial class MeetLoader
{
    private static readonly string[] NetworkFields = ["wifi", "ethernet", "channel", "country", "timerWifi", "uplinkWifi", "ssh", "ftp"];
    private static readonly string[] TimerWifiFields = ["ssid", "password"];
    private static readonly string[] SshFields = ["authorizedKeys"];
    private static readonly string[] FtpFields = ["user", "password"];
    private static readonly string[] TimeFields = ["rtc", "gps"];
    private static readonly string[] SshKeyTypes =
        ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"];

    private static NetworkSettings ReadNetwork(JsonFile json, JsonElement root, WifiSettings? phonesWifi)
    {
        if (json.Object(root, "network", "network", NetworkFields) is not { } n)
        {
            return phonesWifi is { Security: "WEP" } ? throw WepHotspot(json) : NetworkSettings.Default;
        }

        var wifi = json.OptionalString(n, "wifi", "network.wifi") switch
        {
            null or "phones" => PortRole.Phones,
            "timer" => PortRole.Timer,
            "off" => PortRole.Off,
            var other => throw json.Error("network.wifi", $"'{Printable(other)}' must be \"phones\" (the hotspot for phones), \"timer\" (a private access point for the timer's laptop) or \"off\""),
        };
        var ethernet = json.OptionalString(n, "ethernet", "network.ethernet") switch
        {
            null or "timer" => PortRole.Timer,
            "phones" => PortRole.Phones,
            "uplink" => PortRole.Uplink,
            var other => throw json.Error("network.ethernet", $"'{Printable(other)}' must be \"timer\" (the timer's laptop), \"phones\" (an access point for phones) or \"uplink\" (a venue network with internet)"),
        };

        // The timer's laptop must reach the timing port somewhere; an access point for phones on Ethernet is
        // usually on the timer's own switch, so that side counts as the timer's too.
        if (wifi != PortRole.Timer && ethernet == PortRole.Uplink || wifi == PortRole.Off && ethernet != PortRole.Timer && ethernet != PortRole.Phones)
        {
            throw json.Error("network.ethernet", "with Ethernet as the uplink the timer's laptop has no side: set \"network.wifi\" to \"timer\", or \"network.ethernet\" to \"timer\"");
        }

        var channel = json.OptionalInteger(n, "channel", "network.channel", 1, 13) ?? NetworkSettings.Default.Channel;
        var country = json.OptionalString(n, "country", "network.country") ?? NetworkSettings.Default.Country;
        if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
        {
            throw json.Error("network.country", $"'{Printable(country)}' is not a two-letter country code in capitals (US, GB, SE): the radio's channels and power follow it");
        }

        WifiSettings? timerWifi = null;
        if (json.Object(n, "timerWifi", "network.timerWifi", TimerWifiFields) is { } t)
        {
            var ssid = Ssid(json, t, "network.timerWifi.ssid");
            var password = json.RequiredString(t, "password", "network.timerWifi.password");
            if (password.Length is < 8 or > 63)
            {
                throw json.Error("network.timerWifi.password", "a WPA password has 8 to 63 characters");
            }

            timerWifi = new WifiSettings(ssid, password, "WPA", null);
        }

        if (wifi == PortRole.Timer && timerWifi is null)
        {
            throw json.Error("network.wifi", "the timer's access point needs \"network.timerWifi\": { \"ssid\": ..., \"password\": ... } (never an open network for the timing port)");
        }

        // The hotspot takes its name and password from "wifi" (the join sign's network); the box's radio does not do WEP.
        if (wifi == PortRole.Phones && phonesWifi is { Security: "WEP" })
        {
            throw WepHotspot(json);
        }

        UplinkWifi? uplink = null;
        if (json.Object(n, "uplinkWifi", "network.uplinkWifi", TimerWifiFields) is { } u)
        {
            var password = json.OptionalString(u, "password", "network.uplinkWifi.password") ?? "";
            if (password.Length is > 0 and (< 8 or > 63))
            {
                throw json.Error("network.uplinkWifi.password", "a WPA password has 8 to 63 characters (or none for an open network)");
            }

            uplink = new UplinkWifi(Ssid(json, u, "network.uplinkWifi.ssid"), password);
        }

        var keys = new List<string>();
        if (json.Object(n, "ssh", "network.ssh", SshFields) is { } ssh)
        {
            foreach (var (k, at) in json.List(ssh, "authorizedKeys", "network.ssh.authorizedKeys", "a list of public keys"))
            {
                var key = k.ValueKind == JsonValueKind.String ? k.GetString()!.Trim() : throw json.Error(at, "must be a public key in quotes (\"ssh-ed25519 AAAA... name\")");
                var parts = key.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 2 || !SshKeyTypes.Contains(parts[0]) || key.Any(char.IsControl) || !IsBase64(parts[1]))
                {
                    throw json.Error(at, "is not an OpenSSH public key (a line like \"ssh-ed25519 AAAA... name\" from a .pub file; never a private key)");
                }

                keys.Add(key);
            }
        }

        return new NetworkSettings(wifi, ethernet, channel, country, timerWifi, uplink, keys) { Ftp = ReadFtp(json, n) };
    }

    /// <summary>
    /// <c>network.ftp</c>: the one account that may upload into the orienteering inbox (OE's "upload files to web"
    /// speaks only FTP). The password stays in meet.json, as the Wi-Fi's does, since it is typed into OE; the box's
    /// FTP server is given only its hash.
    /// </summary>
    private static FtpAccount? ReadFtp(JsonFile json, JsonElement network)
    {
        if (json.Object(network, "ftp", "network.ftp", FtpFields) is not { } f)
        {
            return null;
        }

        foreach (var name in FtpFields)
        {
            if (!f.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                throw json.Error("network.ftp", $"needs \"{name}\": the account is a \"user\" and a \"password\", as typed into OE");
            }
        }

        var user = json.RequiredString(f, "user", "network.ftp.user");
        // A line of the PAM password file is "user:hash"; vsftpd takes "ftp" and "anonymous" for anonymous logins.
        if (user.Length > 32 || !char.IsAsciiLetter(user[0]) || !user.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw json.Error("network.ftp.user", $"'{Printable(user)}' must be 1 to 32 letters, digits, '.', '_' or '-' (no spaces), starting with a letter, like \"oe\"");
        }

        if (user.ToUpperInvariant() is "FTP" or "ANONYMOUS")
        {
            throw json.Error("network.ftp.user", $"'{user}' is the FTP server's name for anonymous logins, which the box refuses; choose another name, like \"oe\"");
        }

        var password = json.RequiredString(f, "password", "network.ftp.password");
        if (f.GetProperty("password").GetString() != password)
        {
            throw json.Error("network.ftp.password", "starts or ends with a space, which the box would drop and the FTP client would send");
        }

        // FTP clients send the password's bytes in their own code page: only ASCII is the same on every laptop.
        if (password.Length is < 8 or > 128 || !password.All(c => c is >= ' ' and <= '~'))
        {
            throw json.Error("network.ftp.password", "an FTP password has 8 to 128 characters, letters, digits, spaces and ASCII punctuation only (an FTP client sends other characters in its own code page)");
        }

        return new FtpAccount(user, password);
    }

    private static TimeSettings ReadClocks(JsonFile json, JsonElement root)
    {
        if (json.Object(root, "time", "time", TimeFields) is not { } t)
        {
            return TimeSettings.Default;
        }

        var rtc = json.OptionalString(t, "rtc", "time.rtc") ?? "none";
        if (rtc is not ("none" or "ds3231" or "pcf8523"))
        {
            throw json.Error("time.rtc", $"'{Printable(rtc)}' must be \"none\", \"ds3231\" or \"pcf8523\" (a clock module on the I2C pins)");
        }

        bool gps;
        if (!t.TryGetProperty("gps", out var g) || g.ValueKind == JsonValueKind.Null)
        {
            gps = true;
        }
        else
        {
            gps = g.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw json.Error("time.gps", "must be true or false"),
            };
        }

        return new TimeSettings(rtc, gps);
    }

    private static MeetException WepHotspot(JsonFile json) =>
        json.Error("wifi.security", "the box's own hotspot is open (\"nopass\") or \"WPA\"; WEP can describe only an outside access point (\"network\": { \"wifi\": \"off\", \"ethernet\": \"phones\" })");

    /// <summary>A network name: 1 to 32 bytes of UTF-8 (IEEE 802.11).</summary>
    private static string Ssid(JsonFile json, JsonElement parent, string field)
    {
        var ssid = json.RequiredString(parent, "ssid", field);
        return System.Text.Encoding.UTF8.GetByteCount(ssid) <= 32 ? ssid : throw json.Error(field, "a Wi-Fi name has at most 32 bytes");
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var length) && length > 16;
    }
}
