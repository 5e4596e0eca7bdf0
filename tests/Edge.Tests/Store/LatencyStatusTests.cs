using System.Text.Json;
using Edge.Appliance.Store;
using Edge.Appliance.Web;

namespace Edge.Tests.Store;

/// <summary>A commit slower than the histogram's largest bound must not break <c>/api/status</c> (JSON has no infinity).</summary>
public class LatencyStatusTests
{
    [Fact]
    public void A_commit_slower_than_every_bound_reads_as_null_and_the_status_still_serialises()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(TimeSpan.FromMilliseconds(2));
        histogram.Record(TimeSpan.FromSeconds(6));
        var status = StatusApi.LatencyStatus.Of(histogram.Snapshot());
        Assert.Equal(2, status.P50Ms);
        Assert.Null(status.P99Ms);

        var json = JsonSerializer.Serialize(status, JsonSerializerOptions.Web);
        Assert.Contains("\"p99Ms\":null", json, StringComparison.Ordinal);
        Assert.Equal(2, status.Count);
    }
}
