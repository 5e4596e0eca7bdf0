using System.Globalization;
using Edge.Appliance.Meet;

namespace Edge.Provisioning.MeetFolder;

/// <summary>The few lines a timer reads to know the folder is the meet they meant: event, races, roster, networks.</summary>
public static class MeetSummary
{
    public static IEnumerable<string> Lines(CheckedMeet checkedMeet)
    {
        var meet = checkedMeet.Meet;
        var ev = meet.Event;
        var date = ev.Date is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "no date";
        yield return $"event: {ev.Name}, {date}, {ev.TimeZone.Id} (key {meet.Key})";
        foreach (var race in meet.Races)
        {
            var runners = meet.Participants.Count(p => p.RaceId == race.Id);
            var points = string.Join(" > ", race.TimingPoints.Select(p => p.Location));
            yield return Invariant($"race {race.Id}: {race.Name}, {race.DistanceKm} km, {points}; {runners} runner{(runners == 1 ? "" : "s")}");
        }

        if (meet.Races.Count == 0)
        {
            yield return "races: none";
        }

        yield return $"participants: {meet.Participants.Count}";
        var n = meet.Network;
        var hotspot = meet.Wifi is { } w ? $"'{w.Ssid}', {(w.Security == "nopass" ? "open" : w.Security)}" : $"'{Edge.Appliance.Box.BoxConfig.DefaultHotspot}', open";
        yield return n.Wifi switch
        {
            PortRole.Phones => $"wifi: phones (hotspot {hotspot}, channel {n.Channel}, country {n.Country})",
            PortRole.Timer => $"wifi: timer (access point '{n.TimerWifi!.Ssid}', WPA, channel {n.Channel}, country {n.Country})",
            _ => "wifi: off",
        };
        yield return n.Ethernet switch
        {
            PortRole.Phones => "ethernet: phones (an access point for phones on the Ethernet port; the timer's laptop on the same switch)",
            PortRole.Uplink => "ethernet: uplink (venue network)",
            _ => "ethernet: timer (the timing laptop)",
        };
        if (n.UplinkWifi is { } uplink)
        {
            yield return $"uplink wifi: '{uplink.Ssid}' on a second radio";
        }

        yield return n.SshKeys.Count == 0 ? "ssh: off" : $"ssh: on, {n.SshKeys.Count} key(s)";
        yield return n.Ftp is { } ftp ? $"ftp: user '{ftp.User}' into the orienteering inbox, from the timer's side" : "ftp: off";
        yield return meet.Console.PasswordHash is null
            ? "console password: none (the box prints a one-time setup code in its log)"
            : "console password: set (hash)";
        yield return checkedMeet.Cloud is { } cloud
            ? $"cloud: {cloud.Broker}{(cloud.Tls ? " (TLS)" : "")} as {cloud.DeviceId}"
            : "cloud: off";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
