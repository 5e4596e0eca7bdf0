using System.Globalization;
using Edge.Appliance.Screens;
using Edge.Appliance.Web;

namespace Edge.Appliance.Orienteering;

/// <summary>
/// The finish-area screens of an orienteering meet: the main region of a display whose template has the layout
/// <see cref="ScreenLayout.Orienteering"/> (results pages cycling through the classes and team classes) or
/// <see cref="ScreenLayout.Radio"/> (the announcer's view: who passed a radio control last, with their place there,
/// and who just finished). <see cref="Displays"/> wraps them like every other layout (stream, paging, colours).
/// Both read the shown <see cref="OrienteeringState"/> only, so a screen changes when an export lands.
/// </summary>
/// <remarks>
/// Radio passings are the split times of competitors who have not finished: what MeOS's online results and OE's
/// radio-control exports carry before the card is read out. Clock times are the file's own (a time written without an
/// offset is shown as written), so the screen agrees with the event software's printouts.
/// </remarks>
public static class OrienteeringDisplays
{
    /// <summary>Passings on the radio screen; below them, always on screen, the last finishers.</summary>
    public const int RadioRows = 4;
    public const int RadioFinishedRows = 3;

    /// <summary>
    /// One page of the results cycle and how many pages there are (the page number wraps around): each class in the
    /// template's <c>races</c> (all shown classes when it names none), in pages of its rows per page, then each team class;
    /// on a multi-day meet the current day's (its name in each heading), then each class's and team class's totals.
    /// <paramref name="only"/> (the display's <c>?race=</c>) narrows it to one class or team class.
    /// </summary>
    public static int Classes(Html html, OrienteeringState state, DisplayTemplate template, string title, string? only, ref int number)
    {
        html.Add($"<h1>{title}</h1>");
        if (state.Scored is not { } scored)
        {
            html.Raw("<p class=\"none\">Waiting for the first results export…</p>");
            return 1;
        }

        var rows = Math.Max(1, template.RowsPerPage);
        var pages = new List<Action<Html>>();
        var day = state.IsMultiDay && state.CurrentDay is { } current ? " · " + current.Name : "";
        foreach (var c in scored.Classes.Where(c => Wanted(template, only, c.Key, c.Class)))
        {
            var shown = c.Competitors.Where(Shown).ToList();
            if (shown.Count == 0)
            {
                continue;
            }

            var leader = c.LeaderTime;
            var count = (shown.Count + rows - 1) / rows;
            for (var i = 0; i < count; i++)
            {
                var from = i * rows;
                var heading = c.Class.Name + day + (count > 1 ? $" · {from + 1}–{Math.Min(from + rows, shown.Count)}" : "");
                var page = shown.Skip(from).Take(rows).ToList();
                pages.Add(h => ClassBoard(h, c, heading, page, leader));
            }
        }

        foreach (var t in scored.Teams.Where(t => Wanted(template, only, t.Team.Id, null) && t.Teams.Count > 0))
        {
            var count = (t.Teams.Count + rows - 1) / rows;
            for (var i = 0; i < count; i++)
            {
                var from = i * rows;
                var heading = t.Team.Name + day + (count > 1 ? $" · {from + 1}–{Math.Min(from + rows, t.Teams.Count)}" : "");
                var page = t.Teams.Skip(from).Take(rows).ToList();
                pages.Add(h => TeamBoard(h, heading, page));
            }
        }

        if (state.Overall is { } overall)
        {
            foreach (var c in overall.Classes.Where(c => c.Scheme != ClassScheme.Alpha && Wanted(template, only, c.Key, state.FindClass(c.Key)?.Class)))
            {
                var ranked = c.Standings.Where(x => x.Total is not null).ToList();
                var name = OrienteeringPages.ClassName(state, c.Key);
                Totals(pages, $"{name} · overall", ranked, rows, c.Scheme == ClassScheme.Time);
            }

            foreach (var t in overall.Teams.Where(t => Wanted(template, only, t.Team.Id, null)))
            {
                Totals(pages, $"{t.Team.Name} · overall", [.. t.Standings.Where(x => x.Total is not null)], rows, time: false);
            }
        }

        if (pages.Count == 0)
        {
            html.Add($"<p class=\"none\">{(only is null ? "No results in these classes yet." : $"No results in {only} yet.")}</p>");
            return 1;
        }

        number = (number - 1) % pages.Count + 1;
        pages[number - 1](html);
        html.Add($"<p class=\"lbl\">{number} / {pages.Count}</p>");
        return pages.Count;
    }

