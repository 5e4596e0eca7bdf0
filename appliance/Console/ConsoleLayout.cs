using System.Security.Claims;
using Edge.Appliance.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Edge.Appliance.Console;

/// <summary>
/// The console's shell: the phone pages' high-contrast style plus a tab bar, big touch targets and status colours
/// that read in sunlight; no external resources. With JavaScript on, the live region (<c>#live</c>) refreshes from
/// its fragment every few seconds; with it off, every page is a plain form-and-link page.
/// </summary>
public static class ConsoleLayout
{
    public const string ConsoleStyle =
        "nav{display:flex;flex-wrap:wrap;gap:4px;padding:6px 8px;background:#222}nav a{color:#fff;text-decoration:none;font-weight:700;padding:10px 10px;border-radius:6px}" +
        "nav a.on{background:#fff;color:#000}nav form{margin:0 0 0 auto}nav button{min-height:40px;background:#444}" +
        ".ok{color:#05650f;font-weight:700}.bad{color:#a00000;font-weight:700}.warn{color:#7a4d00;font-weight:700}" +
        ".alarm{border:3px solid #a00000;background:#ffe5e5;padding:8px 10px;margin:8px 0;border-radius:6px;font-weight:700}" +
        ".good{border:2px solid #05650f;background:#e6f7e6;padding:8px 10px;margin:8px 0;border-radius:6px}" +
        ".card{border:2px solid #000;border-radius:8px;padding:8px 10px;margin:10px 0}.card h3{margin:.1em 0 .3em;font-size:1.05em}" +
        "label{display:flex;flex-direction:column;font-size:.85em;font-weight:700;flex:1 1 130px}label input,label select{font-weight:400;font-size:1.1rem;flex:0 0 auto}" +
        "form.row button{align-self:flex-end}button.alt{background:#fff;color:#000}button.danger{background:#a00000;border-color:#a00000}" +
        "svg{display:block;width:100%;max-width:480px;height:auto;background:#f4f4f4;border:1px solid #999}" +
        "" +
        ".code{font:700 1.6em ui-monospace,monospace;letter-spacing:.08em}.qr{width:260px;max-width:100%;height:auto;border:8px solid #fff;outline:2px solid #000}" +
        ".pv{width:320px;max-width:100%;aspect-ratio:16/9;overflow:hidden;background:#000;outline:2px solid #000;margin:.5em 0}.pv iframe{width:1920px;height:1080px;border:0;transform:scale(.16667);transform-origin:0 0}" +
        "td form{margin:0}td button{min-height:38px;padding:4px 10px}.void{text-decoration:line-through;color:#555}";

    /// <summary>
    /// Refreshes <c>#live</c> from its fragment every <c>data-every</c> seconds while the tab is visible (never two
    /// requests at once), and stamps this device's clock into <c>data-now</c> fields as a form is sent.
    /// </summary>
    public const string ConsoleScript =
        "(function(d,w){var m=d.getElementById('live'),b=0;" +
        "d.addEventListener('submit',function(e){var f=e.target.querySelectorAll('input[data-now]');for(var i=0;i<f.length;i++)f[i].value=Date.now();" +
        "var c=e.target.getAttribute('data-confirm');if(c&&!w.confirm(c))e.preventDefault()});" +
        "if(!m||!w.fetch)return;var s=m.getAttribute('data-src'),t=(+m.getAttribute('data-every')||3)*1000;" +
        "function l(){if(b||d.hidden)return;b=1;fetch(s+(s.indexOf('?')<0?'?':'&')+'fragment=1',{cache:'no-store',credentials:'same-origin'})" +
        ".then(function(r){if(r.ok)return r.text();if(r.status==401)w.location.reload()}).then(function(x){if(x!=null)m.innerHTML=x})" +
        ".catch(function(){}).then(function(){b=0})}setInterval(l,t)})(document,window)";

    /// <summary>A section of the console, and which roles see it in the tab bar.</summary>
    private static readonly (string Path, string Name, string[] Roles)[] Sections =
    [
        ("/admin/timing", "Timing", [ConsoleRoles.Timer, ConsoleRoles.Announcer]),
        ("/admin/clock", "Clock", [ConsoleRoles.Timer, ConsoleRoles.Announcer]),
        ("/admin/gun", "Gun", [ConsoleRoles.Timer, ConsoleRoles.Announcer]),
        ("/admin/corrections", "Corrections", [ConsoleRoles.Timer, ConsoleRoles.Announcer]),
        ("/admin/meet", "Meet", [ConsoleRoles.Timer, ConsoleRoles.Announcer]),
        ("/admin/screens", "Screens", [ConsoleRoles.Timer, ConsoleRoles.Announcer]),
        ("/admin/orienteering", "Orienteering", [ConsoleRoles.Timer, ConsoleRoles.Announcer]),
        ("/admin/desk", "Desk", [ConsoleRoles.Timer, ConsoleRoles.Desk]),
        ("/admin/box", "Box", [ConsoleRoles.Timer]),
        ("/admin/media", "Images", [ConsoleRoles.Timer]),
    ];

    /// <summary>The first section a role may open: where <c>/admin</c> sends it.</summary>
    public static string HomeOf(string role) => Sections.First(s => s.Roles.Contains(role)).Path;

    /// <summary>The page head, the tab bar (for a signed-in user) and the opening of <c>main</c>.</summary>
    public static Html Page(HttpContext context, string title, string? section)
    {
        var html = new Html(16 * 1024);
        html.Add($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        html.Add($"<meta name=\"robots\" content=\"noindex\"><title>{title} · console</title>");
        html.Add($"<style>{new Markup(Layout.PhoneStyle)}</style><style>{new Markup(ConsoleStyle)}</style></head><body>");
        html.Add($"<header><a href=\"/admin\">Timer's console</a> <span class=\"s w\">{Who(context.User)}</span></header>");
        if (context.User.Identity?.IsAuthenticated == true)
        {
            var role = context.User.Role();
            html.Raw("<nav>");
            foreach (var (path, name, roles) in Sections.Where(s => s.Roles.Contains(role)))
            {
                html.Add($"<a href=\"{path}\"{new Markup(path == section ? " class=\"on\"" : "")}>{name}</a>");
            }

            html.Add($"<form method=\"post\" action=\"/admin/signout\">{Token(context)}<button class=\"alt\">Sign out</button></form></nav>");
        }

        html.Raw("<main>");
        return html;
    }

    private static string Who(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? "· " + user.Who() : "";

    /// <summary>Closes the page, with the console's script.</summary>
    public static IResult End(Html html)
    {
        html.Add($"</main><script>{new Markup(ConsoleScript)}</script></body></html>");
        return Send(html);
    }

    /// <summary>Console answers are never cached: they show what is true now, to whoever is signed in.</summary>
    public static IResult Send(Html html, int status = StatusCodes.Status200OK) =>
        new ConsoleHtml(html.ToString(), status);

    /// <summary>The anti-forgery field every console form carries.</summary>
    public static Markup Token(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return new Markup($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{Html.Encode(tokens.RequestToken)}\">");
    }

    /// <summary>A message box: what happened after a form was sent (<c>?done=</c>) or why it was refused.</summary>
    public static void Flash(Html html, HttpContext context)
    {
        if (context.Request.Query["done"].ToString() is { Length: > 0 and <= 300 } done)
        {
            html.Add($"<p class=\"good\" role=\"status\">{done}</p>");
        }
    }

    private sealed class ConsoleHtml(string text, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsync(text, context.RequestAborted);
        }
    }
}
