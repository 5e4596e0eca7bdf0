
namespace Edge.Appliance.Console;

/// <summary>Signing in with the timer's password (or the setup code), signing out, and a helper's phone pairing by QR code.</summary>
public static class ConsoleSignIn
{
    public static RouteGroupBuilder MapSignIn(this RouteGroupBuilder admin)
    {
        admin.MapGet("/signin", SignInPage).AllowAnonymous();
        admin.MapPost("/signin", SignIn).AllowAnonymous();
        admin.MapPost("/signout", SignOut).RequireAuthorization(ConsoleRoles.SignedInPolicy);
        admin.MapGet("/pair/{token}", PairPage).AllowAnonymous();
        admin.MapPost("/pair/{token}", Pair).AllowAnonymous();
        return admin;
    }

    private static IResult SignInPage(HttpContext context, ConsoleAccess access) => Form(context, access, null, StatusCodes.Status200OK);

    private static IResult Form(HttpContext context, ConsoleAccess access, string? problem, int status)
    {
        var html = ConsoleLayout.Page(context, "Sign in", null);
        html.Raw("<h1>Sign in</h1>");
        if (problem is not null)
        {
            html.Add($"<p class=\"alarm\" role=\"alert\">{problem}</p>");
        }

        var setup = access.PasswordSource == "setup code";
        html.Add($"<form method=\"post\" action=\"/admin/signin\">{ConsoleLayout.Token(context)}<input type=\"hidden\" name=\"next\" value=\"{Next(context.Request.Query["next"].ToString())}\">");
        html.Add($"<label>{(setup ? "Setup code" : "Password")}<input type=\"password\" name=\"password\" autocomplete=\"current-password\" required autofocus></label><button>Sign in</button></form>");
        if (setup)
        {
            html.Raw("<p>No password is set yet. The box prints a one-time <b>setup code</b> in its log when it starts " +
                "(<code>journalctl -u edge-appliance</code>, or the window it runs in). Sign in with it once, then set a password on the Box page.</p>");
        }

        html.Raw("<p class=\"s\">Helpers (desk, announcer) do not need the password: the timer pairs their phone with a QR code.</p>");
        html.Raw("</main></body></html>");
        return ConsoleLayout.Send(html, status);
    }

    private static async Task<IResult> SignIn(HttpContext context, ConsoleAccess access, ConsoleSessions sessions)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var usedSetupCode = access.PasswordSource == "setup code";
        switch (access.SignIn(form["password"].ToString(), address))
        {
            case SignInOutcome.Throttled:
                context.Response.Headers.RetryAfter = access.RetryAfterSeconds(address).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Form(context, access, "Too many wrong passwords from this device: wait a minute, then try again.", StatusCodes.Status429TooManyRequests);
            case SignInOutcome.Refused:
                return Form(context, access, usedSetupCode ? "That is not the setup code (each code works once: the log shows the current one)." : "Wrong password.", StatusCodes.Status401Unauthorized);
        }

        var (session, secret) = sessions.Create(ConsoleRoles.Timer, ConsoleRoles.Timer);
        ConsoleAuthentication.Issue(context.Response, secret, session);
        return TypedResults.Redirect(usedSetupCode ? "/admin/box?done=" + Uri.EscapeDataString("Signed in with the setup code: set a password below.") : Next(form["next"].ToString()));
    }

    private static IResult SignOut(HttpContext context, ConsoleSessions sessions)
    {
        sessions.Revoke(context.User.SessionId());
        ConsoleAuthentication.Clear(context.Response);
        return TypedResults.Redirect("/admin/signin");
    }

    private static IResult PairPage(HttpContext context, string token, ConsoleSessions sessions)
    {
        var html = ConsoleLayout.Page(context, "Pair this phone", null);
        if (sessions.FindPairing(token) is not { } pairing)
        {
            html.Raw("<h1>This code has expired</h1><p>Pairing codes work once, for a few minutes. Ask the timer to show a new one.</p></main></body></html>");
            return ConsoleLayout.Send(html, StatusCodes.Status404NotFound);
        }

        html.Add($"<h1>Pair this phone</h1><p>This phone will be signed in as <b>{pairing.Role}</b>{(pairing.Label.Length > 0 ? $" ({pairing.Label})" : "")}: {ConsoleRoles.Describe(pairing.Role)}.</p>");
        html.Add($"<form method=\"post\" action=\"/admin/pair/{token}\">{ConsoleLayout.Token(context)}<button>Sign this phone in</button></form></main></body></html>");
        return ConsoleLayout.Send(html);
    }

    private static IResult Pair(HttpContext context, string token, ConsoleSessions sessions)
    {
        if (sessions.Redeem(token) is not { } paired)
        {
            var html = ConsoleLayout.Page(context, "Pair this phone", null);
            html.Raw("<h1>This code has expired</h1><p>Pairing codes work once, for a few minutes. Ask the timer to show a new one.</p></main></body></html>");
            return ConsoleLayout.Send(html, StatusCodes.Status404NotFound);
        }

        ConsoleAuthentication.Issue(context.Response, paired.Secret, paired.Session);
        return TypedResults.Redirect(ConsoleLayout.HomeOf(paired.Session.Role));
    }

    /// <summary>Where to go after signing in: a console path only (never another site).</summary>
    private static string Next(string next) =>
        next.StartsWith("/admin", StringComparison.Ordinal) && !next.StartsWith("//", StringComparison.Ordinal) && !next.Contains('\\', StringComparison.Ordinal)
        && next.Length < 300 && !next.StartsWith("/admin/signin", StringComparison.Ordinal) ? next : "/admin";
}