    /// <summary>
    /// The announcer's view, below its clock heading: the latest passings at radio controls
    /// (place and time behind at that control, in the class) and the last finishers (place, time, behind).
    /// </summary>
    public static void Radio(Html html, OrienteeringState state, DisplayTemplate template, string? only)
    {
        var classes = state.Scored?.Classes.Where(c => Wanted(template, only, c.Key, c.Class)).ToList() ?? [];
        html.Raw("<section><h2>At the radio controls</h2>");
        var passings = Passings(classes).Take(RadioRows).ToList();
        if (passings.Count == 0)
        {
            html.Raw("<p class=\"none\">No radio punches from runners out on the course.</p>");
        }
        else
        {
            html.Raw("<table class=\"ann\"><tbody>");
            foreach (var p in passings)
            {
                var r = p.Competitor.Result;
                html.Add($"<tr><td>{r.Person.Name}<span class=\"l2\">{About(p.Class, r)}</span></td>");
                html.Add($"<td class=\"r w20\">{p.Control} {Clock(p.At)}<span class=\"k\">Control</span></td>");
                html.Add($"<td class=\"r w14\">{OrienteeringFormat.Time(p.Time)}<span class=\"k\">Time there</span></td>");
                html.Add($"<td class=\"r w17\">{PhonePages.Ordinal(p.Place)}<span class=\"k\">{(p.Place == 1 ? "Leads there" : OrienteeringFormat.Behind(p.Behind))}</span></td></tr>");
            }

            html.Raw("</tbody></table>");
        }

        html.Raw("</section><section><h2>Just finished</h2>");
        var finished = Finished(classes).Take(RadioFinishedRows).ToList();
        if (finished.Count == 0)
        {
            // Results without a finish or start time (an export of times only) cannot say who finished last.
            var timed = classes.Any(c => c.Competitors.Any(s => s.Result.Time is not null && s.Result.Status is not (IofStatus.Active or IofStatus.Inactive)));
            html.Raw(timed ? "<p class=\"none\">The export gives no finish or start times.</p></section>" : "<p class=\"none\">Nobody has finished yet.</p></section>");
            return;
        }

        html.Raw("<table class=\"ann\"><tbody>");
        foreach (var (c, s, at) in finished)
        {
            var r = s.Result;
            var leader = c.LeaderTime;
            var place = s.Position is { } pos ? PhonePages.Ordinal(pos) : OrienteeringFormat.Status(r.Status);
            var behind = s.Position is > 1 && leader is { } l && r.Time is { } t ? OrienteeringFormat.Behind(t - l) : "";
            html.Add($"<tr><td>{r.Person.Name}<span class=\"l2\">{About(c, r)}</span></td>");
            html.Add($"<td class=\"r w17\">{place}<span class=\"k\">Place</span></td>");
            html.Add($"<td class=\"r w14\">{OrienteeringFormat.Time(r.Time)}<span class=\"k\">Time {Clock(at)}</span></td>");
            html.Add($"<td class=\"r w14\">{behind}<span class=\"k\">Behind</span></td></tr>");
        }

        html.Raw("</tbody></table></section>");
    }

    /// <summary>A passing at a radio control: the competitor's newest split time while they are out on the course.</summary>
    public sealed record Passing(ScoredClass Class, ScoredCompetitor Competitor, string Control, double Time, DateTimeOffset? At, int Place, double Behind);

    /// <summary>
    /// Every competitor not finished yet with a split time, at their newest control, newest first: by the clock when
    /// the file gives a start time, the others after them by time since the start. The place there counts everyone in
    /// the class with a time at that control, finishers included.
    /// </summary>
    public static IEnumerable<Passing> Passings(IEnumerable<ScoredClass> classes)
    {
        var passings = new List<Passing>();
        foreach (var c in classes)
        {
            Dictionary<string, List<double>>? atControl = null;
            foreach (var s in c.Competitors)
            {
                var r = s.Result;
                if (Finish(r) is not null || r.Status is not (IofStatus.Active or IofStatus.Inactive)
                    || r.Splits.LastOrDefault(x => x.Time is not null && x.Status != IofSplitStatus.Missing) is not { Time: { } time } last)
                {
                    continue;
                }

                atControl ??= c.Competitors
                    .SelectMany(x => x.Result.Splits.Where(y => y.Time is not null && y.Status != IofSplitStatus.Missing).Select(y => (y.ControlCode, Time: y.Time!.Value)))
                    .GroupBy(x => x.ControlCode, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(x => x.Time).Order().ToList(), StringComparer.Ordinal);
                var times = atControl[last.ControlCode];
                var place = times.FindIndex(t => t >= time - 1e-9) + 1;
                passings.Add(new Passing(c, s, last.ControlCode, time, r.StartTime?.AddSeconds(time), place, time - times[0]));
            }
        }

        return passings
            .OrderBy(p => p.At is null)
            .ThenByDescending(p => p.At?.UtcTicks ?? 0)
            .ThenByDescending(p => p.Time);
    }

    /// <summary>Competitors with a finish (any status), the latest first; the finish is the file's, else start plus time.</summary>
    public static IEnumerable<(ScoredClass Class, ScoredCompetitor Competitor, DateTimeOffset At)> Finished(IEnumerable<ScoredClass> classes) =>
        classes.SelectMany(c => c.Competitors.Select(s => (Class: c, Competitor: s, At: Finish(s.Result))))
            .Where(x => x.At is not null)
            .Select(x => (x.Class, x.Competitor, At: x.At!.Value))
            .OrderByDescending(x => x.At.UtcTicks);

