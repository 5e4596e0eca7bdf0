using System.Globalization;
using System.Net;
using System.Text;
using Edge.Cloud.Intake;
using Npgsql;

namespace Edge.Cloud.Boxes;

/// <summary>One box as the cloud knows it: what has landed, what is missing, and what the box last said of itself.</summary>
public sealed record BoxState(
    string Device,
    int Epoch,
    long Watermark,
    long Highest,
    long Entries,
    long Repeats,
    long Batches,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<GapRange> Gaps,
    string? ReportedState,
    DateTimeOffset? ReportedAt,
    long? ReportedWatermark,
    long? ReportedLastId,
    long? ReportedPending)
{
    /// <summary>Entries the box says it has that have not landed here: still on their way, or behind a gap.</summary>
    public long? Behind => ReportedLastId is { } last ? Math.Max(0, last - Watermark) : null;

    public long Missing => Gaps.Sum(g => g.Last - g.First + 1);
}

public sealed record GapRange(long First, long Last, DateTimeOffset Noticed);

/// <summary>This instance's own state: its connection and running totals.</summary>
public sealed record InstanceState(string InstanceId, bool Connected, long Connects, long Messages, long Batches, long Entries, long Repeats,
    long Held, long AheadWaits, long Gaps, long Rejected, long DatabaseErrors, long Dropped);

