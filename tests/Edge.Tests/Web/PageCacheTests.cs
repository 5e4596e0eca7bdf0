using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using Edge.Appliance.Web;

namespace Edge.Tests.Web;

public class PageCacheTests
{
    [Fact]
    public void A_page_is_rendered_once_per_state_of_what_it_shows()
    {
        var cache = new PageCache();
        var renders = 0;
        CachedPage Render(object from) => CachedPage.FromText(from, $"page {++renders}", "text/plain");
        var first = new object();
        var second = new object();

        var a = cache.Get("race|10k", first, () => Render(first));
        Assert.Same(a, cache.Get("race|10k", first, () => Render(first)));
        var b = cache.Get("race|10k", second, () => Render(second));
        Assert.NotSame(a, b);
        Assert.Equal(2, renders);
        Assert.Equal("page 2", Encoding.UTF8.GetString(b.Body));
        using var gzip = new GZipStream(new MemoryStream(b.Gzip), CompressionMode.Decompress);
        Assert.Equal("page 2", new StreamReader(gzip).ReadToEnd());
    }

    [Fact]
    public void The_etag_follows_the_content_not_the_snapshot()
    {
        var a = CachedPage.FromText(new object(), "[1,2,3]", "application/json");
        var b = CachedPage.FromText(new object(), "[1,2,3]", "application/json");
        var c = CachedPage.FromText(new object(), "[1,2,4]", "application/json");
        Assert.Equal(a.ETag, b.ETag);
        Assert.NotEqual(a.ETag, c.ETag);
        Assert.Matches("^W/\"[0-9a-f]{24}\"$", a.ETag);
    }

    [Theory]
    [InlineData("W/\"abc\"", true)]
    [InlineData("\"abc\"", true)]
    [InlineData("\"x\", W/\"abc\"", true)]
    [InlineData("*", true)]
    [InlineData("\"abcd\"", false)]
    [InlineData("", false)]
    public void If_none_match_compares_weakly_and_accepts_lists(string header, bool matches) =>
        Assert.Equal(matches, CachedPage.Matches(header, "W/\"abc\""));

    [Fact]
    public void A_cached_page_does_not_keep_the_results_it_was_rendered_from_alive()
    {
        var cache = new PageCache();
        var results = CacheFromGarbage(cache);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(results.TryGetTarget(out _), "the cache holds on to old results");
        Assert.Equal(1, cache.Count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<object> CacheFromGarbage(PageCache cache)
    {
        var results = new byte[1 << 20];
        cache.Get("race|10k", results, () => CachedPage.FromText(results, "page", "text/plain"));
        return new WeakReference<object>(results);
    }
}
