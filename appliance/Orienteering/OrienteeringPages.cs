using System.Globalization;
using Edge.Appliance.Meet;
using Edge.Appliance.Web;

namespace Edge.Appliance.Orienteering;

/// <summary>
/// The orienteering pages for phones, in the box's phone-first style (<see cref="Layout"/>): classes, a class's
/// results, its splits with leg times and leg ranks, a team class, the season, and search by name or club. Each
/// page's main region is also served alone (<c>?fragment=1</c>) and refreshed live from <c>/o/events</c> when a new
/// export lands.
/// </summary>
/// <remarks>
/// A multi-day meet: the day pages take <c>?day=N</c> (<see cref="OrienteeringDayQuery"/>; without it, the current
/// day) and carry a switcher (Day 1 · Day 2 · Overall); <c>/o/overall</c> lists the classes and team classes with
/// totals, and <c>/o/overall/classes/{key}</c> and <c>/o/overall/teams/{id}</c> each day's score, the total and the
/// position. A page's own address keeps its <c>?day</c>, so its live fragment shows the same day. A one-day meet has
/// no switcher and no overall pages, and looks as it always did.
/// </remarks>
public static class OrienteeringPages
{
    public const int MaxSearchResults = 100;

    public static IEndpointRouteBuilder MapOrienteeringPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/o", Classes);
        app.MapGet("/o/classes/{key}", Class);
        app.MapGet("/o/classes/{key}/splits", Splits);
        app.MapGet("/o/teams/{id}", Team);
        app.MapGet("/o/overall", Overall);
        app.MapGet("/o/overall/classes/{key}", OverallClass);
        app.MapGet("/o/overall/teams/{id}", OverallTeam);
        app.MapGet("/o/series", Series);
        app.MapGet("/o/search", Search);
        app.MapGet("/o/events", (HttpContext context, OrienteeringLive live) => live.StreamAsync(context));
        return app;
    }

    private static IResult Classes(HttpContext context, OrienteeringResults results, MeetHost meet)
    {
        var asked = OrienteeringDayQuery.Parse(context.Request);
        _ = OrienteeringDayQuery.Resolve(results.Current, asked);
        return Page(context, results, meet, "Orienteering results", "/o" + OrienteeringDayQuery.Self(asked), (html, state) =>
        {
            html.Raw("<h1>Results</h1>");
            if (OrienteeringDayQuery.Shown(state, asked) is not { } day)
            {
                html.Raw(asked is null
                    ? "<p>No results yet: they appear here as soon as the event's software exports them.</p>"
                    : "<p>This day is no longer in the results.</p>");
                return;
            }

            var scored = day.Scored;
            var q = OrienteeringDayQuery.Query(state, asked, day.Number);
            DaySwitcher(html, state, day.Number, d => "/o?day=" + d.Number, "/o/overall");
            html.Add($"<p class=\"s\">{scored.Event.Name}{(state.IsMultiDay ? " · " + day.Name : "")}{(day.List.CreateTime is { } at ? " · exported " + at.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "")}</p>");
            html.Raw("<ul class=\"list\">");
            foreach (var c in scored.Classes)
            {
                var ok = c.Competitors.Count(r => r.Position is not null);
                html.Add($"<li><a href=\"/o/classes/{Uri.EscapeDataString(c.Key)}{q}\"><b>{c.Class.Name}</b><br><span class=\"s\">{c.Competitors.Count} competitors · {ok} ranked · {SchemeNames.Of(c.Scheme)}</span></a></li>");
            }

            html.Raw("</ul>");
            if (scored.Teams.Count > 0)
            {
                html.Raw("<h2>Teams</h2><ul class=\"list\">");
                foreach (var t in scored.Teams)
                {
                    html.Add($"<li><a href=\"/o/teams/{Uri.EscapeDataString(t.Team.Id)}{q}\"><b>{t.Team.Name}</b><br><span class=\"s\">{t.Teams.Count} teams · {SchemeNames.Of(t.Team.Scheme)}</span></a></li>");
                }

                html.Raw("</ul>");
            }

            if (state.Season is not null && meet.Current.Orienteering.Series is { } series)
            {
                html.Add($"<p><a href=\"/o/series\">{series.Name}: season standings</a></p>");
            }

            if (scored.UnconfiguredClasses.Count > 0)
            {
                html.Add($"<p class=\"note\" id=\"unconfigured\">For the timer: {string.Join(", ", scored.UnconfiguredClasses)} {(scored.UnconfiguredClasses.Count == 1 ? "is" : "are")} not configured in meet.json (orienteering.classes) and scored by time.</p>");
            }
        });
    }

    private static IResult Class(HttpContext context, string key, OrienteeringResults results, MeetHost meet)
    {
        key = WebInput.Route(key, "class", WebInput.MaxIdLength);
        var asked = OrienteeringDayQuery.Parse(context.Request);
        var found = OrienteeringDayQuery.Resolve(results.Current, asked)?.FindClass(key) ?? throw new NotFoundException(NoClass(key, asked));
        return Page(context, results, meet, found.Class.Name, $"/o/classes/{Uri.EscapeDataString(found.Key)}{OrienteeringDayQuery.Self(asked)}", (html, state) =>
        {
            if (OrienteeringDayQuery.Shown(state, asked) is not { } day || day.FindClass(key) is not { } c)
            {
                html.Raw("<p>This class is no longer in the results.</p>");
                return;
            }

            var q = OrienteeringDayQuery.Query(state, asked, day.Number);
            var escaped = Uri.EscapeDataString(c.Key);
            html.Add($"<h1>{c.Class.Name}</h1>");
            DaySwitcher(html, state, day.Number, d => d.FindClass(key) is null ? null : $"/o/classes/{escaped}?day={d.Number}",
                state.FindOverallClass(key) is null ? null : $"/o/overall/classes/{escaped}");
            html.Add($"<p class=\"s\">{(state.IsMultiDay ? day.Name + " · " : "")}{Course(c)}scored by {SchemeNames.Of(c.Scheme)} · <a href=\"/o/classes/{escaped}/splits{q}\">Splits</a></p>");
            var leader = c.LeaderTime;
            html.Raw("<table><thead><tr><th class=\"r\">#</th><th>Name</th><th class=\"r\">Time</th><th class=\"r\">Score</th></tr></thead><tbody>");
            foreach (var r in c.Competitors)
            {
                var p = r.Result;
                var behind = r.Position is not null && leader is { } l && p.Time is { } t ? OrienteeringFormat.Behind(t - l) : "";
                var time = r.Position is not null || p.Status == IofStatus.OK ? OrienteeringFormat.Time(p.Time) : OrienteeringFormat.Status(p.Status);
                html.Add($"<tr><td class=\"r\">{r.Position?.ToString(CultureInfo.InvariantCulture) ?? ""}</td><td class=\"nm\"><span class=\"h\">{p.Person.Name}</span><span class=\"s h\">{Club(p)}</span></td>");
                html.Add($"<td class=\"r\">{time}<br><span class=\"s\">{behind}</span></td><td class=\"r\">{OrienteeringFormat.Score(r.Score)}</td></tr>");
            }

            html.Raw("</tbody></table>");
        });
    }

    private static IResult Splits(HttpContext context, string key, OrienteeringResults results, MeetHost meet)
    {
        key = WebInput.Route(key, "class", WebInput.MaxIdLength);
        var asked = OrienteeringDayQuery.Parse(context.Request);
        var found = OrienteeringDayQuery.Resolve(results.Current, asked)?.FindClass(key) ?? throw new NotFoundException(NoClass(key, asked));
        return Page(context, results, meet, found.Class.Name + " splits", $"/o/classes/{Uri.EscapeDataString(found.Key)}/splits{OrienteeringDayQuery.Self(asked)}", (html, state) =>
        {
            if (OrienteeringDayQuery.Shown(state, asked) is not { } day || day.FindClass(key) is not { } c)
            {
                html.Raw("<p>This class is no longer in the results.</p>");
                return;
            }

            var q = OrienteeringDayQuery.Query(state, asked, day.Number);
            var escaped = Uri.EscapeDataString(c.Key);
            html.Add($"<h1>{c.Class.Name}: splits</h1>");
            DaySwitcher(html, state, day.Number, d => d.FindClass(key) is null ? null : $"/o/classes/{escaped}/splits?day={d.Number}", null);
            html.Add($"<p class=\"s\">{(state.IsMultiDay ? day.Name + " · " : "")}<a href=\"/o/classes/{escaped}{q}\">Results</a> · leg time (leg rank), time at the control below</p>");
            var legs = OrienteeringLegs.Of(c);
            foreach (var (r, row) in c.Competitors.Zip(legs))
            {
                html.Add($"<h2>{(r.Position is { } pos ? pos + ". " : "")}{r.Result.Person.Name} <span class=\"s\">{Club(r.Result)} · {(r.Position is not null ? OrienteeringFormat.Time(r.Result.Time) : OrienteeringFormat.Status(r.Result.Status))}</span></h2>");
                if (row.Count == 0)
                {
                    html.Raw("<p class=\"s\">No splits.</p>");
                    continue;
                }

                html.Raw("<table class=\"kv\"><tbody>");
                foreach (var leg in row)
                {
                    html.Add($"<tr><td>{leg.To}</td><td class=\"r\">{(leg.Time is null ? "–" : OrienteeringFormat.Time(leg.Time))}{(leg.Rank is { } rank ? $" ({rank})" : "")}<br><span class=\"s\">{OrienteeringFormat.Time(leg.At)}</span></td></tr>");
                }

                html.Raw("</tbody></table>");
            }
        });
    }

    private static IResult Team(HttpContext context, string id, OrienteeringResults results, MeetHost meet)
    {
        id = WebInput.Route(id, "team class", WebInput.MaxIdLength);
        var asked = OrienteeringDayQuery.Parse(context.Request);
        var found = OrienteeringDayQuery.Resolve(results.Current, asked)?.FindTeam(id) ?? throw new NotFoundException(NoTeam(id, asked));
        return Page(context, results, meet, found.Team.Name, $"/o/teams/{Uri.EscapeDataString(found.Team.Id)}{OrienteeringDayQuery.Self(asked)}", (html, state) =>
        {
            if (OrienteeringDayQuery.Shown(state, asked) is not { } day || day.FindTeam(id) is not { } t)
            {
                html.Raw("<p>This team class is no longer in the results.</p>");
                return;
            }

            var escaped = Uri.EscapeDataString(t.Team.Id);
            html.Add($"<h1>{t.Team.Name}</h1>");
            DaySwitcher(html, state, day.Number, d => d.FindTeam(id) is null ? null : $"/o/teams/{escaped}?day={d.Number}",
                state.FindOverallTeam(id) is null ? null : $"/o/overall/teams/{escaped}");
            html.Add($"<p class=\"s\">{(state.IsMultiDay ? day.Name + " · " : "")}{string.Join(" + ", t.Team.Classes)} · {SchemeNames.Of(t.Team.Scheme)}, best {t.Team.Best} count</p>");
            html.Raw("<table><thead><tr><th class=\"r\">#</th><th>Team</th><th class=\"r\">Score</th></tr></thead><tbody>");
            foreach (var team in t.Teams)
            {
                html.Add($"<tr><td class=\"r\">{team.Position?.ToString(CultureInfo.InvariantCulture) ?? ""}</td><td class=\"nm\"><b>{team.Organisation.Name ?? team.Organisation.ShortName ?? team.Key}</b>");
                foreach (var s in team.Scorers)
                {
                    html.Add($"<span class=\"s h\">{s.Result.Person.Name} ({s.ClassKey}) {OrienteeringFormat.Score(s.Score)}</span>");
                }

                html.Add($"</td><td class=\"r\">{OrienteeringFormat.Score(team.Score)}</td></tr>");
            }

            html.Raw("</tbody></table>");
        });
    }

    private static IResult Overall(HttpContext context, OrienteeringResults results, MeetHost meet)
    {
        _ = results.Current.Overall ?? throw new NotFoundException(OrienteeringDayQuery.NoOverall);
        return Page(context, results, meet, "Overall results", "/o/overall", (html, state) =>
        {
            html.Raw("<h1>Overall</h1>");
            if (state.Overall is not { } overall)
            {
                html.Raw("<p>These results have one day now: there are no overall results.</p>");
                return;
            }

            DaySwitcher(html, state, null, d => "/o?day=" + d.Number, "/o/overall");
            html.Add($"<p class=\"s\">{state.Days[^1].Scored.Event.Name} · {string.Join(" + ", state.Days.Select(d => d.Name))}: every day counts</p>");
            html.Raw("<ul class=\"list\">");
            foreach (var c in overall.Classes)
            {
                html.Add($"<li><a href=\"/o/overall/classes/{Uri.EscapeDataString(c.Key)}\"><b>{ClassName(state, c.Key)}</b><br><span class=\"s\">{c.Standings.Count} competitors · {c.Standings.Count(s => s.Position is not null)} ranked · {SchemeNames.Of(c.Scheme)}</span></a></li>");
            }

            html.Raw("</ul>");
            if (overall.Teams.Count > 0)
            {
                html.Raw("<h2>Teams</h2><ul class=\"list\">");
                foreach (var t in overall.Teams)
                {
                    html.Add($"<li><a href=\"/o/overall/teams/{Uri.EscapeDataString(t.Team.Id)}\"><b>{t.Team.Name}</b><br><span class=\"s\">{t.Standings.Count} teams · {SchemeNames.Of(t.Team.Scheme)}</span></a></li>");
                }

                html.Raw("</ul>");
            }
        });
    }

    private static IResult OverallClass(HttpContext context, string key, OrienteeringResults results, MeetHost meet)
    {
        key = WebInput.Route(key, "class", WebInput.MaxIdLength);
        var state0 = results.Current;
        _ = state0.Overall ?? throw new NotFoundException(OrienteeringDayQuery.NoOverall);
        var found = state0.FindOverallClass(key) ?? throw new NotFoundException($"There is no class '{key}' in the overall results.");
        return Page(context, results, meet, ClassName(state0, found.Key) + " overall", $"/o/overall/classes/{Uri.EscapeDataString(found.Key)}", (html, state) =>
        {
            if (state.FindOverallClass(key) is not { } c)
            {
                html.Raw("<p>This class is no longer in the overall results.</p>");
                return;
            }

            var escaped = Uri.EscapeDataString(c.Key);
            html.Add($"<h1>{ClassName(state, c.Key)}: overall</h1>");
            DaySwitcher(html, state, null, d => d.FindClass(key) is null ? null : $"/o/classes/{escaped}?day={d.Number}", $"/o/overall/classes/{escaped}");
            html.Add($"<p class=\"s\">{SchemeNames.Of(c.Scheme)}, {Counting(c.Scheme)}</p>");
            var days = OverallDays.Of(state, c);
            html.Raw("<table><thead><tr><th class=\"r\">#</th><th>Name</th>");
            foreach (var d in state.Days)
            {
                html.Add($"<th class=\"r\">{d.Name}</th>");
            }

            html.Raw("<th class=\"r\">Total</th></tr></thead><tbody>");
            foreach (var s in c.Standings)
            {
                html.Add($"<tr><td class=\"r\">{s.Position?.ToString(CultureInfo.InvariantCulture) ?? ""}</td><td class=\"nm\"><span class=\"h\">{s.Person?.Name ?? s.Identity}</span><span class=\"s h\">{s.Organisation?.Name ?? s.Organisation?.ShortName ?? ""}</span></td>");
                for (var i = 0; i < state.Days.Count; i++)
                {
                    var day = days.Day(i, s);
                    var value = s.Rounds[i] is { } score ? OverallDays.Value(c.Scheme, score) : day is { } r ? OrienteeringFormat.Status(r.Result.Status) : "–";
                    html.Add($"<td class=\"r\">{(s.Rounds[i] is not null && !s.Counted.Contains(i) ? $"({value})" : value)}<br><span class=\"s\">{(day?.Position is { } pos ? pos + "." : "")}</span></td>");
                }

                html.Add($"<td class=\"r\"><b>{(s.Total is { } total ? OverallDays.Value(c.Scheme, total) : "")}</b></td></tr>");
            }

            html.Raw("</tbody></table>");
        });
    }

    private static IResult OverallTeam(HttpContext context, string id, OrienteeringResults results, MeetHost meet)
    {
        id = WebInput.Route(id, "team class", WebInput.MaxIdLength);
        var state0 = results.Current;
        _ = state0.Overall ?? throw new NotFoundException(OrienteeringDayQuery.NoOverall);
        var found = state0.FindOverallTeam(id) ?? throw new NotFoundException($"There is no team class '{id}' in the overall results.");
        return Page(context, results, meet, found.Team.Name + " overall", $"/o/overall/teams/{Uri.EscapeDataString(found.Team.Id)}", (html, state) =>
        {
            if (state.FindOverallTeam(id) is not { } t)
            {
                html.Raw("<p>This team class is no longer in the overall results.</p>");
                return;
            }

            var escaped = Uri.EscapeDataString(t.Team.Id);
            html.Add($"<h1>{t.Team.Name}: overall</h1>");
            DaySwitcher(html, state, null, d => d.FindTeam(id) is null ? null : $"/o/teams/{escaped}?day={d.Number}", $"/o/overall/teams/{escaped}");
            html.Add($"<p class=\"s\">{string.Join(" + ", t.Team.Classes)} · {SchemeNames.Of(t.Team.Scheme)}, best {t.Team.Best} count each day; {(SchemeNames.HigherIsBetter(t.Team.Scheme) ? "every day's score is summed" : "every day is summed, and a team not ranked on a day is not ranked overall")}</p>");
            var days = OverallDays.Of(state, t);
            html.Raw("<table><thead><tr><th class=\"r\">#</th><th>Team</th>");
            foreach (var d in state.Days)
            {
                html.Add($"<th class=\"r\">{d.Name}</th>");
            }

            html.Raw("<th class=\"r\">Total</th></tr></thead><tbody>");
            foreach (var s in t.Standings)
            {
                html.Add($"<tr><td class=\"r\">{s.Position?.ToString(CultureInfo.InvariantCulture) ?? ""}</td><td class=\"nm\"><b>{s.Organisation?.Name ?? s.Organisation?.ShortName ?? s.Identity}</b></td>");
                for (var i = 0; i < state.Days.Count; i++)
                {
                    var day = days.Team(i, s);
                    html.Add($"<td class=\"r\">{(s.Rounds[i] is { } score ? OrienteeringFormat.Score(score) : "–")}<br><span class=\"s\">{(day?.Position is { } pos ? pos + "." : "")}</span></td>");
                }

                html.Add($"<td class=\"r\"><b>{OrienteeringFormat.Score(s.Total)}</b></td></tr>");
            }

            html.Raw("</tbody></table>");
        });
    }

    private static IResult Series(HttpContext context, OrienteeringResults results, MeetHost meet)
    {
        var series = meet.Current.Orienteering.Series ?? throw new NotFoundException("This meet is not part of a series (orienteering.series in meet.json).");
        return Page(context, results, meet, series.Name, "/o/series", (html, state) =>
        {
            html.Add($"<h1>{series.Name}</h1><p class=\"s\">Best {series.Best} event scores count.</p>");
            if (state.Season is not { } season)
            {
                html.Raw("<p>No results yet.</p>");
                return;
            }

            foreach (var c in season.Classes)
            {
                Standings(html, c.Key, c.Standings);
            }

            foreach (var t in season.Teams)
            {
                Standings(html, t.Team.Name, t.Standings);
            }
        });
    }

    private static void Standings(Html html, string title, IReadOnlyList<Standing> rows)
    {
        html.Add($"<h2>{title}</h2><table><tbody>");
        foreach (var s in rows)
        {
            var name = s.Person?.Name ?? s.Organisation?.Name ?? s.Identity;
            html.Add($"<tr><td class=\"r\">{s.Position?.ToString(CultureInfo.InvariantCulture) ?? ""}</td><td class=\"nm\"><span class=\"h\">{name}</span><span class=\"s h\">{(s.Person is null ? "" : s.Organisation?.Name ?? "")}</span></td><td class=\"r\">{OrienteeringFormat.Score(s.Total)}<br><span class=\"s\">{s.Counted.Count} counted</span></td></tr>");
        }

        html.Raw("</tbody></table>");
    }

    private static IResult Search(HttpContext context, OrienteeringResults results, MeetHost meet)
    {
        var q = WebInput.Text(context.Request, "q", WebInput.MaxQueryLength);
        return Page(context, results, meet, "Search", "/o/search" + WebInput.Query(("q", q)), (html, state) =>
        {
            html.Raw("<h1>Search</h1>");
            if (q is null)
            {
                return;
            }

            // The current day's results; on a multi-day meet the links name that day.
            var day = state.CurrentDay is { } current ? OrienteeringDayQuery.Query(state, null, current.Number) : "";
            var folded = WebInput.Fold(q);
            var hits = (state.Scored?.Classes ?? [])
                .SelectMany(c => c.Competitors.Select(r => (Class: c, Row: r)))
                .Where(h => WebInput.Fold(h.Row.Result.Person.Name).Contains(folded, StringComparison.Ordinal)
                    || WebInput.Fold(Club(h.Row.Result)).Contains(folded, StringComparison.Ordinal))
                .Take(MaxSearchResults + 1).ToList();
            html.Add($"<p class=\"s\">{(hits.Count > MaxSearchResults ? $"More than {MaxSearchResults} match; the first {MaxSearchResults}:" : $"{hits.Count} found")}</p><ul class=\"list\">");
            foreach (var (c, r) in hits.Take(MaxSearchResults))
            {
                var what = r.Position is { } p ? $"{p}. {OrienteeringFormat.Time(r.Result.Time)}" : OrienteeringFormat.Status(r.Result.Status);
                html.Add($"<li><a href=\"/o/classes/{Uri.EscapeDataString(c.Key)}{day}\"><b>{r.Result.Person.Name}</b> <span class=\"s\">{Club(r.Result)}</span><br><span class=\"s\">{c.Class.Name} · {what}</span></a></li>");
            }

            html.Raw("</ul>");
        });
    }

    /// <summary>
    /// A multi-day meet's switcher: each day (linked by <paramref name="dayHref"/>, plain text where it gives null),
    /// then Overall (<paramref name="overallHref"/>); the one shown (<paramref name="selected"/>, null for Overall) in
    /// bold. Nothing for a one-day meet.
    /// </summary>
    private static void DaySwitcher(Html html, OrienteeringState state, int? selected, Func<OrienteeringDay, string?> dayHref, string? overallHref)
    {
        if (!state.IsMultiDay)
        {
            return;
        }

        html.Raw("<p class=\"s\" id=\"days\">");
        foreach (var d in state.Days)
        {
            Choice(d.Name, d.Number == selected, dayHref(d));
            html.Raw(" · ");
        }

        Choice("Overall", selected is null, overallHref);
        html.Raw("</p>");

        void Choice(string name, bool shown, string? href)
        {
            if (shown)
            {
                html.Add($"<b aria-current=\"page\">{name}</b>");
            }
            else if (href is null)
            {
                html.Add($"<span>{name}</span>");
            }
            else
            {
                html.Add($"<a href=\"{href}\">{name}</a>");
            }
        }
    }

    private static string NoClass(string key, int? day) =>
        day is { } n ? $"There is no class '{key}' on day {n} of the results." : $"There is no class '{key}' in the results.";

    private static string NoTeam(string id, int? day) =>
        day is { } n ? $"There is no team class '{id}' on day {n} of the results." : $"There is no team class '{id}' in the results.";

    /// <summary>A class's name as its latest day gives it (the overall standings know it by key).</summary>
    /// <summary>A class's name as its latest day gives it; its key when no day has it.</summary>
    internal static string ClassName(OrienteeringState state, string key) =>
        state.Days.Reverse().Select(d => d.FindClass(key)?.Class.Name).FirstOrDefault(n => n is not null) ?? key;

    private static string Counting(ClassScheme scheme) => scheme switch
    {
        ClassScheme.Alpha => "listed by name, no totals",
        _ when SchemeNames.HigherIsBetter(scheme) => "every day's points are summed",
        _ => "every day is summed, and a competitor without a score on a day is not ranked",
    };

    /// <summary>A whole page, or with <c>?fragment=1</c> its live region only; <paramref name="body"/> renders the region from the state.</summary>
    private static IResult Page(HttpContext context, OrienteeringResults results, MeetHost meet, string title, string self, Action<Html, OrienteeringState> body)
    {
        var state = results.Current;
        var html = new Html(16 * 1024);
        context.Response.Headers.CacheControl = "no-cache";
        if (WebInput.Flag(context.Request, "fragment"))
        {
            body(html, state);
            return TypedResults.Content(html.ToString(), "text/html; charset=utf-8");
        }

        var eventName = meet.Current.Event.Name;
        Layout.PhoneHead(html, title, eventName);
        html.Add($"<p class=\"s\"><a href=\"/o\">Classes</a> · <a href=\"/o/search\">Search</a></p>");
        html.Add($"<form role=\"search\" action=\"/o/search\"><input type=\"search\" name=\"q\" placeholder=\"Name or club\" aria-label=\"Name or club\" value=\"{WebInput.Text(context.Request, "q", WebInput.MaxQueryLength) ?? ""}\"><button>Find</button></form>");
        Layout.OpenLive(html, self, $"/o/events?v={state.Version}");
        body(html, state);
        Layout.CloseLive(html);
        Layout.PhoneFoot(html, self, BoxAddress.Home(context));
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static string Course(ScoredClass c) =>
        c.Course is { Length: { } length } ? string.Create(CultureInfo.InvariantCulture, $"{length / 1000:0.0} km{(c.Course.Climb is { } climb ? $", {climb:0} m climb" : "")} · ") : "";

    internal static string Club(IofPersonResult p) => p.Organisation?.Name ?? p.Organisation?.ShortName ?? "";
}

/// <summary>
/// The days behind an overall standing: for each day of the meet, the competitor's (or team's) row that day, found by
/// the identity the totals were made with (<see cref="OrienteeringStandings.MultiDayIdentity"/>, a team by its
/// organisation's key), so a page or answer can show a day's time, status and position beside its score.
/// </summary>
internal sealed class OverallDays
{
    private readonly List<Dictionary<string, ScoredCompetitor>> _competitors = [];
    private readonly List<Dictionary<string, ScoredTeam>> _teams = [];

    public static OverallDays Of(OrienteeringState state, ClassStandings standings)
    {
        var days = new OverallDays();
        foreach (var day in state.Days)
        {
            var byIdentity = new Dictionary<string, ScoredCompetitor>(StringComparer.OrdinalIgnoreCase);
            foreach (var c in day.FindClass(standings.Key)?.Competitors ?? [])
            {
                if (OrienteeringStandings.MultiDayIdentity(c.Result.Person, c.Result.Organisation) is { } identity)
                {
                    byIdentity.TryAdd(identity, c);
                }
            }

            days._competitors.Add(byIdentity);
        }

        return days;
    }

    public static OverallDays Of(OrienteeringState state, TeamStandings standings)
    {
        var days = new OverallDays();
        foreach (var day in state.Days)
        {
            var byIdentity = new Dictionary<string, ScoredTeam>(StringComparer.OrdinalIgnoreCase);
            foreach (var t in day.FindTeam(standings.Team.Id)?.Teams ?? [])
            {
                if (TeamScoring.OrganisationKey(t.Organisation) is { } identity)
                {
                    byIdentity.TryAdd(identity, t);
                }
            }

            days._teams.Add(byIdentity);
        }

        return days;
    }

    /// <summary>The competitor's row on the day at <paramref name="index"/> in the state's days; null when they were not in it.</summary>
    public ScoredCompetitor? Day(int index, Standing standing) =>
        index < _competitors.Count && _competitors[index].TryGetValue(standing.Identity, out var c) ? c : null;

    public ScoredTeam? Team(int index, Standing standing) =>
        index < _teams.Count && _teams[index].TryGetValue(standing.Identity, out var t) ? t : null;

    /// <summary>A day's score or a total as a scheme reads: a time for <c>time</c>, else the score.</summary>
    public static string Value(ClassScheme scheme, double score) =>
        scheme == ClassScheme.Time ? OrienteeringFormat.Time(score) : OrienteeringFormat.Score(score);
}

/// <summary>One leg of a competitor's course: from the control before (or the start) to <see cref="To"/>.</summary>
public sealed record Leg(string To, double? Time, double? At, int? Rank);

/// <summary>Leg times (split minus the split before; the last leg ends at the finish) and each leg's rank in its class.</summary>
public static class OrienteeringLegs
{
    public const string Finish = "Finish";

    public static List<List<Leg>> Of(ScoredClass c)
    {
        var rows = new List<List<(string Key, string To, double? Time, double? At)>>();
        foreach (var r in c.Competitors)
        {
            var row = new List<(string, string, double?, double?)>();
            var from = "S";
            double? previous = 0;
            foreach (var s in r.Result.Splits.Where(s => s.Status != IofSplitStatus.Additional))
            {
                var leg = s.Time is { } t && previous is { } p ? t - p : (double?)null;
                row.Add(($"{from}-{s.ControlCode}", s.ControlCode, leg, s.Time));
                from = s.ControlCode;
                previous = s.Time;
            }

            if (row.Count > 0)
            {
                var ok = r.Result.Status == IofStatus.OK;
                var last = ok && r.Result.Time is { } total && previous is { } q ? total - q : (double?)null;
                row.Add(($"{from}-F", Finish, last, ok ? r.Result.Time : null));
            }

            rows.Add(row);
        }

        // A leg is the same leg for everyone who ran from the same control to the same control (butterfly loops differ).
        var ranks = rows.SelectMany(row => row).Where(l => l.Time is > 0).GroupBy(l => l.Key)
            .ToDictionary(g => g.Key, g => g.Select(l => l.Time!.Value).Order().ToList());
        return [.. rows.Select(row => row.Select(l => new Leg(l.To, l.Time, l.At,
            l.Time is > 0 && ranks.TryGetValue(l.Key, out var times) ? times.FindIndex(t => t >= l.Time.Value - 1e-9) + 1 : null)).ToList())];
    }
}
