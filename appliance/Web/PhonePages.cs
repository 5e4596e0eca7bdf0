using System.Globalization;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;

namespace Edge.Appliance.Web;

/// <summary>
/// The pages a runner or spectator opens on a phone: home (event, races, search), race results with filters and
/// paging, search, a participant's page and the recent finishers. Server-rendered, one column for a 360 px screen,
/// no external resources, working with JavaScript off and live with it on. Each shows the results of the request's
/// <see cref="ResultsSite"/> and links within it: the box's own at the root, or one cloud event's under <c>/e/{id}</c>.
/// </summary>
public static class PhonePages
{
    public const int PageSize = 50;
    public const int HomeFinishers = 10;
    public const int MaxFinishers = 50;

    public static IEndpointRouteBuilder MapPhonePages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", Home);
        app.MapGet("/races/{id}", Race);
        app.MapGet("/search", Search);
        app.MapGet("/participants/{bib}", Participant);
        app.MapGet("/finishers", Finishers);
        app.MapGet("/events", (HttpContext context) => ResultsSite.Of(context).Live.StreamAsync(context));
        return app;
    }

    private static Task Home(HttpContext context, PageCache cache)
    {
        var site = ResultsSite.Of(context);
        var root = site.Base;
        var snapshot = site.Results.Current;
        var fragment = WebInput.Flag(context.Request, "fragment");
        var home = BoxAddress.Home(context);
        var page = cache.Get($"home|{root}|{home}|{fragment}", snapshot, () =>
        {
            var html = new Html(8192);
            if (fragment)
            {
                HomeLive(html, snapshot, root);
                return CachedPage.FromHtml(snapshot, html);
            }

            var meet = snapshot.Meet;
            Layout.PhoneHead(html, meet.Event.Name, meet.Event.Name, site.Home);
            html.Add($"<h1>{meet.Event.Name}</h1>");
            if (meet.Event.Date is { } date)
            {
                html.Add($"<p class=\"s\">{date.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture)}</p>");
            }

            SearchForm(html, null, root);
            // An orienteering meet's results come from its own software's exports (Orienteering/).
            if (meet.Orienteering != Orienteering.OrienteeringSettings.None || meet.Races.Count == 0)
            {
                html.Add($"<p id=\"orienteering\"><a href=\"{root}/o\"><b>Orienteering results</b></a></p>");
            }

            Layout.OpenLive(html, site.Home, $"{root}/events?v={snapshot.Version}");
            HomeLive(html, snapshot, root);
            Layout.CloseLive(html);
            Layout.PhoneFoot(html, site.Home, home);
            return CachedPage.FromHtml(snapshot, html);
        });
        return page.WriteAsync(context);
    }

    private static void HomeLive(Html html, ResultsSnapshot snapshot, string root)
    {
        html.Raw("<h2>Races</h2>");
        if (snapshot.Meet.Races.Count == 0)
        {
            html.Raw("<p>No races are set up on this box yet.</p>");
        }

        html.Raw("<ul class=\"list\">");
        foreach (var race in snapshot.Meet.Races)
        {
            var counts = snapshot.Race(race.Id)?.Counts;
            html.Add($"<li><a href=\"{root}/races/{Uri.EscapeDataString(race.Id)}\"><b>{race.Name}</b>");
            if (counts is not null)
            {
                html.Add($"<br><span class=\"s\">{counts.Finished:N0} finished · {counts.StillOut:N0} on course · {counts.Total:N0} entered</span>");
            }

            html.Raw("</a></li>");
        }

        html.Raw("</ul><h2>Just finished</h2>");
        FinisherTable(html, snapshot, snapshot.RecentFinishers.Take(HomeFinishers), root);
        html.Add($"<p><a href=\"{root}/finishers\">All recent finishers</a></p>");
    }

    private static Task Race(HttpContext context, string id, PageCache cache)
    {
        id = WebInput.Route(id, "race", WebInput.MaxIdLength);
        var site = ResultsSite.Of(context);
        var root = site.Base;
        var snapshot = site.Results.Current;
        var raceResults = snapshot.Race(id) ?? throw new NotFoundException($"There is no race '{id}' at this event.");
        var view = RaceView.Of(raceResults);
        var request = context.Request;
        var gender = WebInput.Text(request, "gender", 8)?.ToUpperInvariant();
        var division = WebInput.Text(request, "division", 40);
        division = division is null ? null : view.Divisions.FirstOrDefault(d => d.Equals(division, StringComparison.OrdinalIgnoreCase)) ?? division;
        var number = WebInput.Number(request, "page", 1, WebInput.MaxPage);
        var fragment = WebInput.Flag(request, "fragment");
        var rows = view.Select(gender, division);
        var pages = Math.Max(1, (rows.Count + PageSize - 1) / PageSize);
        if (number > pages)
        {
            throw new NotFoundException($"Page {number} is past the last page ({pages}) of these results.");
        }

        var home = BoxAddress.Home(context);
        var race = raceResults.Race;
        var self = $"{root}/races/{Uri.EscapeDataString(race.Id)}";
        var query = WebInput.Query(("gender", gender), ("division", division), ("page", number > 1 ? number.ToString(CultureInfo.InvariantCulture) : null));
        var page = cache.Get($"race|{root}|{home}|{race.Id}|{query}|{fragment}", raceResults, () =>
        {
            var html = new Html(24_576);
            if (fragment)
            {
                RaceLive(html, raceResults, rows, gender, division, number, pages, self, root);
                return CachedPage.FromHtml(raceResults, html);
            }

            var meet = snapshot.Meet;
            Layout.PhoneHead(html, $"{race.Name} · {meet.Event.Name}", meet.Event.Name, site.Home);
            html.Add($"<h1>{race.Name}</h1><p class=\"s\">");
            if (race.DistanceKm > 0)
            {
                html.Add($"{race.DistanceKm:0.##} km");
            }

            if (raceResults.GunMs is { } gun)
            {
                html.Add($" · gun {Clock(gun, meet)}");
            }

            html.Add($" · places by {ResultFormat.TimeName(ResultFormat.RankedBy(raceResults)).ToLowerInvariant()} time");
            html.Add($"</p><form action=\"{self}\" method=\"get\"><select name=\"gender\" aria-label=\"Gender\"><option value=\"\">Everyone</option>");
            foreach (var g in view.Genders)
            {
                html.Add($"<option value=\"{g}\"{Selected(g == gender)}>{GenderName(g)}</option>");
            }

            html.Add($"</select><select name=\"division\" aria-label=\"Division\"><option value=\"\">All ages</option>");
            foreach (var d in view.Divisions)
            {
                html.Add($"<option{Selected(d == division)}>{d}</option>");
            }

            html.Raw("</select><button>Show</button></form>");
            Layout.OpenLive(html, self + query, $"{root}/events?race={Uri.EscapeDataString(race.Id)}&v={snapshot.Version}");
            RaceLive(html, raceResults, rows, gender, division, number, pages, self, root);
            Layout.CloseLive(html);
            Layout.PhoneFoot(html, self + query, home);
            return CachedPage.FromHtml(raceResults, html);
        });
        return page.WriteAsync(context);
    }

    private static void RaceLive(Html html, RaceResults results, RowGroup rows, string? gender, string? division, int number, int pages, string self, string root)
    {
        var counts = results.Counts;
        html.Add($"<p class=\"s\">{counts.Finished:N0} finished · {counts.StillOut:N0} on course");
        if (counts.Dnf > 0)
        {
            html.Add($" · {counts.Dnf:N0} DNF");
        }

        html.Raw("</p>");
        if (division is not null || gender is not null)
        {
            html.Add($"<p><b>{division ?? GenderName(gender!)}</b>: {rows.Finishers.Count:N0} finished of {rows.Count:N0} · <a href=\"{self}\">show everyone</a></p>");
        }

        if (rows.Count == 0)
        {
            html.Raw("<p>Nobody here yet.</p>");
            return;
        }

        var placeHeader = division is not null ? "Div" : gender is not null ? GenderName(gender) : "Place";
        var rankedBy = ResultFormat.RankedBy(results);
        html.Add($"<table><thead><tr><th class=\"r\">{placeHeader}</th><th>Name</th><th class=\"r\">{ResultFormat.TimeName(rankedBy)} time</th></tr></thead><tbody>");
        foreach (var row in rows.Slice((number - 1) * PageSize, PageSize))
        {
            var place = division is not null ? row.DivisionPlace : gender is not null ? row.GenderPlace : row.Place;
            html.Add($"<tr><td class=\"r\">{place}</td><td class=\"nm\"><a href=\"{root}/participants/{Uri.EscapeDataString(row.Bib)}\">{row.Name}</a>");
            html.Add($"<span class=\"s\">#{row.Bib}{Detail(row.Division)}</span>{Hometown(row.Participant)}</td>");
            if (row.Status == ParticipantStatus.Finished)
            {
                html.Add($"<td class=\"r\">{ResultFormat.Time(ResultFormat.RankingTime(row, rankedBy))}<br><span class=\"s\">{OtherTime(row, rankedBy)}");
                html.Add($"{Line(PerUnit(row.PacePerKm, "/km"))}</span></td></tr>");
            }
            else
            {
                html.Add($"<td class=\"r\">{StatusName(row.Status)}</td></tr>");
            }
        }

        html.Raw("</tbody></table>");
        if (pages > 1)
        {
            var filter = WebInput.Query(("gender", gender), ("division", division));
            var join = filter.Length == 0 ? "?" : filter + "&";
            html.Raw("<nav class=\"pager\">");
            html.Add($"{(number > 1 ? new Markup($"<a href=\"{Html.Encode(self + join)}page={number - 1}\" rel=\"prev\">Previous</a>") : new Markup("<span></span>"))}");
            html.Add($"<span class=\"s\">Page {number} of {pages}</span>");
            html.Add($"{(number < pages ? new Markup($"<a href=\"{Html.Encode(self + join)}page={number + 1}\" rel=\"next\">Next</a>") : new Markup("<span></span>"))}");
            html.Raw("</nav>");
        }
    }

    private static Task Search(HttpContext context)
    {
        var q = WebInput.Text(context.Request, "q", WebInput.MaxQueryLength);
        var site = ResultsSite.Of(context);
        var root = site.Base;
        var snapshot = site.Results.Current;
        var meet = snapshot.Meet;
        if (q is not null && SearchIndex.Of(meet).ExactBib(q) is { } runner && snapshot.ByBib.ContainsKey(runner.Bib))
        {
            // A bib typed in full opens that runner: the fastest way to one's own result.
            context.Response.Redirect($"{root}/participants/{Uri.EscapeDataString(runner.Bib)}");
            return Task.CompletedTask;
        }

        var html = new Html(16_384);
        Layout.PhoneHead(html, q is null ? $"Find a runner · {meet.Event.Name}" : $"{q} · {meet.Event.Name}", meet.Event.Name, site.Home);
        html.Raw("<h1>Find a runner</h1>");
        SearchForm(html, q, root);
        if (q is not null)
        {
            var (matches, total) = SearchIndex.Of(meet).Find(q);
            if (total == 0)
            {
                html.Add($"<p>No runner matches “{q}”. Try the bib number, or the start of a first or last name.</p>");
            }
            else
            {
                html.Add($"<p class=\"s\">{total:N0} {(total == 1 ? "runner matches" : "runners match")}{(total > matches.Count ? $"; the first {matches.Count} are shown, type more to narrow it down" : "")}.</p>");
                html.Raw("<ul class=\"list\">");
                foreach (var p in matches)
                {
                    var row = snapshot.ByBib.TryGetValue(p.Bib, out var r) ? r : null;
                    var race = meet.FindRace(p.RaceId)?.Name ?? p.RaceId;
                    html.Add($"<li><a href=\"{root}/participants/{Uri.EscapeDataString(p.Bib)}\"><b>{p.Name}</b> #{p.Bib}<span class=\"s h\">{race}{Detail(p.Hometown)}</span>");
                    if (row is { Status: ParticipantStatus.Finished })
                    {
                        var rankedBy = RankedBy(snapshot, row);
                        html.Add($"<span class=\"s\">{Ordinal(row.Place)} · {LabelledTime(ResultFormat.RankingTime(row, rankedBy), rankedBy)} · {OtherTime(row, rankedBy)}</span></a></li>");
                    }
                    else
                    {
                        html.Add($"<span class=\"s\">{StatusName(row?.Status ?? ParticipantStatus.Registered)}</span></a></li>");
                    }
                }

                html.Raw("</ul>");
            }
        }

        var self = root + "/search" + WebInput.Query(("q", q));
        Layout.PhoneFoot(html, self, BoxAddress.Home(context));
        var page = CachedPage.FromHtml(snapshot, html);
        return page.WriteAsync(context);
    }

    private static Task Participant(HttpContext context, string bib, PageCache cache)
    {
        bib = WebInput.Route(bib, "bib", WebInput.MaxBibLength);
        var site = ResultsSite.Of(context);
        var root = site.Base;
        var snapshot = site.Results.Current;
        if (!snapshot.ByBib.TryGetValue(bib, out var row))
        {
            throw new NotFoundException($"No runner has bib {bib} at this event.");
        }

        var raceResults = snapshot.Race(row.RaceId)!;
        var fragment = WebInput.Flag(context.Request, "fragment");
        var home = BoxAddress.Home(context);
        var self = $"{root}/participants/{Uri.EscapeDataString(bib)}";
        var page = cache.Get($"participant|{root}|{home}|{bib}|{fragment}", raceResults, () =>
        {
            var html = new Html(8192);
            if (fragment)
            {
                ParticipantLive(html, snapshot, raceResults, row, root);
                return CachedPage.FromHtml(raceResults, html);
            }

            var meet = snapshot.Meet;
            var p = row.Participant;
            Layout.PhoneHead(html, $"{p.Name} · {meet.Event.Name}", meet.Event.Name, site.Home);
            html.Add($"<h1>{p.Name}</h1><p class=\"s\">#{p.Bib} · {raceResults.Race.Name}{Detail(row.Division)}{Detail(p.Hometown)}{Detail(p.Team)}</p>");
            Layout.OpenLive(html, self, $"{root}/events?bib={Uri.EscapeDataString(bib)}&v={snapshot.Version}");
            ParticipantLive(html, snapshot, raceResults, row, root);
            Layout.CloseLive(html);
            html.Add($"<p><a href=\"{root}/search\">Find another runner</a></p>");
            Layout.PhoneFoot(html, self, home);
            return CachedPage.FromHtml(raceResults, html);
        });
        return page.WriteAsync(context);
    }

    private static void ParticipantLive(Html html, ResultsSnapshot snapshot, RaceResults results, ResultRow row, string root)
    {
        var meet = snapshot.Meet;
        var race = results.Race;
        var view = RaceView.Of(results);
        html.Add($"<p class=\"st\" id=\"status\">{StatusName(row.Status)}</p>");
        var rankedBy = ResultFormat.RankedBy(results);
        var ranking = ResultFormat.TimeName(rankedBy);
        var other = ResultFormat.TimeName(ResultFormat.Other(rankedBy));
        if (row.Status == ParticipantStatus.Finished)
        {
            html.Add($"<p class=\"big\" id=\"time\">{ResultFormat.Time(ResultFormat.RankingTime(row, rankedBy))}</p>");
            html.Add($"<p class=\"s\" id=\"ranked\">{ranking} time · places by {ranking.ToLowerInvariant()} time</p>");
        }

        if (row.Note is { } note)
        {
            html.Add($"<p>{note}</p>");
        }

        if (row.LastLocation is { } location && row.LastSeenMs is { } seen)
        {
            var where = row.Status == ParticipantStatus.Finished ? "Crossed the finish" : $"Last seen at {PointName(race, location)}";
            html.Add($"<p id=\"where\">{where} at {Clock(seen, meet)}</p>");
        }
        else if (row.Status == ParticipantStatus.Registered)
        {
            html.Raw("<p>Not seen on the course yet. This page updates when they cross a timing mat.</p>");
        }

        html.Raw("<table class=\"kv\"><tbody>");
        if (row.Status == ParticipantStatus.Finished)
        {
            html.Add($"<tr><td>{ranking} time</td><td>{ResultFormat.Time(ResultFormat.RankingTime(row, rankedBy))}</td></tr>");
            html.Add($"<tr><td>{other} time</td><td>{ResultFormat.Time(ResultFormat.OtherTime(row, rankedBy))}</td></tr>");
            html.Add($"<tr><td>Pace</td><td>{PaceText(row)}</td></tr>");
            html.Add($"<tr><td>Place</td><td>{row.Place} of {results.Counts.Finished:N0}</td></tr>");
            var genderCount = view.ByGender.TryGetValue(row.Participant.Gender, out var g) ? g.Finishers.Count : 0;
            html.Add($"<tr><td>{GenderName(row.Participant.Gender)}</td><td>{row.GenderPlace} of {genderCount:N0}</td></tr>");
            if (row.Division is { } division)
            {
                var divisionCount = view.ByDivision.TryGetValue(division, out var d) ? d.Finishers.Count : 0;
                html.Add($"<tr><td>{division}</td><td>{row.DivisionPlace} of {divisionCount:N0}</td></tr>");
            }
        }

        if (ResultsApi.StartMs(row) is { } start)
        {
            html.Add($"<tr><td>Started</td><td>{Clock(start, meet)}</td></tr>");
        }

        html.Raw("</tbody></table>");
        if (row.Splits.Count > 0 || row.Status == ParticipantStatus.Finished)
        {
            html.Raw("<h2>Splits</h2><table><thead><tr><th>Point</th><th class=\"r\">Chip time</th><th class=\"r\">Pace</th></tr></thead><tbody>");
            var (lastKm, lastElapsed) = (0.0, TimeSpan.Zero);
            foreach (var split in row.Splits)
            {
                html.Add($"<tr><td>{PointName(race, split.Location)}</td><td class=\"r\">{ResultFormat.Time(split.Elapsed)}</td><td class=\"r\">{SegmentPace(split.Km, split.Elapsed, lastKm, lastElapsed)}</td></tr>");
                (lastKm, lastElapsed) = (split.Km ?? lastKm, split.Elapsed);
            }

            if (row.Status == ParticipantStatus.Finished)
            {
                var finishKm = race.Finish.Km ?? race.DistanceKm;
                html.Add($"<tr><td>Finish</td><td class=\"r\">{ResultFormat.Time(row.ChipTime)}</td><td class=\"r\">{SegmentPace(finishKm > 0 ? finishKm : null, row.ChipTime ?? TimeSpan.Zero, lastKm, lastElapsed)}</td></tr>");
            }

            html.Raw("</tbody></table>");
        }

        var index = FindIndex(view.All, row);
        var page = index < 0 ? 1 : index / PageSize + 1;
        html.Add($"<p><a href=\"{root}/races/{Uri.EscapeDataString(race.Id)}{(page > 1 ? $"?page={page}" : "")}\">{race.Name} results</a></p>");
    }

    private static Task Finishers(HttpContext context, PageCache cache)
    {
        var site = ResultsSite.Of(context);
        var root = site.Base;
        var snapshot = site.Results.Current;
        var fragment = WebInput.Flag(context.Request, "fragment");
        var home = BoxAddress.Home(context);
        var page = cache.Get($"finishers|{root}|{home}|{fragment}", snapshot, () =>
        {
            var html = new Html(16_384);
            if (fragment)
            {
                FinisherTable(html, snapshot, snapshot.RecentFinishers.Take(MaxFinishers), root);
                return CachedPage.FromHtml(snapshot, html);
            }

            var meet = snapshot.Meet;
            Layout.PhoneHead(html, $"Recent finishers · {meet.Event.Name}", meet.Event.Name, site.Home);
            html.Raw("<h1>Recent finishers</h1>");
            Layout.OpenLive(html, root + "/finishers", $"{root}/events?v={snapshot.Version}");
            FinisherTable(html, snapshot, snapshot.RecentFinishers.Take(MaxFinishers), root);
            Layout.CloseLive(html);
            Layout.PhoneFoot(html, root + "/finishers", home);
            return CachedPage.FromHtml(snapshot, html);
        });
        return page.WriteAsync(context);
    }

    /// <summary>
    /// Finishers of every race, newest first. The time column is headed by the time places go by when all the races
    /// shown rank by the same one; otherwise each row labels its own.
    /// </summary>
    private static void FinisherTable(Html html, ResultsSnapshot snapshot, IEnumerable<ResultRow> finishers, string root)
    {
        var rows = finishers.Select(row => (Row: row, RankedBy: RankedBy(snapshot, row))).ToList();
        if (rows.Count == 0)
        {
            html.Raw("<p>Nobody has finished yet.</p>");
            return;
        }

        var shared = rows.All(r => r.RankedBy == rows[0].RankedBy) ? rows[0].RankedBy : (RankBy?)null;
        html.Add($"<table><thead><tr><th>Finish</th><th>Name</th><th class=\"r\">{(shared is { } by ? ResultFormat.TimeName(by) + " time" : "Time")}</th></tr></thead><tbody>");
        foreach (var (row, rankedBy) in rows)
        {
            var race = snapshot.Meet.FindRace(row.RaceId)?.Name ?? row.RaceId;
            var time = ResultFormat.RankingTime(row, rankedBy);
            html.Add($"<tr><td class=\"n s\">{(row.FinishMs is { } f ? Clock(f, snapshot.Meet) : "")}</td><td><a href=\"{root}/participants/{Uri.EscapeDataString(row.Bib)}\">{row.Name}</a>");
            // The division never breaks inside ("F 30-/39"): the time column leaves the name column narrow.
            html.Add($"<span class=\"s\">#{row.Bib} · {race}{(row.Division is { } d ? new Markup($" · <span class=\"n\">{Html.Encode(d)}</span>") : new Markup(""))}</span></td><td class=\"r\">");
            html.Add($"{(shared is null ? LabelledTime(time, rankedBy) : ResultFormat.Time(time))}<br><span class=\"s\">{OtherTime(row, rankedBy)}{Line(Ordinal(row.Place))}</span></td></tr>");
        }

        html.Raw("</tbody></table>");
    }

    private static void SearchForm(Html html, string? q, string root) =>
        html.Add($"<form action=\"{root}/search\" method=\"get\" role=\"search\"><input type=\"search\" name=\"q\" value=\"{q}\" placeholder=\"Bib or name\" aria-label=\"Bib or name\" maxlength=\"{WebInput.MaxQueryLength}\" autocomplete=\"off\"><button>Search</button></form>");

    private static int FindIndex(RowGroup rows, ResultRow row)
    {
        var i = rows.Finishers.FindIndex(r => ReferenceEquals(r, row));
        if (i >= 0)
        {
            return i;
        }

        i = rows.Others.FindIndex(r => ReferenceEquals(r, row));
        return i < 0 ? -1 : rows.Finishers.Count + i;
    }

    internal static string StatusName(ParticipantStatus status) => status switch
    {
        ParticipantStatus.Registered => "Not started",
        ParticipantStatus.Started => "Started",
        ParticipantStatus.OnCourse => "On course",
        ParticipantStatus.Finished => "Finished",
        ParticipantStatus.Dnf => "DNF",
        _ => "DQ",
    };

    internal static string GenderName(string gender) => gender switch
    {
        "F" => "Women",
        "M" => "Men",
        "X" or "NB" => "Non-binary",
        _ => gender,
    };

    /// <summary>A timing point as people call it: "5k (5 km)", the finish as "the finish".</summary>
    internal static string PointName(Race race, string location)
    {
        var point = race.TimingPoints.FirstOrDefault(t => t.Location == location);
        return point switch
        {
            { Role: TimingRole.Finish } => "the finish",
            { Role: TimingRole.Start } => "the start",
            { Km: { } km } when !location.Contains(km.ToString("0.##", CultureInfo.InvariantCulture), StringComparison.Ordinal) => $"{location} ({km:0.##} km)",
            _ => location,
        };
    }

    internal static string Clock(long atMs, Meet.Meet meet) => ResultFormat.ClockTime(atMs, meet.Event.TimeZone, hundredths: false);

    /// <summary>"4:12/km · 6:45/mi"; "" when unknown, the placeholder alone when out of range.</summary>
    internal static string PaceText(ResultRow row)
    {
        var perKm = PerUnit(row.PacePerKm, "/km");
        return perKm is "" or ResultFormat.InvalidTime ? perKm : $"{perKm} · {PerUnit(row.PacePerMile, "/mi")}";
    }

    /// <summary>"4:12/km"; "" when unknown, the placeholder alone (no unit) when out of range.</summary>
    internal static string PerUnit(TimeSpan? pace, string unit)
    {
        var text = ResultFormat.Pace(pace);
        return text is "" or ResultFormat.InvalidTime ? text : text + unit;
    }

    internal static string Ordinal(int? place)
    {
        if (place is not { } n)
        {
            return "";
        }

        var suffix = (n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        return n.ToString(CultureInfo.InvariantCulture) + suffix;
    }

    private static string Detail(string? text) => string.IsNullOrEmpty(text) ? "" : " · " + text;

    /// <summary>The hometown on a line of its own that never wraps: a long one ends in an ellipsis.</summary>
    private static Markup Hometown(Participant p) =>
        p.Hometown.Length == 0 ? new Markup("") : new Markup($"<span class=\"s h\">{Html.Encode(p.Hometown)}</span>");

    /// <summary>A further line in a cell, after a line break; nothing for an empty one.</summary>
    private static Markup Line(string text) => new(text.Length == 0 ? "" : "<br>" + Html.Encode(text));

    /// <summary>"Gun 0:42:12.14": a time with its name, where no column header names it.</summary>
    private static string LabelledTime(TimeSpan? time, RankBy by) => $"{ResultFormat.TimeName(by)} {ResultFormat.Time(time)}";

    /// <summary>The time a row is not placed by, named: "Chip 0:42:07.43"; "" when there is none.</summary>
    private static string OtherTime(ResultRow row, RankBy rankedBy) =>
        ResultFormat.OtherTime(row, rankedBy) is { } time ? LabelledTime(time, ResultFormat.Other(rankedBy)) : "";

    private static RankBy RankedBy(ResultsSnapshot snapshot, ResultRow row) =>
        snapshot.Race(row.RaceId) is { } race ? ResultFormat.RankedBy(race) : RankBy.Gun;

    private static Markup Selected(bool selected) => new(selected ? " selected" : "");

    /// <summary>
    /// The pace between two timing points. Worked out in seconds, not TimeSpan arithmetic, which throws past its
    /// range: a read at an absurd instant over a short segment gets there.
    /// </summary>
    internal static string SegmentPace(double? km, TimeSpan elapsed, double lastKm, TimeSpan lastElapsed)
    {
        if (km is not { } k || !(k > lastKm))
        {
            return "";
        }

        var perKm = (elapsed.TotalSeconds - lastElapsed.TotalSeconds) / (k - lastKm);
        return perKm switch
        {
            not > 0 => "",
            _ when perKm > ResultFormat.LongestTime.TotalSeconds => ResultFormat.InvalidTime,
            _ => PerUnit(TimeSpan.FromSeconds(perKm), "/km"),
        };
    }
}
