using System.Globalization;
using Edge.Appliance.Results;
using Edge.Appliance.Screens;
using Edge.Appliance.Web;

namespace Edge.Appliance.Console;

/// <summary>
/// The Screens section: the timer designs templates and points displays at them; the announcer may look. Every
/// change is a log entry (<see cref="ScreenDesigns"/>); the meet folder is written only by "Export to the meet folder".
/// </summary>
public static class ScreensPage
{
    private const string PagePath = "/admin/screens";

    public static RouteGroupBuilder MapScreenPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/screens", Page).RequireAuthorization(ConsoleRoles.ViewPolicy);
        admin.MapGet("/screens/qr", Qr).RequireAuthorization(ConsoleRoles.ViewPolicy);
        admin.MapPost("/screens/template", SaveTemplate).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapPost("/screens/json", SaveJson).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapPost("/screens/display", SaveDisplay).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapPost("/screens/revoke", Revoke).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapPost("/screens/template/remove", RemoveTemplate).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapPost("/screens/export", Export).RequireAuthorization(ConsoleRoles.TimerPolicy);
        return admin;
    }

    private static IResult Page(HttpContext context, ScreenDesigns designs, ResultsService results, Orienteering.OrienteeringResults orienteering)
    {
        var set = designs.Current;
        var meet = results.Current.Meet;
        var timer = context.User.Role() == ConsoleRoles.Timer;
        var html = ConsoleLayout.Page(context, "Screens", PagePath);
        html.Raw("<h1>Screens</h1>");
        ConsoleLayout.Flash(html, context);
        var templates = set.Templates.Values.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToList();

        html.Raw("<h2>Displays</h2>");
        foreach (var d in set.Displays.Values.Where(d => !d.Revoked).OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase))
        {
            var url = $"{BoxAddress.Home(context).TrimEnd('/')}/d/{Uri.EscapeDataString(d.Id)}";
            var shows = set.Templates.TryGetValue(d.TemplateId, out var t) ? t.Name : "(its template is gone)";
            html.Add($"<div class=\"card\"><h3>{d.Name}</h3><p>Shows <b>{shows}</b>{(d.BuiltIn ? " · from meet.json" : "")}</p>");
            html.Add($"<p><a href=\"/d/{Uri.EscapeDataString(d.Id)}\" target=\"_blank\" rel=\"noopener\">{url}</a></p>");
            // The screen itself, live, at a sixth of 1920x1080: what the TV shows, as it changes.
            html.Add($"<div class=\"pv\"><iframe src=\"/d/{Uri.EscapeDataString(d.Id)}\" title=\"Live preview of {d.Name}\" loading=\"lazy\" tabindex=\"-1\"></iframe></div>");
            html.Add($"<img class=\"qr\" src=\"/admin/screens/qr?display={Uri.EscapeDataString(d.Id)}\" alt=\"QR code of {url}\">");
            if (timer)
            {
                html.Add($"<form class=\"row\" method=\"post\" action=\"/admin/screens/display\">{ConsoleLayout.Token(context)}<input type=\"hidden\" name=\"id\" value=\"{d.Id}\">");
                html.Add($"<label>Name<input name=\"name\" value=\"{d.Name}\" required maxlength=\"{ScreenJson.MaxName}\"></label>");
                TemplateSelect(html, "template", "Template", templates, d.TemplateId);
                html.Raw("<button>Save</button></form>");
                html.Add($"<form method=\"post\" action=\"/admin/screens/revoke\" data-confirm=\"Switch off {d.Name}? Its address stops working for good.\">{ConsoleLayout.Token(context)}<input type=\"hidden\" name=\"id\" value=\"{d.Id}\"><button class=\"danger\">Revoke</button></form>");
            }

            html.Raw("</div>");
        }

        if (timer)
        {
            html.Add($"<div class=\"card\"><h3>New display</h3><form class=\"row\" method=\"post\" action=\"/admin/screens/display\">{ConsoleLayout.Token(context)}");
            html.Add($"<label>Name<input name=\"name\" required maxlength=\"{ScreenJson.MaxName}\"></label>");
            TemplateSelect(html, "template", "Template", templates, null);
            html.Raw("<button>Create display</button></form></div>");
        }

        html.Raw("<h2>Templates</h2><table><thead><tr><th>Name</th><th>Layout</th><th>Races</th><th>Fields</th><th></th></tr></thead><tbody>");
        foreach (var t in templates)
        {
            html.Add($"<tr><td>{t.Name}</td><td>{ScreenJson.Name(t.Layout)}</td><td>{(t.Races.Count == 0 ? "all" : string.Join(", ", t.Races))}</td><td>{string.Join(", ", t.Fields)}</td>");
            html.Add($"<td>{(timer ? new Markup($"<a href=\"{PagePath}?edit={Uri.EscapeDataString(t.Id)}#edit\">Edit</a>") : new Markup(""))}");
            if (timer && !t.BuiltIn)
            {
                html.Add($"<form method=\"post\" action=\"/admin/screens/template/remove\" data-confirm=\"Remove the template {t.Name}?\">{ConsoleLayout.Token(context)}<input type=\"hidden\" name=\"id\" value=\"{t.Id}\"><button class=\"danger\">Remove</button></form>");
            }

            html.Raw("</td></tr>");
        }

        html.Raw("</tbody></table>");
        if (timer)
        {
            var editing = context.Request.Query["edit"].ToString() is { Length: > 0 and <= ScreenJson.MaxId } e && set.Templates.TryGetValue(e, out var found) ? found : null;
            TemplateForm(html, context, editing, templates, meet, orienteering.Current);
            html.Add($"<div class=\"card\"><h3>Template as JSON</h3><form method=\"post\" action=\"/admin/screens/json\">{ConsoleLayout.Token(context)}");
            html.Add($"<label>JSON (fields: id, name, layout, races, fields, textSize, colours, rowsPerPage, secondsPerPage, message, logo, sponsor, parts)<textarea name=\"json\" rows=\"6\" maxlength=\"{ScreenJson.MaxBytes}\" required></textarea></label><button>Save template</button></form></div>");
            html.Add($"<div class=\"card\"><h3>Meet folder</h3><p class=\"s\">Writes {ScreenDesigns.FileName} into the meet folder, so these templates and displays travel with the meet (and a next meet can start from them). Nothing is written there otherwise.</p>");
            html.Add($"<form method=\"post\" action=\"/admin/screens/export\">{ConsoleLayout.Token(context)}<button>Export to the meet folder</button></form></div>");
        }

        return ConsoleLayout.End(html);
    }

    private static void TemplateSelect(Html html, string name, string label, IReadOnlyList<DisplayTemplate> templates, string? selected)
    {
        html.Add($"<label>{label}<select name=\"{name}\" required>");
        foreach (var t in templates)
        {
            html.Add($"<option value=\"{t.Id}\"{new Markup(t.Id == selected ? " selected" : "")}>{t.Name}</option>");
        }

        html.Raw("</select></label>");
    }

    private static void TemplateForm(Html html, HttpContext context, DisplayTemplate? t, IReadOnlyList<DisplayTemplate> templates, Meet.Meet meet, Orienteering.OrienteeringState orienteering)
    {
        var v = t ?? DisplayTemplate.Default("", "", ScreenLayout.Finish);
        html.Add($"<div class=\"card\" id=\"edit\"><h3>{(t is null ? "New template" : "Edit " + t.Name)}</h3><form method=\"post\" action=\"/admin/screens/template\">{ConsoleLayout.Token(context)}");
        html.Add($"<input type=\"hidden\" name=\"id\" value=\"{v.Id}\"><div class=\"row\"><label>Name<input name=\"name\" value=\"{v.Name}\" required maxlength=\"{ScreenJson.MaxName}\"></label>");
        html.Raw("<label>Layout<select name=\"layout\">");
        foreach (var layout in Enum.GetValues<ScreenLayout>())
        {
            html.Add($"<option value=\"{ScreenJson.Name(layout)}\"{new Markup(layout == v.Layout ? " selected" : "")}>{ScreenJson.Name(layout)}</option>");
        }

        html.Raw("</select></label></div><p class=\"s\">Races (none ticked: all)</p><div class=\"row\">");
        foreach (var race in meet.Races)
        {
            html.Add($"<label><input type=\"checkbox\" name=\"races\" value=\"{race.Id}\"{new Markup(v.Races.Contains(race.Id) ? " checked" : "")}> {race.Name}</label>");
        }

        // The orienteering layouts name classes and team classes instead: those of the results shown now.
        if (orienteering.Scored is { } scored)
        {
            html.Raw("</div><p class=\"s\">Classes, for the orienteering and radio layouts (none ticked: all)</p><div class=\"row\">");
            foreach (var key in scored.Classes.Select(c => c.Key).Concat(scored.Teams.Select(t => t.Team.Id)).Where(Screens.ScreenJson.IsClassKey))
            {
                html.Add($"<label><input type=\"checkbox\" name=\"races\" value=\"{key}\"{new Markup(v.Races.Contains(key) ? " checked" : "")}> {key}</label>");
            }
        }

        html.Add($"</div><label>Fields, in order ({string.Join(", ", DisplayTemplate.KnownFields)})<input name=\"fields\" value=\"{string.Join(", ", v.Fields)}\" required></label>");
        html.Add($"<div class=\"row\"><label>Text size (%; rows always fit)<input name=\"textSize\" inputmode=\"numeric\" value=\"{v.TextSize}\"></label>");
        html.Add($"<label>Rows per page<input name=\"rowsPerPage\" inputmode=\"numeric\" value=\"{v.RowsPerPage}\"></label>");
        html.Add($"<label>Seconds per page<input name=\"secondsPerPage\" inputmode=\"numeric\" value=\"{v.SecondsPerPage}\"></label></div>");
        html.Add($"<div class=\"row\"><label>Text colour<input type=\"color\" name=\"foreground\" value=\"{v.Colours.Foreground}\"></label>");
        html.Add($"<label>Background<input type=\"color\" name=\"background\" value=\"{v.Colours.Background}\"></label>");
        html.Add($"<label>Accent<input type=\"color\" name=\"accent\" value=\"{v.Colours.Accent}\"></label></div>");
        html.Add($"<label>Message (message layout)<textarea name=\"message\" rows=\"3\" maxlength=\"{ScreenJson.MaxMessage}\">{v.Message}</textarea></label>");
        html.Add($"<div class=\"row\"><label>Logo image id<input name=\"logo\" value=\"{v.Logo ?? ""}\" maxlength=\"{ScreenJson.MaxId}\"></label>");
        html.Add($"<label>Sponsor image id<input name=\"sponsor\" value=\"{v.Sponsor ?? ""}\" maxlength=\"{ScreenJson.MaxId}\"></label></div>");
        html.Raw("<p class=\"s\">Split layout: the two templates side by side</p><div class=\"row\">");
        var others = templates.Where(o => o.Id != v.Id && o.Layout != ScreenLayout.Split).ToList();
        for (var i = 0; i < 2; i++)
        {
            html.Add($"<label>{(i == 0 ? "Left" : "Right")}<select name=\"parts\"><option value=\"\">–</option>");
            foreach (var o in others)
            {
                html.Add($"<option value=\"{o.Id}\"{new Markup(v.Parts.Count > i && v.Parts[i] == o.Id ? " selected" : "")}>{o.Name}</option>");
            }

            html.Raw("</select></label>");
        }

        html.Add($"</div><button>{(t is null ? "Create template" : "Save template")}</button></form></div>");
    }

    private static async Task<IResult> SaveTemplate(HttpContext context, ScreenDesigns designs)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await Run(context, async () =>
        {
            var layout = form["layout"].ToString();
            var id = form["id"].ToString() is { Length: > 0 } given ? given : ScreenDesigns.NewId()[..16];
            var json = ScreenJson.Json(w =>
            {
                w.WriteString("id", id);
                w.WriteString("name", form["name"].ToString());
                w.WriteString("layout", layout);
                ScreenJson.Strings(w, "races", form["races"].Where(r => !string.IsNullOrEmpty(r)).Select(r => r!));
                ScreenJson.Strings(w, "fields", form["fields"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                w.WriteNumber("textSize", Number(form["textSize"], "Text size"));
                w.WriteStartObject("colours");
                w.WriteString("foreground", form["foreground"].ToString());
                w.WriteString("background", form["background"].ToString());
                w.WriteString("accent", form["accent"].ToString());
                w.WriteEndObject();
                w.WriteNumber("rowsPerPage", Number(form["rowsPerPage"], "Rows per page"));
                w.WriteNumber("secondsPerPage", Number(form["secondsPerPage"], "Seconds per page"));
                w.WriteString("message", form["message"].ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
                w.WriteString("logo", form["logo"].ToString().Trim());
                w.WriteString("sponsor", form["sponsor"].ToString().Trim());
                ScreenJson.Strings(w, "parts", layout == "split" ? form["parts"].Select(p => p ?? "") : []);
            });
            var template = ScreenJson.ReadTemplate(json)!;
            await designs.SaveTemplateAsync(template, context.User.Who(), context.RequestAborted);
            return $"Template {template.Name} saved.";
        });
    }

    private static async Task<IResult> SaveJson(HttpContext context, ScreenDesigns designs)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await Run(context, async () =>
        {
            var template = ScreenJson.ReadTemplate(form["json"].ToString()) ?? throw new ScreenDesignException("A template is not revoked from here.");
            await designs.SaveTemplateAsync(template, context.User.Who(), context.RequestAborted);
            return $"Template {template.Name} saved.";
        });
    }

    private static async Task<IResult> SaveDisplay(HttpContext context, ScreenDesigns designs)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await Run(context, async () =>
        {
            var id = form["id"].ToString();
            var current = designs.Current;
            if (id.Length > 0 && (!current.Displays.TryGetValue(id, out var known) || known.Revoked))
            {
                throw new ScreenDesignException("There is no such display (a revoked one stays revoked).");
            }

            var display = ScreenJson.ReadDisplay(ScreenJson.Json(w =>
            {
                w.WriteString("id", id.Length > 0 ? id : ScreenDesigns.NewId());
                w.WriteString("name", form["name"].ToString());
                w.WriteString("template", form["template"].ToString());
            }));
            await designs.SaveDisplayAsync(display, context.User.Who(), context.RequestAborted);
            return id.Length > 0 ? $"Display {display.Name} saved." : $"Display {display.Name} created.";
        });
    }

    private static async Task<IResult> Revoke(HttpContext context, ScreenDesigns designs)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await Run(context, async () =>
        {
            var id = form["id"].ToString();
            if (!designs.Current.Displays.TryGetValue(id, out var display) || display.Revoked)
            {
                throw new ScreenDesignException("There is no such display.");
            }

            await designs.SaveDisplayAsync(display with { Revoked = true }, context.User.Who(), context.RequestAborted);
            return $"Display {display.Name} revoked: its address no longer works.";
        });
    }

    private static async Task<IResult> RemoveTemplate(HttpContext context, ScreenDesigns designs)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await Run(context, async () =>
        {
            var id = form["id"].ToString();
            var name = designs.Current.Templates.TryGetValue(id, out var t) ? t.Name : id;
            await designs.RemoveTemplateAsync(id, context.User.Who(), context.RequestAborted);
            return $"Template {name} removed.";
        });
    }

    private static Task<IResult> Export(HttpContext context, ScreenDesigns designs) =>
        Run(context, () => Task.FromResult($"Written to {designs.Export()}."));

    /// <summary><c>/admin/screens/qr?display=ID</c>: a QR code of the display's address, for a TV's browser or a phone.</summary>
    private static IResult Qr(HttpContext context, ScreenDesigns designs)
    {
        var id = context.Request.Query["display"].ToString();
        if (designs.Current.Find(id) is null)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Bytes(WifiSign.QrPng($"{BoxAddress.Home(context).TrimEnd('/')}/d/{Uri.EscapeDataString(id)}"), "image/png");
    }

    /// <summary>A console action on the screens: done, back to the page with what was done; refused, the reason on a 400 page.</summary>
    private static Task<IResult> Run(HttpContext context, Func<Task<string>> action) =>
        ConsolePages.Do(context, PagePath, async () =>
        {
            try
            {
                return await action();
            }
            catch (ScreenDesignException e)
            {
                throw new CorrectionException(e.Message);
            }
        });

    private static int Number(Microsoft.Extensions.Primitives.StringValues value, string what) =>
        int.TryParse(value.ToString().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100_000
            ? n
            : throw new ScreenDesignException($"{what} is a whole number.");
}
