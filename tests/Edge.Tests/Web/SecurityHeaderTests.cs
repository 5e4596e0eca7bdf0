using System.Text.RegularExpressions;
using Edge.Appliance.Web;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>Every page runs under a policy that allows only the box's own inline blocks, by hash.</summary>
public partial class SecurityHeaderTests
{
    [Fact]
    public async Task Every_inline_block_on_every_page_is_allowed_by_hash_and_nothing_else_is_inline()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        string[] pages = ["/", "/races/10k", "/search?q=a", "/participants/101", "/finishers", "/sign",
            $"/d/{TestMeet.FinishDisplay}", $"/d/{TestMeet.LeaderDisplay}", $"/d/{TestMeet.OnCourseDisplay}", $"/d/{TestMeet.AnnouncerDisplay}"];
        foreach (var page in pages)
        {
            using var response = await box.Http.GetAsync(page);
            response.EnsureSuccessStatusCode();
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            // Only a display may be framed, and only by the box's own pages (the console's previews).
            var display = page.StartsWith("/d/", StringComparison.Ordinal);
            Assert.Equal(display ? SecurityHeaders.DisplayPolicy : SecurityHeaders.Policy, policy);
            Assert.EndsWith(display ? "frame-ancestors 'self'" : "frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal(display ? "SAMEORIGIN" : "DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            var html = await response.Content.ReadAsStringAsync();
            foreach (Match block in InlineBlock().Matches(html))
            {
                var kind = block.Groups[1].Value == "script" ? "script-src" : "style-src";
                var sources = policy.Split(';').Single(d => d.Trim().StartsWith(kind, StringComparison.Ordinal));
                Assert.True(sources.Contains(SecurityHeaders.Hash(block.Groups[2].Value), StringComparison.Ordinal), $"{page}: an inline {block.Groups[1].Value} not in the policy");
            }

            Assert.DoesNotMatch(InlineAttribute(), html);
        }
    }

    [GeneratedRegex("<(script|style)>(.*?)</\\1>", RegexOptions.Singleline)]
    private static partial Regex InlineBlock();

    [GeneratedRegex("\\s(style|on[a-z]+)=\"", RegexOptions.IgnoreCase)]
    private static partial Regex InlineAttribute();
}
