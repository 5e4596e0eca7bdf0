using Edge.Online.Http;

namespace Edge.Online.Tests.Http;

/// <summary>Retry-After as RFC 9110 writes it: delta-seconds or an HTTP date.</summary>
public class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 2, 14, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("3", 3)]
    [InlineData(" 120 ", 120)]
    [InlineData("0", 0)]
    [InlineData("Sat, 02 May 2026 14:00:07 GMT", 7)]
    [InlineData("Sat, 02 May 2026 13:59:00 GMT", 0)]
    public void The_wait_asked_for(string header, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Parse(header, Now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public void Nothing_readable_is_no_wait_asked_for(string? header) => Assert.Null(RetryAfter.Parse(header, Now));

    [Fact]
    public void Backoff_doubles_from_the_first_wait_up_to_its_cap()
    {
        var policy = new CallPolicy { FirstBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(10) };

        Assert.Equal([1, 2, 4, 8, 10, 10], Enumerable.Range(1, 6).Select(a => policy.Backoff(a).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.Backoff(1000));
    }
}
