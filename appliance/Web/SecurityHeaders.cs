using System.Security.Cryptography;
using System.Text;

namespace Edge.Appliance.Web;

/// <summary>
/// Headers on every answer: a Content-Security-Policy that allows only the box's own inline style sheets and live
/// script, named by hash, and style sheets served by the box (a display template's colours, <c>/d/{id}/style.css</c>) (nothing external, no injected script or style can run), and the usual hardening headers.
/// Only displays may be framed, and only by the box's own pages.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The policy; every inline block the pages carry is a constant and is listed by its SHA-256.</summary>
    public static string Policy { get; } = PolicyFramedBy("'none'");

    /// <summary>
    /// A display's policy: the same, but the box's own pages may frame it (the console's live previews of each
    /// screen); nobody else's.
    /// </summary>
    public static string DisplayPolicy { get; } = PolicyFramedBy("'self'");

    private static string PolicyFramedBy(string ancestors) =>
        "default-src 'none'; " +
        $"style-src 'self' {Hash(Layout.PhoneStyle)} {Hash(Layout.DisplayStyle)} {Hash(WifiSign.SignStyle)} {Hash(Console.ConsoleLayout.ConsoleStyle)}; " +
        $"script-src {Hash(Layout.LiveScript)} {Hash(Layout.ScreenScript)} {Hash(Console.ConsoleLayout.ConsoleScript)}; " +
        $"img-src 'self'; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}";

    public static Task Apply(HttpContext context, RequestDelegate next)
    {
        Set(context.Response.Headers, framable: context.Request.Path.StartsWithSegments("/d", StringComparison.Ordinal));
        return next(context);
    }

    /// <summary>Sets the headers on an answer (again, after something cleared the response).</summary>
    public static void Set(IHeaderDictionary headers, bool framable = false)
    {
        headers.ContentSecurityPolicy = framable ? DisplayPolicy : Policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = framable ? "SAMEORIGIN" : "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
    }

    /// <summary>A CSP source for an inline block: <c>'sha256-…'</c> of its exact text.</summary>
    public static string Hash(string block) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(block)))}'";
}