    private static DateTimeOffset? Finish(IofPersonResult r) =>
        r.FinishTime ?? (r.StartTime is { } start && r.Time is { } time && r.Status is not (IofStatus.Active or IofStatus.Inactive) ? start.AddSeconds(time) : null);

    /// <summary>
    /// A screen's board lists who has a result: ranked, then finished with another status. Runners still out (on the
    /// radio screen) and those who did not start are left out.
    /// </summary>
    private static bool Shown(ScoredCompetitor c) =>
        c.Position is not null || c.Result.Status is IofStatus.OK or IofStatus.Finished or IofStatus.MissingPunch or IofStatus.Disqualified
            or IofStatus.DidNotFinish or IofStatus.OverTime or IofStatus.SportingWithdrawal or IofStatus.NotCompeting;

    private static bool Wanted(DisplayTemplate template, string? only, string key, IofClass? cls)
    {
        bool Names(string name) => string.Equals(name, key, StringComparison.OrdinalIgnoreCase) || (cls is not null && OrienteeringSettings.Names(name, cls));
        return (only is null || Names(only)) && (template.Races.Count == 0 || template.Races.Any(Names));
    }

    private static void ClassBoard(Html html, ScoredClass c, string heading, IReadOnlyList<ScoredCompetitor> rows, double? leader)
    {
        var scores = c.Scheme is not (ClassScheme.Time or ClassScheme.Alpha);
        html.Add($"<h2>{heading}</h2><table class=\"board\"><tbody>");
        foreach (var s in rows)
        {
            var r = s.Result;
            var time = s.Position is not null || r.Status == IofStatus.OK ? OrienteeringFormat.Time(r.Time) : OrienteeringFormat.Status(r.Status);
            var behind = s.Position is > 1 && leader is { } l && r.Time is { } t ? OrienteeringFormat.Behind(t - l) : "";
            html.Add($"<tr><td class=\"r w7\">{s.Position?.ToString(CultureInfo.InvariantCulture) ?? ""}</td><td>{r.Person.Name} <span class=\"s\">{OrienteeringPages.Club(r)}</span></td>");
            html.Add($"<td class=\"r w20\">{time}</td><td class=\"r o w16\">{behind}</td>");
            if (scores)
            {
                html.Add($"<td class=\"r w14\">{OrienteeringFormat.Score(s.Score)}<span class=\"k\">{(c.Scheme == ClassScheme.Awt ? "AWT" : "Pts")}</span></td>");
            }

            html.Raw("</tr>");
        }

        html.Raw("</tbody></table>");
    }

    /// <summary>Pages of multi-day totals: place, name and club (or team), the total as a time or a score.</summary>
    private static void Totals(List<Action<Html>> pages, string title, List<Standing> standings, int rows, bool time)
    {
        var count = (standings.Count + rows - 1) / rows;
        for (var i = 0; i < count; i++)
        {
            var from = i * rows;
            var heading = title + (count > 1 ? $" · {from + 1}–{Math.Min(from + rows, standings.Count)}" : "");
            var page = standings.Skip(from).Take(rows).ToList();
            pages.Add(html =>
            {
                html.Add($"<h2>{heading}</h2><table class=\"board\"><tbody>");
                foreach (var s in page)
                {
                    var club = s.Organisation?.Name ?? s.Organisation?.ShortName;
                    var total = s.Total is not { } t ? "" : time ? OrienteeringFormat.Time(t) : OrienteeringFormat.Score(t);
                    html.Add($"<tr><td class=\"r w7\">{s.Position?.ToString(CultureInfo.InvariantCulture) ?? ""}</td>");
                    if (s.Person is { } p)
                    {
                        html.Add($"<td>{p.Name} <span class=\"s\">{club ?? ""}</span></td>");
                    }
                    else
                    {
                        html.Add($"<td>{club ?? s.Identity}</td>");
                    }

                    html.Add($"<td class=\"r w20\">{total}</td></tr>");
                }

                html.Raw("</tbody></table>");
            });
        }
    }

    private static void TeamBoard(Html html, string heading, IReadOnlyList<ScoredTeam> rows)
    {
        html.Add($"<h2>{heading}</h2><table class=\"board\"><tbody>");
        foreach (var t in rows)
        {
            var members = string.Join(", ", t.Scorers.Select(s => s.Result.Person.Name));
            html.Add($"<tr><td class=\"r w7\">{t.Position?.ToString(CultureInfo.InvariantCulture) ?? ""}</td><td>{t.Organisation.Name ?? t.Organisation.ShortName ?? t.Key} <span class=\"s\">{members}</span></td>");
            html.Add($"<td class=\"r w16\">{OrienteeringFormat.Score(t.Score)}</td></tr>");
        }

        html.Raw("</tbody></table>");
    }

    /// <summary>Class and club, small under the name, the class first (a long club name is cut): "M21 · Eugene OC".</summary>
    private static string About(ScoredClass c, IofPersonResult r) =>
        string.Join(" · ", new[] { c.Class.Name, OrienteeringPages.Club(r) }.Where(s => s.Length > 0));

    private static string Clock(DateTimeOffset? at) =>
        at is { } t ? t.DateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "";
}
