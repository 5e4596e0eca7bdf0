using System.Globalization;
using Edge.Appliance.Results;
using Edge.Appliance.Store;
using Edge.Appliance.Web;

namespace Edge.Appliance.Console;

/// <summary>The box itself: storage, memory, clock source, sync, backup, the console's password and its signed-in devices.</summary>
public static class ConsoleBox
{
    public static RouteGroupBuilder MapBoxPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/box", Box).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapPost("/box/password", SetPassword).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapPost("/box/pair", CreatePairing).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapGet("/box/pair/{token}.png", PairingCode).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapPost("/box/revoke", Revoke).RequireAuthorization(ConsoleRoles.TimerPolicy);
        admin.MapGet("/box/backup", Backup).RequireAuthorization(ConsoleRoles.TimerPolicy);
        return admin;
    }

    private static IResult Box(HttpContext context, ReadStore store, ConsoleAccess access, ConsoleSessions sessions, ResultsService results, Edge.Appliance.Ingest.TimeSourceProbe probe, TimeProvider time)
    {
        var html = ConsoleLayout.Page(context, "Box", "/admin/box");
        html.Raw("<h1>The box</h1>");
        ConsoleLayout.Flash(html, context);
        var dataDir = Path.GetDirectoryName(store.DatabasePath)!;
        var facts = BoxFacts.Read(dataDir, store.DatabasePath, probe.IsSynchronized());
        html.Raw("<table class=\"kv\">");
        html.Add($"<tr><td>Storage</td><td>{Bytes(facts.DatabaseBytes)} used by the log; {Bytes(facts.FreeBytes)} free of {Bytes(facts.TotalBytes)}</td></tr>");
        if (facts.FreeBytes is < 200L * 1024 * 1024)
        {
            html.Raw("<tr><td colspan=\"2\"><p class=\"alarm\">Storage is nearly full: the box keeps every read it has, but cannot take new ones once it is full.</p></td></tr>");
        }

        html.Add($"<tr><td>Up</td><td>{Duration(facts.SystemUptime)} (this program {Duration(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime)})</td></tr>");
        html.Add($"<tr><td>Clock</td><td>{time.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC · {facts.TimeSource}</td></tr>");
        html.Add($"<tr><td>Memory</td><td>{Bytes(Environment.WorkingSet)} used by the box; {Bytes(facts.MemoryAvailableBytes)} available</td></tr>");
        html.Add($"<tr><td>Store</td><td>{store.Health.State}{(store.Health.Problem is { } p ? ": " + p : "")} · {store.Reads} reads, entry {store.LastId}</td></tr>");
        html.Add($"<tr><td>Results</td><td>through entry {results.Current.LastLogId}</td></tr></table>");

        html.Raw("<h2>Sync</h2>");
        if (SyncStatusReader.Read(dataDir) is not { } sync)
        {
            html.Raw("<p>No sync agent has reported on this box.</p>");
        }
        else
        {
            var done = sync.LastLogId <= 0 ? 100 : (int)Math.Clamp(sync.Watermark * 100 / sync.LastLogId, 0, 100);
            html.Add($"<p>{(sync.Running ? sync.State : "not running")} · {sync.Broker} · {sync.Pending} entries waiting</p>");
            html.Add($"<svg viewBox=\"0 0 100 6\" role=\"progressbar\" aria-valuenow=\"{done}\" aria-valuemin=\"0\" aria-valuemax=\"100\"><rect width=\"{done}\" height=\"6\" fill=\"#0033a0\"/></svg>");
            html.Add($"<p class=\"s\">{done}% sent (entry {sync.Watermark} of {sync.LastLogId}){(sync.LastError is { } error ? " · last error: " + error : "")}</p>");
        }

        html.Add($"<h2>Backup</h2><p><a href=\"/admin/box/backup\" download>Download a backup</a> <span class=\"s\">(the database as of now, copied while timing goes on, and the meet folder)</span></p>");

        var token = ConsoleLayout.Token(context);
        html.Raw("<h2>Add a helper's phone</h2>");
        html.Add($"<form class=\"row\" method=\"post\" action=\"/admin/box/pair\">{token}<label>Role<select name=\"role\"><option value=\"desk\">desk (packet pick-up)</option><option value=\"announcer\">announcer (read-only)</option><option value=\"timer\">timer (everything)</option></select></label>");
        html.Raw("<label>Name<input name=\"label\" maxlength=\"40\" placeholder=\"Desk 1\"></label><button>Show a QR code</button></form>");

        html.Raw("<h2>Signed-in devices</h2><table><tr><th>Device</th><th>Since</th><th></th></tr>");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var mine = context.User.SessionId();
        foreach (var s in sessions.List().Where(s => s.IsActive(now)))
        {
            html.Add($"<tr><td>{s.Role}{(s.Label.Length > 0 && s.Label != s.Role ? $" ({s.Label})" : "")}{(s.Id == mine ? " · this device" : "")}</td><td class=\"s\">{DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedMs):HH:mm} UTC</td><td>");
            html.Add($"<form method=\"post\" action=\"/admin/box/revoke\">{token}<input type=\"hidden\" name=\"id\" value=\"{s.Id}\"><button class=\"alt\">Revoke</button></form></td></tr>");
        }

        html.Raw("</table>");
        html.Raw("<h2 id=\"password\">Console password</h2>");
        if (access.PasswordFromMeetFolder)
        {
            html.Raw("<p>The meet folder sets the password (<code>console.passwordHash</code>); change it there.</p>");
        }
        else
        {
            html.Add($"<p class=\"s\">Now: {access.PasswordSource}.</p><form class=\"row\" method=\"post\" action=\"/admin/box/password\">{token}");
            html.Raw("<label>New password (10 characters or more)<input type=\"password\" name=\"password\" autocomplete=\"new-password\" minlength=\"10\" required></label><button>Set password</button></form>");
        }

        return ConsoleLayout.End(html);
    }

    private static async Task<IResult> SetPassword(HttpContext context, ConsoleAccess access)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        return await ConsolePages.Do(context, "/admin/box", () =>
        {
            var password = form["password"].ToString();
            if (ConsoleAccess.PasswordProblem(password) is { } problem)
            {
                throw new CorrectionException(problem);
            }

            try
            {
                access.SetPassword(password);
            }
            catch (InvalidOperationException e)
            {
                throw new CorrectionException(e.Message);
            }

            return Task.FromResult("The console password is set. The setup code no longer works.");
        });
    }

    private static async Task<IResult> CreatePairing(HttpContext context, ConsoleSessions sessions)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var role = form["role"].ToString();
        if (!ConsoleRoles.All.Contains(role))
        {
            return TypedResults.Text($"'{role}' is not a role.\n", statusCode: StatusCodes.Status400BadRequest);
        }

        var token = sessions.CreatePairing(role, form["label"].ToString());
        var url = PairingUrl(context, token);
        var html = ConsoleLayout.Page(context, "Pair a phone", "/admin/box");
        html.Add($"<h1>Scan with the helper's phone</h1><p>Signs that phone in as <b>{role}</b>: {ConsoleRoles.Describe(role)}. Works once, for a few minutes.</p>");
        html.Add($"<img class=\"qr\" src=\"/admin/box/pair/{token}.png\" alt=\"QR code to pair a phone\"><p class=\"s\">Or open {url} on that phone.</p><p><a href=\"/admin/box\">Done</a></p>");
        return ConsoleLayout.End(html);
    }

    private static IResult PairingCode(HttpContext context, string token, ConsoleSessions sessions)
    {
        if (sessions.FindPairing(token) is null)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Bytes(WifiSign.QrPng(PairingUrl(context, token)), "image/png");
    }

    private static string PairingUrl(HttpContext context, string token) => $"{BoxAddress.Home(context).TrimEnd('/')}/admin/pair/{token}";

    private static async Task<IResult> Revoke(HttpContext context, ConsoleSessions sessions)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var id = form["id"].ToString();
        var self = id == context.User.SessionId();
        if (!sessions.Revoke(id))
        {
            return TypedResults.Redirect("/admin/box?done=" + Uri.EscapeDataString("That device was signed out already."));
        }

        return TypedResults.Redirect(self ? "/admin/signin" : "/admin/box?done=" + Uri.EscapeDataString("Device signed out."));
    }

    /// <summary>A consistent copy of the database, taken while ingest runs, and the meet folder, as one zip.</summary>
    private static async Task Backup(HttpContext context, BoxBackup backup)
    {
        context.Response.ContentType = "application/zip";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{backup.DownloadName()}\"";
        await backup.WriteZipAsync(context.Response.Body, context.RequestAborted);
    }

    internal static string Bytes(long? bytes) => bytes switch
    {
        null => "unknown",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GB"),
    };

    internal static string Duration(TimeSpan? t) => t is not { } d ? "unknown" : d.TotalDays >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalDays} d {d.Hours} h")
        : string.Create(CultureInfo.InvariantCulture, $"{d.Hours} h {d.Minutes} min");
}

/// <summary>What the box's operating system says about its storage, memory, uptime and clock.</summary>
public sealed record BoxFacts(long? DatabaseBytes, long? FreeBytes, long? TotalBytes, long? MemoryAvailableBytes, TimeSpan? SystemUptime, string TimeSource)
{
    public static BoxFacts Read(string dataDir, string databasePath, bool? synchronized)
    {
        long? db = null, free = null, total = null;
        try
        {
            db = new[] { databasePath, databasePath + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
            var drive = new DriveInfo(Path.GetFullPath(dataDir));
            (free, total) = (drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Unknown is shown as unknown.
        }

        return new BoxFacts(db, free, total, MemAvailable(), Uptime(), synchronized switch
        {
            true => "synchronised to a time source",
            false => "no time source (set it on the Clock page)",
            null => "time source unknown",
        });
    }

    private static long? MemAvailable()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static TimeSpan? Uptime()
    {
        try
        {
            var first = File.ReadAllText("/proc/uptime").Split(' ')[0];
            return TimeSpan.FromSeconds(double.Parse(first, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
