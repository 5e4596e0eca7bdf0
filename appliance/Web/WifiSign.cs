using System.Collections.Concurrent;
using System.Text;
using Edge.Appliance.Meet;
using QRCoder;

namespace Edge.Appliance.Web;

/// <summary>
/// <c>/sign</c>: the printable sign for the venue. One QR code joins the hotspot (the <c>WIFI:</c> format phones'
/// cameras understand), one opens the results; the network name, password and address are printed large for
/// people who type. The codes are also served alone as PNG (<c>/sign/wifi.png</c>, <c>/sign/results.png</c>).
/// </summary>
public static class WifiSign
{
    /// <summary>The sign's stylesheet; a constant, so the Content-Security-Policy can name it by hash.</summary>
    public const string SignStyle =
        "@page{size:auto;margin:12mm}*{box-sizing:border-box}body{margin:0;padding:4vw;font:18px/1.3 system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;color:#000;background:#fff;text-align:center}" +
            "h1{font-size:44px;margin:0 0 4px}h2{font-size:30px;margin:0 0 8px}.lead{font-size:24px;margin:0 0 20px}" +
            ".steps{display:flex;flex-wrap:wrap;gap:24px;justify-content:center}.step{flex:1 1 300px;min-width:0;border:4px solid #000;border-radius:16px;padding:16px;break-inside:avoid}" +
            "img{width:100%;max-width:300px;height:auto;image-rendering:pixelated}.k{font-size:18px;text-transform:uppercase;letter-spacing:.05em;margin:12px 0 0}" +
            ".v{font-size:36px;font-weight:800;word-break:break-all;margin:0}.v.a{font-size:min(36px,7vw);word-break:normal}.a span{white-space:nowrap}" +
            ".none{font-size:20px;margin:12px 0 0}.f{margin-top:20px;font-size:16px}" +
            "@media screen and (max-width:600px){body{padding:12px}h1{font-size:28px}.lead{font-size:17px;margin:0 0 12px}" +
            ".steps{gap:12px}.step{padding:8px 10px;border-width:3px}h2{font-size:22px;margin:0 0 4px}img{max-width:150px}" +
            ".k{font-size:14px;margin:6px 0 0}.v{font-size:26px}.v.a{font-size:min(26px,6.5vw)}.f{margin-top:10px;font-size:14px}}";

    private const int PixelsPerModule = 12;

    private static readonly ConcurrentDictionary<string, byte[]> Codes = new(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapWifiSign(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sign", Sign);
        app.MapGet("/sign/wifi.png", (MeetHost meetHost) =>
            meetHost.Current.Wifi is { } wifi
                ? Png(WifiPayload(wifi))
                : throw new NotFoundException("No Wi-Fi network is set in meet.json (wifi.ssid), so there is no code to join it."));
        app.MapGet("/sign/results.png", (HttpContext context, MeetHost meetHost) =>
            ResultsUrl(context, meetHost.Current) is { } url
                ? Png(url)
                : throw new NotFoundException(NoAddress));
        return app;
    }

    /// <summary>The text a phone camera reads to join the network: <c>WIFI:T:WPA;S:name;P:password;;</c>.</summary>
    public static string WifiPayload(WifiSettings wifi)
    {
        var text = new StringBuilder("WIFI:T:").Append(wifi.Security == "nopass" ? "nopass" : wifi.Security).Append(";S:").Append(Escape(wifi.Ssid)).Append(';');
        if (wifi.Security != "nopass")
        {
            text.Append("P:").Append(Escape(wifi.Password)).Append(';');
        }

        return text.Append(';').ToString();
    }

    /// <summary>The WIFI: format's escaping: a backslash before \ ; , : and ".</summary>
    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '\\' or ';' or ',' or ':' or '"')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    /// <summary>What the sign says instead of an address when the box has none that phones can reach.</summary>
    public const string NoAddress =
        "This box has no network address phones can reach (it serves only this computer, or has no network). " +
        "Set wifi.resultsUrl in meet.json, or open this sign at the box's network address.";

    /// <summary>
    /// The results address printed on the sign: meet.json's <c>wifi.resultsUrl</c>, else the box's address as phones
    /// reach it (<see cref="BoxAddress.ForPhones"/>; never loopback); null when there is none.
    /// </summary>
    public static string? ResultsUrl(HttpContext context, Meet.Meet meet) => meet.Wifi?.ResultsUrl ?? BoxAddress.ForPhones(context);

    /// <summary>
    /// An address as text that wraps only between its parts (after <c>//</c>, before the port, before the path), never
    /// inside the host: a broken IP address is read as two.
    /// </summary>
    public static void Address(Html html, string url)
    {
        var scheme = url.IndexOf("//", StringComparison.Ordinal) is var s and >= 0 ? s + 2 : 0;
        var path = url.IndexOf('/', scheme) is var p and >= 0 ? p : url.Length;
        var authority = url[scheme..path];
        var colon = authority.LastIndexOf(':');
        var port = colon > authority.LastIndexOf(']') ? colon : authority.Length;
        html.Add($"<span>{url[..scheme]}</span><wbr><span>{authority[..port]}</span>");
        if (port < authority.Length)
        {
            html.Add($"<wbr><span>{authority[port..]}</span>");
        }

        if (path < url.Length)
        {
            html.Add($"<wbr><span>{url[path..]}</span>");
        }
    }

    public static byte[] QrPng(string text) => Codes.GetOrAdd(text, static t =>
    {
        if (Codes.Count > 64)
        {
            Codes.Clear();
        }

        using var data = QRCodeGenerator.GenerateQrCode(t, QRCodeGenerator.ECCLevel.M);
        using var png = new PngByteQRCode(data);
        return png.GetGraphic(PixelsPerModule);
    });

    private static IResult Png(string text) =>
        Microsoft.AspNetCore.Http.Results.Bytes(QrPng(text), "image/png");

    private static Task Sign(HttpContext context, MeetHost meetHost)
    {
        var meet = meetHost.Current;
        var wifi = meet.Wifi;
        var url = ResultsUrl(context, meet);
        var html = new Html(4096);
        html.Add($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Live results · {meet.Event.Name}</title>");
        html.Raw($"<style>{SignStyle}</style></head><body>");
        html.Add($"<h1>{meet.Event.Name}</h1><p class=\"lead\">Live results on your phone: no app, no internet needed.</p><div class=\"steps\">");
        if (wifi is not null)
        {
            html.Add($"<div class=\"step\"><h2>1 · Join the Wi-Fi</h2><img src=\"/sign/wifi.png\" alt=\"QR code to join the Wi-Fi network {wifi.Ssid}\">");
            html.Add($"<p class=\"k\">Network</p><p class=\"v\">{wifi.Ssid}</p>");
            if (wifi.Security != "nopass")
            {
                html.Add($"<p class=\"k\">Password</p><p class=\"v\">{wifi.Password}</p>");
            }

            html.Raw("</div>");
        }

        html.Add($"<div class=\"step\"><h2>{(wifi is null ? "" : "2 · ")}Open the results</h2>");
        if (url is null)
        {
            html.Add($"<p class=\"none\">{NoAddress}</p></div></div>");
        }
        else
        {
            html.Add($"<img src=\"/sign/results.png\" alt=\"QR code for {url}\"><p class=\"k\">Address</p><p class=\"v a\">");
            Address(html, url);
            html.Raw("</p></div></div>");
        }

        html.Raw("<p class=\"f\">Point your phone's camera at a code. On an iPhone the results open in a small sign-in window: to keep following, open the address in Safari.</p></body></html>");
        return CachedPage.FromHtml(meet, html).WriteAsync(context);
    }
}
