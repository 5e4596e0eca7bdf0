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

    private static IResult Timing(HttpContext context, ReadStore store, IngestStatus ingest, ResultsService results, TimeProvider time)
    {
        var fragment = context.Request.Query.ContainsKey("fragment");
        var html = fragment ? new Html(8192) : ConsoleLayout.Page(context, "Timing", "/admin/timing");
        if (!fragment)
        {
            html.Raw("<h1>Timing</h1>");
            html.Add($"<div id=\"live\" data-src=\"/admin/timing\" data-every=\"{RefreshSeconds}\">");
        }

        TimingBody(html, store, ingest, results, time);
        if (fragment)
        {
            return ConsoleLayout.Send(html);
        }

        html.Raw("</div>");
        return ConsoleLayout.End(html);
    }

    private static void TimingBody(Html html, ReadStore store, IngestStatus ingest, ResultsService results, TimeProvider time)
    {
        var zone = results.Current.Meet.Event.TimeZone;
        html.Raw("<h2>Connections</h2>");
        var connections = ingest.Connections;
        if (connections.Count == 0)
        {
            html.Raw("<p class=\"warn\">No timing connection is open.</p>");
        }

        foreach (var c in connections)
        {
            html.Add($"<div class=\"card\"><h3><span class=\"ok\">Connected</span> {c.ConnectionId ?? "connection " + c.Id}</h3>");
            html.Add($"<p class=\"s\">{c.RemoteAddress} · {c.Greeting} · since {c.ConnectedAt:HH:mm:ss} UTC · {c.Reads} reads · {string.Join(", ", c.Locations)}</p></div>");
        }

        html.Raw("<h2>Sent and stored</h2><table><tr><th>Location</th><th class=\"r\">Sent</th><th class=\"r\">Stored</th><th class=\"r\">Dupl.</th><th class=\"r\">Rejected</th><th class=\"r\">Missing</th></tr>");
        foreach (var r in store.Tallies.Select(LocationReconciliation.Of))
        {
            var rejected = r.Rejected.Values.Sum();
            html.Add($"<tr><td>{r.Location}<br><span class=\"s\">{r.Source}</span></td><td class=\"r\">{r.LastSequence}</td><td class=\"r\">{r.Stored}</td><td class=\"r\">{r.Duplicates.Resent + r.Duplicates.SameRead}</td>");
            html.Add($"<td class=\"r\">{(rejected > 0 ? new Markup($"<span class=\"bad\">{rejected}</span>") : new Markup("0"))}</td><td class=\"r\">{(r.Missing > 0 ? new Markup($"<span class=\"bad\">{r.Missing}</span>") : new Markup("0"))}</td></tr>");
        }

        html.Raw("</table>");
        html.Add($"<p class=\"s\">Unknown tags: {results.Current.UnknownTagCount} · updated {TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone):HH:mm:ss}</p>");
    }

    private static IResult Clock(HttpContext context, ReadStore store, ResultsService results, TimeProvider time)
    {
        var html = ConsoleLayout.Page(context, "Clock", "/admin/clock");
        html.Raw("<h1>Clock</h1>");
        ConsoleLayout.Flash(html, context);
        var facts = BoxFacts.Read(Path.GetDirectoryName(store.DatabasePath)!, store.DatabasePath);
        var zone = results.Current.Meet.Event.TimeZone;
        html.Add($"<p>Box clock: <b>{TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone):yyyy-MM-dd HH:mm:ss}</b> ({zone.Id}) · {facts.TimeSource}</p>");
        if (context.User.Role() == ConsoleRoles.Timer)
        {
            html.Add($"<form method=\"post\" action=\"/admin/clock/set\" data-confirm=\"Set the box clock from this device's clock?\">{ConsoleLayout.Token(context)}<input type=\"hidden\" name=\"deviceMs\" data-now value=\"\"><button>Set the box clock from this device</button></form>");
            html.Raw("<p class=\"s\">Use it when the box has no network time: the box takes this phone's or laptop's clock.</p>");
        }

        return ConsoleLayout.End(html);
    }

    private static async Task<IResult> SetClock(HttpContext context, IClockSetter setter, TimeProvider time)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await ConsolePages.Do(context, "/admin/clock", () =>
        {
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
