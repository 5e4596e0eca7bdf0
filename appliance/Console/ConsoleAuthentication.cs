using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Console;

/// <summary>
/// Console sign-in by cookie: the cookie holds a random secret that <see cref="ConsoleSessions"/> knows (hashed),
/// so a revoked or expired session is anonymous on its very next request. HttpOnly, SameSite=Strict: a page on
/// another site can neither read it nor send it.
/// </summary>
public sealed class ConsoleAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ConsoleSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "console";
    public const string CookieName = "edge-console";

    /// <summary>Claim types on a console principal.</summary>
    public const string SessionClaim = "edge.session";
    public const string LabelClaim = "edge.label";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var secret))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (sessions.Find(secret) is not { } session)
        {
            return Task.FromResult(AuthenticateResult.Fail("The console session is unknown, revoked or expired."));
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Role, session.Role),
                new Claim(ClaimTypes.Name, session.Label),
                new Claim(SessionClaim, session.Id),
            ],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>Console pages send the browser to the sign-in page; posts and data (exports, JSON) answer 401.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!Request.Path.StartsWithSegments("/admin", StringComparison.Ordinal) || Request.Path.StartsWithSegments("/admin/api", StringComparison.Ordinal)
            || !HttpMethods.IsGet(Request.Method))
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Response.WriteAsync("Sign in to the console first.\n");
        }

        Response.Redirect("/admin/signin?next=" + Uri.EscapeDataString(Request.Path + Request.QueryString));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.ContentType = "text/plain; charset=utf-8";
        return Response.WriteAsync("This device's role may not do that. Ask the timer.\n");
    }

    /// <summary>Writes the session cookie (path <c>/</c>: the results exports behind sign-in need it too).</summary>
    public static void Issue(HttpResponse response, string secret, ConsoleSession session) =>
        response.Cookies.Append(CookieName, secret, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = response.HttpContext.Request.IsHttps,
            Path = "/",
            Expires = DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresMs),
            IsEssential = true,
        });

    public static void Clear(HttpResponse response) => response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
}

/// <summary>Who is signed in, as the console shows and records it.</summary>
public static class ConsoleUser
{
    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? "";

    public static string SessionId(this ClaimsPrincipal user) => user.FindFirstValue(ConsoleAuthentication.SessionClaim) ?? "";

    /// <summary>"timer" or "desk (Desk 2)": what a correction's <c>by</c> records.</summary>
    public static string Who(this ClaimsPrincipal user)
    {
        var label = user.FindFirstValue(ClaimTypes.Name) ?? "";
        var role = user.Role();
        return label.Length == 0 || label == role ? role : $"{role} ({label})";
    }
}
