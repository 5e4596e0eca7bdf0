using System.Globalization;
using Edge.Appliance.Web;

namespace Edge.Cloud.Events;

/// <summary>
/// The public results of each event, served by the box's own page code: <c>/e/{eventId}/</c> (home, races,
/// participants, search, recent finishers, the live stream <c>/e/{eventId}/events</c>) and the box's JSON API under
/// <c>/api/e/{eventId}/</c>; <c>/e</c> lists the events and <c>/api/events</c> says how each is doing.
/// </summary>
public static class EventPages
{
    public static WebApplication MapEvents(this WebApplication app)
    {
        // The box's headers and its 400/404 answers, on the event pages only (the status page has styles of its own).
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/e", StringComparison.Ordinal) || context.Request.Path.StartsWithSegments("/api/e", StringComparison.Ordinal),
            pages => pages.Use(SecurityHeaders.Apply).UseBadInputAnswers());
        app.MapGroup("/e/{eventId}").MapPhonePages();
        app.MapGroup("/api/e/{eventId}").MapResultsRoutes();
        app.MapGet("/e", (EventCatalog catalog) => Results.Content(Index(catalog), "text/html; charset=utf-8"));
        app.MapGet("/api/events", (EventCatalog catalog) => Results.Ok(Status(catalog)));
        return app;
    }

    public static EventsJson Status(EventCatalog catalog) => new(
        [.. catalog.Events.Select(feed =>
        {
            var results = feed.Results;
            var definition = results.Definition;
            var snapshot = results.Current;
            var (entries, sameReads, voidsOfNothing, boxes) = results.Progress;
            return new EventJson(
                definition.Id, definition.Name, definition.Folder, feed.Site.Home, snapshot.Meet.Key,
                [.. boxes.Select(b => new EventBoxJson(b.Box.Device, b.Box.Meet, b.Epoch, b.ReadTo, b.LandedTo))],
                entries, sameReads, voidsOfNothing, snapshot.Version, results.Ready.IsCompleted,
                (long)results.LastRebuild.Elapsed.TotalMilliseconds, results.LastRebuild.Entries, results.Problem, results.Posting.Status);
        })],
        [.. catalog.Problems.Select(p => new EventProblemJson(p.Folder, p.Problem, p.Since))]);

    private static string Index(EventCatalog catalog)
    {
        var html = new Html(4096);
        Layout.PhoneHead(html, "Events · live results", "Live results", "/e");
        html.Raw("<h1>Events</h1><ul class=\"list\">");
        foreach (var feed in catalog.Events)
        {
            var snapshot = feed.Current;
            var finished = snapshot.Races.Values.Sum(r => r.Counts.Finished);
            html.Add($"<li><a href=\"{feed.Site.Home}\"><b>{feed.Results.Definition.Name}</b><br><span class=\"s\">{finished.ToString("N0", CultureInfo.InvariantCulture)} finished · {feed.Results.Definition.Boxes.Count} boxes</span></a></li>");
        }

        html.Raw("</ul>");
        if (catalog.Events.Count == 0)
        {
            html.Raw("<p>No event is served here yet.</p>");
        }

        foreach (var problem in catalog.Problems)
        {
            html.Add($"<p class=\"note\">{problem.Problem}</p>");
        }

        html.Raw("</main></body></html>");
        return html.ToString();
    }

    public sealed record EventsJson(IReadOnlyList<EventJson> Events, IReadOnlyList<EventProblemJson> Problems);

    /// <summary>
    /// One event: its boxes and how far each has been read (<c>readTo</c>) of what has landed without a hole
    /// (<c>landedTo</c>), the merged entries, reads left out as the same read from another box, the results' version.
    /// </summary>
    public sealed record EventJson(
        string Id, string Name, string Folder, string Url, string Meet, IReadOnlyList<EventBoxJson> Boxes, long Entries, long SameReads,
        long VoidsOfNothing, long Version, bool Ready, long RebuildMs, long RebuildEntries, string? Problem,
        Edge.Appliance.Online.RunSignUpPostingStatus RunSignUp);

    public sealed record EventBoxJson(string Device, string Meet, int Epoch, long ReadTo, long LandedTo);

    public sealed record EventProblemJson(string Folder, string Problem, DateTimeOffset Since);
}
