using System.Globalization;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Appliance.Store;
using Edge.Appliance.Web;
using Edge.Store;

namespace Edge.Appliance.Console;

/// <summary>
/// The console's pages that change results (gun, corrections, desk) and show the meet. Every form posts to a route
/// that checks the role and the anti-forgery token, stores a log entry, and sends the browser back to the page with
/// what was done (post, redirect, get: a reload never repeats a correction).
/// </summary>
public static class ConsolePages
{
    public static RouteGroupBuilder MapCorrectionPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/gun", Gun).RequireAuthorization(ConsoleRoles.ViewPolicy);
        admin.MapPost("/gun/now", GunNow).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapPost("/gun/set", GunSet).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapGet("/corrections", CorrectionsPage).RequireAuthorization(ConsoleRoles.ViewPolicy);
        admin.MapPost("/corrections/{kind}", Correct).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapGet("/meet", MeetPage).RequireAuthorization(ConsoleRoles.ViewPolicy);
        admin.MapGet("/desk", Desk).RequireAuthorization(ConsoleRoles.DeskPolicy);
        admin.MapPost("/desk/assign", DeskAssign).RequireAuthorization(ConsoleRoles.DeskPolicy);
        admin.MapPost("/desk/register", DeskRegister).RequireAuthorization(ConsoleRoles.DeskPolicy);
        admin.MapPost("/meet/roster", PullRoster).RequireAuthorization(ConsoleRoles.TimerPolicy);
        return admin;
    }

    private static IResult Gun(HttpContext context, ResultsService results, Edge.Appliance.Ingest.TimingMonitor monitor, Corrections corrections)
    {
        var history = corrections.History();
        var snapshot = results.Current;
        var zone = snapshot.Meet.Event.TimeZone;
        var html = ConsoleLayout.Page(context, "Gun", "/admin/gun");
        html.Raw("<h1>Gun</h1>");
        ConsoleLayout.Flash(html, context);
        var now = monitor.ControllerNow();
        html.Add($"<p class=\"s\">“Start now” takes this box's clock moved into the controllers' time: {now.Source}.</p>");
        var timer = context.User.Role() == ConsoleRoles.Timer;
        foreach (var race in snapshot.Meet.Races)
        {
            var r = snapshot.Race(race.Id);
            html.Add($"<div class=\"card\"><h3>{race.Name}</h3>");
            html.Add($"<p>Gun: <b>{(r?.GunMs is { } gun ? ResultFormat.ClockTime(gun, zone) : "not started")}</b> <span class=\"s\">{GunSource(race, r, history)}</span></p>");
            if (timer)
            {
                html.Add($"<form method=\"post\" action=\"/admin/gun/now\" data-confirm=\"Start the gun of {race.Name} now?\">{ConsoleLayout.Token(context)}<input type=\"hidden\" name=\"race\" value=\"{race.Id}\"><button>Start {race.Name} now</button></form>");
                html.Add($"<form class=\"row\" method=\"post\" action=\"/admin/gun/set\">{ConsoleLayout.Token(context)}<input type=\"hidden\" name=\"race\" value=\"{race.Id}\">");
                html.Raw("<label>Gun time (event's local time)<input name=\"time\" inputmode=\"decimal\" placeholder=\"8:00:00.00\" required></label><button>Set gun time</button></form>");
            }

            html.Raw("</div>");
        }

        if (snapshot.Meet.Races.Count == 0)
        {
            html.Raw("<p>The meet has no races yet.</p>");
        }

        return ConsoleLayout.End(html);
    }

    /// <summary>Where a race's gun time comes from: the console's latest standing gun entry wins over the meet folder and gun reads.</summary>
    private static string GunSource(Race race, RaceResults? results, IReadOnlyList<CorrectionRecord> history)
    {
        if (history.FirstOrDefault(c => c.Kind == Edge.Store.LogKind.GunTime && c.VoidedBy is null && string.Equals(c.Tag, race.Id, StringComparison.OrdinalIgnoreCase)) is { } set)
        {
            return $"set on the console by {set.By} (entry {set.Id}: {set.Summary})";
        }

        return results?.GunMs is null
            ? race.Gun.Location is { } l ? $"waits for a guntime read at {l}" : "no gun source in the meet folder"
            : race.Gun.AtMs is not null ? "from the meet folder (gun.time)" : $"from the first guntime read at {race.Gun.Location}";
    }

    private static async Task<IResult> GunNow(HttpContext context, Corrections corrections, Edge.Appliance.Ingest.TimingMonitor monitor)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var now = monitor.ControllerNow();
        return await Do(context, "/admin/gun", async () =>
        {
            await corrections.GunNowAsync(form["race"].ToString(), now.At.ToUnixTimeMilliseconds(), now.Source, context.User.Who(), context.RequestAborted);
            return $"Gun of {form["race"]} started.";
        });
    }

    private static async Task<IResult> GunSet(HttpContext context, Corrections corrections)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await Do(context, "/admin/gun", async () =>
        {
            await corrections.GunAtAsync(form["race"].ToString(), form["time"].ToString(), context.User.Who(), context.RequestAborted);
            return $"Gun of {form["race"]} set to {form["time"]}.";
        });
    }

    private static IResult CorrectionsPage(HttpContext context, Corrections corrections, ResultsService results)
    {
        var timer = context.User.Role() == ConsoleRoles.Timer;
        var html = ConsoleLayout.Page(context, "Corrections", "/admin/corrections");
        html.Raw("<h1>Corrections</h1>");
        ConsoleLayout.Flash(html, context);
        if (timer)
        {
            var token = ConsoleLayout.Token(context);
            html.Add($"<div class=\"card\"><h3>Hand time</h3><form class=\"row\" method=\"post\" action=\"/admin/corrections/manual\">{token}");
            html.Raw("<label>Bib<input name=\"bib\" required inputmode=\"numeric\"></label><label>Time (local)<input name=\"time\" required placeholder=\"9:02:15.37\"></label>");
            html.Raw("<label>Timing point<input name=\"location\" placeholder=\"finish\"></label><button>Add time</button></form></div>");
            html.Add($"<div class=\"card\"><h3>DNF</h3><form class=\"row\" method=\"post\" action=\"/admin/corrections/dnf\">{token}<label>Bib<input name=\"bib\" required inputmode=\"numeric\"></label><button>Did not finish</button></form></div>");
            html.Add($"<div class=\"card\"><h3>DQ</h3><form class=\"row\" method=\"post\" action=\"/admin/corrections/dq\">{token}<label>Bib<input name=\"bib\" required inputmode=\"numeric\"></label>");
            html.Raw("<label>Reason<input name=\"reason\" required maxlength=\"120\"></label><button>Disqualify</button></form></div>");
            html.Add($"<div class=\"card\"><h3>Swap bibs</h3><form class=\"row\" method=\"post\" action=\"/admin/corrections/swap\">{token}<label>Bib<input name=\"a\" required inputmode=\"numeric\"></label>");
            html.Raw("<label>with bib<input name=\"b\" required inputmode=\"numeric\"></label><button>Swap</button></form></div>");
            html.Add($"<div class=\"card\"><h3>Assign a chip</h3><form class=\"row\" method=\"post\" action=\"/admin/corrections/assign\">{token}<label>Chip<input name=\"tag\" required></label>");
            html.Raw("<label>to bib<input name=\"bib\" required inputmode=\"numeric\"></label><button>Assign</button></form></div>");
            html.Add($"<div class=\"card\"><h3>Void a read</h3><form class=\"row\" method=\"post\" action=\"/admin/corrections/void\">{token}<label>Entry number<input name=\"id\" required inputmode=\"numeric\"></label>");
            html.Raw("<label>Reason<input name=\"reason\" maxlength=\"120\"></label><button class=\"danger\">Void</button></form><p class=\"s\">Entry numbers are in the log export and in each participant's reads.</p></div>");
        }

        foreach (var rejected in results.Current.RejectedCorrections)
        {
            html.Add($"<p class=\"alarm\" role=\"alert\">Entry {rejected.LogId} ({rejected.Kind.Name()}) does not count: {rejected.Reason}. Undo it and enter it again.</p>");
        }

        html.Raw("<h2>Edit history</h2>");
        var history = corrections.History();
        if (history.Count == 0)
        {
            html.Raw("<p>No corrections yet.</p>");
        }
        else
        {
            var zone = results.Current.Meet.Event.TimeZone;
            html.Raw("<table><tr><th>#</th><th>What, who, when</th><th></th></tr>");
            foreach (var c in history)
            {
                var voided = c.VoidedBy is not null;
                html.Add($"<tr><td>{c.Id}</td><td><span{new Markup(voided ? " class=\"void\"" : "")}>{c.Summary}</span>{(voided ? $" (undone by {c.VoidedBy})" : "")}");
                html.Add($"<br><span class=\"s\">{c.By} · {ResultFormat.ClockTime(c.ReceivedMs, zone, hundredths: false)}</span></td><td>");
                if (timer && !voided)
                {
                    html.Add($"<form method=\"post\" action=\"/admin/corrections/void\" data-confirm=\"Undo entry {c.Id}?\">{ConsoleLayout.Token(context)}<input type=\"hidden\" name=\"id\" value=\"{c.Id}\"><button class=\"alt\">Undo</button></form>");
                }

                html.Raw("</td></tr>");
            }

            html.Raw("</table>");
        }

        return ConsoleLayout.End(html);
    }

    private static async Task<IResult> Correct(HttpContext context, string kind, Corrections corrections)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var by = context.User.Who();
        var ct = context.RequestAborted;
        string F(string name) => form[name].ToString();
        return await Do(context, "/admin/corrections", async () =>
        {
            switch (kind)
            {
                case "manual":
                    await corrections.ManualTimeAsync(F("bib"), F("location"), F("time"), by, ct);
                    return $"Bib {F("bib")}: hand time {F("time")} added.";
                case "dnf":
                    await corrections.DnfAsync(F("bib"), by, ct);
                    return $"Bib {F("bib")} marked DNF.";
                case "dq":
                    await corrections.DqAsync(F("bib"), F("reason"), by, ct);
                    return $"Bib {F("bib")} disqualified.";
                case "swap":
                    await corrections.SwapBibsAsync(F("a"), F("b"), by, ct);
                    return $"Bibs {F("a")} and {F("b")} swapped.";
                case "assign":
                    await corrections.AssignChipAsync(F("tag"), F("bib"), by, ct);
                    return $"Chip {F("tag")} now counts for bib {F("bib")}.";
                case "void":
                    var id = long.TryParse(F("id"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new CorrectionException($"'{F("id")}' is not an entry number.");
                    var voiding = await corrections.VoidAsync(id, F("reason"), by, ct);
                    return $"Entry {id} undone (entry {voiding}).";
                default:
                    throw new NotFoundException($"There is no correction '{kind}'.");
            }
        }, back: F("back"));
    }

    private static IResult MeetPage(HttpContext context, MeetHost meetHost, ResultsService results, ReadStore store, Online.ResultsPosting posting)
    {
        var snapshot = results.Current;
        var html = ConsoleLayout.Page(context, "Meet", "/admin/meet");
        html.Add($"<h1>{snapshot.Meet.Event.Name}</h1>");
        ConsoleLayout.Flash(html, context);
        if (meetHost.Error is { } error)
        {
            html.Add($"<p class=\"alarm\" role=\"alert\">The meet folder's last edit was not taken: {error}</p>");
            html.Raw(meetHost.Loaded ? "<p>The last good version keeps running until the folder is fixed.</p>" : "<p>No good meet folder has been read since the box started: reads are stored and wait for one.</p>");
        }
        else
        {
            html.Add($"<p class=\"good\">The meet folder reads cleanly ({meetHost.Directory}).</p>");
        }

        html.Add($"<table class=\"kv\"><tr><td>Date, zone</td><td>{snapshot.Meet.Event.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "no date"}, {snapshot.Meet.Event.TimeZone.Id}</td></tr>");
        html.Add($"<tr><td>Stored meet</td><td>{store.Meet.Key} (#{store.Meet.Id})</td></tr><tr><td>Runners</td><td>{snapshot.ByBib.Count}</td></tr></table>");
        html.Raw("<h2>Races</h2><table><tr><th>Race</th><th class=\"r\">Entered</th><th class=\"r\">Out</th><th class=\"r\">Finished</th><th class=\"r\">DNF/DQ</th></tr>");
        foreach (var race in snapshot.Meet.Races)
        {
            var c = snapshot.Race(race.Id)?.Counts;
            html.Add($"<tr><td>{race.Name}</td><td class=\"r\">{c?.Total}</td><td class=\"r\">{c?.StillOut}</td><td class=\"r\">{c?.Finished}</td><td class=\"r\">{(c is null ? 0 : c.Dnf + c.Dq)}</td></tr>");
        }

        html.Raw("</table>");
        if (snapshot.Meet.RunSignUp is { } runSignUp)
        {
            var status = posting.Status;
            html.Add($"<h2>RunSignUp (race {runSignUp.RaceId})</h2><p>Results: <b>{status.State}</b>, {status.RowsPosted} rows posted");
            html.Add($"{(status.LastPostedAt is { } at ? $", last at {at.UtcDateTime:HH:mm:ss} UTC" : "")}{(status.RowsPending > 0 ? $", {status.RowsPending} waiting" : "")}.</p>");
            if (status.LastError is { } problem)
            {
                html.Add($"<p class=\"alarm\" role=\"alert\">{problem}</p>");
            }

            if (context.User.Role() == ConsoleRoles.Timer)
            {
                html.Add($"<form method=\"post\" action=\"/admin/meet/roster\" data-confirm=\"Pull the roster from RunSignUp now? New and changed runners become registrations.\">{ConsoleLayout.Token(context)}");
                html.Raw("<button>Pull the roster from RunSignUp</button></form>");
            }
        }

        html.Add($"<h2>Unknown tags ({snapshot.UnknownTagCount})</h2>");
        if (snapshot.UnknownTags.Count == 0)
        {
            html.Raw("<p>Every tag read belongs to a runner.</p>");
        }
        else
        {
            var timer = context.User.Role() == ConsoleRoles.Timer;
            var zone = snapshot.Meet.Event.TimeZone;
            html.Raw("<table><tr><th>Tag</th><th class=\"r\">Reads</th><th>Last</th><th>Assign to bib</th></tr>");
            foreach (var tag in snapshot.UnknownTags.OrderByDescending(t => t.LastAtMs).Take(100))
            {
                html.Add($"<tr><td>{tag.Tag}</td><td class=\"r\">{tag.Reads}</td><td class=\"s\">{tag.LastLocation} {ResultFormat.ClockTime(tag.LastAtMs, zone, false)}</td><td>");
                if (timer)
                {
                    html.Add($"<form class=\"row\" method=\"post\" action=\"/admin/corrections/assign\">{ConsoleLayout.Token(context)}<input type=\"hidden\" name=\"tag\" value=\"{tag.Tag}\"><input type=\"hidden\" name=\"back\" value=\"/admin/meet\">");
                    html.Raw("<input name=\"bib\" aria-label=\"bib\" required inputmode=\"numeric\" size=\"6\"><button>Assign</button></form>");
                }

                html.Raw("</td></tr>");
            }

            html.Raw("</table>");
        }

        return ConsoleLayout.End(html);
    }

    private static Task<IResult> PullRoster(HttpContext context, Online.RosterPull roster) =>
        Do(context, "/admin/meet", () => roster.PullAsync(context.User.Who(), context.RequestAborted));

    private static IResult Desk(HttpContext context, ResultsService results, Corrections corrections)
    {
        var snapshot = results.Current;
        var html = ConsoleLayout.Page(context, "Desk", "/admin/desk");
        html.Raw("<h1>Packet pick-up</h1>");
        ConsoleLayout.Flash(html, context);
        var q = WebInput.Text(context.Request, "q", 60);
        html.Add($"<form method=\"get\" action=\"/admin/desk\"><input type=\"search\" name=\"q\" value=\"{q}\" placeholder=\"Bib or name\" aria-label=\"Bib or name\"><button>Look up</button></form>");
        var token = ConsoleLayout.Token(context);
        if (q is not null)
        {
            var (matches, total) = SearchIndex.Of(snapshot.Meet).Find(q);
            // The snapshot's meet holds the day-of registrations too.
            var all = matches.Take(20).ToList();
            var chips = corrections.History().Where(c => c.Kind == LogKind.BibSwap && c.VoidedBy is null && c.To is not null)
                .GroupBy(c => c.To!).ToDictionary(g => g.Key, g => string.Join(", ", g.Select(c => c.Tag).Distinct()));
            html.Add($"<p>{(all.Count == 0 ? "Nobody matches." : $"{Math.Max(total, all.Count)} found.")}</p>");
            foreach (var p in all)
            {
                var row = snapshot.ByBib.GetValueOrDefault(p.Bib);
                html.Add($"<div class=\"card\"><h3>{p.Bib} · {p.Name}</h3><p class=\"s\">{snapshot.Meet.FindRace(p.RaceId)?.Name ?? p.RaceId} · {p.Gender} {p.Age} · {p.Hometown} · chip {p.Tag}{(chips.TryGetValue(p.Bib, out var given) ? $" (and {given} from the desk)" : "")}{(row is null ? "" : " · " + ResultFormat.Status(row.Status))}</p>");
                html.Add($"<form class=\"row\" method=\"post\" action=\"/admin/desk/assign\">{token}<input type=\"hidden\" name=\"bib\" value=\"{p.Bib}\"><input type=\"hidden\" name=\"q\" value=\"{q}\">");
                html.Raw("<label>Chip handed out<input name=\"tag\" required></label><button>Assign chip</button></form></div>");
            }
        }

        html.Add($"<h2>Day-of registration</h2><form method=\"post\" action=\"/admin/desk/register\">{token}");
        html.Raw("<label>Bib<input name=\"bib\" required></label><label>First name<input name=\"first\" required maxlength=\"120\"></label><label>Last name<input name=\"last\" maxlength=\"120\"></label>");
        html.Raw("<label>Gender<select name=\"gender\"><option>F</option><option>M</option><option>X</option></select></label><label>Age<input name=\"age\" inputmode=\"numeric\"></label>");
        html.Raw("<label>Race<select name=\"race\">");
        foreach (var race in snapshot.Meet.Races)
        {
            html.Add($"<option value=\"{race.Id}\">{race.Name}</option>");
        }

        html.Raw("</select></label><label>Chip (if not the bib)<input name=\"tag\"></label><label>City<input name=\"city\" maxlength=\"120\"></label><label>State<input name=\"state\" maxlength=\"120\"></label><label>Team<input name=\"team\" maxlength=\"120\"></label>");
        html.Raw("<button>Register</button></form>");
        return ConsoleLayout.End(html);
    }

    private static async Task<IResult> DeskAssign(HttpContext context, Corrections corrections)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await Do(context, "/admin/desk", async () =>
        {
            await corrections.AssignChipAsync(form["tag"].ToString(), form["bib"].ToString(), context.User.Who(), context.RequestAborted);
            return $"Chip {form["tag"]} assigned to bib {form["bib"]}.";
        }, back: form["q"].ToString() is { Length: > 0 and <= 60 } q ? "/admin/desk?q=" + Uri.EscapeDataString(q) : null);
    }

    private static async Task<IResult> DeskRegister(HttpContext context, Corrections corrections)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string F(string n) => form[n].ToString();
        return await Do(context, "/admin/desk", async () =>
        {
            await corrections.RegisterAsync(new Registration(F("bib"), F("first"), F("last"), F("gender"), F("age"), F("race"), F("tag"), F("city"), F("state"), F("team")),
                context.User.Who(), context.RequestAborted);
            return $"Bib {F("bib")} registered.";
        });
    }

    /// <summary>Runs a form's action: on success back to the page with what was done; a refused correction shows the page's message with 400.</summary>
    internal static async Task<IResult> Do(HttpContext context, string page, Func<Task<string>> action, string? back = null)
    {
        try
        {
            var done = await action();
            var target = back is { Length: > 0 } b && b.StartsWith("/admin/", StringComparison.Ordinal) && !b.Contains("//", StringComparison.Ordinal) ? b : page;
            return Microsoft.AspNetCore.Http.Results.Redirect($"{target}{(target.Contains('?', StringComparison.Ordinal) ? '&' : '?')}done={Uri.EscapeDataString(done)}");
        }
        catch (CorrectionException e)
        {
            var html = ConsoleLayout.Page(context, "Not done", null);
            html.Add($"<h1>Not done</h1><p class=\"alarm\" role=\"alert\">{e.Message}</p><p><a href=\"{page}\">Back</a></p>");
            html.Add($"</main></body></html>");
            return ConsoleLayout.Send(html, StatusCodes.Status400BadRequest);
        }
    }
}
