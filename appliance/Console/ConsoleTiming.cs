using System.Globalization;
using Edge.Appliance.Ingest;
using Edge.Appliance.Results;
using Edge.Appliance.Store;
using Edge.Appliance.Web;

namespace Edge.Appliance.Console;

/// <summary>The timing and clock views: what the mats send, whether the clocks agree, and what a timer would otherwise miss.</summary>
public static class ConsoleTiming
{
    /// <summary>Seconds between refreshes of a live console view.</summary>
    private const int RefreshSeconds = 3;

    public static RouteGroupBuilder MapTimingPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/timing", Timing).RequireAuthorization(ConsoleRoles.ViewPolicy);
        admin.MapGet("/clock", Clock).RequireAuthorization(ConsoleRoles.ViewPolicy);
        admin.MapPost("/clock/set", SetClock).RequireAuthorization(ConsoleRoles.TimerPolicy);
        return admin;
    }

    /// <summary>A live view: the whole page, or (<c>?fragment=1</c>) only its live region, which the console's script swaps in.</summary>
    private static IResult Live(HttpContext context, string title, string path, Action<Html> body)
    {
        if (context.Request.Query.ContainsKey("fragment"))
        {
            var fragment = new Html(16 * 1024);
            body(fragment);
            return ConsoleLayout.Send(fragment);
        }

        var html = ConsoleLayout.Page(context, title, path);
        html.Add($"<h1>{title}</h1>");
        ConsoleLayout.Flash(html, context);
        html.Add($"<div id=\"live\" data-src=\"{path}\" data-every=\"{RefreshSeconds}\">");
        body(html);
        html.Raw("</div>");
        return ConsoleLayout.End(html);
    }

    private static IResult Timing(HttpContext context, TimingMonitor monitor, ReadStore store, ResultsService results) =>
        Live(context, "Timing", "/admin/timing", html => TimingBody(html, monitor.Snapshot(), store, results.Current));

    private static void TimingBody(Html html, MonitorSnapshot snapshot, ReadStore store, ResultsSnapshot results)
    {
        var zone = results.Meet.Event.TimeZone;
        Alarms(html, snapshot);

        html.Raw("<h2>Connections</h2>");
        if (!snapshot.Connections.Any(c => c.Open))
        {
            html.Raw("<p class=\"warn\">No timing connection is open.</p>");
        }

        foreach (var c in snapshot.Connections.Take(12))
        {
            var state = c.Open ? new Markup("<span class=\"ok\">Connected</span>") : new Markup($"<span class=\"bad\">Closed {Ago(c.LastSeenSecondsAgo)}</span>");
            html.Add($"<div class=\"card\" data-connection=\"{c.Id}\"><h3>{state} {c.ConnectionId ?? "connection " + c.Id.ToString(CultureInfo.InvariantCulture)}</h3>");
            html.Add($"<p class=\"s\">{c.RemoteAddress} · {c.Greeting} · {c.Reads} reads · {string.Join(", ", c.Locations)}{(c.CloseReason is { } why ? " · " + why : "")}</p>");
            if (c.LastRead is { } last)
            {
                html.Add($"<p class=\"s\">Last read: {last.Tag} at {last.Location}, {Local(last.At, zone)}</p>");
            }

            html.Raw("</div>");
        }

        html.Raw("<h2>Locations</h2>");
        if (snapshot.Locations.Count == 0)
        {
            html.Raw("<p>No location has sent a read yet.</p>");
        }

        foreach (var l in snapshot.Locations)
        {
            var lastMinute = l.Minutes.Count > 1 ? l.Minutes[^2].Reads : 0;
            var thisMinute = l.Minutes.Count > 0 ? l.Minutes[^1].Reads : 0;
            var quiet = l.LastRead is { } r ? (snapshot.BoxNow - r.ReceivedAt).TotalSeconds : (double?)null;
            html.Add($"<div class=\"card\" data-location=\"{l.Name}\"><h3>{l.Name} {(l.Connected ? new Markup("<span class=\"ok\">connected</span>") : new Markup("<span class=\"bad\">not connected</span>"))}</h3>");
            html.Add($"<p class=\"s\">{thisMinute} reads this minute, {lastMinute} the minute before · {l.StoredReads} stored · last read {(quiet is null ? "never" : Ago(quiet))}</p>");
            Chart(html, l.Minutes, l.Name);
            html.Raw("</div>");
        }

        html.Raw("<h3>Unknown tags per minute</h3>");
        Chart(html, snapshot.UnknownPerMinute, "unknown tags", unknown: true);

        html.Raw("<h2>Sent and stored</h2><table><tr><th>Location</th><th class=\"r\">Sent</th><th class=\"r\">Stored</th><th class=\"r\">Dupl.</th><th class=\"r\">Rej.</th><th class=\"r\">Miss.</th></tr>");
        foreach (var t in store.Tallies.Select(LocationReconciliation.Of))
        {
            var rejected = t.Rejected.Values.Sum();
            html.Add($"<tr><td>{t.Location}<br><span class=\"s\">{t.Source}</span></td><td class=\"r\">{t.LastSequence}</td><td class=\"r\">{t.Stored}</td><td class=\"r\">{t.Duplicates.Resent + t.Duplicates.SameRead}</td>");
            html.Add($"<td class=\"r\">{Count(rejected)}</td><td class=\"r\">{Count(t.Missing)}</td></tr>");
        }

        html.Raw("</table>");
        html.Add($"<p class=\"s\">Updated {Local(snapshot.BoxNow, zone)} (box clock)</p>");
    }

    private static void Alarms(Html html, MonitorSnapshot snapshot)
    {
        if (snapshot.Alarms.Count == 0)
        {
            html.Raw("<p class=\"good\">No alarms.</p>");
            return;
        }

        foreach (var alarm in snapshot.Alarms)
        {
            html.Add($"<p class=\"alarm\" role=\"alert\" data-kind=\"{alarm.Kind}\">{alarm.Message} <span class=\"s\">since {alarm.Since:HH:mm:ss} UTC</span></p>");
        }
    }

    /// <summary>Reads per minute as bars, oldest left, the current minute at the right: SVG with presentation attributes only (the policy allows no inline style).</summary>
    private static void Chart(Html html, IReadOnlyList<MinuteCount> minutes, string what, bool unknown = false)
    {
        const int Width = 300;
        const int Height = 60;
        var values = minutes.Select(m => unknown ? m.Unknown : m.Reads).ToList();
        var max = Math.Max(1, values.DefaultIfEmpty(0).Max());
        var bar = values.Count == 0 ? Width : (double)Width / values.Count;
        html.Add($"<svg viewBox=\"0 0 {Width} {Height + 12}\" role=\"img\" aria-label=\"{what} per minute, last {values.Count} minutes, most {max}\" class=\"chart\">");
        for (var i = 0; i < values.Count; i++)
        {
            var h = values[i] * Height / (double)max;
            html.Add($"<rect x=\"{(i * bar + 0.5).ToString("0.#", CultureInfo.InvariantCulture)}\" y=\"{(Height - h).ToString("0.#", CultureInfo.InvariantCulture)}\" width=\"{Math.Max(1, bar - 1).ToString("0.#", CultureInfo.InvariantCulture)}\" height=\"{h.ToString("0.#", CultureInfo.InvariantCulture)}\" fill=\"{(unknown ? "#a00000" : "#0033a0")}\"><title>{values[i]}</title></rect>");
        }

        html.Add($"<text x=\"2\" y=\"{Height + 11}\" font-size=\"10\">{max}/min max · {values.Count} min</text><text x=\"{Width - 2}\" y=\"{Height + 11}\" font-size=\"10\" text-anchor=\"end\">now</text></svg>");
    }

    private static Markup Count(long n) => n > 0 ? new Markup($"<span class=\"bad\">{n}</span>") : new Markup("0");

    private static string Ago(double? seconds) => seconds switch
    {
        null => "",
        < 90 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s ago"),
        < 5400 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min ago"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#} h ago"),
    };

    private static string Local(DateTimeOffset at, TimeZoneInfo zone) => ResultFormat.ClockTime(at.ToUnixTimeMilliseconds(), zone, hundredths: false);

    private static IResult Clock(HttpContext context, TimingMonitor monitor, ResultsService results) =>
        Live(context, "Clock", "/admin/clock", html => ClockBody(html, monitor.Snapshot(), results.Current, context));

    private static void ClockBody(Html html, MonitorSnapshot snapshot, ResultsSnapshot results, HttpContext context)
    {
        var zone = results.Meet.Event.TimeZone;
        var clock = snapshot.Clock;
        html.Add($"<p class=\"big\">{TimeZoneInfo.ConvertTime(clock.BoxNow, zone):HH:mm:ss}</p><p>Box clock, {TimeZoneInfo.ConvertTime(clock.BoxNow, zone):yyyy-MM-dd} ({zone.Id}) · {Source(clock.Synchronized)}</p>");
        if (clock.Suspect)
        {
            html.Add($"<p class=\"alarm\" role=\"alert\">The box clock looks wrong: {string.Join("; ", clock.Reasons)}.</p>");
        }

        html.Add($"<p>Controllers' time now: <b>{Local(clock.ControllerNow.At, zone)}</b> <span class=\"s\">({clock.ControllerNow.Source})</span></p>");
        html.Raw("<h2>Each location's clock</h2><table><tr><th>Location</th><th class=\"r\">Ahead of box</th><th class=\"r\">Drift</th><th class=\"r\">Reads</th></tr>");
        foreach (var l in snapshot.Locations)
        {
            if (l.Offset is not { } o)
            {
                html.Add($"<tr><td>{l.Name}</td><td class=\"r\" colspan=\"3\">no live reads yet</td></tr>");
                continue;
            }

            html.Add($"<tr><td>{l.Name}</td><td class=\"r\">{Seconds(o.Seconds)}</td><td class=\"r\">{(o.Drifting ? new Markup($"<span class=\"bad\">{Seconds(o.DriftSeconds)} drifting</span>") : new Markup(Html.Encode(Seconds(o.DriftSeconds))))}</td><td class=\"r\">{o.Samples}</td></tr>");
        }

        html.Raw("</table><p class=\"s\">A controller's read time minus the box's time of arrival, over recent live reads; a resent backlog is left out.</p>");
        if (context.User.Role() == ConsoleRoles.Timer && clock.Synchronized != true)
        {
            html.Add($"<form method=\"post\" action=\"/admin/clock/set\" data-confirm=\"Set the box clock from this device's clock?\">{ConsoleLayout.Token(context)}<input type=\"hidden\" name=\"deviceMs\" data-now value=\"\"><button>Set the box clock from this device</button></form>");
            html.Raw("<p class=\"s\">The box has no network time: this takes the clock of the phone or laptop you are using.</p>");
        }
    }

    private static string Source(bool? synchronized) => synchronized switch
    {
        true => "synchronised to a time source",
        false => "no time source",
        null => "time source unknown",
    };

    private static string Seconds(double s) => string.Create(CultureInfo.InvariantCulture, $"{s:+0.0;-0.0;0.0} s");

    private static async Task<IResult> SetClock(HttpContext context, IClockSetter setter, TimeSourceProbe probe, TimeProvider time)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await ConsolePages.Do(context, "/admin/clock", () =>
        {
            if (probe.IsSynchronized() == true)
            {
                throw new CorrectionException("The box follows a time source already; its clock is not set by hand.");
            }

            if (!long.TryParse(form["deviceMs"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || !ReadTime.IsPlausibleUnixMs(ms))
            {
                throw new CorrectionException("This device did not send its clock (the page needs JavaScript for this button).");
            }

            var device = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            var before = time.GetUtcNow();
            try
            {
                setter.Set(device);
            }
            catch (InvalidOperationException e)
            {
                throw new CorrectionException(e.Message);
            }

            return Task.FromResult(string.Create(CultureInfo.InvariantCulture, $"Box clock set to {device:yyyy-MM-dd HH:mm:ss} UTC (it was {(before - device).TotalSeconds:+0.0;-0.0} s off)."));
        });
    }
}
