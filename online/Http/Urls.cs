namespace Edge.Online.Http;

/// <summary>Request URLs: a configurable base (the service, or a stand-in in tests) and a path below it with a query.</summary>
internal static class Urls
{
    public static Uri Combine(Uri baseUrl, string path, IEnumerable<(string Name, string Value)> query)
    {
        // Without a trailing slash the base's last segment would be replaced ("/Rest" + "race/1" = "/race/1").
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        return new Uri(root, path + "?" + string.Join("&", query.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}")));
    }
}
