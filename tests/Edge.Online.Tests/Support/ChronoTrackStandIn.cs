using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace Edge.Online.Tests.Support;

/// <summary>
/// ChronoTrack Live as PROTOCOLS.md §4 documents it: <c>/api/event/{id}/entry?format=json&amp;page=&amp;size=</c> with
/// <c>client_id</c>, <c>user_id</c> and <c>user_pass</c> = SHA-1 hex of the password (anything else, a SHA-256 of the
/// right password included, is refused with 401); the page in <c>{"event_entry": [...]}</c> and the paging in the
/// <c>X-Ctlive-*</c> headers.
/// </summary>
public sealed class ChronoTrackStandIn : StandIn
{
    public const string ClientId = "edge-client-17";
    public const string User = "timer@example.org";
    public const string Password = "ct pass: not for printing";

    private ChronoTrackStandIn(TimeProvider? clock) : base(clock)
    {
    }

    public Uri BaseUrl => new(Root, "api/");

    public long EventId { get; init; } = 98765;

    public List<JsonObject> Entries { get; } = [];

    /// <summary>Off: answers carry no X-Ctlive-* headers (the client then stops at a short page).</summary>
    public bool PagingHeaders { get; set; } = true;

    /// <summary>Added to the row count the headers claim (a list that grew during the pull).</summary>
    public int RowCountSkew { get; set; }

    public static async Task<ChronoTrackStandIn> StartAsync(TimeProvider? clock = null)
    {
        var standIn = new ChronoTrackStandIn(clock);
        await standIn.ListenAsync();
        return standIn;
    }

    public static string Sha1(string text) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));

    public void AddEntries(string raceName, int count, int firstBib)
    {
        for (var i = 0; i < count; i++)
        {
            var bib = firstBib + i;
            Entries.Add(Entry(500_000 + bib, bib.ToString(CultureInfo.InvariantCulture), $"Ath{bib}", $"Lete{bib}", i % 3 == 0 ? "M" : "F", 18 + i % 60, raceName));
        }
    }

    /// <summary>An entry with the fields ChronoTrack Live's own clients read.</summary>
    public static JsonObject Entry(long entryId, string bib, string first, string last, string sex, int? age, string race,
        string city = "Boulder", string region = "CO", string? team = null) => new()
        {
            ["entry_id"] = entryId.ToString(CultureInfo.InvariantCulture),
            ["entry_bib"] = bib,
            ["entry_name"] = $"{first} {last}",
            ["athlete_first_name"] = first,
            ["athlete_last_name"] = last,
            ["athlete_sex"] = sex,
            ["entry_race_age"] = age?.ToString(CultureInfo.InvariantCulture),
            ["location_city"] = city,
            ["location_region"] = region,
            ["location_country"] = "US",
            ["race_name"] = race,
            ["team_name"] = team,
            ["entry_status"] = "ACTIVE",
        };

    public SeenRequest[] EntryRequests() => [.. Requests.Where(r => r.Path.EndsWith("/entry", StringComparison.Ordinal))];

    protected override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/event/{eventId:long}/entry", (long eventId, HttpRequest request, HttpResponse response) =>
        {
            var query = request.Query;
            if (query["client_id"] != ClientId || query["user_id"] != User || query["user_pass"] != Sha1(Password))
            {
                return HttpResults.Content("""{"error":"Invalid user credentials"}""", "application/json", statusCode: StatusCodes.Status401Unauthorized);
            }

            if (eventId != EventId || query["format"] != "json")
            {
                return HttpResults.Content("""{"error":"Event not found"}""", "application/json", statusCode: StatusCodes.Status404NotFound);
            }

            var page = int.TryParse(query["page"], out var p) && p > 0 ? p : 1;
            var size = int.TryParse(query["size"], out var s) && s > 0 ? s : 25;
            var pages = Math.Max(1, (Entries.Count + size - 1) / size);
            if (PagingHeaders)
            {
                response.Headers["X-Ctlive-Row-Count"] = (Entries.Count + RowCountSkew).ToString(CultureInfo.InvariantCulture);
                response.Headers["X-Ctlive-Page-Count"] = pages.ToString(CultureInfo.InvariantCulture);
                response.Headers["X-Ctlive-Page-Size"] = size.ToString(CultureInfo.InvariantCulture);
                response.Headers["X-Ctlive-Current-Page"] = page.ToString(CultureInfo.InvariantCulture);
            }

            var rows = new JsonArray([.. Entries.Skip((page - 1) * size).Take(size).Select(e => e.DeepClone())]);
            return HttpResults.Content(new JsonObject { ["event_entry"] = rows }.ToJsonString(), "application/json");
        });
    }
}