/// <summary><c>/api/boxes</c>, the status page <c>/</c>, <c>/metrics</c> (Prometheus text) and <c>/healthz</c>.</summary>
public static class BoxStatusApi
{
    public static IEndpointRouteBuilder MapBoxStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/boxes", async (NpgsqlDataSource db, CancellationToken cancel) => Results.Ok(await BoxesAsync(db, cancel)));
        app.MapGet("/api/instance", (IntakeCounters counters, Microsoft.Extensions.Options.IOptions<CloudOptions> options) =>
            Results.Ok(Instance(counters, options.Value)));
        app.MapGet("/healthz", async (IntakeCounters counters, NpgsqlDataSource db, CancellationToken cancel) =>
        {
            var problems = new List<string>();
            if (!counters.Connected)
            {
                problems.Add("not connected to the broker");
            }

            try
            {
                await using var ping = db.CreateCommand("SELECT 1");
                await ping.ExecuteScalarAsync(cancel);
            }
            catch (NpgsqlException e)
            {
                problems.Add("database: " + e.Message);
            }

            return problems.Count == 0 ? Results.Text("ok\n") : Results.Text(string.Join("\n", problems) + "\n", statusCode: 503);
        });
        app.MapGet("/metrics", async (NpgsqlDataSource db, IntakeCounters counters, Microsoft.Extensions.Options.IOptions<CloudOptions> options,
            CancellationToken cancel) => Results.Text(Metrics(await BoxesAsync(db, cancel), Instance(counters, options.Value)), "text/plain; version=0.0.4"));
        app.MapGet("/", async (NpgsqlDataSource db, IntakeCounters counters, Microsoft.Extensions.Options.IOptions<CloudOptions> options,
            CancellationToken cancel) => Results.Content(Page(await BoxesAsync(db, cancel), Instance(counters, options.Value)), "text/html; charset=utf-8"));
        return app;
    }

    public static InstanceState Instance(IntakeCounters c, CloudOptions options) =>
        new(options.InstanceId, c.Connected, c.Connects, c.Messages, c.Batches, c.Entries, c.Repeats, c.Held, c.AheadWaits, c.Gaps, c.Rejected,
            c.DatabaseErrors, c.Dropped);

    public static async Task<IReadOnlyList<BoxState>> BoxesAsync(NpgsqlDataSource db, CancellationToken cancel)
    {
        var gaps = new Dictionary<string, List<GapRange>>(StringComparer.Ordinal);
        await using (var command = db.CreateCommand(
            "SELECT g.device, g.first_id, g.last_id, g.noticed FROM box_gaps g JOIN boxes b ON b.device = g.device AND b.epoch = g.epoch ORDER BY 1, 2"))
        await using (var reader = await command.ExecuteReaderAsync(cancel))
        {
            while (await reader.ReadAsync(cancel))
            {
                var device = reader.GetString(0);
                if (!gaps.TryGetValue(device, out var list))
                {
                    gaps[device] = list = [];
                }

                list.Add(new GapRange(reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }

        var boxes = new List<BoxState>();
        await using (var command = db.CreateCommand("""
            SELECT device, epoch, watermark, highest, entries, repeats, batches, first_seen, last_seen,
                   reported_state, reported_at, reported_watermark, reported_last_id, reported_pending
            FROM boxes ORDER BY device
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancel))
        {
            while (await reader.ReadAsync(cancel))
            {
                var device = reader.GetString(0);
                boxes.Add(new BoxState(device, reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
                    reader.GetInt64(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8),
                    gaps.GetValueOrDefault(device) ?? [],
                    reader.IsDBNull(9) ? null : reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                    reader.IsDBNull(11) ? null : reader.GetInt64(11),
                    reader.IsDBNull(12) ? null : reader.GetInt64(12),
                    reader.IsDBNull(13) ? null : reader.GetInt64(13)));
            }
        }

        return boxes;
    }

    public static string Metrics(IReadOnlyList<BoxState> boxes, InstanceState instance)
    {
        var text = new StringBuilder();
        var id = Label(instance.InstanceId);
        void Counter(string name, string help, long value, string type = "counter")
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name}{{instance_id=\"{id}\"}} {value}\n");
        }

        Counter("edge_cloud_connected", "1 while this instance is connected to the broker", instance.Connected ? 1 : 0, "gauge");
        Counter("edge_cloud_connects_total", "connections made to the broker", instance.Connects);
        Counter("edge_cloud_messages_total", "messages received", instance.Messages);
        Counter("edge_cloud_batches_landed_total", "batches committed", instance.Batches);
        Counter("edge_cloud_entries_landed_total", "log entries stored for the first time", instance.Entries);
        Counter("edge_cloud_entries_repeated_total", "log entries received again and ignored", instance.Repeats);
        Counter("edge_cloud_messages_held", "messages received and not yet acknowledged", instance.Held, "gauge");
        Counter("edge_cloud_ahead_waits_total", "times a batch waited for its box's earlier entries", instance.AheadWaits);
        Counter("edge_cloud_gaps_total", "batches stored with earlier entries still missing", instance.Gaps);
        Counter("edge_cloud_rejected_total", "messages kept aside as unreadable or contradictory", instance.Rejected);
        Counter("edge_cloud_database_errors_total", "landings that failed and were retried", instance.DatabaseErrors);
        foreach (var (name, help, value) in new (string, string, Func<BoxState, long>)[]
                 {
                     ("edge_cloud_box_watermark", "highest log id below which all of the box's entries have landed", b => b.Watermark),
                     ("edge_cloud_box_entries", "entries landed from the box", b => b.Entries),
                     ("edge_cloud_box_missing", "ids recorded as gaps", b => b.Missing),
                     ("edge_cloud_box_behind", "entries the box reports that have not landed", b => b.Behind ?? 0),
                     ("edge_cloud_box_last_seen_seconds", "Unix time of the box's last message", b => b.LastSeen.ToUnixTimeSeconds()),
                 })
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n");
            foreach (var box in boxes)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}{{device=\"{Label(box.Device)}\"}} {value(box)}\n");
            }
        }

        return text.ToString();
    }

    private static string Label(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Page(IReadOnlyList<BoxState> boxes, InstanceState instance)
    {
        static string E(object? value) => WebUtility.HtmlEncode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
        static string When(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";
        var html = new StringBuilder("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <meta http-equiv="refresh" content="5"><title>edge cloud: boxes</title>
            <style>body{font:16px system-ui,sans-serif;margin:1rem}table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #ccc;text-align:right}
            td:first-child,th:first-child{text-align:left}.bad{color:#a00;font-weight:bold}</style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture,
            $"<h1>Boxes</h1><p>Instance <b>{E(instance.InstanceId)}</b>: {(instance.Connected ? "connected to the broker" : "<span class=bad>not connected to the broker</span>")}; " +
            $"{instance.Entries:N0} entries landed here, {instance.Held:N0} messages held, {instance.Rejected:N0} kept aside.</p>");
        html.Append("<table><thead><tr><th>box</th><th>landed up to</th><th>entries</th><th>repeats</th><th>missing</th><th>box says</th><th>behind</th><th>last seen</th></tr></thead><tbody>");
        foreach (var box in boxes)
        {
            var missing = box.Missing == 0 ? "0" : $"<span class=bad>{box.Missing:N0} ({string.Join(", ", box.Gaps.Take(5).Select(g => $"{g.First}-{g.Last}"))})</span>";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(box.Device)}{(box.Epoch > 1 ? $" (log {box.Epoch})" : "")}</td><td>{box.Watermark:N0}</td><td>{box.Entries:N0}</td><td>{box.Repeats:N0}</td>" +
                $"<td>{missing}</td><td>{E(box.ReportedState)}</td><td>{(box.Behind is { } behind ? behind.ToString("N0", CultureInfo.InvariantCulture) : "")}</td><td>{When(box.LastSeen)}</td></tr>");
        }

        if (boxes.Count == 0)
        {
            html.Append("<tr><td colspan=8>No box has sent anything yet.</td></tr>");
        }

        html.Append("</tbody></table></body></html>");
        return html.ToString();
    }
}
