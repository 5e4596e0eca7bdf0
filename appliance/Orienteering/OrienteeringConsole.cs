using System.Globalization;
using Edge.Appliance.Console;
using Microsoft.AspNetCore.Mvc;

namespace Edge.Appliance.Orienteering;

/// <summary>
/// The console's Orienteering page (<c>/admin/orienteering</c>): the lists imported into this meet and which are
/// shown (one per day of a multi-day meet, each list with the days it holds), the classes meet.json does not configure, the inbox and what it refused, and an upload form (the timer only)
/// that goes through the same import as the inbox and <c>POST /api/o/results</c>.
/// </summary>
public static class OrienteeringConsole
{
    private const string Path = "/admin/orienteering";

    public static RouteGroupBuilder MapOrienteeringConsole(this RouteGroupBuilder admin)
    {
        admin.MapGet("/orienteering", Page).RequireAuthorization(ConsoleRoles.ViewPolicy);
        var limit = ((IEndpointRouteBuilder)admin).ServiceProvider.GetRequiredService<OrienteeringImport>().MaxBytes + (64 * 1024);
        admin.MapPost("/orienteering", Upload).RequireAuthorization(ConsoleRoles.TimerPolicy).WithMetadata(new RequestSizeLimitAttribute(limit));
        return admin;
    }

    private static IResult Page(HttpContext context, OrienteeringResults results, OrienteeringInbox inbox, OrienteeringImport import)
    {
        var state = results.Current;
        var html = ConsoleLayout.Page(context, "Orienteering", Path);
        html.Raw("<h1>Orienteering</h1>");
        ConsoleLayout.Flash(html, context);
        if (context.User.Role() == ConsoleRoles.Timer)
        {
            html.Add($"<form method=\"post\" action=\"{Path}\" enctype=\"multipart/form-data\" class=\"row\">{ConsoleLayout.Token(context)}");
            html.Raw("<label>IOF XML 3.0 result list<input type=\"file\" name=\"list\" accept=\".xml,application/xml,text/xml\" required></label><button>Import</button></form>");
            html.Add($"<p class=\"s\">Up to {import.MaxBytes / (1024 * 1024)} MiB. The same file twice is stored once; the newest list by createTime is shown.</p>");
        }

        html.Add($"<p>Inbox: {(inbox.Directory is { } dir ? dir : "none (Edge:InboxDir is not set)")}</p>");
        if (state.Scored is { UnconfiguredClasses.Count: > 0 } scored)
        {
            html.Add($"<p class=\"warn\">Not configured in meet.json (scored by time): {string.Join(", ", scored.UnconfiguredClasses)}</p>");
        }

        html.Add($"<h2>Lists in this meet ({state.Lists.Count})</h2>");
        html.Raw("<table><tr><th>Log id</th><th>From</th><th>List</th><th>Created</th></tr>");
        foreach (var list in state.Lists.Reverse())
        {
            // Shown: the Complete list shown for one of the days (a one-day meet's one list shown).
            var shown = state.IsShown(list.LogId);
            var days = state.IsMultiDay || list.Days is not ([] or [1]) ? DaysText(list.Days) : "";
            html.Add($"<tr><td>{list.LogId}{(shown ? " (shown)" : "")}</td><td>{list.Source}</td><td>{list.Status}{(list.Competitors > 0 ? $", {list.Competitors} competitors" : "")}{days}</td>");
            html.Add($"<td>{list.CreateTime?.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) ?? "–"}</td></tr>");
        }

        html.Raw("</table>");
        if (inbox.Directory is { } folder && Directory.Exists(System.IO.Path.Combine(folder, OrienteeringInbox.RejectedFolder)))
        {
            html.Raw("<h2>Refused by the inbox</h2><ul>");
            foreach (var reason in Directory.EnumerateFiles(System.IO.Path.Combine(folder, OrienteeringInbox.RejectedFolder), "*.reason.txt").Order().Take(50))
            {
                html.Add($"<li>{ReadShort(reason)}</li>");
            }

            html.Raw("</ul>");
        }

        return ConsoleLayout.End(html);
    }

    private static async Task<IResult> Upload(HttpContext context, OrienteeringImport import)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form.Files.GetFile("list") is not { } file)
        {
            return Refused(context, "Choose a result list file to import.");
        }

        byte[] bytes;
        using (var copy = new MemoryStream())
        {
            await file.CopyToAsync(copy, context.RequestAborted);
            bytes = copy.ToArray();
        }

        try
        {
            var done = await import.ImportAsync(bytes, "console " + System.IO.Path.GetFileName(file.FileName) + " by " + context.User.Who(), context.RequestAborted);
            var what = done.Stored
                ? $"Imported: {done.Status}, {done.Competitors} competitors in {done.Classes} classes{(done.Shown ? "" : " (older than the list shown: kept, not shown)")}."
                : "That list was imported before: nothing changed.";
            return TypedResults.Redirect($"{Path}?done={Uri.EscapeDataString(what)}");
        }
        catch (IofParseException e)
        {
            return Refused(context, "Not imported: " + e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Refused(context, e.Message, StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult Refused(HttpContext context, string message, int status = StatusCodes.Status400BadRequest)
    {
        var html = ConsoleLayout.Page(context, "Not imported", Path);
        html.Add($"<h1>Not imported</h1><p class=\"alarm\" role=\"alert\">{message}</p><p><a href=\"{Path}\">Back to Orienteering</a></p>");
        html.Raw("</main></body></html>");
        return ConsoleLayout.Send(html, status);
    }

    private static string DaysText(IReadOnlyList<int> days) => days.Count switch
    {
        0 => "",
        1 => $", day {days[0]}",
        _ => $", days {string.Join(", ", days)}",
    };

    private static string ReadShort(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            return text.Length > 500 ? text[..500] + "…" : text.Trim();
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }
}
