using System.Collections.Concurrent;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Appliance.Web;

/// <summary>
/// A rendered response, kept plain and gzipped. A page is rendered once per state of what it shows (a race's
/// results, a snapshot), not once per request: hundreds of phones refreshing the same race cost one render.
/// </summary>
public sealed class CachedPage
{
    private static readonly ConditionalWeakTable<object, StrongBox<long>> Ids = [];
    private static long _lastId;

    public CachedPage(object dependency, byte[] body, string contentType, int pages = 0)
    {
        DependencyId = IdOf(dependency);
        Body = body;
        ContentType = contentType;
        Pages = pages;
        using var compressed = new MemoryStream(body.Length / 4 + 64);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        Gzip = compressed.ToArray();
        // Weak: the same content is sent plain or gzipped. A hash of the content, so an unchanged page keeps its
        // tag across new snapshots and restarts, and a phone's or the sync agent's revalidation costs no body.
        ETag = $"W/\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12))}\"";
    }

    /// <summary>
    /// Which object the page was rendered from (a snapshot, a race's results); a different one means the page is
    /// stale. Only an id is kept, so a cached page never keeps old results alive.
    /// </summary>
    public long DependencyId { get; }

    /// <summary>A number for the object, the same for as long as the object lives and never reused.</summary>
    public static long IdOf(object dependency) =>
        Ids.GetValue(dependency, static _ => new StrongBox<long>(Interlocked.Increment(ref _lastId))).Value;

    public byte[] Body { get; }

    public byte[] Gzip { get; }

    /// <summary>The page's entity tag; a request whose If-None-Match names it is answered 304 without a body.</summary>
    public string ETag { get; }

    public string ContentType { get; }

    /// <summary>For displays that cycle through pages: how many there are now (0 when the page does not cycle).</summary>
    public int Pages { get; }

    public static CachedPage FromHtml(object dependency, Html html, int pages = 0) =>
        new(dependency, html.ToUtf8(), "text/html; charset=utf-8", pages);

    public static CachedPage FromText(object dependency, string text, string contentType) =>
        new(dependency, Encoding.UTF8.GetBytes(text), contentType);

    /// <summary>Writes the page, gzipped when the client accepts it (the compression middleware then leaves it alone).</summary>
    public Task WriteAsync(HttpContext context, int statusCode = StatusCodes.Status200OK)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers.Vary = "Accept-Encoding";
        if (Pages > 0)
        {
            response.Headers["X-Pages"] = Pages.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (statusCode == StatusCodes.Status200OK)
        {
            response.Headers.ETag = ETag;
            if (Matches(context.Request.Headers.IfNoneMatch.ToString(), ETag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }
        }

        var body = Body;
        if (AcceptsGzip(context.Request.Headers.AcceptEncoding.ToString()))
        {
            response.Headers.ContentEncoding = "gzip";
            body = Gzip;
        }

        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>True when an If-None-Match header names <paramref name="etag"/> (weak comparison) or is <c>*</c>.</summary>
    public static bool Matches(string ifNoneMatch, string etag)
    {
        var opaque = etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag;
        foreach (var part in ifNoneMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*" || (part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part) == opaque)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the Accept-Encoding header lists gzip (or *) without q=0.</summary>
    public static bool AcceptsGzip(string acceptEncoding)
    {
        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var semicolon = part.IndexOf(';', StringComparison.Ordinal);
            var coding = semicolon < 0 ? part : part[..semicolon].Trim();
            if (!coding.Equals("gzip", StringComparison.OrdinalIgnoreCase) && coding != "*")
            {
                continue;
            }

            var parameters = semicolon < 0 ? "" : part[(semicolon + 1)..].Replace(" ", "", StringComparison.Ordinal);
            return !(parameters.StartsWith("q=0", StringComparison.OrdinalIgnoreCase) && !parameters.AsSpan(3).ContainsAnyInRange('1', '9'));
        }

        return false;
    }
}

/// <summary>Rendered pages by a key made of the page's parsed, bounded parameters; bounded in size.</summary>
public sealed class PageCache
{
    /// <summary>More keys than this and the cache starts over: a few thousand pages are what a Pi can hold and a meet needs.</summary>
    public const int MaxEntries = 4_096;

    private readonly ConcurrentDictionary<string, Entry> _pages = new(StringComparer.Ordinal);

    public int Count => _pages.Count;

    /// <summary>
    /// The cached page when it was rendered from <paramref name="dependency"/>; otherwise renders and keeps it. One
    /// render per key and dependency: fifty screens asking for a new fragment at the same moment wait for the first.
    /// </summary>
    public CachedPage Get(string key, object dependency, Func<CachedPage> render)
    {
        var id = CachedPage.IdOf(dependency);
        if (_pages.TryGetValue(key, out var entry) && entry.DependencyId == id)
        {
            return entry.Page.Value;
        }

        if (_pages.Count >= MaxEntries)
        {
            _pages.Clear();
        }

        var fresh = new Entry(id, new Lazy<CachedPage>(render, LazyThreadSafetyMode.ExecutionAndPublication));
        // Another request may have put this dependency's render in first: use that one.
        var kept = _pages.AddOrUpdate(key, fresh, (_, existing) => existing.DependencyId == id ? existing : fresh);
        try
        {
            return kept.Page.Value;
        }
        catch
        {
            // A render that threw is not kept (a Lazy caches its exception): the next request renders again.
            _pages.TryRemove(new KeyValuePair<string, Entry>(key, kept));
            throw;
        }
    }

    private sealed record Entry(long DependencyId, Lazy<CachedPage> Page);
}
